"""Wagtail's database backend (modelsearch), folding Vietnamese on SQLite and PostgreSQL.

The index stores `search_text()` of every field (folded words, no punctuation) and queries are folded the
same way inside the query compiler, so the Wagtail admin's own searches fold too. On PostgreSQL the text
search configuration `vietnamese_unaccent` (created by search migration 0001: `simple` + `unaccent`) is
used for full-text and autocomplete vectors, so text that reaches PostgreSQL unfolded still matches.

Speed at district size (50,000 pages, benchmarks/search_benchmark.py):
- SQLite: modelsearch 1.3.2 orders by a score subquery that re-runs the FTS5 MATCH once per matching row
  (quadratic: a portal-wide query did not finish in 14 minutes). TopRankedSQLiteCompilerMixin runs the
  MATCH once, scores with the same bm25 expression, and pushes the scope filter, ORDER BY and LIMIT into
  that one statement; same results, same order.
- PostgreSQL: modelsearch filters on `title || body` but only indexes title and body separately; search
  migration 0003 adds the GIN index on that expression, so matches come from the index.
  UnselectedVectorPostgresCompilerMixin filters on that expression without also selecting it for every
  row returned.
"""

import functools
import json
import re
import time
import types

from django.db import connection
from django.db.models import Case, CharField, Exists, FloatField, Func, IntegerField, OuterRef, Value, When
from django.db.models.functions import Cast, Concat
from modelsearch.backends.database.fallback import DatabaseSearchBackend
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks

from core.folding import search_text

POSTGRES_SEARCH_CONFIG = "vietnamese_unaccent"


def fold_query(query):
    """The same search query with every string folded (And/Or/Not/Boost are walked)."""
    if isinstance(query, str):
        return search_text(query)
    if isinstance(query, PlainText):
        return PlainText(search_text(query.query_string), operator=query.operator, boost=query.boost)
    if isinstance(query, Phrase):
        return Phrase(search_text(query.query_string))
    if isinstance(query, Fuzzy):
        return Fuzzy(search_text(query.query_string), operator=query.operator, unaccent=query.unaccent)
    if isinstance(query, (And, Or)):
        return type(query)([fold_query(sub) for sub in query.subqueries])
    if isinstance(query, Not):
        return Not(fold_query(query.subquery))
    if isinstance(query, Boost):
        return Boost(fold_query(query.subquery), query.boost)
    return query


class FoldingIndexerMixin:
    """Every value the indexer extracts is stored as folded words."""

    def prepare_value(self, value):
        return search_text(super().prepare_value(value))


class FoldingCompilerMixin:
    def __init__(self, queryset, query, *args, **kwargs):
        super().__init__(queryset, fold_query(query), *args, **kwargs)


def _ranked_position(pks):
    """Where each row's (integer) primary key is in `pks`, to order by: `instr(',12,7,31,', ',' || id || ',')`.
    One string parameter: a CASE of a WHEN per key takes Django longer to build than SQLite to run."""
    return Func(Value("," + ",".join(str(int(value)) for value in pks) + ","),
                Concat(Value(","), Cast("pk", CharField()), Value(","), output_field=CharField()),
                function="instr", output_field=IntegerField())


class TopRankedSQLiteCompilerMixin:
    """One FTS5 MATCH, ordered by score, with the scope and the LIMIT in the same statement.

    modelsearch's SQLiteSearchQueryCompiler.search() annotates each result with a correlated subquery
    holding the whole MATCH, so SQLite runs the full-text query again for every matching row. Here the
    FTS table is the driving table: MATCH once, keep entries whose object is in the caller's queryset
    (scope, live, public: each looked up by primary key), order by the very same rank expression
    (bm25 of title × title_norm + bm25 of body) then -pk as modelsearch does, and take [start:stop]. The
    objects of that slice are then fetched in that order. Unsliced searches, facets, negations and
    date/field orderings keep modelsearch's code (correct, just slow at scale), and so do slices longer
    than MAX_RANKED_SLICE, whose primary keys would not fit in SQLite's bound parameters."""

    MAX_RANKED_SLICE = 1000

    def search(self, config, start, stop, score_field=None):
        from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
        from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

        query = normalize(self.query)
        if (stop is None or stop - (start or 0) > self.MAX_RANKED_SLICE or not self.order_by_relevance
                or isinstance(query, (MatchAll, Not))):
            return super().search(config, start, stop, score_field=score_field)

        model = self.queryset.model
        pk = model._meta.pk
        numeric_pk = isinstance(getattr(pk, "target_field", pk), IntegerField)
        match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config))
        object_id = Cast("index_entry__object_id", IntegerField()) if numeric_pk else "index_entry__object_id"
        entries = SQLiteFTSIndexEntry.objects.filter(match)
        if numeric_pk:
            # Each match looked up in the queryset by primary key: an IN would first build an index of every
            # key in scope (all 50,000 pages for a portal-wide search), whatever the number of matches.
            entries = entries.alias(_object_pk=object_id).filter(
                Exists(self.queryset.order_by().filter(pk=OuterRef("_object_pk"))))
        else:
            entries = entries.filter(index_entry__object_id__in=self.queryset.order_by().annotate(
                _object_id=Cast("pk", CharField())).values("_object_id"))
        rows = list(
            entries.filter(index_entry__content_type__in=get_descendants_content_types_pks(model))
            .annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
            .order_by("score", object_id.desc() if numeric_pk else "-index_entry__object_id")
            .values_list("index_entry__object_id", "score")[start:stop]
        )
        if not rows:
            return self.queryset.none()
        pks = [pk.to_python(value) for value, _score in rows]
        queryset = self.queryset.filter(pk__in=pks).order_by(_ranked_position(pks) if numeric_pk else Case(
            *[When(pk=value, then=Value(position)) for position, value in enumerate(pks)],
            output_field=IntegerField(),
        ))
        if score_field is not None:
            queryset = queryset.annotate(**{score_field: Case(
                *[When(pk=value, then=Value(score)) for value, (_id, score) in zip(pks, rows, strict=True)],
                output_field=FloatField(),
            )})
        return queryset


