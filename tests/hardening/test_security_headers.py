"""Content-Security-Policy and Permissions-Policy on every response: strict on public pages, relaxed
(inline scripts and styles, nothing from other origins) only under the admin at /quan-tri/."""

import re
import unicodedata
from pathlib import Path

import pytest
from django.test import Client

from communes.models import NewsIndexPage

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("host, path", [
    ("localhost", "/"),
    ("dak-la.localhost", "/"),
    ("dak-la.localhost", "/tin-tuc/"),
    ("dak-la.localhost", "/tim-kiem/?q=dak+la"),
    ("localhost", "/xa-dak-la/gioi-thieu/"),
    ("dak-la.localhost", "/khong-co-trang-nay/"),  # the 404 page too
])
def test_public_pages_send_a_strict_policy_without_inline_script(district, host, path):
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code in (200, 404)
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("host, path", [("localhost", "/"), ("dak-la.localhost", "/tin-tuc/"), ("localhost", "/quan-tri/login/")])
def test_every_response_denies_camera_microphone_and_location(district, host, path):
    response = Client(HTTP_HOST=host).get(path)
    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture"):
        assert features[feature] == "()", feature


@pytest.mark.django_db
def test_the_admin_gets_its_own_policy_that_allows_inline_code_but_no_other_origin(district):
    client = Client(HTTP_HOST="localhost")
    client.force_login(district.editor_a)
    index = NewsIndexPage.objects.child_of(district.a.home).get()
    response = client.get(f"/quan-tri/pages/add/communes/newspage/{index.pk}/")
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]  # Wagtail's date choosers and inline panels
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"]  # the live preview frames admin URLs
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert csp["connect-src"] == ["'self'"]  # no update check: the admin calls no other origin
    assert "camera=()" in response["Permissions-Policy"]
    assert 'src="/static/js/admin-slug.js"' in response.content.decode()


@pytest.mark.django_db
def test_the_search_page_loads_its_suggestion_script_from_a_file(district):
    response = Client(HTTP_HOST="dak-la.localhost").get("/tim-kiem/?q=thu+tuc")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "js/search-suggest.js" in html


def public_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if "/admin/" in relative or relative.startswith(("wagtailadmin/", "admin/", "accounts/")):
            continue  # the admin's templates (sign-in and two-factor screens too) live under the admin policy
        yield relative, path.read_text(encoding="utf-8")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def test_no_public_template_holds_code_the_strict_policy_would_block():
    """Inline <script>, on…= handlers, javascript: URLs and <style> elements are all refused by the
    public policy: such code must live in static/js or static/css."""
    offenders = []
    for name, text in public_templates():
        for pattern, what in ((INLINE_SCRIPT, "inline script"), (EVENT_HANDLER, "event handler attribute"),
                              (JS_URL, "javascript: URL"), (STYLE_ELEMENT, "<style> element")):
            for match in pattern.finditer(text):
                offenders.append(f"{name}: {what}: {match.group(0)[:80]}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("path", [
    TEMPLATES / "404.html", TEMPLATES / "500.html", TEMPLATES / "400.html", TEMPLATES / "403.html",
    TEMPLATES / "403_csrf.html", STATIC_JS / "admin-slug.js", STATIC_JS / "search-suggest.js",
], ids=lambda p: p.name)
def test_the_new_public_text_is_nfc(path):
    text = path.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text


@pytest.mark.parametrize("path", ["/tin-tuc/", "/quan-tri/login/"])
def test_the_policy_built_once_per_process_is_the_one_django_csp_would_build(district, path):
    from csp.constants import HEADER
    from csp.middleware import CSPMiddleware
    from csp.utils import build_policy
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cms.security import SecurityHeadersMiddleware

    request = RequestFactory().get(path)
    middleware = SecurityHeadersMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    fast = middleware.process_response(request, HttpResponse())[HEADER]
    parts = middleware.get_policy_parts(request, HttpResponse())
    assert fast == build_policy(config=parts.config, update=parts.update, replace=parts.replace, nonce=parts.nonce)
    assert isinstance(middleware, CSPMiddleware)


def test_a_view_that_adjusts_its_policy_still_gets_its_adjustment(district):
    from csp.constants import HEADER
    from csp.decorators import csp_update
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cms.security import SecurityHeadersMiddleware

    view = csp_update({"img-src": ["https://bando.example"]})(lambda request: HttpResponse())
    request = RequestFactory().get("/tin-tuc/")
    middleware = SecurityHeadersMiddleware(view)
    middleware.process_request(request)
    header = middleware.process_response(request, view(request))[HEADER]
    assert "https://bando.example" in header
    assert "script-src 'self'" in header
