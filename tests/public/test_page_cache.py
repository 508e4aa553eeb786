"""The page cache: anonymous pages served whole from the cache, and every change visible on the next request.

One test per rule of cms/caching.py, each the same way: fill the cache, change something through the
service an editor or a citizen uses, and read the page again.
"""

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from broadcasts.alerts import alert_cancel
from communes.models import NewsPage
from core import pagecache
from core.pagecache import PageCacheMiddleware
from home.models import PortalHomePage
from tests.broadcasts.test_alerts_services import commune_publisher, published_alert
from tests.public.conftest import add_document, add_news, publish
from tests.questions.conftest import publish as publish_question
from tests.questions.conftest import submit


def get(host, path, client=None, **headers):
    return (client or Client(HTTP_HOST=host)).get(path, **headers)


def cached_twice(host, path):
    """The page, asked twice: the first a miss that stores it, the second a hit."""
    first, second = get(host, path), get(host, path)
    assert (first.status_code, second.status_code) == (200, 200), path
    assert first["X-Cache"] == "MISS", path
    assert second["X-Cache"] == "HIT", path
    return second


def commune_path(page):
    return page.url_path.split("/xa-dak-la", 1)[1]


# -------------------------------------------------------------------------------------------------- serving


def test_a_hit_reads_only_cache_entries_never_the_page_tree(content):
    a, _ = content
    cached_twice("dak-la.localhost", "/")
    with CaptureQueriesContext(connection) as queries:
        response = get("dak-la.localhost", "/")
    assert response["X-Cache"] == "HIT"
    assert a.news[0].title in response.content.decode()
    # With the database cache: the entry with the write sequence, one read. The emergency banner's alerts
    # come from this process's copy of a few seconds (broadcasts/alerts.py). With Redis, no SQL at all.
    assert tables_read(queries) == ["cms_page_cache"]


def tables_read(queries):
    return [re.search(r'FROM "(\w+)"', query["sql"])[1] for query in queries]


def test_after_a_change_elsewhere_a_hit_checks_its_tags_once_then_reads_once_again(content):
    cached_twice("dak-la.localhost", "/")
    pagecache.invalidate("unit:999999")  # another commune's change moves the write sequence
    for expected in (["cms_page_cache", "cms_page_cache"], ["cms_page_cache"]):
        with CaptureQueriesContext(connection) as queries:
            response = get("dak-la.localhost", "/")
        assert response["X-Cache"] == "HIT"
        assert tables_read(queries) == expected


def test_a_hit_carries_the_same_body_and_validators_as_the_miss(content):
    first = get("dak-la.localhost", "/tin-tuc/")
    second = get("dak-la.localhost", "/tin-tuc/")
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert first["Last-Modified"] == second["Last-Modified"]


def test_pages_are_kept_per_host_path_query_and_language(content):
    a, b = content
    assert a.news[0].title in cached_twice("dak-la.localhost", "/tin-tuc/").content.decode()
    assert b.news[0].title in cached_twice("ha-mon.localhost", "/tin-tuc/").content.decode()
    assert b.news[0].title not in get("dak-la.localhost", "/tin-tuc/").content.decode()
    assert get("dak-la.localhost", "/tin-tuc/?chuyen-muc=thong-bao").get("X-Cache") == "MISS"
    assert get("dak-la.localhost", "/en/tin-tuc/").get("X-Cache") != "HIT"


def test_signed_in_users_are_never_served_or_stored_from_the_cache(content, district):
    cached_twice("dak-la.localhost", "/")
    client = Client(HTTP_HOST="dak-la.localhost")
    client.force_login(district.editor_a)
    response = client.get("/")
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_a_page_with_a_form_token_is_never_stored(content):
    for _ in range(2):
        response = get("dak-la.localhost", "/hoi-dap/gui-cau-hoi/")
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert "X-Cache" not in response


