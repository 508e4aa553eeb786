"""The speed overrides of search.backends.database change how results are found, never which or in what
order: on SQLite one ranked FTS5 MATCH instead of one per matching row; on PostgreSQL a GIN index that
modelsearch's `title || body` filter can use, and that vector filtered on without being selected."""

import pytest
from django.db import connection
from search_corpus import build_corpus
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from search import services
from search.backends import database

QUERIES = ["dak", "tiem phong", "thong tin co so", "kon gung", "1381 qd btttt", "ke hoach huyen dak ha", "xo dang"]


@pytest.fixture
def corpus(district):
    return build_corpus(district)


def _modelsearch_compiler(backend):
    """The compiler modelsearch itself would use, folding only (no speed override)."""
    base = next(c for c in type(backend).query_compiler_class.__mro__ if c.__module__.startswith("modelsearch."))
    return type("FoldingOnly", (database.FoldingCompilerMixin, base), {})


def _ranked(backend, compiler_class, query, queryset, operator, stop=50):
    backend.query_compiler_class, saved = compiler_class, backend.query_compiler_class
    try:
        return [p.pk for p in backend.search(query, queryset, operator=operator)[:stop]]
    finally:
        backend.query_compiler_class = saved


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the override is for SQLite's FTS5 backend")
class TestSQLiteOneRankedMatch:
    def test_it_returns_the_same_results_in_the_same_order_as_modelsearch(self, district, corpus):
        backend = get_search_backend()
        assert issubclass(backend.query_compiler_class, database.TopRankedSQLiteCompilerMixin)
        plain = _modelsearch_compiler(backend)
        compared = 0
        for scope in (district.portal, district.a.home, district.b.home):
            queryset = services._dated(services.scope_pages(scope))
            for query in QUERIES:
                for operator in ("and", "or"):
                    fast = _ranked(backend, backend.query_compiler_class, query, queryset, operator)
                    assert fast == _ranked(backend, plain, query, queryset, operator), (scope, query, operator)
                    compared += bool(fast)
        assert compared > 20  # the comparison is not vacuous

    def test_it_keeps_the_scope_and_the_slice(self, district, corpus):
        backend = get_search_backend()
        queryset = services.scope_pages(district.a.home)
        everything = [p.pk for p in backend.search("dak", queryset)[:100]]
        assert len(everything) > 3
        assert set(everything) <= set(queryset.values_list("pk", flat=True))
        assert [p.pk for p in backend.search("dak", queryset)[1:3]] == everything[1:3]
        assert backend.search("dak", queryset)[:2].count() == 2
        assert [p.pk for p in backend.search("khong co tu nay", queryset)[:10]] == []

    def test_a_slice_too_long_for_bound_parameters_takes_modelsearchs_path_with_the_same_results(
        self, district, corpus, monkeypatch
    ):
        backend = get_search_backend()
        queryset = services.scope_pages(district.portal)
        ranked = [p.pk for p in backend.search("dak", queryset)[:20]]
        monkeypatch.setattr(database.TopRankedSQLiteCompilerMixin, "MAX_RANKED_SLICE", 2)
        assert [p.pk for p in backend.search("dak", queryset)[:20]] == ranked

    def test_it_annotates_the_score_when_asked(self, district, corpus):
        results = list(get_search_backend().search("dak", Page.objects.live())[:5].annotate_score("_score"))
        scores = [p._score for p in results]
        assert scores == sorted(scores) and all(s < 0 for s in scores)  # bm25: lower is better

    def test_a_ranked_search_costs_two_queries_whatever_the_number_of_matches(
        self, district, corpus, django_assert_max_num_queries
    ):
        queryset = services.scope_pages(district.portal)
        backend = get_search_backend()
        with django_assert_max_num_queries(4):  # page view restrictions (public()), ranked ids, the pages
            assert len(list(backend.search("dak", queryset, operator="or")[:300])) > 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
