"""Abbreviations citizens type (`bhyt`) find the phrases official text writes ("bảo hiểm y tế"), and the
other way round, on every backend: the query is expanded before the backend sees it (search.synonyms)."""

import datetime

import pytest
from django.test import Client
from modelsearch.query import Or, PlainText

from communes.models import NewsIndexPage, NewsPage
from search import synonyms
from search.backends.elasticsearch import Elasticsearch8FoldingBackend
from search.models import SearchSynonym
from search.services import site_search
from search.wagtail_hooks import search_synonym_viewset
from tests.conftest import client_for


def SearchSynonymForm(**kwargs):  # noqa: N802 - the admin's own form class, as its views build it
    return search_synonym_viewset.get_form_class()(**kwargs)


def _news(home, slug, title, intro):
    index = NewsIndexPage.objects.child_of(home).get()
    page = index.add_child(instance=NewsPage(
        title=title, slug=slug, date=datetime.date(2024, 5, 2), intro=intro,
        body=[("paragraph", f"<p>{intro}</p>")]))
    page.save_revision().publish()
    return page


@pytest.fixture
def pages(district):
    a, b = district.a.home, district.b.home
    return {
        "phrase": _news(a, "the-bao-hiem", "Cấp thẻ bảo hiểm y tế cho học sinh",
                        "Xã Đắk La cấp thẻ bảo hiểm y tế miễn phí cho học sinh năm học 2024."),
        "abbreviation": _news(a, "gia-han-bhyt", "Gia hạn thẻ BHYT hộ gia đình",
                              "Hướng dẫn gia hạn BHYT hộ gia đình tại bộ phận một cửa."),
        "local_a": _news(a, "htx-ca-phe", "Hợp tác xã cà phê Đắk La",
                         "Hợp tác xã cà phê nhận thêm thành viên."),
        "local_b": _news(b, "htx-lua", "Hợp tác xã lúa nước Hà Mòn", "Hợp tác xã lúa nước mùa vụ mới."),
    }


def _found(scope, query):
    return [hit.pk for hit in site_search(scope, query, record=False).results.paginator.object_list]


def test_the_portal_starts_with_the_common_abbreviations(db):
    seeded = set(SearchSynonym.objects.filter(commune__isnull=True).values_list("abbreviation_key", "phrase_key"))
    assert {("bhyt", "bao hiem y te"), ("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"),
            ("cccd", "can cuoc cong dan"), ("gplx", "giay phep lai xe"), ("bhxh", "bao hiem xa hoi"),
            ("thpt", "trung hoc pho thong"), ("mttq", "mat tran to quoc")} <= seeded


@pytest.mark.parametrize("query", ["bhyt", "BHYT", "thẻ bhyt"])
def test_an_abbreviation_finds_the_pages_that_write_the_phrase(district, pages, query):
    found = _found(district.a.home, query)
    assert pages["phrase"].pk in found and pages["abbreviation"].pk in found


@pytest.mark.parametrize("query", ["bảo hiểm y tế", "bao hiem y te", "BẢO HIỂM Y TẾ"])
def test_the_phrase_finds_the_pages_that_only_write_the_abbreviation(district, pages, query):
    found = _found(district.portal, query)
    assert pages["abbreviation"].pk in found and pages["phrase"].pk in found


def test_without_the_synonym_the_abbreviation_finds_only_itself(district, pages):
    SearchSynonym.objects.filter(abbreviation_key="bhyt").delete()
    assert _found(district.a.home, "bhyt") == [pages["abbreviation"].pk]


def test_an_editor_added_synonym_works_on_the_next_search(district, pages):
    assert _found(district.a.home, "htx") == []
    synonyms.all_synonyms()  # the list is cached now
    SearchSynonym.objects.create(commune=district.a.home, abbreviation="HTX", phrase="hợp tác xã")
    assert _found(district.a.home, "htx") == [pages["local_a"].pk]


def test_a_communes_synonym_changes_neither_another_communes_search_nor_the_portals(district, pages):
    SearchSynonym.objects.create(commune=district.a.home, abbreviation="HTX", phrase="hợp tác xã")
    assert _found(district.b.home, "htx") == []
    assert _found(district.portal, "htx") == []


def test_a_deleted_synonym_stops_working_on_the_next_search(district, pages):
    synonym = SearchSynonym.objects.create(commune=None, abbreviation="HTX", phrase="hợp tác xã")
    assert set(_found(district.portal, "htx")) == {pages["local_a"].pk, pages["local_b"].pk}
    synonym.delete()
    assert _found(district.portal, "htx") == []


def test_snippets_highlight_the_phrase_found_for_an_abbreviation(district, pages):
    html = Client(HTTP_HOST="dak-la.localhost").get("/tim-kiem/", {"q": "bhyt"}).content.decode()
    assert "<mark>bảo</mark> <mark>hiểm</mark>" in html
    assert "<mark>BHYT</mark>" in html