def test_a_post_is_never_served_from_the_cache(content):
    cached_twice("dak-la.localhost", "/")
    response = Client(HTTP_HOST="dak-la.localhost").post("/", {})
    assert "X-Cache" not in response


def test_not_found_pages_and_device_endpoints_are_not_stored(content):
    for _ in range(2):
        assert "X-Cache" not in get("dak-la.localhost", "/khong-co-trang-nay/")
        assert "X-Cache" not in get("dak-la.localhost", "/thiet-bi/")


def test_search_results_are_never_stored_every_search_is_counted(content):
    for _ in range(2):
        response = get("dak-la.localhost", "/tim-kiem/?q=chuy%E1%BB%83n+%C4%91%E1%BB%95i")
        assert response.status_code == 200
        assert "X-Cache" not in response


def test_alert_pages_are_kept_thirty_seconds_at_most(content, monkeypatch):
    seen = {}
    original = pagecache._cache().set

    def record(key, value, timeout=None, *args, **kwargs):
        if key.startswith(pagecache.ENTRY_PREFIX):
            seen[key] = timeout
        return original(key, value, timeout, *args, **kwargs)

    monkeypatch.setattr(pagecache._cache(), "set", record)
    get("dak-la.localhost", "/canh-bao/")
    get("dak-la.localhost", "/tin-tuc/")
    assert sorted(seen.values()) == [30, 86400]


def test_making_a_page_private_drops_it_from_the_menus_at_once(content):
    from wagtail.models import PageViewRestriction

    a, _ = content
    cached_twice("dak-la.localhost", "/gioi-thieu/")
    PageViewRestriction.objects.create(page=a.standard, restriction_type=PageViewRestriction.LOGIN)
    assert get("dak-la.localhost", "/gioi-thieu/").get("X-Cache") == "MISS"


# -------------------------------------------------------------------------------------------------- HTTP


def test_public_pages_say_how_long_browsers_and_shared_caches_may_keep_them(content):
    response = get("dak-la.localhost", "/")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=20", "s-maxage=40", "stale-while-revalidate=20"} <= cache_control


