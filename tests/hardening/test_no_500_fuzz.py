"""No 500 on any input: every public route of the test district, on a commune's hostname and on the
portal's, answers junk in every query parameter it reads (and in forms it accepts) with less than 500.

Routes come from the page tree (every live page's URL, and each routable page's subpage routes from
`get_subpage_urls()` with sample arguments) plus the non-page URLs of cms/urls.py. The parameters each
route reads are the explicit table below; `test_the_parameter_table_lists_every_parameter_a_view_reads`
scans the source and fails when a view starts reading one the table does not know.

Values: Hypothesis text (any Unicode, NUL included), Unicode digits, huge and negative numbers, very long
strings, percent-encoded junk, repeated parameters; derandomized, so CI runs the same examples every time.
"""

import ast
import importlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site

from tests.public.conftest import fill_commune
from tests.questions.conftest import form_data, publish, submit

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# ----------------------------------------------------------------------------- the parameter table

# Read on every page route: the print view switch (sites/templatetags/public_tags.py).
EVERY_PAGE = {"ban-in"}
# What each route's view reads from the query string, by the view's qualified name.
ROUTE_PARAMETERS = {
    "communes.models.NewsIndexPage.index": {"chuyen-muc", "the", "trang"},
    "communes.models.DocumentIndexPage.index": {
        "so-ky-hieu", "hinh-thuc", "linh-vuc", "tinh-trang", "co-quan", "nam", "trang",
    },
    "questions.models.QuestionIndexPage.index": {"linh-vuc", "loai", "q", "xa", "trang"},
    "questions.models.QuestionIndexPage.submit": {"xa"},
    "home.models.PortalHomePage.directory_page": {"q", "trang"},
    "search.views.search_route": {"q", "loai", "sap-xep", "tu-ngay", "den-ngay", "xa", "trang"},
    # The feeds read no parameter; listed so that they are sure to be among the routes fuzzed. The category
    # feeds take a category in their path (a real one, "thoi-su", and junk: see SAMPLE_ARGUMENTS).
    "communes.feeds.FeedRoutesMixin.documents_rss": set(),
    "communes.feeds.FeedRoutesMixin.documents_atom": set(),
    "communes.feeds.CategoryFeedRoutesMixin.category_rss": set(),
    "communes.feeds.CategoryFeedRoutesMixin.category_atom": set(),
    "search.views.suggest_route": {"q"},
    "languages.sitemaps.sitemap": {"p"},  # read by Django's sitemap view
    "broadcasts.api.views.media": {"exp", "sig"},  # the device API's signed media links
}
READ_BY_DJANGO = {"p"}
# Parameters read by admin views only (signed-in staff; not public routes).
ADMIN_PARAMETERS = {
    "search/wagtail_hooks.py": {"xa"},
    "accounts/views.py": {"next"},
    "sites/admin_scoping.py": {"id", "target_pages[]", "childOf"},
    "broadcasts/admin_radio.py": {"cum_loa", "ngay", "xa"},  # fuzzed in tests/broadcasts/test_radio_admin.py
    "broadcasts/admin_translations.py": {"ngon_ngu"},  # a translator's language (tests/broadcasts/test_languages.py)
}
# Reads whose name is a variable, and the names that variable takes (kept next to the code's own tuple).
DYNAMIC_READS = {
    ("communes/lookup.py", 'value = params.get(param, "")'): {"hinh-thuc", "linh-vuc"},
    ("sites/admin_scoping.py",
     "values = [value for key in UNCHECKED_ID_PARAMETERS.get(name, ()) for value in request.GET.getlist(key)]"):
        {"id", "target_pages[]", "childOf"},
}
PROJECT_CODE = [
    "accounts", "broadcasts", "cms", "communes", "core", "home", "provisioning", "questions", "search", "sites",
]

# ------------------------------------------------------------------------------------- the values

NASTY = [
    "", " ", "0", "-1", "-0", "1", "2", "²", "²²²²", "٢٠٢٤", "１２", "߀", "½", "1.5", "1e9", "NaN", "+1", "0x1F",
    str(2**31), str(2**63), "99999999999999999999999", "-" + "9" * 30, "9" * 5000, "\x00", "a\x00b", "1\x00",
    "2024\x00", "%00", "%ZZ", "%", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&lt;b&gt;",
    "' OR 1=1 --", "../../etc/passwd", "đắk lắk", "Đắk La", "ĐẮK", "\u202e\u200b", "\ud7ff", "😀" * 50,
    "31/02/2024", "99/99/9999", "01/01/0001", "2024-13-45", "1/1/1", "00/00/0000", "con-hieu-luc", "thong-bao",
    "x" * 20000, "a b" * 400, "\n\r\t", "\\", "/", "?", "&", "=", "#",
]
# Raw pieces of query string, not percent-encoded by us: broken escapes, bad UTF-8, stray separators.
RAW_QUERY = ["%", "%zz", "%C3%28", "%ff%fe%00", "&&&", "=&=", ";", "q", "q=%E0%A4%A", "trang=%00", "xa[]=1", "=="]