@pytest.mark.django_db
@pytest.mark.parametrize("min_share", [0.0, 2.0])  # ranking the index first, and modelsearch's join
def test_postgres_searches_filter_on_the_expression_the_gin_index_covers(district, corpus, monkeypatch, min_share):
    from django.test.utils import CaptureQueriesContext
    from wagtail.search.models import IndexEntry

    monkeypatch.setattr(database.TopRankedPostgresCompilerMixin, "MIN_SCOPE_SHARE", min_share)
    table = IndexEntry._meta.db_table
    queryset = services._dated(services.scope_pages(district.portal))
    with CaptureQueriesContext(connection) as queries:
        assert list(get_search_backend().search("dak la", queryset)[:10])
    # modelsearch's filter: what the index covers
    assert any(f'("{table}"."title" || "{table}"."body") @@' in q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:
        # A test database is tiny, so the planner would rather read it all: forbid that to see the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM {table} "
                       "WHERE (title || body) @@ to_tsquery('vietnamese_unaccent', 'dak & la')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on search_indexentry_title_body_gin" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the overrides are for PostgreSQL's backend")
class TestPostgresRankedIndexFirst:
    @pytest.mark.parametrize(("min_share", "max_ranked"), [
        (0.0, 5000),  # always rank the index first
        (0.0, 3),  # ranking the index first, too few checked: modelsearch's query after all
        (2.0, 5000),  # never: modelsearch's query, filtering on the vector without selecting it
        (database.TopRankedPostgresCompilerMixin.MIN_SCOPE_SHARE, 5000),  # as configured: the planner decides
    ])
    def test_it_returns_the_same_results_in_the_same_order_as_modelsearch(
        self, district, corpus, monkeypatch, min_share, max_ranked
    ):
        monkeypatch.setattr(database.TopRankedPostgresCompilerMixin, "MIN_SCOPE_SHARE", min_share)
        monkeypatch.setattr(database.TopRankedPostgresCompilerMixin, "MAX_RANKED", max_ranked)
        backend = get_search_backend()
        assert issubclass(backend.query_compiler_class, database.TopRankedPostgresCompilerMixin)
        plain = _modelsearch_compiler(backend)
        compared = 0
        for scope in (district.portal, district.a.home, district.b.home):
            for queryset in (services._dated(services.scope_pages(scope)),
                             services.scope_pages(scope).values_list("pk", "content_type_id", "path", named=True)):
                for query in QUERIES:
                    for operator in ("and", "or"):
                        for start, stop in ((0, 50), (0, 3), (2, 5)):
                            backend.query_compiler_class, saved = plain, backend.query_compiler_class
                            try:  # modelsearch's rows also carry the vector: compare what was asked for
                                expected = [tuple(r)[:3] if isinstance(r, tuple) else (r.pk, r.display_date)
                                            for r in backend.search(query, queryset, operator=operator)[start:stop]]
                            finally:
                                backend.query_compiler_class = saved
                            found = [tuple(r) if isinstance(r, tuple) else (r.pk, r.display_date)
                                     for r in backend.search(query, queryset, operator=operator)[start:stop]]
                            assert found == expected, (scope, query, operator, start, stop)
                            compared += bool(found)
        assert compared > 100  # the comparison is not vacuous

    def test_it_annotates_the_score_when_asked(self, district, corpus, monkeypatch):
        monkeypatch.setattr(database.TopRankedPostgresCompilerMixin, "MIN_SCOPE_SHARE", 0.0)
        results = list(get_search_backend().search("dak", Page.objects.live())[:5].annotate_score("_score"))
        scores = [p._score for p in results]
        assert len(scores) == 5 and scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)

    def test_a_portal_wide_search_ranks_the_index_and_checks_only_the_first_rows(
        self, district, corpus, monkeypatch, django_assert_max_num_queries
    ):
        monkeypatch.setattr(database.TopRankedPostgresCompilerMixin, "MIN_SCOPE_SHARE", 0.0)
        queryset = services.scope_pages(district.portal)
        with django_assert_max_num_queries(5):  # view restrictions, two planner estimates, ranked ids, the pages
            assert len(list(get_search_backend().search("dak", queryset, operator="or")[:300])) > 3

    def test_the_concatenated_vector_is_filtered_on_but_not_selected(self, district, corpus):
        from wagtail.search.models import IndexEntry

        table = IndexEntry._meta.db_table
        queryset = services.scope_pages(district.portal)
        results = get_search_backend().search("dak la", queryset)[:10]
        sql, _params = results.get_queryset().query.sql_with_params()
        select, where = sql.split(" WHERE ", 1)
        assert f'("{table}"."title" || "{table}"."body") @@' in where
        assert f'"{table}"."title" || ' not in select
        assert len(list(results)) > 0
        assert get_search_backend().search("dak la", queryset).count() == len(list(
            get_search_backend().search("dak la", queryset)))
