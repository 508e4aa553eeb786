"""The public search page and the suggestion endpoint, on a commune's hostname and on the portal."""

import unicodedata

import pytest
from django.test import Client, override_settings
from search_corpus import build_corpus

from communes.models import NewsPage
from search import query_stats
from search.models import SearchQueryStat


@pytest.fixture
def corpus(district):
    return build_corpus(district)


@pytest.fixture
def dak_la():
    return Client(HTTP_HOST="dak-la.localhost")


def test_it_finds_text_with_diacritics_from_a_query_without_them(dak_la, corpus):
    response = dak_la.get("/tim-kiem/", {"q": "dak la tiem phong gia suc"})
    assert response.status_code == 200
    assert "Đắk La tiêm phòng vắc xin cho đàn gia súc" in response.content.decode()


@pytest.mark.parametrize("query", ["Quyết định 1381", "QUYET DINH 1381", unicodedata.normalize("NFD", "quyết định 1381")])
def test_it_folds_case_and_normal_form_of_the_query(dak_la, corpus, query):
    hits = dak_la.get("/tim-kiem/", {"q": query}).context["results"]
    assert corpus["doc_1381"].pk in [h.pk for h in hits]


def test_it_shows_type_date_highlighted_snippet_and_commune_on_the_portal(client, corpus):
    html = client.get("/tim-kiem/", {"q": "tiem phong"}).content.decode()
    assert "Tin tức" in html
    assert "08/04/2024" in html
    assert "<mark>tiêm</mark> <mark>phòng</mark>" in html or "<mark>Tiêm</mark> <mark>phòng</mark>" in html
    assert "Xã Hà Mòn" in html and "Xã Đắk La" in html


def test_a_commune_site_never_shows_another_communes_results(dak_la, corpus):
    html = dak_la.get("/tim-kiem/", {"q": "tiem phong"}).content.decode()
    assert "Hà Mòn tiêm phòng" not in html
    hits = dak_la.get("/tim-kiem/", {"q": "dak ro wang ca phe"}).context["results"].paginator.object_list
    assert hits and {h.commune_title for h in hits} == {"Xã Đắk La"}
    assert corpus["question_b"].pk not in [h.pk for h in hits if h.kind == "hoi-dap"]


def test_the_portal_path_of_a_commune_is_scoped_like_its_hostname(client, corpus):
    hits = client.get("/xa-dak-la/tim-kiem/", {"q": "1381/QD-BTTTT"}).context["results"]
    assert [h.pk for h in hits] == [corpus["doc_1381"].pk]


def test_the_portal_has_a_commune_facet_that_filters(client, corpus, district):
    response = client.get("/tim-kiem/", {"q": "tiem phong"})
    facets = {c.pk: count for c, count in response.context["outcome"].commune_facets}
    assert facets[district.a.home.pk] >= 1 and facets[district.b.home.pk] >= 1
    hits = client.get("/tim-kiem/", {"q": "tiem phong", "xa": district.b.home.pk}).context["results"]
    assert {h.commune_title for h in hits} == {"Xã Hà Mòn"}


def test_it_filters_by_type_and_date_and_sorts_by_date(dak_la, corpus):
    hits = dak_la.get("/tim-kiem/", {"q": "thong tin co so", "loai": "van-ban"}).context["results"]
    assert hits and {h.kind for h in hits} == {"van-ban"}
    hits = dak_la.get("/tim-kiem/", {"q": "thong tin co so", "tu-ngay": "01/01/2023", "den-ngay": "31/12/2023"}).context["results"]
    assert hits and all(h.date.year == 2023 for h in hits)
    hits = list(dak_la.get("/tim-kiem/", {"q": "thong tin co so", "sap-xep": "moi-nhat"}).context["results"])
    assert [h.date for h in hits] == sorted((h.date for h in hits), reverse=True)


def test_it_includes_published_questions_of_the_commune(dak_la, corpus):
    html = dak_la.get("/tim-kiem/", {"q": "den chieu sang kon stiu"}).content.decode()
    assert "Khi nào thôn Kon Stiu có đèn chiếu sáng?" in html
    assert f"/hoi-dap/{corpus['question_light'].pk}/" in html


def test_bad_dates_get_a_clear_message_and_the_search_still_runs(dak_la, corpus):
    response = dak_la.get("/tim-kiem/", {"q": "khai sinh", "tu-ngay": "32/13/2024"})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()
    assert response.context["results"]


def test_it_paginates(dak_la, corpus, monkeypatch):
    monkeypatch.setattr("search.services.PAGE_SIZE", 3)
    first = dak_la.get("/tim-kiem/", {"q": "xa"}).context["results"]
    assert first.paginator.num_pages >= 2
    second = dak_la.get("/tim-kiem/", {"q": "xa", "trang": 2}).context["results"]
    assert not {h.pk for h in first} & {h.pk for h in second}
    assert dak_la.get("/tim-kiem/", {"q": "xa", "trang": "abc"}).status_code == 200


def test_search_pages_have_bounded_sql(dak_la, client, corpus, django_assert_max_num_queries):
    # Measured warm: a first request fills the process's caches, whose cold cost depends on what earlier
    # tests left. Of these, the search's own are bounded below (search_queries); the rest are the site's
    # (host, routing, menus, alert banner), plus up to 6 when a short-lived cache refills between two
    # requests: the request log's commune map (2, once a minute per process) and the alert banner's list (4).
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})
    client.get("/tim-kiem/", {"q": "khai sinh"})
    with django_assert_max_num_queries(22):
        dak_la.get("/tim-kiem/", {"q": "thong tin co so"})
    with django_assert_max_num_queries(22):
        client.get("/tim-kiem/", {"q": "tiem phong"})


