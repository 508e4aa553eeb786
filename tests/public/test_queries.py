"""Page rendering costs a small, fixed number of SQL queries, whatever the number of news, documents,
questions, pages or communes (a province has 3,321 communes on one instance)."""

from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communes.models import StandardPage
from provisioning.services import commune_site_create, unit_update_or_create
from sites.models import UnitKind
from tests.public.conftest import add_document, add_news, add_question, publish

# The render path is measured: the page cache would answer the second request from the cache.
pytestmark = pytest.mark.usefixtures("page_cache_off")


# The ceilings, measured warm (the second request: renditions made, caches filled). Every HTML page pays:
# - one cache read for the hostname's sites and the site index's generation (sites/middleware.py);
# - one query for the page served, plus one for the pages down its path when it lies below the home;
# - one cache read for its commune's and its portal's identity and menus (sites/chrome.py);
# - the emergency banner: a cache read at most every 5 s in each process (broadcasts/alerts.py,
#   BANNER_LOCAL_S), so none in these measurements;
# - one query for the page's versions in other languages (languages/versions.py: switcher and hreflang).
# With the database cache a cache read is a query; with Redis it is not, and these drop by two.
MAX_QUERIES = {
    "portal home": 8,  # + promoted news, their renditions, their communes; the commune directory
    "portal directory": 7,  # + the count, the page of communes
    "portal Q&A list": 9,  # + the communes, count, questions, the communes' Q&A pages
    "portal rss": 6,
    "portal sitemap": 4,  # the hostname, a count, the page of URLs and their versions in other languages
    "commune page under the portal path": 7,
    "commune home": 7,  # + latest news, their renditions, latest documents
    "profile": 6,  # + villages
    "organisation": 6,  # + its live translations (the article tools' "other versions")
    "news index": 8,  # + count, news, renditions
    "news item": 7,  # + its image's renditions, its tags
    "document index": 8,  # + issuing bodies, count, documents
    "document": 6,  # + attachments
    "standard page": 5,
    "Q&A list": 7,  # + count, questions
    "Q&A item": 6,  # + the question
    "rss": 4,
    "documents rss": 4,  # + the documents
    "portal documents rss": 4,  # + every commune's documents, in one query
    "category rss": 5,  # + the news index, its news of the category
    "sitemap": 4,
    "emergency alerts": 7,
    # Above ten with the database cache: the search itself costs 6 (the page index and the hits' tree
    # paths, the questions' index and rows, the pages shown in full whatever their types, their Q&A
    # pages, the promotions: search/services.py), plus the synonyms list (one cached lookup per search,
    # search/synonyms.py) and the reads and queries of every page. Statistics are written after the
    # response. (16 before issue 12's second pass, 25 before issue 12.) Nine where the cache is not the
    # database (below).
    "search": 12,
}
# Production keeps its cache in Redis (REDIS_URL): there a cache read is no SQL, and every page type costs
# at most ten queries.
MAX_QUERIES_OUTSIDE_THE_DATABASE = 10
SEARCH = "/tim-kiem/?" + urlencode({"q": "chuyển đổi số"})


@pytest.fixture(autouse=True)
def steady_timers(monkeypatch):
    """Keep time-based refreshes out of the measurements: the emergency banner's 30-second cache entry
    and the log's once-a-minute hostname map (ops/communes.py) would otherwise, now and then, expire
    between a warm-up request and the one that is counted."""
    monkeypatch.setattr("broadcasts.alerts.BANNER_TTL_S", 3600)
    monkeypatch.setattr("broadcasts.alerts.BANNER_LOCAL_S", 3600)  # the banner's per-process copy
    monkeypatch.setattr("ops.communes.MAP_SECONDS", 3600)
    monkeypatch.setattr("languages.registry.REFRESH_S", 3600)  # the language registry's read every 10 s


@pytest.fixture
def questions(content):
    a, b = content
    return [add_question(a.home, "Hướng dẫn chuyển đổi số cho hộ kinh doanh"),
            add_question(b.home, "Hỗ trợ chuyển đổi số cho hợp tác xã")]


def commune_path(page):
    """The page's path on its commune's own hostname."""
    return "/" + page.url_path.split("/", 3)[3]


