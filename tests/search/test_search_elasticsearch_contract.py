"""Elasticsearch contract: index settings, mappings and query bodies are built offline (no server runs
here) and must carry the Vietnamese folding analyzer and the site scoping.

Integration tests against a real cluster run when ELASTICSEARCH_URL is set (see the `elasticsearch` marker).
"""

import datetime
import os

import pytest
from wagtail.models import Page

from communes.models import NewsPage
from search.backends import search_backends
from search.backends.elasticsearch import FOLDING_ANALYZER, Elasticsearch8FoldingBackend

OFFLINE_URL = "http://127.0.0.1:9"


@pytest.fixture
def backend():
    return Elasticsearch8FoldingBackend({"URLS": [OFFLINE_URL], "INDEX_PREFIX": "test_"})


def test_settings_choose_the_folding_backend_matching_the_servers_major_version():
    assert search_backends()["default"]["BACKEND"] == "search.backends.database"
    config = search_backends("https://es.example.vn:9200", "cms", elasticsearch_version=9)
    assert config["default"]["BACKEND"] == "search.backends.elasticsearch.Elasticsearch9FoldingBackend"
    assert config["default"]["INDEX_PREFIX"] == "cms_"
    assert config["fallback"]["BACKEND"] == "search.backends.database"
    assert "fallback" not in search_backends("https://es.example.vn:9200", database_fallback=False)
    with pytest.raises(ValueError):
        search_backends("https://es.example.vn:9200", elasticsearch_version=6)


def test_index_settings_fold_vietnamese_for_indexing_and_querying(backend):
    analyzers = backend.settings["settings"]["analysis"]["analyzer"]
    for name in ("default", FOLDING_ANALYZER):
        assert analyzers[name]["tokenizer"] == "standard"
        assert analyzers[name]["filter"] == ["lowercase", "asciifolding"]
    assert "asciifolding" in analyzers["edgengram_analyzer"]["filter"]
    # Wagtail's own analyzers are kept.
    assert "ngram_analyzer" in analyzers


def test_the_mapping_folds_autocomplete_queries_too(backend):
    mapping = backend.mapping_class(NewsPage).get_mapping()
    edgengrams = mapping["properties"]["_edgengrams"]
    assert edgengrams["analyzer"] == "edgengram_analyzer"
    assert edgengrams["search_analyzer"] == FOLDING_ANALYZER
    # Text fields carry no analyzer of their own, so the index's `default` (folding) one applies.
    title = mapping["properties"]["title"]
    assert title["type"] == "text" and "analyzer" not in title


def test_a_commune_query_is_folded_and_filtered_to_the_communes_subtree(backend, district):
    commune = district.a.home
    pages = Page.objects.live().public().descendant_of(commune, inclusive=True)
    results = backend.search("Quyết định Đắk La", pages)
    body = results._get_es_body()
    text = repr(body)
    assert "quyet dinh dak la" in text
    assert "Đắk" not in text
    # The subtree filter: only pages whose tree path starts with the commune's.
    assert repr({"prefix": {"path_filter": commune.path}}) in text
    assert repr({"range": {"depth_filter": {"gte": commune.depth}}}) in text


def test_an_autocomplete_query_is_folded_and_scoped(backend, district):
    pages = Page.objects.live().descendant_of(district.b.home)
    body = repr(backend.autocomplete("Hà Mò", pages)._get_es_body())
    assert "ha mo" in body and district.b.home.path in body


@pytest.mark.elasticsearch
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs a real cluster: set ELASTICSEARCH_URL")
def test_a_real_cluster_finds_diacritics_from_a_folded_query(district):
    """Run: ELASTICSEARCH_URL=http://localhost:9200 ELASTICSEARCH_VERSION=8 pytest -m elasticsearch tests/search"""
    from search_corpus import build_corpus

    from search.services import site_search

    major = int(os.environ.get("ELASTICSEARCH_VERSION", "8"))
    backend_path = f"search.backends.elasticsearch.Elasticsearch{major}FoldingBackend"
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(WAGTAILSEARCH_BACKENDS={"default": {
        "BACKEND": backend_path, "URLS": [os.environ["ELASTICSEARCH_URL"]], "INDEX_PREFIX": "cms_test_",
    }}):
        corpus = build_corpus(district, with_questions=False)
        call_command("update_index", verbosity=0)
        hits = site_search(district.a.home, "dak la tiem phong", record=False).results
        assert corpus["news_vaccination_a"].pk in [h.pk for h in hits]
        assert all(h.commune_title == "Xã Đắk La" for h in hits)


def test_site_search_keeps_elasticsearchs_order_and_the_scope_with_light_candidates(district):
    """The page candidates are (id, type, path) rows: Elasticsearch's hits are fetched through that
    queryset (so anything outside the scope drops out) in the order Elasticsearch ranked them, and only the
    results shown are loaded in full for their titles, URLs and snippets. The cluster is stood in for."""
    from unittest import mock

    from django.test import override_settings
    from search_corpus import build_corpus

    from search.services import site_search

    with override_settings(WAGTAILSEARCH_BACKENDS={"default": {"BACKEND": "search.backends.database"}}):
        corpus = build_corpus(district, with_questions=False)
    ranked = [corpus["doc_45"], corpus["news_vaccination_b"], corpus["news_vaccination_a"]]  # B is out of scope
    sent = []

    def es_search(index, **params):
        sent.append((index, repr(params)))
        if not index.endswith("wagtailcore_page"):
            return {"hits": {"hits": []}}
        return {"hits": {"hits": [{"fields": {"pk": [page.pk]}, "_score": 10.0 - n} for n, page in enumerate(ranked)]}}

    settings = {"default": {"BACKEND": "search.backends.elasticsearch.Elasticsearch8FoldingBackend",
                            "URLS": [OFFLINE_URL], "INDEX_PREFIX": "test_"}}
    with override_settings(WAGTAILSEARCH_BACKENDS=settings):
        from wagtail.search.backends import get_search_backend

        with mock.patch.object(type(get_search_backend().es), "search", side_effect=es_search, autospec=False):
            outcome = site_search(district.a.home, "Tiêm phòng", record=False)
    assert not outcome.error and not outcome.used_fallback
    assert [(h.kind, h.pk) for h in outcome.results] == [
        ("van-ban", corpus["doc_45"].pk), ("tin-tuc", corpus["news_vaccination_a"].pk)]
    first, second = outcome.results
    assert first.title == "Quyết định số 45/QĐ-UBND" and first.url == "http://dak-la.localhost/van-ban/qd-45-ubnd/"
    assert first.date == datetime.date(2024, 3, 20) and first.commune_title == "Xã Đắk La"
    assert "<mark>tiêm</mark> <mark>phòng</mark>" in second.snippet.lower()
    page_query = next(body for index, body in sent if index.endswith("wagtailcore_page"))
    assert "tiem phong" in page_query and repr({"prefix": {"path_filter": district.a.home.path}}) in page_query