class UnselectedVectorPostgresCompilerMixin:
    """modelsearch's PostgreSQL search, filtering on `title || body` without selecting it.

    modelsearch annotates the queryset with the concatenated vector to filter on it, so every row
    returned also carries that vector: PostgreSQL concatenates it again for each one, sends it, and the
    driver parses it, for nothing. An alias filters exactly the same way (same WHERE, same ORDER BY, same
    rows) and selects nothing. Match-all and fuzzy queries keep modelsearch's code."""

    def search(self, config, start, stop, score_field=None, backend=None):
        if isinstance(self.query, (MatchAll, Fuzzy)) or (
                isinstance(self.query, Not) and isinstance(self.query.subquery, MatchAll)):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        search_query = self.build_tsquery(self.query, config=config)
        vectors = self.get_search_vectors(search_query)
        rank_expression = self._build_rank_expression(vectors, config)
        combined_vector = vectors[0][0]
        for vector, _boost in vectors[1:]:
            combined_vector = combined_vector._combine(vector, "||", False)
        queryset = self.queryset.alias(_vector_=combined_vector).filter(_vector_=search_query)
        return self._apply_ordering_and_scoring(queryset, rank_expression, start, stop, score_field)


_ESTIMATES = {}  # (database, SQL, parameters): (rows, monotonic time it is good until)
ESTIMATE_SECONDS = 300
MAX_ESTIMATES = 2048


def _estimated_rows(queryset):
    """How many rows PostgreSQL's planner expects the queryset to have (planning only, nothing is read),
    remembered for a few minutes: a site has few scopes, and the share only steers the plan."""
    queryset = queryset.order_by()
    sql, params = queryset.query.sql_with_params()
    key = (queryset.db, sql, tuple(map(repr, params)))
    now = time.monotonic()
    known = _ESTIMATES.get(key)
    if known is not None and known[1] > now:
        return known[0]
    rows = json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]
    if len(_ESTIMATES) >= MAX_ESTIMATES:
        _ESTIMATES.clear()
    _ESTIMATES[key] = (rows, now + ESTIMATE_SECONDS)
    return rows