junk = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=8),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=8).map(lambda s: s * 500),
)


@st.composite
def query_strings(draw, names):
    """A query string over `names` (and a name no view reads): any subset, any repeats, junk values."""
    chosen = draw(st.lists(st.sampled_from(sorted(names | {"khong-ton-tai"})), max_size=8))
    parts = [f"{quote(name, safe='')}={quote(draw(junk), safe='')}" for name in chosen]
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(RAW_QUERY)))
    return "&".join(parts)


# ------------------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    host: str
    path: str
    view: str
    parameters: frozenset = field(default_factory=frozenset)

    def __str__(self):
        return f"{self.host}{self.path} ({self.view})"


def view_name(callback):
    return f"{callback.__module__}.{callback.__qualname__}"


# A device media link (content-addressed, signed): junk in `exp` and `sig` must be a 403, never a 500.
MEDIA_PATH = "/api/devices/v1/media/" + "a" * 64 + ".png"
SAMPLE_ARGUMENTS = {"int": ["1", "99999999999999999999999"], "str": ["abc"], "slug": ["thoi-su", "abc"],
                    "path": ["a/b"]}


def subpage_paths(page, samples):
    """(path under the page, view name) for each of a routable page's routes, with sample arguments."""
    paths = []
    for pattern in page.get_subpage_urls():
        converters = getattr(pattern.pattern, "converters", {})
        rounds = max([len(samples.get(type(c).__name__.replace("Converter", "").lower(), ["abc"]))
                      for c in converters.values()], default=0)
        if not converters:
            paths.append((page.reverse_subpage(pattern.name), view_name(pattern.callback)))
        for sample in range(rounds):
            kwargs = {}
            for name, converter in converters.items():
                values = samples.get(type(converter).__name__.replace("Converter", "").lower(), ["abc"])
                kwargs[name] = values[min(sample, len(values) - 1)]
            paths.append((page.reverse_subpage(pattern.name, kwargs=kwargs), view_name(pattern.callback)))
    return paths


def page_routes(site, host, samples):
    routes = []
    roots = site.root_page.get_translations(inclusive=True)
    pages = Page.objects.none()
    for root in roots:
        pages |= Page.objects.descendant_of(root, inclusive=True)
    for page in pages.live().specific().order_by("path"):
        url = page.relative_url(site)
        if not url or not url.startswith("/"):
            continue
        if isinstance(page, RoutablePageMixin):
            for sub, view in subpage_paths(page, samples):
                parameters = EVERY_PAGE | ROUTE_PARAMETERS.get(view, set())
                routes.append(Route(host, url.rstrip("/") + "/" + sub.lstrip("/"), view, frozenset(parameters)))
        else:
            routes.append(Route(host, url, type(page).__name__, frozenset(EVERY_PAGE)))
    return routes


def public_routes(host_sites, document, samples):
    routes = []
    for host, site in host_sites:
        routes += page_routes(site, host, samples)
        routes += [
            Route(host, "/robots.txt", "sites.views.robots_txt"),
            Route(host, "/sitemap.xml", "languages.sitemaps.sitemap", frozenset(ROUTE_PARAMETERS["languages.sitemaps.sitemap"])),
            Route(host, "/healthz", "sites.views.healthz"),
            Route(host, document.url, "wagtail.documents.views.serve.serve"),
            Route(host, MEDIA_PATH, "broadcasts.api.views.media",
                  frozenset(ROUTE_PARAMETERS["broadcasts.api.views.media"])),
        ]
    return routes


@pytest.fixture
def world(district):
    image = get_image_model().objects.create(title="Ảnh hội nghị", file=get_test_image_file(filename="hoi-nghi.png"))
    fill_commune(district.a.home, "Đắk La", image=image)
    fill_commune(district.b.home, "Hà Mòn", news_count=1)
    question = submit(district.a.home, title="Hỏi về giờ làm việc của bộ phận một cửa")
    publish(question, district.approver_a)
    document = get_document_model()(title="Quyết định 15/QĐ-UBND", collection=district.a.collection)
    document.file.save("quyet-dinh-15.pdf", ContentFile(b"%PDF-1.4 thu nghiem"), save=True)
    portal_site = Site.objects.get(hostname=django_settings.SITE_DOMAIN)
    hosts = [(district.a.site.hostname, district.a.site), (portal_site.hostname, portal_site)]
    # The question's own id too, so the detail route is fuzzed on a page that exists.
    samples = {**SAMPLE_ARGUMENTS, "int": [str(question.pk), *SAMPLE_ARGUMENTS["int"]]}
    routes = public_routes(hosts, document, samples)
    return {"routes": routes, "clients": {host: Client(HTTP_HOST=host) for host, _ in hosts}, "question": question}


