"""`manage.py search_purge_query_stats`: query statistics are kept a year, then deleted (retention)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from search.models import SearchQueryStat


@pytest.fixture
def stats(district):
    today = timezone.localdate()
    rows = {}
    for name, commune, age in (("old_a", district.a.home, 400), ("old_portal", None, 366),
                               ("year_b", district.b.home, 365), ("recent_a", district.a.home, 10)):
        rows[name] = SearchQueryStat.objects.create(commune=commune, query_key=f"tu khoa {name}",
                                                    date=today - timezone.timedelta(days=age), hits=3)
    return rows


def _run(*args):
    out = io.StringIO()
    call_command("search_purge_query_stats", *args, stdout=out)
    return out.getvalue()


def test_it_deletes_statistics_older_than_a_year_of_every_commune_and_the_portal(stats):
    output = _run()
    assert "Đã xóa 2 dòng" in output and "365 ngày" in output
    assert set(SearchQueryStat.objects.values_list("query_key", flat=True)) == {"tu khoa year_b", "tu khoa recent_a"}


def test_a_dry_run_counts_without_deleting(stats):
    assert "Sẽ xóa 2 dòng" in _run("--dry-run")
    assert SearchQueryStat.objects.count() == 4


def test_days_sets_the_retention_period(stats):
    assert "Đã xóa 3 dòng" in _run("--days", "30")
    assert list(SearchQueryStat.objects.values_list("query_key", flat=True)) == ["tu khoa recent_a"]


def test_a_retention_below_one_day_is_refused_and_deletes_nothing(stats):
    with pytest.raises(CommandError, match="Số ngày lưu trữ phải từ 1 trở lên"):
        _run("--days", "0")
    assert SearchQueryStat.objects.count() == 4