def page_urls(content, questions):
    a, _ = content
    question = questions[0]
    return {
        "portal home": ("localhost", "/"),
        "portal directory": ("localhost", "/cac-xa/?q=dak"),
        "portal Q&A list": ("localhost", "/hoi-dap/"),
        "portal rss": ("localhost", "/rss/"),
        "portal sitemap": ("localhost", "/sitemap.xml"),
        "commune page under the portal path": ("localhost", "/xa-dak-la" + commune_path(a.news[0])),
        "commune home": ("dak-la.localhost", "/"),
        "profile": ("dak-la.localhost", "/gioi-thieu/"),
        "organisation": ("dak-la.localhost", "/co-cau-to-chuc/"),
        "news index": ("dak-la.localhost", "/tin-tuc/"),
        "news item": ("dak-la.localhost", commune_path(a.news[0])),
        "document index": ("dak-la.localhost", "/van-ban/"),
        "document": ("dak-la.localhost", commune_path(a.documents[0])),
        "standard page": ("dak-la.localhost", "/thu-tuc-hanh-chinh/"),
        "Q&A list": ("dak-la.localhost", "/hoi-dap/"),
        "Q&A item": ("dak-la.localhost", f"/hoi-dap/{question.pk}/"),
        "rss": ("dak-la.localhost", "/rss/"),
        "documents rss": ("dak-la.localhost", "/rss/van-ban/"),
        "portal documents rss": ("localhost", "/rss/van-ban/"),
        "category rss": ("dak-la.localhost", "/tin-tuc/chuyen-muc/thoi-su/rss/"),
        "sitemap": ("dak-la.localhost", "/sitemap.xml"),
        "emergency alerts": ("dak-la.localhost", "/canh-bao/"),
        "search": ("dak-la.localhost", SEARCH),
    }


def count_queries(host, path):
    client = Client(HTTP_HOST=host)
    assert client.get(path).status_code == 200, path  # warm: renditions made, caches filled
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def counts(urls):
    return {name: count_queries(*where) for name, where in urls.items()}


def add_commune(district, code, name, codename):
    unit = unit_update_or_create(code=code, name=name, kind=UnitKind.COMMUNE, codename=codename,
                                 parent=district.portal.unit)
    return commune_site_create(unit=unit, portal=district.portal).home


def test_each_page_type_renders_within_its_query_budget(content, questions, django_assert_max_num_queries):
    for page_type, (host, path) in page_urls(content, questions).items():
        client = Client(HTTP_HOST=host)
        client.get(path)
        with django_assert_max_num_queries(MAX_QUERIES[page_type], info=page_type):
            assert client.get(path).status_code == 200, page_type


def test_every_page_type_costs_at_most_ten_queries_when_the_cache_is_not_in_the_database(
        content, questions, settings, django_assert_max_num_queries):
    # Production's Redis, stood in for by memory caches (Redis itself is not needed to run the tests).
    settings.CACHES = {alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                               "LOCATION": f"query-budget-{alias}"} for alias in settings.CACHES}
    for alias in settings.CACHES:
        caches[alias].clear()
    for page_type, (host, path) in page_urls(content, questions).items():
        client = Client(HTTP_HOST=host)
        client.get(path)
        with django_assert_max_num_queries(MAX_QUERIES_OUTSIDE_THE_DATABASE, info=page_type):
            assert client.get(path).status_code == 200, page_type


def test_query_counts_do_not_grow_with_more_pages_questions_or_communes(content, questions, district, test_image):
    urls = page_urls(content, questions)
    before = counts(urls)

    a, b = content
    for i in range(8):
        add_news(a.home, f"Tin bổ sung {i} về chuyển đổi số", promoted=True, days_ago=10 + i, image=test_image)
        add_document(a.home, f"{20 + i}/QĐ-UBND", f"Kế hoạch bổ sung {i} của Đắk La", days_ago=5 + i)
        add_question(a.home, f"Hỏi thêm lần {i} về chuyển đổi số", days_ago=i + 1)
        add_question(b.home, f"Hỏi thêm lần {i} ở Hà Mòn", days_ago=i + 1)
    for i in range(3):  # more sections in the commune's menu
        section = StandardPage(title=f"Chuyên mục bổ sung {i}", slug=f"chuyen-muc-bo-sung-{i}", show_in_menus=True)
        a.home.add_child(instance=section)
        publish(section)
    for code, name, codename in [("23530", "Xã Ngọc Wang", "xa_ngoc_wang"), ("23533", "Xã Ngọc Réo", "xa_ngoc_reo")]:
        home = add_commune(district, code, name, codename)
        add_news(home, f"{name}: tin nổi bật về chuyển đổi số", promoted=True, image=test_image)
        add_document(home, "1/QĐ-UBND", f"Kế hoạch của {name}")
        add_question(home, f"Hỏi {name} về chuyển đổi số")

    assert counts(urls) == before


@pytest.mark.slow
def test_forty_communes_cost_the_same_queries_as_two(content, questions, district):
    """Site lookup by hostname, the portal's directory and sitemap, menus and URLs do not grow with the
    number of sites: forty communes (a province has thousands) cost what two do."""
    urls = {name: where for name, where in page_urls(content, questions).items()
            if name in {"portal home", "portal directory", "portal sitemap", "portal Q&A list", "commune home", "news item", "sitemap"}}
    before = counts(urls)
    for i in range(38):
        add_commune(district, f"99{i:03d}", f"Xã Thử Nghiệm {i + 1}", f"xa_thu_nghiem_{i + 1}")
    after = counts(urls)
    assert after == before
    assert "Xã Thử Nghiệm 38" in Client(HTTP_HOST="localhost").get("/").content.decode()