def request(world, route, query="", method="get", data=None, **extra):
    client = world["clients"][route.host]
    path = route.path + (f"?{query}" if query else "")
    response = client.post(path, data, **extra) if method == "post" else client.get(path)
    assert response.status_code < 500, f"{method.upper()} {route.host}{path[:300]} → {response.status_code}"
    return response


QUESTION_FIELDS = set(form_data()) | {"commune", "private", "attachment", "code"}

def fuzz(max_examples):
    return settings(
        max_examples=max_examples, deadline=None, derandomize=True, database=None, print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# A sample of NASTY for the fixed sweep (Hypothesis draws from all of them): one of each kind of trouble.
SWEEP = [
    "", "-1", "0", "²", "²²²²", "٢٠٢٤", "１２", "1.5", str(2**31), str(2**63), "99999999999999999999999",
    "-" + "9" * 30, "9" * 5000, "\x00", "a\x00b", "%00", "<script>alert(1)</script>", "đắk lắk", "31/02/2024",
    "01/01/0001", "x" * 20000, "\ud7ff😀",
]
TWICE = {"²", "99999999999999999999999", "a\x00b"}


# ------------------------------------------------------------------------------------------ tests


def test_every_route_answers_every_kind_of_junk_in_every_parameter_it_reads_without_a_500(world, district):
    routes = world["routes"]
    hosts = {route.host for route in routes}
    views = {route.view for route in routes}
    parameters = set().union(*(route.parameters for route in routes))
    assert hosts == {district.a.site.hostname, "localhost"}
    assert set(ROUTE_PARAMETERS) <= views, set(ROUTE_PARAMETERS) - views
    assert parameters == EVERY_PAGE.union(*ROUTE_PARAMETERS.values())
    assert any(route.path == f"/hoi-dap/{world['question'].pk}/" for route in routes)

    started, count = time.monotonic(), 0
    for route in routes:
        request(world, route)
        count += 1
    # Each view once per host (the portal shows a commune's pages under its path too: same view).
    swept = {(route.host, route.view): route for route in routes if route.parameters - EVERY_PAGE}
    for route in swept.values():
        names = sorted(route.parameters)
        for value in SWEEP:
            # Every parameter at once (and, for a few values, every parameter twice).
            query = "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name in names)
            request(world, route, f"{query}&{query}" if value in TWICE else query)
            count += 1
        for raw in RAW_QUERY[::2]:
            request(world, route, raw)
            count += 1
    print(f"\nfuzzed {len(routes)} routes ({len(views)} views) on {len(hosts)} hosts, {len(parameters)} query "
          f"parameters ({', '.join(sorted(parameters))}); fixed sweep: {count} requests over {len(swept)} "
          f"(host, view) pairs in {time.monotonic() - started:.1f} s")


def test_no_public_route_answers_a_500_whatever_its_query_string_says(world):
    routes = world["routes"]

    @fuzz(200)
    @given(route=st.sampled_from(routes), data=st.data())
    def check(route, data):
        request(world, route, data.draw(query_strings(set(route.parameters)), label="query"))

    check()


QUESTION_FIELDS = set(form_data()) | {"commune", "private", "attachment", "code"}
BROKEN_BODIES = [b"code=%ff%fe", b"code=%00", b"%", b"code=" + b"9" * 100000, b"\xff\xfe=\x00", b"&&==&"]


def question_routes(world, name):
    return [r for r in world["routes"] if r.view == f"questions.models.QuestionIndexPage.{name}"]


def test_no_public_route_answers_a_500_to_a_post_of_junk(world, district):
    """The Q&A form (a valid form with some fields replaced by junk, so validation gets past the first
    error), the tracking-code lookup, and any other route, POSTed junk forms and broken bodies."""
    forms = question_routes(world, "submit")
    lookups = question_routes(world, "lookup")
    assert {route.host for route in forms} == {route.host for route in lookups} == {district.a.site.hostname, "localhost"}
    for route in forms + lookups:
        for body in BROKEN_BODIES:
            request(world, route, method="post", data=body, content_type="application/x-www-form-urlencoded")

    fields = st.dictionaries(st.sampled_from(sorted(QUESTION_FIELDS)), st.one_of(junk, st.lists(junk, max_size=3)),
                             min_size=1, max_size=4)

    @fuzz(200)
    @given(target=st.sampled_from(["form", "lookup", "any"]), data=st.data())
    def check(target, data):
        if target == "form":
            route = data.draw(st.sampled_from(forms))
            form = {**form_data(commune=str(district.a.home.pk)), **data.draw(fields)}
            assert request(world, route, method="post", data=form).status_code in (200, 302, 400, 429)
        elif target == "lookup":
            route = data.draw(st.sampled_from(lookups))
            form = {"code": data.draw(st.one_of(junk, st.lists(junk, max_size=3)))}
            assert request(world, route, method="post", data=form).status_code in (200, 400, 429)
        else:
            request(world, data.draw(st.sampled_from(world["routes"])), method="post", data=data.draw(fields))

    check()


# -------------------------------------------------------------- the table knows every parameter read

ARGUMENT = r"""\s*(?:(?P<literal>"[^"]*"|'[^']*')|(?P<name>[A-Z_][A-Z0-9_]*)\b|(?P<other>.))"""
GET_READS = [re.compile(r"\.GET\.get(?:list)?\(" + ARGUMENT), re.compile(r"\.GET\[" + ARGUMENT)]
# `params = request.GET` in a view: its reads are the query string's too.
PARAMS_READS = [re.compile(r"\bparams\.get(?:list)?\(" + ARGUMENT), re.compile(r"\bparams\[" + ARGUMENT)]
# Reading the whole query string some other way (`.GET.items()`, `.GET.dict()`, `for key in request.GET:`)
# hides which parameters a view reads: the table cannot follow it.
OPAQUE_READ = re.compile(r"\.GET\.(items|keys|values|dict|lists|copy|urlencode)\(|\bin\s+request\.GET\s*(?:$|[:)\]])")


def constant(path, name):
    module = importlib.import_module(path.relative_to(ROOT).with_suffix("").as_posix().replace("/", "."))
    return getattr(module, name, None)


def parameters_read(path, relative):
    """{name} a module reads from request.GET: literals, module-level constants, or DYNAMIC_READS."""
    names, problems = set(), []
    source = path.read_text(encoding="utf-8")
    patterns = GET_READS + (PARAMS_READS if re.search(r"\bparams = request\.GET\b", source) else [])
    for number, line in enumerate(source.splitlines(), 1):
        if OPAQUE_READ.search(line):
            problems.append(f"{relative}:{number}: reads the query string opaquely: {line.strip()}")
        for match in (m for pattern in patterns for m in pattern.finditer(line)):
            if match["literal"]:
                names.add(ast.literal_eval(match["literal"]))
            elif match["name"] and isinstance(constant(path, match["name"]), str):
                names.add(constant(path, match["name"]))
            elif (relative, line.strip()) in DYNAMIC_READS:
                names |= DYNAMIC_READS[relative, line.strip()]
            else:
                problems.append(f"{relative}:{number}: a parameter name the scan cannot read: {line.strip()}")
    return names, problems


def test_the_parameter_table_lists_every_parameter_a_view_reads():
    public = EVERY_PAGE.union(*ROUTE_PARAMETERS.values())
    found_public, problems = set(), []
    for app in PROJECT_CODE:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/management/" in relative:
                continue
            names, trouble = parameters_read(path, relative)
            problems += trouble
            if relative in ADMIN_PARAMETERS:
                unknown = names - ADMIN_PARAMETERS[relative]
                if unknown:
                    problems.append(f"{relative} reads {sorted(unknown)}: add them to ADMIN_PARAMETERS")
                continue
            found_public |= names
            unknown = names - public
            if unknown:
                problems.append(f"{relative} reads {sorted(unknown)}: add them to ROUTE_PARAMETERS (and fuzz them)")
    stale = public - found_public - READ_BY_DJANGO
    if stale:
        problems.append(f"ROUTE_PARAMETERS lists {sorted(stale)}, which no view reads any more")
    assert not problems, "\n".join(problems)


def test_the_scan_sees_every_way_a_view_reads_a_parameter(tmp_path):
    view = tmp_path / "view.py"
    view.write_text(
        'def view(request):\n'
        '    params = request.GET\n'
        '    a = request.GET.get("mot")\n'
        '    b = request.GET.getlist("hai")\n'
        '    c = request.GET["ba"]\n'
        '    d = params.get("bon", "")\n'
        '    e = request.GET.get(name)\n'
        '    for key in request.GET:\n'
        '        pass\n',
        encoding="utf-8",
    )

    names, problems = parameters_read(view, "view.py")

    assert names == {"mot", "hai", "ba", "bon"}
    assert len(problems) == 2 and "cannot read" in problems[0] and "opaquely" in problems[1]
