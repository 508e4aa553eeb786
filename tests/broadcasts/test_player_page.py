"""The board player's page and service worker, on the server's side: what the page is made of, the
headers it is served with, and that a device's token never reaches the server's HTML or logs.
(What it shows, in a real browser: tests/browser/test_browser_board_player.py.)"""

import logging
import re

import pytest
from django.test import Client

from broadcasts import services
from broadcasts.models import Device, DeviceKind, DisplayType

PAGE = "/thiet-bi/bang-tin/"
WORKER = "/thiet-bi/bang-tin/sw.js"


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def board(district):
    device = Device.objects.create(
        commune=district.a, kind=DeviceKind.BOARD, name="Bảng tin chợ Đắk La", display_type=DisplayType.LCD,
        width=1920, height=1080,
    )
    token = services.device_approve(device=device, actor=district.district_admin)
    return device, token


def test_the_player_page_loads_its_script_and_style_sheet_from_files_and_has_nothing_inline(district):
    response = Client(HTTP_HOST="localhost").get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "<title>Bảng tin điện tử</title>" in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script src="/static/broadcasts/player/player.js" defer>']
    assert '<link rel="stylesheet" href="/static/broadcasts/player/player.css">' in html
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"


def test_the_page_tells_the_script_where_the_api_and_the_worker_are(district):
    html = Client(HTTP_HOST="localhost").get(PAGE).content.decode()
    assert 'data-api="/api/devices/v1/"' in html
    assert 'data-worker="/thiet-bi/bang-tin/sw.js"' in html
    assert 'data-media="/api/devices/v1/media/"' in html
    assert 'data-shell="/static/broadcasts/player/player.js,/static/broadcasts/player/player.css"' in html
    assert re.search(r'data-worker-version="[0-9a-f]{16}"', html)


def test_the_strict_public_policy_covers_everything_the_player_does(district):
    """The page gets the public policy unchanged: its own script, style sheet and images, calls to the
    API of its own origin, its service worker (worker-src falls back to script-src), no inline code."""
    response = Client(HTTP_HOST="localhost").get(PAGE)
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert "worker-src" not in csp and "child-src" not in csp
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_page_is_always_revalidated_never_indexed_and_sends_no_referrer(district):
    response = Client(HTTP_HOST="localhost").get(PAGE)
    assert response["Cache-Control"] == "no-cache"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_page_is_the_same_for_every_board_so_a_token_in_the_address_cannot_end_up_in_it(district, board):
    """Credentials travel in the fragment, which browsers never send. Even a token pasted into the query
    string by mistake is not written into the page."""
    device, token = board
    client = Client(HTTP_HOST="localhost")
    plain = client.get(PAGE).content
    with_query = client.get(PAGE, {"device": device.pk, "token": token}).content
    assert with_query == plain
    assert token.encode() not in with_query


def test_the_page_opens_on_the_portal_and_on_a_commune_hostname_but_not_on_an_unknown_one(district):
    assert Client(HTTP_HOST="localhost").get(PAGE).status_code == 200
    assert Client(HTTP_HOST=district.a.site.hostname).get(PAGE).status_code == 200
    assert Client(HTTP_HOST="khong-co.localhost").get(PAGE).status_code == 404


def test_the_page_and_the_worker_answer_only_reads(district):
    client = Client(HTTP_HOST="localhost")
    assert client.post(PAGE).status_code == 405
    assert client.post(WORKER).status_code == 405


def test_the_service_worker_is_served_from_inside_the_players_scope_and_always_revalidated(district):
    response = Client(HTTP_HOST="localhost").get(WORKER)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == PAGE
    source = response.content.decode()
    assert 'self.addEventListener("fetch"' in source
    assert policy(response)["connect-src"] == ["'self'"]  # what the worker's own fetches may reach


def test_the_device_token_reaches_no_server_log_when_a_board_calls_the_api(district, board, caplog):
    """The player sends its token in the Authorization header only. Whatever the server logs about
    those calls (a refused token, a 404) names the path, never the token."""
    device, token = board
    client = Client(HTTP_HOST="localhost")
    with caplog.at_level(logging.DEBUG):
        ok = client.get(f"/api/devices/v1/devices/{device.pk}/snapshot", HTTP_AUTHORIZATION=f"Bearer {token}")
        refused = client.get(f"/api/devices/v1/devices/{device.pk}/alerts", HTTP_AUTHORIZATION=f"Bearer {token}x")
        missing = client.get("/api/devices/v1/devices/x/snapshot", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (ok.status_code, refused.status_code, missing.status_code) == (200, 401, 404)
    logged = "\n".join(f"{record.getMessage()} {record.args!r} {getattr(record, 'request', '')!r}"
                       for record in caplog.records)
    assert f"/api/devices/v1/devices/{device.pk}/alerts" in logged  # the capture works: the 401 is logged
    assert token not in logged