def test_an_empty_commune_search_offers_the_portal_and_the_question_form_within_the_budget(
    dak_la, client, corpus, django_assert_max_num_queries
):
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})  # warm, as above
    with django_assert_max_num_queries(22):
        html = dak_la.get("/tim-kiem/", {"q": "khongcoketquanao"}).content.decode()
    assert "Không tìm thấy kết quả" in html
    assert "/tim-kiem/?q=khongcoketquanao\">Tìm “khongcoketquanao” trên toàn" in html
    assert "/hoi-dap/gui-cau-hoi/\">Gửi câu hỏi</a>" in html
    # The portal's own empty search has no wider scope to offer.
    assert "trên toàn" not in client.get("/tim-kiem/", {"q": "khongcoketquanao"}).content.decode().split("</h1>", 1)[1]


@pytest.fixture
def search_queries(monkeypatch):
    """The SQL of each site_search the search page runs, as the page runs it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import services, views

    runs = []

    def measured(*args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            outcome = services.site_search(*args, **kwargs)
        runs.append((outcome, [q["sql"] for q in queries.captured_queries]))
        return outcome

    monkeypatch.setattr(views, "site_search", measured)
    return runs


@pytest.mark.parametrize("page_size", [3, 10, 20])
def test_a_search_costs_at_most_ten_queries_whatever_the_results_shown_or_indexed(
    dak_la, client, corpus, district, search_queries, monkeypatch, page_size
):
    monkeypatch.setattr("search.services.PAGE_SIZE", page_size)
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})  # warm
    client.get("/tim-kiem/", {"q": "khai sinh"})
    counts = {}
    for name, browser, query in (("commune", dak_la, "thong tin co so"), ("portal", client, "tiem phong"),
                                 ("portal, any word", client, "xa tiem"), ("number", dak_la, "1381/QD-BTTTT")):
        search_queries.clear()
        browser.get("/tim-kiem/", {"q": query})
        (outcome, sql), = search_queries
        assert outcome.total and len(outcome.results) == min(page_size, outcome.total - len(outcome.promotions))
        counts[name] = len(sql)
    assert max(counts.values()) <= 10, counts
    # More pages indexed, found and shown: the same queries.
    news = corpus["news_vaccination_a"].get_parent()
    for n in range(20):
        news.add_child(instance=NewsPage(title=f"Tiêm phòng đợt {n + 2}", slug=f"tiem-phong-dot-{n + 2}",
                                         intro="Tiêm phòng gia súc ở thôn Kon Gung."))
    search_queries.clear()
    client.get("/tim-kiem/", {"q": "tiem phong"})
    (outcome, sql), = search_queries
    assert outcome.total >= 22 and len(outcome.results) == page_size
    assert len(sql) <= counts["portal"], sql  # fewer page types shown (one query each), if anything


def test_the_suggestion_endpoint_returns_json_titles(dak_la, corpus, django_assert_max_num_queries, page_cache_off):
    # Includes the first-request cache fills (known hostnames, site root paths).
    with django_assert_max_num_queries(30):
        response = dak_la.get("/tim-kiem/goi-y/", {"q": "thu tuc khai"})
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["query"] == "thu tuc khai"
    assert {"title": "Thủ tục đăng ký khai sinh", "url": "/dang-ky-khai-sinh/", "kind": "Trang thông tin"} in data["suggestions"]
    assert dak_la.get("/tim-kiem/goi-y/", {"q": "ha mon"}).json()["suggestions"] == []


def test_it_counts_queries_for_the_communes_statistics(dak_la, corpus, district):
    dak_la.get("/tim-kiem/", {"q": "Khai sinh"})
    dak_la.get("/tim-kiem/", {"q": "khai   sinh"})
    dak_la.get("/tim-kiem/", {"q": "goi 0912345678 giup"})
    assert query_stats.flush() == 3  # counted in memory, written later (see test_search_query_stats.py)
    stat = SearchQueryStat.objects.get(commune=district.a.home, query_key="khai sinh")
    assert stat.hits == 2 and stat.results_count >= 1
    assert SearchQueryStat.objects.filter(query_key__contains="0912345678").count() == 0


@override_settings(WAGTAILSEARCH_BACKENDS={
    "default": {"BACKEND": "search.backends.elasticsearch.Elasticsearch8FoldingBackend",
                "URLS": ["http://127.0.0.1:9"], "TIMEOUT": 1},
    "fallback": {"BACKEND": "search.backends.database"},
})
def test_when_elasticsearch_is_down_citizens_get_database_results(dak_la, district):
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": {"BACKEND": "search.backends.database"}}):
        corpus = build_corpus(district, with_questions=False)  # indexed in the database only
    response = dak_la.get("/tim-kiem/", {"q": "khai sinh"})
    assert response.status_code == 200
    assert corpus["page_birth"].pk in [h.pk for h in response.context["results"]]


@override_settings(WAGTAILSEARCH_BACKENDS={
    "default": {"BACKEND": "search.backends.elasticsearch.Elasticsearch8FoldingBackend",
                "URLS": ["http://127.0.0.1:9"], "TIMEOUT": 1},
})
def test_without_a_fallback_a_failing_backend_gives_a_clear_message_not_a_500(dak_la, district):
    response = dak_la.get("/tim-kiem/", {"q": "khai sinh"})
    assert response.status_code == 503
    assert "tạm thời gián đoạn" in response.content.decode()
    assert dak_la.get("/tim-kiem/goi-y/", {"q": "khai sinh"}).status_code == 200
