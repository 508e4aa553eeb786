"""Every request gets an id, returned in `X-Request-ID`, carried by its log lines (JSON in production,
with host, commune, user id and duration, never contact data) and shown on the 500 page."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from cms import urls as cms_urls
from cms.errors import server_error
from ops.communes import communes
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


def boom(request):
    raise RuntimeError("thử lỗi máy chủ")


urlpatterns = [path("loi-thu/", boom), *cms_urls.urlpatterns]
handler500 = "cms.errors.server_error"


@pytest.fixture
def log_lines():
    """What the console handler writes, as configured by the settings (JSON, since tests run with DEBUG=0)."""
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "name", None) == "console"
                   or type(h) is logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        handler.setStream(previous)


@pytest.fixture(autouse=True)
def _fresh_commune_map():
    communes.loaded_at = None
    yield
    communes.loaded_at = None


def test_each_response_carries_a_new_request_id_or_the_proxys_when_it_is_sane(district):
    client = Client(HTTP_HOST="localhost")
    first, second = client.get("/robots.txt")["X-Request-ID"], client.get("/robots.txt")["X-Request-ID"]
    assert len(first) == 32 and first != second and int(first, 16) >= 0
    nginx_id = "5f0c6c2b9d1e4a8fb3c2d1e0f9a8b7c6"
    assert client.get("/robots.txt", HTTP_X_REQUEST_ID=nginx_id)["X-Request-ID"] == nginx_id
    for junk in ("abc", "x" * 65, "id\nvới dòng mới", '"><script>', ""):
        replaced = client.get("/robots.txt", HTTP_X_REQUEST_ID=junk)["X-Request-ID"]
        assert replaced != junk and len(replaced) == 32


def test_a_request_is_logged_as_one_json_line_with_id_host_commune_user_and_duration(district, log_lines):
    editor = client_for(district.editor_a, host="dak-la.localhost")
    response = editor.get("/?tu-khoa=so-dien-thoai-0912345678", HTTP_X_REQUEST_ID="req-0001-dakla")
    assert response.status_code == 200
    lines = [line for line in log_lines() if line["logger"] == "ops.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-0001-dakla"
    assert line["host"] == "dak-la.localhost"
    assert line["commune"] == "23524"
    assert line["user_id"] == district.editor_a.pk
    assert line["status"] == 200 and line["method"] == "GET" and line["path"] == "/"
    assert isinstance(line["duration_ms"], float | int) and line["level"] == "INFO" and line["time"]
    text = json.dumps(lines, ensure_ascii=False)
    assert "0912345678" not in text and district.editor_a.email not in text and "bientap" not in text


def test_a_commune_served_under_the_portal_path_is_named_too_and_anonymous_users_have_no_id(district, log_lines):
    Client(HTTP_HOST="localhost").get("/xa-ha-mon/")
    line = [line for line in log_lines() if line["logger"] == "ops.request"][-1]
    assert (line["host"], line["commune"], line["user_id"]) == ("localhost", "23521", None)
    Client(HTTP_HOST="localhost").get("/")
    line = [line for line in log_lines() if line["logger"] == "ops.request"][-1]
    assert line["commune"] is None


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_its_request_id_on_the_page_and_in_the_logged_traceback(db, log_lines):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    response = client.get("/loi-thu/", HTTP_X_REQUEST_ID="loi-thu-0042")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "loi-thu-0042"
    html = response.content.decode()
    assert "Mã lỗi: <code>loi-thu-0042</code>" in html and "Hệ thống đang gặp sự cố" in html
    errors = [line for line in log_lines() if line["logger"] == "django.request"]
    assert errors and errors[0]["request_id"] == "loi-thu-0042" and "thử lỗi máy chủ" in errors[0]["exc_info"]


def test_the_500_page_renders_without_touching_the_database():
    # No `db` fixture: pytest-django makes any query here raise.
    request = RequestFactory().get("/")
    request.request_id = "khong-co-csdl-01"
    response = server_error(request)
    assert response.status_code == 500 and "khong-co-csdl-01" in response.content.decode()


@pytest.mark.parametrize(("environment", "formatter"), [
    ({"DEBUG": "1"}, "text"), ({"DEBUG": "0"}, "json"), ({"DEBUG": "1", "LOG_FORMAT": "json"}, "json"),
])
def test_logs_are_json_lines_in_production_and_plain_text_in_development(environment, formatter):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings", "SECRET_KEY": "x" * 50, **environment}
    env.pop("LOG_FORMAT", None) if "LOG_FORMAT" not in environment else None
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == formatter, result.stderr[-2000:]
