"""Tree queries on SQLite read through the path's index (core.tree.PathStartsWith), and find what the
LIKE found."""

import pytest
from django.db import connection
from wagtail.models import Page

from communes.models import NewsPage
from tests.public.conftest import add_news

pytestmark = pytest.mark.django_db


def test_descendants_and_children_are_the_pages_whose_path_starts_with_the_pages(district):
    add_news(district.a.home, "Tin để thử cây trang")
    pages = list(Page.objects.order_by("path"))
    for page in pages:
        below = [p.pk for p in pages if p.path.startswith(page.path) and p.pk != page.pk]
        assert list(Page.objects.descendant_of(page).order_by("path").values_list("pk", flat=True)) == below
        children = [p.pk for p in pages if p.path.startswith(page.path) and p.depth == page.depth + 1]
        assert list(Page.objects.child_of(page).order_by("path").values_list("pk", flat=True)) == children


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the range is SQLite's; PostgreSQL's LIKE uses its index")
def test_on_sqlite_a_communes_latest_news_reads_its_pages_through_the_path_index(district):
    queryset = NewsPage.objects.live().descendant_of(district.a.home).order_by("-date")[:5]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "SCAN wagtailcore_page" not in plan, plan
    assert "(path>? AND path<?)" in plan, plan