def test_the_query_is_expanded_both_ways_and_bounded():
    pairs = [("bhyt", "bao hiem y te"), ("ubnd", "uy ban nhan dan")]
    assert synonyms.variants("the bhyt", pairs) == ["the bhyt", "the bao hiem y te"]
    assert synonyms.variants("uy ban nhan dan xa", pairs) == ["uy ban nhan dan xa", "ubnd xa"]
    assert synonyms.variants("bhyt ubnd", pairs) == [
        "bhyt ubnd", "bao hiem y te ubnd", "bhyt uy ban nhan dan", "bao hiem y te uy ban nhan dan"]
    assert synonyms.variants("bhytx", pairs) == ["bhytx"]  # whole words only
    many = [(f"a{n}", f"phrase {n}") for n in range(20)]
    assert len(synonyms.variants(" ".join(f"a{n}" for n in range(20)), many)) == synonyms.MAX_VARIANTS
    assert synonyms.expanded_query("dak la", pairs, "and") == "dak la"
    query = synonyms.expanded_query("bhyt", pairs, "or")
    assert isinstance(query, Or) and [(q.query_string, q.operator) for q in query.subqueries] == [
        ("bhyt", "or"), ("bao hiem y te", "or")]
    assert all(isinstance(q, PlainText) for q in query.subqueries)


def test_elasticsearch_receives_the_abbreviation_and_the_folded_phrase_as_alternatives(district):
    """What Elasticsearch is sent (built offline: no cluster runs here) for an expanded query."""
    backend = Elasticsearch8FoldingBackend({"URLS": ["http://127.0.0.1:9"], "INDEX_PREFIX": "test_"})
    query = synonyms.expanded_query("bhyt", [("bhyt", "bao hiem y te")], "and")
    body = backend.search(query, NewsPage.objects.live().descendant_of(district.a.home))._get_es_body()
    # One `should` (either alternative) per field group, each alternative with all its words required.
    for group in body["query"]["bool"]["must"]["dis_max"]["queries"]:
        matches = [next(iter(clause["match"].values())) for clause in group["bool"]["should"]]
        assert [(m["query"], m["operator"]) for m in matches] == [("bhyt", "and"), ("bao hiem y te", "and")]
    assert {"prefix": {"path_filter": district.a.home.path}} in body["query"]["bool"]["filter"][1]["bool"]["must"]


def test_a_commune_editor_adds_synonyms_for_their_commune_only(district):
    form = SearchSynonymForm(data={"abbreviation": "HTX", "phrase": "hợp tác xã", "commune": ""},
                             for_user=district.editor_a)
    assert not form.is_valid() and "commune" in form.errors
    other = SearchSynonymForm(data={"abbreviation": "HTX", "phrase": "hợp tác xã", "commune": district.b.home.pk},
                              for_user=district.editor_a)
    assert not other.is_valid() and "commune" in other.errors
    own = SearchSynonymForm(data={"abbreviation": "HTX", "phrase": "hợp tác xã", "commune": district.a.home.pk},
                            for_user=district.editor_a)
    assert own.is_valid(), own.errors


def test_portal_staff_add_to_the_list_every_search_uses_and_duplicates_are_refused(district):
    form = SearchSynonymForm(data={"abbreviation": "BHYT", "phrase": "Bảo hiểm Y tế", "commune": ""},
                             for_user=district.district_admin)
    assert not form.is_valid() and "Cặp từ này đã có trong danh sách." in form.errors["abbreviation"]
    blank = SearchSynonymForm(data={"abbreviation": "!!", "phrase": "hợp tác xã", "commune": ""},
                              for_user=district.district_admin)
    assert not blank.is_valid() and "abbreviation" in blank.errors


def test_commune_staff_read_the_portals_list_but_change_only_their_own(district):
    own = SearchSynonym.objects.create(commune=district.a.home, abbreviation="HTX", phrase="hợp tác xã")
    portal_row = SearchSynonym.objects.filter(commune__isnull=True).first()
    visible = SearchSynonym.objects.for_user(district.editor_a)
    editable = SearchSynonym.objects.editable_by(district.editor_a)
    assert own in visible and portal_row in visible
    assert own in editable and portal_row not in editable
    assert own not in SearchSynonym.objects.for_user(district.editor_b)


def test_the_admin_lists_the_synonyms_and_a_commune_editor_cannot_edit_the_portals(district):
    from django.urls import reverse

    client = client_for(district.editor_a)
    listing = client.get(reverse("search_synonyms:index"))
    assert listing.status_code == 200 and "bảo hiểm y tế" in listing.content.decode()
    portal_row = SearchSynonym.objects.filter(commune__isnull=True).first()
    assert client.get(reverse("search_synonyms:edit", args=[portal_row.pk])).status_code in (403, 404)
    response = client.post(reverse("search_synonyms:add"), {
        "abbreviation": "HTX", "phrase": "hợp tác xã", "commune": district.a.home.pk})
    assert response.status_code == 302
    assert SearchSynonym.objects.filter(commune=district.a.home, abbreviation_key="htx").exists()


def test_a_search_reads_the_synonyms_with_one_cache_lookup_and_no_query_of_their_table(district, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    site_search(district.a.home, "bhyt", record=False)  # the list is cached now
    with CaptureQueriesContext(connection) as queries:
        site_search(district.a.home, "bhyt", record=False)
    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("search_searchsynonym" in statement for statement in sql)
    assert len([statement for statement in sql if synonyms.CACHE_KEY in statement]) <= 1  # none with Redis
