"""Search query statistics are counted in memory and written after the response, in one transaction:
no write inside a search (SQLite's write lock), and no count lost without a log line."""

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from search_corpus import build_corpus

from search import query_stats
from search.models import SearchQueryStat

STAT_TABLE = SearchQueryStat._meta.db_table


@pytest.fixture
def corpus(district):
    return build_corpus(district, with_questions=False)


@pytest.fixture
def dak_la():
    return Client(HTTP_HOST="dak-la.localhost")


def _writes(queries):
    return [q["sql"] for q in queries.captured_queries
            if STAT_TABLE in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")]


def test_a_search_writes_nothing_and_its_count_waits_in_memory(dak_la, client, corpus, district, monkeypatch):
    monkeypatch.setattr("search.services.PAGE_SIZE", 2)
    with CaptureQueriesContext(connection) as queries:
        dak_la.get("/tim-kiem/", {"q": "Khai sinh"})
        dak_la.get("/tim-kiem/", {"q": "khai sinh"})
        client.get("/tim-kiem/", {"q": "tiem phong"})
        dak_la.get("/tim-kiem/", {"q": "thong tin co so", "trang": 2})  # only first result pages count
    assert _writes(queries) == []
    assert not SearchQueryStat.objects.exists()
    waiting = {(commune, key): searches for (commune, key, _date), (searches, _results) in query_stats.pending().items()}
    assert waiting == {(district.a.home.pk, "khai sinh"): 2, (None, "tiem phong"): 1}


def test_counts_are_written_after_a_search_response_once_due(dak_la, corpus, district, monkeypatch):
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})
    assert not SearchQueryStat.objects.exists()  # not due yet
    monkeypatch.setattr(query_stats, "FLUSH_AFTER", 0)
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})  # written when its response is closed
    stat = SearchQueryStat.objects.get()
    assert (stat.commune_id, stat.query_key, stat.hits) == (district.a.home.pk, "khai sinh", 2)
    assert stat.results_count >= 1 and query_stats.pending() == {}
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})
    assert SearchQueryStat.objects.get().hits == 3  # added to the day's row


def test_other_pages_never_write_the_counts(dak_la, corpus, monkeypatch):
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})
    monkeypatch.setattr(query_stats, "FLUSH_AFTER", 0)
    with CaptureQueriesContext(connection) as queries:
        dak_la.get("/")
    assert _writes(queries) == [] and len(query_stats.pending()) == 1


def test_a_failed_write_keeps_the_counts_and_says_so(dak_la, corpus, district, monkeypatch, caplog):
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})

    def database_down(batch):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(query_stats, "_write", database_down)
    with caplog.at_level(logging.ERROR, logger="search.query_stats"):
        assert query_stats.flush() == 0
    assert "kept for the next try" in caplog.text
    dak_la.get("/tim-kiem/", {"q": "khai sinh"})
    monkeypatch.undo()
    assert query_stats.flush() == 2
    assert SearchQueryStat.objects.get(commune=district.a.home).hits == 2


def test_counts_of_a_deleted_commune_are_logged_not_kept_forever(corpus, district, caplog):
    from django.utils import timezone

    query_stats._give_back({(10**9, "khai sinh", timezone.localdate()): (3, 1)}, query_stats._database_name())
    query_stats.record(district.a.home, "khai sinh", 1)
    with caplog.at_level(logging.ERROR, logger="search.query_stats"):
        assert query_stats.flush() == 1
    assert "3 searches of 'khai sinh'" in caplog.text and "no longer exists" in caplog.text
    assert SearchQueryStat.objects.get().hits == 1 and query_stats.pending() == {}


def test_beyond_the_limit_of_waiting_queries_each_refused_count_is_logged(district, monkeypatch, caplog):
    monkeypatch.setattr(query_stats, "MAX_PENDING", 2)
    with caplog.at_level(logging.ERROR, logger="search.query_stats"):
        for query in ("mot", "hai", "ba", "hai"):
            query_stats.record(district.a.home, query, 1)
    assert {key for _commune, key, _date in query_stats.pending()} == {"mot", "hai"}
    assert "one search of 'ba' not counted" in caplog.text


def test_counts_are_only_written_to_the_database_they_were_counted_against(district, monkeypatch, caplog):
    query_stats.record(None, "khai sinh", 1)
    monkeypatch.setattr(query_stats, "_database_name", lambda: "another-database")
    with caplog.at_level(logging.ERROR, logger="search.query_stats"):
        assert query_stats.flush() == 0
    assert "not written to 'another-database'" in caplog.text
    assert not SearchQueryStat.objects.exists()
