"""Routable pages name their routes, and every link to a route is reversed, never concatenated onto a
page's URL (`{% pageurl page %}rss/`): a renamed or moved route then breaks loudly in one place."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import Client
from wagtail.contrib.routable_page.models import RoutablePageMixin

from sites.pages import COMMUNE, PORTAL, SiteHomeMixin

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
SKIPPED_DIRS = {".venv", ".git", "tests", "benchmarks", "scripts", "migrations", "node_modules", "var", "static"}
ROUTE_DECORATORS = {"path", "re_path", "route"}

URL_TAGS = r"(?:pageurl|fullpageurl|slugurl|routablepageurl|routablefullpageurl)"
# `{% pageurl page %}rss/`: a path written straight after a page URL.
TAG_THEN_PATH = re.compile(r"\{%\s*" + URL_TAGS + r"\b[^%]*%\}\s*[\w-]")
# `{% pageurl page as base %}` ... `{{ base }}gui-cau-hoi/`, and `{{ page.url }}rss/`.
TAG_AS_NAME = re.compile(r"\{%\s*" + URL_TAGS + r"\b[^%]*\bas\s+(\w+)\s*%\}")
URL_ATTRIBUTE = re.compile(r"""(?:href|action|src|data-[\w-]*url)\s*=\s*"([^"]*)\"""")


def project_python_files():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def unnamed_routes(source, filename):
    """`@path("…")` decorators without `name=`: Wagtail falls back on the method's name, silently."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            func = decorator.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ROUTE_DECORATORS and not any(k.arg == "name" for k in decorator.keywords):
                found.append(f"{filename}:{decorator.lineno} @{name}(...) on {node.name}()")
    return found


def concatenated_routes(text, filename):
    """Places in a template where a path is written onto a page URL instead of reversing its route."""
    found = []
    lines = text.splitlines()

    def where(offset):
        return f"{filename}:{text.count(chr(10), 0, offset) + 1}: {lines[text.count(chr(10), 0, offset)].strip()[:120]}"

    for match in TAG_THEN_PATH.finditer(text):
        found.append(where(match.start()))
    names = set(TAG_AS_NAME.findall(text))
    for match in re.finditer(r"\{\{\s*([\w.]+)\s*\}\}[\w-]", text):
        variable = match.group(1)
        if variable in names or variable.endswith(".url"):
            found.append(where(match.start()))
    # `{% if agency %}{% pageurl agency %}{% else %}/{% endif %}tim-kiem/`: a page URL chosen by a tag,
    # then a path after the tag that closes the choice.
    for match in URL_ATTRIBUTE.finditer(text):
        value = match.group(1)
        if re.search(URL_TAGS, value) and re.search(r"%\}\s*[\w-]", value):
            location = where(match.start())
            if location not in found:
                found.append(location)
    return found