def test_a_matching_etag_or_date_gets_304_without_a_body(content):
    response = get("dak-la.localhost", "/tin-tuc/")
    again = get("dak-la.localhost", "/tin-tuc/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    since = get("dak-la.localhost", "/tin-tuc/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_stored_pages_and_304s_carry_the_security_headers(content):
    """The browser keeps enforcing the policy whichever way the page reaches it."""
    first = get("dak-la.localhost", "/tin-tuc/")
    for response in (first, get("dak-la.localhost", "/tin-tuc/"),
                     get("dak-la.localhost", "/tin-tuc/", HTTP_IF_NONE_MATCH=first["ETag"])):
        assert "script-src 'self'" in response["Content-Security-Policy"], response.status_code
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_page_asked_over_plain_http_is_redirected_to_https(content, settings):
    cached_twice("dak-la.localhost", "/tin-tuc/")
    settings.SECURE_SSL_REDIRECT = True
    response = get("dak-la.localhost", "/tin-tuc/")
    assert response.status_code == 301
    assert response["Location"] == "https://dak-la.localhost/tin-tuc/"


def test_the_rss_feed_answers_304_to_if_modified_since(content):
    response = get("dak-la.localhost", "/rss/")
    assert response.status_code == 200
    assert get("dak-la.localhost", "/rss/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


@pytest.mark.parametrize("host, path", [
    ("dak-la.localhost", "/rss/van-ban/"), ("dak-la.localhost", "/atom/van-ban/"), ("localhost", "/rss/van-ban/"),
    ("dak-la.localhost", "/tin-tuc/chuyen-muc/thoi-su/rss/"), ("dak-la.localhost", "/tin-tuc/chuyen-muc/thoi-su/atom/"),
])
def test_the_documents_and_category_feeds_answer_304_to_their_validators(content, host, path):
    response = get(host, path)
    assert response.status_code == 200
    assert get(host, path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert get(host, path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_html_and_feeds_are_compressed_for_clients_that_accept_gzip(content):
    for path in ("/", "/rss/", "/sitemap.xml"):
        response = get("dak-la.localhost", path, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"], path


# -------------------------------------------------------------------------------------------------- rules


def test_publishing_a_news_item_shows_on_its_index_home_feed_and_the_portal_at_once(content):
    a, _ = content
    urls = [("dak-la.localhost", p) for p in ("/", "/tin-tuc/", "/rss/", "/sitemap.xml")] + [
        ("localhost", "/"), ("localhost", "/rss/"), ("localhost", "/xa-dak-la/tin-tuc/"),
    ]
    for host, path in urls:
        cached_twice(host, path)
    news = add_news(a.home, "Tin mới đăng: họp dân thôn 3", promoted=True, days_ago=-30)
    for host, path in urls:
        body = get(host, path).content.decode()
        assert news.title in body or f"/{news.slug}/" in body, (host, path)


def test_publishing_a_legal_document_shows_on_the_communes_and_the_portals_documents_feeds_at_once(content):
    a, _ = content
    urls = [("dak-la.localhost", "/rss/van-ban/"), ("dak-la.localhost", "/atom/van-ban/"),
            ("localhost", "/rss/van-ban/"), ("localhost", "/atom/van-ban/"), ("localhost", "/xa-dak-la/rss/van-ban/")]
    for host, path in urls:
        cached_twice(host, path)
    document = add_document(a.home, "99/QĐ-UBND", "Kế hoạch phòng chống lụt bão năm 2024", days_ago=-30)
    for host, path in urls:
        assert document.summary in get(host, path).content.decode(), (host, path)


def test_publishing_a_news_item_shows_on_its_category_feeds_at_once(content):
    a, _ = content
    paths = ["/tin-tuc/chuyen-muc/thoi-su/rss/", "/tin-tuc/chuyen-muc/thoi-su/atom/"]
    for path in paths:
        cached_twice("dak-la.localhost", path)
    news = add_news(a.home, "Tin thời sự mới: họp dân thôn 5", days_ago=-30)
    for path in paths:
        assert news.title in get("dak-la.localhost", path).content.decode(), path


def test_a_published_document_purges_its_sites_documents_feeds_and_its_index_from_the_caches_in_front(
        content, settings, monkeypatch):
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    a, _ = content
    settings.WAGTAILFRONTENDCACHE = {"nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                                               "LOCATION": "http://127.0.0.1:9"}}
    purged = []
    monkeypatch.setattr(PurgeBatch, "purge", lambda self, **kwargs: purged.extend(self.urls))
    add_document(a.home, "98/QĐ-UBND", "Kế hoạch trồng rừng năm 2024")
    assert {"http://dak-la.localhost/rss/van-ban/", "http://dak-la.localhost/atom/van-ban/",
            "http://localhost/rss/van-ban/", "http://localhost/atom/van-ban/", "http://dak-la.localhost/van-ban/"} <= set(purged)
    purged.clear()
    add_news(a.home, "Tin để thử xóa bộ nhớ đệm phía trước")
    assert "http://dak-la.localhost/tin-tuc/chuyen-muc/thoi-su/rss/" in purged


def test_editing_a_published_page_shows_on_the_page_itself(content):
    a, _ = content
    path = commune_path(a.news[1])
    cached_twice("dak-la.localhost", path)
    news = NewsPage.objects.get(pk=a.news[1].pk)
    news.intro = "Tóm tắt đã sửa sau khi đăng."
    publish(news)
    assert "Tóm tắt đã sửa sau khi đăng." in get("dak-la.localhost", path).content.decode()


def test_unpublishing_a_page_removes_it_from_its_page_and_index(content):
    a, _ = content
    path = commune_path(a.news[0])
    cached_twice("dak-la.localhost", path)
    cached_twice("dak-la.localhost", "/tin-tuc/")
    NewsPage.objects.get(pk=a.news[0].pk).unpublish()
    assert get("dak-la.localhost", path).status_code == 404
    assert a.news[0].title not in get("dak-la.localhost", "/tin-tuc/").content.decode()


def test_deleting_a_page_removes_it(content):
    a, _ = content
    cached_twice("dak-la.localhost", "/tin-tuc/")
    NewsPage.objects.get(pk=a.news[2].pk).delete()
    assert a.news[2].title not in get("dak-la.localhost", "/tin-tuc/").content.decode()


def test_moving_a_page_drops_both_the_site_it_left_and_the_site_it_joined(content):
    a, b = content
    from communes.models import NewsIndexPage

    cached_twice("dak-la.localhost", "/tin-tuc/")
    cached_twice("ha-mon.localhost", "/tin-tuc/")
    news = NewsPage.objects.get(pk=a.news[2].pk)
    news.move(NewsIndexPage.objects.child_of(b.home).get(), pos="last-child")
    assert a.news[2].title not in get("dak-la.localhost", "/tin-tuc/").content.decode()
    assert a.news[2].title in get("ha-mon.localhost", "/tin-tuc/").content.decode()


def test_a_change_in_one_commune_keeps_the_other_communes_pages(content):
    a, _ = content
    cached_twice("ha-mon.localhost", "/tin-tuc/")
    add_news(a.home, "Tin chỉ của Đắk La")
    assert get("ha-mon.localhost", "/tin-tuc/")["X-Cache"] == "HIT"


def test_a_news_item_not_promoted_still_drops_the_portal_which_may_have_shown_it_before(content):
    a, _ = content
    cached_twice("localhost", "/")
    news = NewsPage.objects.get(pk=a.news[0].pk)  # promoted: on the portal's home
    news.promote_to_portal = False
    publish(news)
    assert a.news[0].title not in get("localhost", "/").content.decode()


def test_changing_a_communes_identity_shows_on_all_its_pages_and_the_portal_directory(content):
    a, _ = content
    paths = ["/", "/tin-tuc/", commune_path(a.news[0]), "/gioi-thieu/"]
    for path in paths:
        cached_twice("dak-la.localhost", path)
    cached_twice("localhost", "/")
    home = a.home.specific
    home.agency_name = "Ủy ban nhân dân xã Đắk La (tên mới)"
    home.phone = "0260 9999 999"
    publish(home)
    for path in paths:
        assert "0260 9999 999" in get("dak-la.localhost", path).content.decode(), path


def test_changing_the_menu_shows_on_every_page_of_the_site(content):
    a, _ = content
    for path in ("/", "/tin-tuc/", "/gioi-thieu/"):
        cached_twice("dak-la.localhost", path)
    standard = a.standard.specific
    standard.title = "Thủ tục một cửa (đổi tên)"
    publish(standard)
    for path in ("/", "/tin-tuc/", "/gioi-thieu/"):
        assert "Thủ tục một cửa (đổi tên)" in get("dak-la.localhost", path).content.decode(), path


def test_changing_the_portal_home_drops_every_site(content, district):
    cached_twice("dak-la.localhost", "/")
    cached_twice("ha-mon.localhost", "/")
    portal_home = PortalHomePage.objects.get()
    portal_home.title = "Cổng thông tin điện tử huyện Đắk Hà (mới)"
    publish(portal_home)
    assert get("dak-la.localhost", "/")["X-Cache"] == "MISS"
    assert get("ha-mon.localhost", "/")["X-Cache"] == "MISS"


def test_saving_a_site_record_drops_every_page(content):
    from wagtail.models import Site

    cached_twice("dak-la.localhost", "/")
    site = Site.objects.get(hostname="ha-mon.localhost")
    site.site_name = "Hà Mòn"
    site.save()
    assert get("dak-la.localhost", "/")["X-Cache"] == "MISS"


def test_publishing_an_answered_question_shows_on_the_qa_lists_at_once(content, district):
    question = submit(district.a.home, title="Hỏi về cấp đổi căn cước công dân")
    cached_twice("dak-la.localhost", "/hoi-dap/")
    cached_twice("localhost", "/hoi-dap/")
    publish_question(question, district.approver_a, district.editor_a)
    assert question.title in get("dak-la.localhost", "/hoi-dap/").content.decode()
    assert question.title in get("localhost", "/hoi-dap/").content.decode()


def test_a_question_submitted_but_not_published_drops_nothing(content, district):
    cached_twice("dak-la.localhost", "/hoi-dap/")
    submit(district.a.home, title="Câu hỏi mới gửi, chưa trả lời")
    assert get("dak-la.localhost", "/hoi-dap/")["X-Cache"] == "HIT"


def test_publishing_and_cancelling_an_alert_shows_on_the_alert_pages_at_once(content, district):
    cached_twice("dak-la.localhost", "/canh-bao/")
    publisher = commune_publisher(district.a)
    alert = published_alert(district.a, publisher, headline="Lũ quét trên suối Đắk La")
    assert "Lũ quét trên suối Đắk La" in get("dak-la.localhost", "/canh-bao/").content.decode()
    cached_twice("dak-la.localhost", f"/canh-bao/{alert.pk}/")
    alert_cancel(original=alert, user=publisher)
    assert "Đã hủy" in get("dak-la.localhost", "/canh-bao/").content.decode()
    assert get("dak-la.localhost", f"/canh-bao/{alert.pk}/")["X-Cache"] == "MISS"


def test_the_banner_shows_on_a_cached_page_and_goes_when_the_alert_is_cancelled(content, district):
    cached_twice("dak-la.localhost", "/tin-tuc/")
    publisher = commune_publisher(district.a)
    alert = published_alert(district.a, publisher, headline="Sạt lở đất tại thôn 5")
    response = get("dak-la.localhost", "/tin-tuc/")
    assert response["X-Cache"] == "HIT"
    assert "Sạt lở đất tại thôn 5" in response.content.decode()
    alert_cancel(original=alert, user=publisher)
    response = get("dak-la.localhost", "/tin-tuc/")
    assert response["X-Cache"] == "HIT"
    assert "Sạt lở đất tại thôn 5" not in response.content.decode()


def test_changing_an_image_drops_the_pages_that_may_show_it(content, test_image):
    cached_twice("dak-la.localhost", "/")
    test_image.title = "Ảnh hội nghị (sửa)"
    test_image.save()
    assert get("dak-la.localhost", "/")["X-Cache"] == "MISS"


def test_a_render_that_overlaps_a_change_is_not_stored(db):
    """A page read before a change commits must not be kept as current."""

    def render(request):
        pagecache.tag(request, "unit:1")
        return HttpResponse("trang")

    def render_while_someone_publishes(request):
        pagecache.invalidate("unit:2")  # another site's editor publishes while this page renders
        return render(request)

    def request():
        return RequestFactory().get("/", HTTP_HOST="dak-la.localhost")

    assert "X-Cache" not in PageCacheMiddleware(render_while_someone_publishes)(request())
    assert PageCacheMiddleware(render)(request())["X-Cache"] == "MISS"
    assert PageCacheMiddleware(render)(request())["X-Cache"] == "HIT"
    pagecache.invalidate("unit:1")
    assert PageCacheMiddleware(render)(request())["X-Cache"] == "MISS"


def test_an_untagged_response_is_never_stored(db):
    middleware = PageCacheMiddleware(lambda request: HttpResponse("không ai gắn thẻ"))
    for _ in range(2):
        assert "X-Cache" not in middleware(RequestFactory().get("/", HTTP_HOST="dak-la.localhost"))


@pytest.mark.parametrize("enabled", [False])
def test_the_cache_can_be_switched_off(content, settings, enabled):
    settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": enabled}
    for _ in range(2):
        assert "X-Cache" not in get("dak-la.localhost", "/")