class TopRankedPostgresCompilerMixin:
    """On PostgreSQL, a search over most of what is indexed (a portal-wide search) ranks the index first.

    modelsearch joins the queryset's table to the index entries and ranks the matches in scope: for a
    portal-wide search that reads and hashes the whole page table on every query, to keep nearly all of it.
    When the planner expects the queryset to hold at least MIN_SCOPE_SHARE of its model's rows, the index
    entries are ranked on their own instead (the same rank expression, then the primary key descending, as
    modelsearch orders), enough of the first ones for `stop` at the expected share are checked against the
    queryset (each by its primary key, after the ranking), and the first `stop` in it are the results. If
    fewer were in it while more had matched, modelsearch's query runs instead: either way the same rows in
    the same order. A one-word query matches `title @@ q OR body @@ q`, the rows `(title || body) @@ q`
    matches, without concatenating two vectors per row (for several words, the GIN index on the
    concatenation is faster). Other queries, unsliced or unranked searches keep modelsearch's code."""

    MIN_SCOPE_SHARE = 0.5
    MAX_RANKED = 5000

    def search(self, config, start, stop, score_field=None, backend=None):
        from django.contrib.postgres.fields import ArrayField
        from django.db.models import BigIntegerField, F, Q, Subquery
        from modelsearch.backends.database.postgres.postgres import IndexEntry

        model = self.queryset.model
        pk = model._meta.pk
        if (stop is None or not self.order_by_relevance or self.fields is not None
                or not isinstance(getattr(pk, "target_field", pk), IntegerField)
                or not isinstance(self.query, PlainText)):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        share = _estimated_rows(self.queryset) / max(1.0, _estimated_rows(model._default_manager.all()))
        if share < self.MIN_SCOPE_SHARE:
            return super().search(config, start, stop, score_field=score_field, backend=backend)

        search_query = self.build_tsquery(self.query, config=config)
        if len([word for word in re.split(r"[\s\-]+", self.query.query_string) if word]) == 1:
            matches = IndexEntry.objects.filter(Q(title=search_query) | Q(body=search_query))
        else:
            matches = IndexEntry.objects.alias(_vector_=F("title")._combine(F("body"), "||", False)).filter(
                _vector_=search_query)
        # modelsearch's index vectors, read from the entries themselves instead of through the join.
        rank = self._build_rank_expression([(F("title"), F("title_norm")), (F("body"), 1.0)], config)
        limit = min(self.MAX_RANKED, int(stop / min(share, 1.0) * 1.25) + 10)
        rows = list(
            matches.filter(content_type_id__in=get_descendants_content_types_pks(model))
            .annotate(_score=rank, _object_pk=Cast("object_id", BigIntegerField()))
            .order_by(F("_score").desc(), F("_object_pk").desc())
            # Not a sort key, so PostgreSQL looks it up (by primary key) only for the rows the LIMIT keeps;
            # a scalar subquery, as EXISTS may be run as a hash of the whole queryset instead.
            .annotate(_in_scope=Subquery(self.queryset.order_by().filter(pk=OuterRef("_object_pk")).values("pk")[:1]))
            .values_list("_object_pk", "_score", "_in_scope")[:limit]
        )
        kept = [(value, score) for value, score, in_scope in rows if in_scope is not None]
        if len(kept) < stop and len(rows) == limit:
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        kept = kept[start:stop]
        if not kept:
            return self.queryset.none()
        pks = [pk.to_python(value) for value, _score in kept]
        # In the ranked order: one array parameter (a CASE of hundreds of WHENs costs more to build).
        position = Func(Value(pks, output_field=ArrayField(BigIntegerField())), Cast("pk", BigIntegerField()),
                        function="array_position", output_field=IntegerField())
        queryset = self.queryset.filter(pk__in=pks).order_by(position)
        if score_field is not None:
            queryset = queryset.annotate(**{score_field: Case(
                *[When(pk=value, then=Value(score)) for value, (_id, score) in zip(pks, kept, strict=True)],
                output_field=FloatField(),
            )})
        return queryset


def _folding_index(index_class, indexer_class):
    """The backend's index class, building folded entries.

    modelsearch's `add_items` looks its ObjectIndexer up as a module global. Rather than copy that
    method (70 lines on PostgreSQL) or patch the library's module, we rebuild the same function over a
    copy of its globals in which ObjectIndexer is the folding indexer: thread-safe and local to us."""
    folding_indexer = type(f"Folding{indexer_class.__name__}", (FoldingIndexerMixin, indexer_class), {})
    add_items = index_class.add_items
    add_items = types.FunctionType(
        add_items.__code__, {**add_items.__globals__, "ObjectIndexer": folding_indexer},
        add_items.__name__, add_items.__defaults__, add_items.__closure__,
    )
    return type(f"Folding{index_class.__name__}", (index_class,), {"add_items": add_items})


@functools.cache
def _backend_class_for(vendor):
    """The folding variant of the class modelsearch would pick for this database vendor."""
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend as base
    elif vendor == "sqlite":
        from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

        if not (fts5_available() and fts_table_exists()):
            return DatabaseSearchBackend  # no full-text table: plain LIKE, folding cannot help
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend as base
    else:
        from modelsearch.backends import database as modelsearch_database

        return type(modelsearch_database.SearchBackend({}))
    return _folding_backend_class(base, postgres=vendor == "postgresql")


def SearchBackend(params):  # noqa: N802 - modelsearch looks this name up in the module
    return _backend_class_for(connection.vendor)(params)


def _folding_backend_class(backend_class, postgres=False):
    if postgres:
        mixins = (FoldingCompilerMixin, TopRankedPostgresCompilerMixin, UnselectedVectorPostgresCompilerMixin)
        autocomplete_mixins = (FoldingCompilerMixin, UnselectedVectorPostgresCompilerMixin)
    else:
        mixins = autocomplete_mixins = (FoldingCompilerMixin, TopRankedSQLiteCompilerMixin)
    compiler = type("Folding" + backend_class.query_compiler_class.__name__,
                    (*mixins, backend_class.query_compiler_class), {})
    autocomplete = type("Folding" + backend_class.autocomplete_query_compiler_class.__name__,
                        (*autocomplete_mixins, backend_class.autocomplete_query_compiler_class), {})
    module = __import__(backend_class.__module__, fromlist=["ObjectIndexer"])
    attrs = {
        "query_compiler_class": compiler,
        "autocomplete_query_compiler_class": autocomplete,
        "index_class": _folding_index(backend_class.index_class, module.ObjectIndexer),
    }
    if postgres:

        def __init__(self, params):
            backend_class.__init__(self, params)
            self.config = params.get("SEARCH_CONFIG", POSTGRES_SEARCH_CONFIG)
            # modelsearch fixes autocomplete to `simple`; ours is `simple` plus unaccent.
            self.autocomplete_config = self.config

        attrs["__init__"] = __init__
    return type("Folding" + backend_class.__name__, (backend_class,), attrs)
