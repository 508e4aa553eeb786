"""Vietnamese error pages in the site's look: 404 for a mistyped or merged-away address on every
commune host and on the portal, 500 without the database, and the 400 / 403 / CSRF pages Django
would otherwise show in bare English."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.template import loader
from django.test import Client
from wagtail.models import Site

from tests.public.conftest import add_news


def get(host, path, **extra):
    return Client(HTTP_HOST=host).get(path, **extra)


@pytest.mark.django_db
def test_an_unknown_address_on_a_commune_host_shows_the_communes_404_page(district):
    response = get("dak-la.localhost", "/tin-tuc/hoi-nghi-da-xoa/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Not Found" not in html and "The requested resource" not in html
    assert '<html lang="vi">' in html
    assert "<title>Không tìm thấy trang - Xã Đắk La</title>" in html
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert '<p class="site-title">Trang thông tin điện tử Xã Đắk La</p>' in html  # the commune's header
    assert 'href="/">Về trang chủ Xã Đắk La</a>' in html
    assert 'action="/tim-kiem/"' in html  # the header's search box, on the commune's own search
    assert 'value="hoi nghi da xoa"' in html  # the missing address's words, ready to search
    assert "Trang gần nhất còn tồn tại: <a href=\"/tin-tuc/\">" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.django_db
def test_each_commune_host_shows_its_own_identity(district):
    html = get("ha-mon.localhost", "/khong-co/").content.decode()
    assert "Trang thông tin điện tử Xã Hà Mòn" in html and "Xã Đắk La" not in html


@pytest.mark.django_db
def test_an_unknown_address_on_the_portal_shows_the_portals_404_page(district):
    response = get("localhost", "/trang-cu.html")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert '<p class="site-title">Cổng thông tin điện tử huyện Đắk Hà</p>' in html
    assert 'value="trang cu"' in html
    assert "Trang gần nhất" not in html


@pytest.mark.django_db
def test_a_commune_reached_under_the_portals_path_keeps_its_identity(district):
    response = get("localhost", "/xa-dak-la/van-ban/quyet-dinh-cu/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "trên trang thông tin điện tử Xã Đắk La" in html
    assert 'href="/xa-dak-la/">Về trang chủ Xã Đắk La</a>' in html
    assert 'href="/xa-dak-la/van-ban/"' in html  # the nearest page that exists


@pytest.mark.django_db
def test_a_page_that_is_not_live_is_not_offered_as_the_nearest_page(district):
    news = add_news(district.a.home, "Tin nháp về tiêm chủng")
    news.unpublish()
    html = get("dak-la.localhost", news.url_path.split("/xa-dak-la", 1)[1] + "khong-co/").content.decode()
    assert "Tin nháp về tiêm chủng" not in html
    assert 'Trang gần nhất còn tồn tại: <a href="/tin-tuc/">' in html


@pytest.mark.django_db
def test_the_english_404_page_speaks_english(district):
    response = get("dak-la.localhost", "/en/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html and "<h1>Page not found</h1>" in html


@pytest.mark.django_db
def test_the_404_page_still_renders_when_the_database_fails_while_finding_the_site(district):
    with mock.patch("cms.errors._nearest_page", side_effect=OperationalError("database is gone")):
        response = get("dak-la.localhost", "/khong-co/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert 'href="/">Về trang chủ</a>' in html


@pytest.mark.django_db
def test_a_redirect_still_wins_over_the_404_page(district):
    from wagtail.contrib.redirects.models import Redirect

    Redirect.add_redirect("/tin-cu", redirect_to=district.a.home, site=Site.objects.get(hostname="dak-la.localhost"))
    response = get("dak-la.localhost", "/tin-cu/")
    assert response.status_code in (301, 302)


def test_the_500_template_renders_with_an_empty_context_and_no_database():
    """No `db` fixture: pytest-django makes any query raise. Django's server_error renders exactly so."""
    html = loader.get_template("500.html").render()
    assert '<html lang="vi">' in html
    assert "<h1>Hệ thống đang gặp sự cố</h1>" in html
    assert '<form class="search-form" role="search" method="get" action="/tim-kiem/">' in html
    assert '<a href="/">Về trang chủ</a>' in html
    assert "/static/css/site.css" in html
    assert "<script" not in html


def test_a_request_that_fails_because_the_database_is_down_gets_the_vietnamese_500_page():
    """The whole stack with the database unreachable (no `db` fixture: every query raises): the
    hostname check's cache lookup fails first, and Django's handler500 must answer in Vietnamese."""
    client = Client(HTTP_HOST="dak-la.localhost", raise_request_exception=False)
    response = client.get("/tin-tuc/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Hệ thống đang gặp sự cố</h1>" in html and "Server Error" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_500_page_renders_in_vietnamese_even_under_an_english_address():
    from django.utils import translation

    with translation.override("en"):
        html = loader.get_template("500.html").render()
    assert '<html lang="vi">' in html and 'for="q-header">Tìm kiếm</label>' in html


def test_a_wrong_hostname_gets_the_vietnamese_400_page():
    response = Client(HTTP_HOST="evil.example.com", raise_request_exception=False).get("/")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Yêu cầu không hợp lệ</h1>" in html and "Bad Request" not in html


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_gets_the_vietnamese_csrf_page(district):
    client = Client(HTTP_HOST="dak-la.localhost", enforce_csrf_checks=True)
    response = client.post("/hoi-dap/gui-cau-hoi/", {"title": "Hỏi"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Biểu mẫu đã hết hạn, chưa gửi được</h1>" in html and "CSRF verification failed" not in html


def test_the_403_page_is_vietnamese():
    html = loader.get_template("403.html").render()
    assert "<h1>Bạn không có quyền xem trang này</h1>" in html


def test_the_print_view_of_a_missing_page_is_the_sites_404_not_the_plain_fallback(district, caplog):
    from django.test import Client

    response = Client(HTTP_HOST="dak-la.localhost").get("/khong-co-trang-nay/?ban-in=1")
    assert response.status_code == 404
    assert "Đắk La" in response.content.decode()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
