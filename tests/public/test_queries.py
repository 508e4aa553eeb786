"""Page rendering costs a bounded number of SQL queries, whatever the number of news or communes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from provisioning.services import commune_site_create, unit_update_or_create
from sites.models import UnitKind
from tests.public.conftest import add_news

# The render path is measured: the page cache would answer the second request from the cache.
pytestmark = pytest.mark.usefixtures("page_cache_off")

# The ceilings: small, and each independent of how many items a page lists (no N+1). Every HTML page
# includes one cache read for the emergency banner (broadcasts/middleware.py; one SQL query with the
# database cache, none with Redis).
MAX_QUERIES = {
    "portal home": 20,
    "commune home": 18,
    "profile": 18,
    "organisation": 18,
    "news index": 21,
    "news item": 21,
    "document index": 21,
    "document": 20,
    "standard page": 17,
    "rss": 12,
    "sitemap": 19,
}


def page_urls(content):
    a, _ = content
    commune_path = lambda page: page.url_path.split("/xa-dak-la", 1)[1]  # noqa: E731
    return {
        "portal home": ("localhost", "/"),
        "commune home": ("dak-la.localhost", "/"),
        "profile": ("dak-la.localhost", "/gioi-thieu/"),
        "organisation": ("dak-la.localhost", "/co-cau-to-chuc/"),
        "news index": ("dak-la.localhost", "/tin-tuc/"),
        "news item": ("dak-la.localhost", commune_path(a.news[0])),
        "document index": ("dak-la.localhost", "/van-ban/"),
        "document": ("dak-la.localhost", commune_path(a.documents[0])),
        "standard page": ("dak-la.localhost", "/thu-tuc-hanh-chinh/"),
        "rss": ("dak-la.localhost", "/rss/"),
        "sitemap": ("dak-la.localhost", "/sitemap.xml"),
    }


def count_queries(host, path):
    client = Client(HTTP_HOST=host)
    assert client.get(path).status_code == 200  # warm: renditions made, caches filled
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_each_page_type_renders_within_its_query_budget(content, django_assert_max_num_queries):
    for page_type, (host, path) in page_urls(content).items():
        client = Client(HTTP_HOST=host)
        client.get(path)
        with django_assert_max_num_queries(MAX_QUERIES[page_type], info=page_type):
            assert client.get(path).status_code == 200, page_type


def test_query_counts_do_not_grow_with_more_news_or_more_communes(content, district, test_image):
    urls = page_urls(content)
    before = {name: count_queries(*where) for name, where in urls.items()}

    a, _ = content
    for i in range(8):
        add_news(a.home, f"Tin bổ sung {i}", promoted=True, days_ago=10 + i, image=test_image)
    portal = district.portal
    for code, name in [("23530", "Xã Ngọc Wang"), ("23533", "Xã Ngọc Réo")]:
        unit = unit_update_or_create(code=code, name=name, kind=UnitKind.COMMUNE,
                                     codename="xa_" + name.split(" ", 1)[1].lower().replace(" ", "_")
                                     .replace("ọ", "o").replace("é", "e"), parent=portal.unit)
        home = commune_site_create(unit=unit, portal=portal).home
        add_news(home, f"{name}: tin nổi bật", promoted=True, image=test_image)

    after = {name: count_queries(*where) for name, where in urls.items()}
    assert after == before
