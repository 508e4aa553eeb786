"""The portal's commune directory: listed on the portal home while the communes are few, on a page of its own
(`/cac-xa/`, searchable, paginated) beyond, so the home costs the same at 3,321 communes as at 11."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from provisioning.services import commune_site_create, unit_update_or_create
from sites.models import UnitKind


def html(path, host="localhost"):
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def directory_section(page_html):
    return page_html.split('<section aria-labelledby="danh-ba">', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def cache_off(page_cache_off):
    """The render path: the page cache is tested at the end of this file."""


@pytest.fixture
def third_commune(district):
    """A third commune, Đăk Pxi: Đ must sort with D, between Đắk La and Hà Mòn."""
    unit = unit_update_or_create(code="23527", name="Xã Đăk Pxi", kind=UnitKind.COMMUNE, codename="xa_dak_pxi",
                                 parent=district.portal.unit)
    return commune_site_create(unit=unit, portal=district.portal)


def test_the_home_lists_few_communes_in_vietnamese_order_with_their_own_hostnames(cache_off, district, third_commune):
    section = directory_section(html("/"))
    assert section.index("Xã Đắk La") < section.index("Xã Đăk Pxi") < section.index("Xã Hà Mòn")
    assert '<a href="http://dak-la.localhost/">Xã Đắk La</a>' in section
    assert "/cac-xa/" not in section


def test_beyond_the_limit_the_home_gives_the_count_a_search_and_the_directorys_page(
        cache_off, district, third_commune, monkeypatch):
    monkeypatch.setattr("home.models.DIRECTORY_ON_HOME", 2)
    section = directory_section(html("/"))
    assert "Xã Đắk La" not in section
    assert '<form class="filters" method="get" action="/cac-xa/" role="search">' in section
    assert '<a href="/cac-xa/">Xem danh bạ đầy đủ</a>' in section


def commune_queries(path):
    html(path)  # warm: caches filled
    with CaptureQueriesContext(connection) as queries:
        html(path)
    return [q["sql"] for q in queries
            if '"communes_communehomepage"' in q["sql"] and '"sites_administrativeunit"' in q["sql"]]


def test_beyond_the_limit_the_home_reads_no_commune(cache_off, district, third_commune, monkeypatch):
    monkeypatch.setattr("home.models.DIRECTORY_ON_HOME", 2)
    assert commune_queries("/") == []


def test_communes_without_a_site_of_their_own_still_count_towards_the_limit(
        cache_off, district, third_commune, monkeypatch):
    monkeypatch.setattr("home.models.DIRECTORY_ON_HOME", 2)
    Site.objects.filter(root_page__in=[district.b.home, third_commune.home]).delete()
    reads = commune_queries("/")
    assert len(reads) == 1 and "LIMIT 3" in reads[0], reads
    section = directory_section(html("/"))
    assert "Xã Đắk La" not in section and '<a href="/cac-xa/">Xem danh bạ đầy đủ</a>' in section


def test_below_the_limit_the_home_reads_the_communes_once(cache_off, district, third_commune):
    reads = commune_queries("/")
    assert len(reads) == 1 and "LIMIT 101" in reads[0], reads


def test_the_directorys_page_lists_every_commune_a_page_at_a_time(cache_off, district, third_commune, monkeypatch):
    monkeypatch.setattr("home.models.DIRECTORY_PAGE_SIZE", 2)
    first, second = html("/cac-xa/"), html("/cac-xa/?trang=2")
    assert "Xã Đắk La" in first and "Xã Đăk Pxi" in first and "Xã Hà Mòn" not in first
    assert '<a href="http://ha-mon.localhost/">Xã Hà Mòn</a>' in second and "Xã Đắk La" not in second
    assert "Trang 2/2" in second
    assert "<title>Danh bạ trang thông tin điện tử các xã - " in first


@pytest.mark.parametrize("typed", ["dak la", "Đắk La", "ĐẮK LA", "  la  dak "])
def test_a_commune_is_found_by_its_name_typed_with_or_without_diacritics(cache_off, district, third_commune, typed):
    page_html = html("/cac-xa/?" + f"q={typed}")
    assert '<a href="http://dak-la.localhost/">Xã Đắk La</a>' in page_html
    assert "Xã Hà Mòn" not in page_html and "Xã Đăk Pxi" not in page_html
    assert "1 kết quả cho «" in page_html


def test_a_name_that_matches_nothing_says_so(cache_off, district):
    page_html = html("/cac-xa/?q=khong+co+xa+nay")
    assert "0 kết quả cho «khong co xa nay»." in page_html
    assert "Không có xã, phường nào có tên như vậy." in page_html


def test_a_commune_site_has_no_directory_of_its_own(district):
    assert Client(HTTP_HOST="dak-la.localhost").get("/cac-xa/").status_code == 404


def test_a_new_commune_is_in_the_cached_directory_on_the_next_request_and_purged_in_front(
        district, settings, monkeypatch):
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    client = Client(HTTP_HOST="localhost")
    assert client.get("/cac-xa/")["X-Cache"] == "MISS"
    assert client.get("/cac-xa/")["X-Cache"] == "HIT"
    settings.WAGTAILFRONTENDCACHE = {"nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                                               "LOCATION": "http://127.0.0.1:9"}}
    purged = []
    monkeypatch.setattr(PurgeBatch, "purge", lambda self, **kwargs: purged.extend(self.urls))
    unit = unit_update_or_create(code="23527", name="Xã Đăk Pxi", kind=UnitKind.COMMUNE, codename="xa_dak_pxi",
                                 parent=district.portal.unit)
    commune_site_create(unit=unit, portal=district.portal)
    response = client.get("/cac-xa/")
    assert response["X-Cache"] == "MISS"
    assert '<a href="http://dak-pxi.localhost/">Xã Đăk Pxi</a>' in response.content.decode()
    assert "http://localhost/cac-xa/" in purged