def test_every_route_of_a_routable_page_is_named():
    unnamed = []
    for path in project_python_files():
        unnamed += unnamed_routes(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert unnamed == []


def test_the_route_check_sees_an_unnamed_route():
    source = "class P:\n    @path('')\n    def index(self, request): ...\n    @path('x/', name='x')\n    def x(self, request): ...\n"
    assert unnamed_routes(source, "p.py") == ["p.py:2 @path(...) on index()"]


def test_every_routable_page_has_distinct_route_names_and_site_homes_answer_search_and_feeds():
    routable = [m for m in apps.get_models() if issubclass(m, RoutablePageMixin)]
    assert len(routable) >= 5
    for model in routable:
        names = [route.name for route in model.get_subpage_urls() if route.name != "index_route"]
        assert all(names), model
        assert len(names) == len(set(names)), (model, names)
        model.get_resolver()  # builds without error
    homes = [m for m in routable if issubclass(m, SiteHomeMixin)]
    assert {m.site_level for m in homes} == {COMMUNE, PORTAL}
    for model in homes:
        names = {route.name for route in model.get_subpage_urls()}
        assert {"home", "search", "search_suggest", "rss", "atom"} <= names, model


def test_no_template_concatenates_a_path_onto_a_page_url():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        found += concatenated_routes(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []


def test_the_template_check_sees_each_way_of_concatenating():
    assert concatenated_routes('<a href="{% pageurl page %}rss/">', "t.html")
    assert concatenated_routes('<a href="{% routablepageurl page "rss" %}atom/">', "t.html")
    assert concatenated_routes('{% pageurl page as base %}<a href="{{ base }}gui-cau-hoi/">', "t.html")
    assert concatenated_routes('<a href="{{ page.url }}rss/">', "t.html")
    assert concatenated_routes('<form action="{% if a %}{% pageurl a %}{% else %}/{% endif %}tim-kiem/">', "t.html")
    assert concatenated_routes('<a href="{% routablepageurl page "rss" %}">', "t.html") == []
    assert concatenated_routes('<a href="{% pageurl page.get_parent %}?the={{ tag.name|urlencode }}">', "t.html") == []
    assert concatenated_routes('<form action="{% if a %}{% routablepageurl a "search" %}{% else %}/tim-kiem/{% endif %}">',
                               "t.html") == []


def concatenated_urls_in_python(source, filename):
    """`page.get_url(request) + "gui-cau-hoi/"` and `f"{base}{pk}/"`: a path written onto a page URL."""
    url_calls = {"get_url", "get_full_url", "relative_url"}
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = node.left, node.right
            left_is_url = (isinstance(left, ast.Call) and getattr(left.func, "attr", "") in url_calls) or (
                isinstance(left, ast.Name) and left.id in {"base", "base_url"})
            right_is_path = (isinstance(right, ast.Constant) and isinstance(right.value, str)
                             and right.value[:1].isalnum()) or (
                isinstance(right, ast.Attribute) and right.attr in {"path_suffix"})
            if left_is_url and right_is_path:
                found.append(f"{filename}:{node.lineno}")
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            for first, second in zip(parts, parts[1:], strict=False):
                if isinstance(first, ast.FormattedValue) and isinstance(first.value, ast.Name) and \
                        first.value.id in {"base", "base_url", "url"} and isinstance(second, ast.FormattedValue):
                    found.append(f"{filename}:{node.lineno}")
    return found


def test_no_python_concatenates_a_path_onto_a_page_url():
    found = []
    for path in project_python_files():
        found += concatenated_urls_in_python(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []


def test_the_python_check_sees_each_way_of_concatenating():
    assert concatenated_urls_in_python('x = page.get_url(request) + "gui-cau-hoi/"', "m.py")
    assert concatenated_urls_in_python('x = f"{base}{question.pk}/"', "m.py")
    assert concatenated_urls_in_python("x = page.get_full_url(u) + self.path_suffix", "m.py")
    assert concatenated_urls_in_python('x = page.get_url(request) + page.reverse_subpage("submit")', "m.py") == []
    assert concatenated_urls_in_python('x = site.root_url + "/"', "m.py") == []


def test_links_to_routes_are_reversed_on_a_communes_hostname_and_under_the_portal_path(content):
    for host, prefix in [("dak-la.localhost", ""), ("localhost", "/xa-dak-la")]:
        client = Client(HTTP_HOST=host)
        news = client.get(f"{prefix}/tin-tuc/").content.decode()
        assert f'action="{prefix}/tim-kiem/"' in news  # the header's search box
        assert f'href="{prefix}/tin-tuc/rss/"' in news and f'href="{prefix}/tin-tuc/atom/"' in news
        assert news.count(f'href="{prefix}/rss/"') == 2  # <link rel="alternate"> and the footer
        search = client.get(f"{prefix}/tim-kiem/", {"q": "tin"}).content.decode()
        assert f'data-suggest-url="{prefix}/tim-kiem/goi-y/"' in search
        form = client.get(f"{prefix}/hoi-dap/gui-cau-hoi/").content.decode()
        assert f'href="{prefix}/hoi-dap/"' in form and f'href="{prefix}/hoi-dap/tra-cuu/"' in form
        assert f'href="{prefix}/hoi-dap/gui-cau-hoi/"' in form
        assert f'href="{prefix}/hoi-dap/bao-ve-du-lieu-ca-nhan/"' in form
    portal = Client(HTTP_HOST="localhost").get("/").content.decode()
    assert 'href="/rss/"' in portal and 'href="/atom/"' in portal and 'action="/tim-kiem/"' in portal
