"""The emergency banner: on every page of the affected communes' sites and of the portal, within the
cache's lifetime, gone on cancel and on expiry, never in the admin or the device API, one cache read."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadcasts import alerts as alerts_module
from broadcasts.alerts import BANNER_TTL_S, alert_cancel, banner_cache_key
from broadcasts.middleware import inject_banner
from broadcasts.models import Alert
from tests.broadcasts.test_alerts_services import commune_publisher, make_alert, portal_publisher, published_alert
from tests.conftest import client_for

A_HOST, B_HOST, PORTAL_HOST = "dak-la.localhost", "ha-mon.localhost", "localhost"
BANNER = re.compile(r'<div class="alert-banner" lang="vi">.*?\n</div>', re.S)


def banner_of(host, path="/"):
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code == 200, (host, path, response.status_code)
    found = BANNER.search(response.content.decode())
    return found.group(0) if found else ""


@pytest.fixture
def flood(district):
    return published_alert(district.a, headline="Lũ quét trên sông Đắk Psi",
                           instruction="Không qua lại ngầm tràn; di chuyển người và tài sản lên chỗ cao.")


def test_the_banner_shows_on_commune_a_pages_and_on_the_portal_but_not_on_commune_b(flood, district):
    for host, path in ((A_HOST, "/"), (A_HOST, "/gioi-thieu/"), (A_HOST, "/canh-bao/"), (PORTAL_HOST, "/"),
                       (PORTAL_HOST, "/xa-dak-la/"), (PORTAL_HOST, "/tim-kiem/")):
        banner = banner_of(host, path)
        assert "Lũ quét trên sông Đắk Psi" in banner, (host, path)
        assert 'role="alert"' in banner and "Không qua lại ngầm tràn" in banner
    assert banner_of(B_HOST, "/") == ""
    assert banner_of(B_HOST, "/gioi-thieu/") == ""
    assert banner_of(PORTAL_HOST, "/xa-ha-mon/") == ""  # commune B's pages under the portal's path


def test_the_banner_links_to_the_alert_page_of_the_site_it_is_on(flood, district):
    for host, path, link in ((A_HOST, "/", f"/canh-bao/{flood.pk}/"), (PORTAL_HOST, "/", f"/canh-bao/{flood.pk}/"),
                             (PORTAL_HOST, "/xa-dak-la/", f"/xa-dak-la/canh-bao/{flood.pk}/")):
        banner = banner_of(host, path)
        assert f'href="{link}"' in banner
        assert Client(HTTP_HOST=host).get(link).status_code == 200


def test_the_banner_is_first_in_the_body_severity_coloured_and_csp_clean(flood):
    html = Client(HTTP_HOST=A_HOST).get("/").content.decode()
    body = html[html.index("<body"):]
    assert body.index('class="skip-link"') < body.index('class="alert-banner"') < body.index('class="site-header"')
    banner = BANNER.search(html).group(0)
    assert "alert-banner--severe" in banner and "Nghiêm trọng" in banner
    assert "style=" not in banner and "<script" not in banner  # the public CSP allows neither
    assert "/static/broadcasts/alerts/alerts.css" in html


def test_the_banner_goes_when_the_alert_is_cancelled(flood, district):
    assert banner_of(A_HOST)
    alert_cancel(original=flood, user=commune_publisher(district.a, username="huy_canh_bao"))
    assert banner_of(A_HOST) == "" and banner_of(PORTAL_HOST) == ""


def test_the_banner_goes_the_moment_the_alert_expires_even_from_a_warm_cache(flood, monkeypatch):
    assert banner_of(A_HOST)  # the cache now holds the alert
    later = flood.expires + datetime.timedelta(seconds=1)
    monkeypatch.setattr(alerts_module.timezone, "now", lambda: later)
    assert banner_of(A_HOST) == ""


def test_an_alert_not_yet_effective_shows_when_it_takes_effect(district, monkeypatch):
    start = timezone.now() + datetime.timedelta(minutes=10)
    alert = published_alert(district.a, effective=start, headline="Mưa lớn từ 10 phút nữa")
    assert banner_of(A_HOST) == ""
    monkeypatch.setattr(alerts_module.timezone, "now", lambda: start + datetime.timedelta(seconds=1))
    assert alert.headline in banner_of(A_HOST)


def test_an_alert_published_elsewhere_appears_within_the_cache_lifetime(district, monkeypatch):
    timeouts = []
    original_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, value, timeout=None, **kw: (
        timeouts.append((key, timeout)), original_set(key, value, timeout, **kw)))
    assert banner_of(A_HOST) == ""  # caches "no alerts"
    assert (banner_cache_key(district.a.unit_id), BANNER_TTL_S) in timeouts and BANNER_TTL_S <= 30
    # Another process publishes and its cache invalidation is lost: the stale entry lives out its TTL…
    alert = published_alert(district.a, headline="Sạt lở đất")
    cache.set(banner_cache_key(district.a.unit_id), [], BANNER_TTL_S)
    assert banner_of(A_HOST) == ""
    cache.delete(banner_cache_key(district.a.unit_id))  # …and then expires,
    alerts_module._local_banners.clear()  # as does this process's own short copy of it (BANNER_LOCAL_S)
    assert alert.headline in banner_of(A_HOST)


def test_a_process_keeps_its_banner_a_few_seconds_and_forgets_it_when_it_publishes(district, monkeypatch):
    key = banner_cache_key(district.a.unit_id)
    assert banner_of(A_HOST) == ""
    assert alerts_module._local_banners[key][0] == [] and alerts_module.BANNER_LOCAL_S <= 10
    # Published here: this process forgets its copy and shows the alert on the next page.
    alert = published_alert(district.a, headline="Lũ quét")
    assert alert.headline in banner_of(A_HOST)
    # Another process, which read the banner before the publish, shows its copy until it lapses.
    clock = [1000.0]
    monkeypatch.setattr(alerts_module.time, "monotonic", lambda: clock[0])
    alerts_module._local_banners[key] = ([], clock[0] + alerts_module.BANNER_LOCAL_S)
    assert banner_of(A_HOST) == ""
    clock[0] += alerts_module.BANNER_LOCAL_S
    assert alert.headline in banner_of(A_HOST)


def test_exercises_and_drafts_never_show_a_banner(district):
    published_alert(district.a, status="Exercise", headline="Diễn tập sơ tán")
    make_alert(issuer=district.a, communes=[district.a], headline="Bản nháp chưa phát")
    assert banner_of(A_HOST) == "" and banner_of(PORTAL_HOST) == ""


def test_several_alerts_show_most_severe_first(district):
    publisher = portal_publisher()
    for severity, headline in (("Moderate", "Trung bình"), ("Extreme", "Đặc biệt nghiêm trọng")):
        published_alert(district.a, publisher, severity=severity, headline=headline)
    banner = banner_of(A_HOST)
    assert banner.index("Đặc biệt nghiêm trọng") < banner.index("Trung bình")
    assert "alert-banner--extreme" in banner and "alert-banner--moderate" in banner


def test_admin_pages_never_get_the_banner(flood, district):
    response = client_for(district.editor_a, host=A_HOST).get("/quan-tri/")
    assert response.status_code == 200 and 'class="alert-banner"' not in response.content.decode()


def _with_marker(response_class, body_type="html", **kwargs):
    marker = "<!-- canh-bao:|/canh-bao/ -->"
    if body_type == "html":
        return response_class(f"<!doctype html><body>{marker}<p>x</p></body>", **kwargs)
    return response_class({"text": marker}, **kwargs)


@pytest.mark.parametrize("path, response", [
    ("/api/devices/v1/devices/1/alerts", lambda: _with_marker(JsonResponse, body_type="json")),
    ("/api/devices/v1/openapi.json", lambda: _with_marker(HttpResponse)),
    ("/quan-tri/pages/1/preview/", lambda: _with_marker(HttpResponse)),
    ("/thiet-bi/bang-tin/", lambda: _with_marker(HttpResponse)),
    ("/", lambda: _with_marker(HttpResponse, content_type="application/xml")),
    ("/", lambda: _with_marker(HttpResponse, headers={"Content-Encoding": "gzip"})),
])
def test_the_middleware_leaves_api_admin_player_and_non_html_responses_alone(flood, path, response):
    original = response()
    before = original.content
    assert inject_banner(RequestFactory().get(path), original).content == before


def test_the_middleware_updates_content_length_and_drops_stale_validators(flood):
    response = _with_marker(HttpResponse, headers={"ETag": '"abc"', "Content-Length": "10"})
    injected = inject_banner(RequestFactory().get("/"), response)
    assert 'role="alert"' in injected.content.decode()
    assert injected["Content-Length"] == str(len(injected.content)) and not injected.has_header("ETag")


def test_a_page_with_a_banner_costs_no_more_queries_than_one_without(district, monkeypatch):
    monkeypatch.setattr(alerts_module, "BANNER_LOCAL_S", 3600)  # no lapse between the requests compared
    client = Client(HTTP_HOST=A_HOST)
    client.get("/")
    with CaptureQueriesContext(connection) as quiet:
        client.get("/")
    published_alert(district.a, headline="Cháy rừng")
    client.get("/")  # refills the banner cache
    with CaptureQueriesContext(connection) as alerting:
        response = client.get("/")
    assert "Cháy rừng" in response.content.decode()
    assert len(alerting) == len(quiet)
    cache_reads = [q["sql"] for q in alerting if "cms_cache" in q["sql"]]
    assert len(cache_reads) == sum("cms_cache" in q["sql"] for q in quiet)


def test_publishing_forgets_the_cached_banners_of_the_communes_and_the_portal(district):
    assert banner_of(A_HOST) == "" and banner_of(PORTAL_HOST) == ""
    assert cache.get(banner_cache_key(district.a.unit_id)) == [] and cache.get(banner_cache_key(None)) == []
    published_alert(district.a, headline="Dông lốc")
    assert cache.get(banner_cache_key(district.a.unit_id)) is None and cache.get(banner_cache_key(None)) is None
    assert Alert.objects.published().count() == 1
