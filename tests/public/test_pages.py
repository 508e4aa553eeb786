"""What every public page carries: language, Open Graph, breadcrumbs, article tools, print view."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from wagtail.models import Locale


def html_of(host, path):
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code == 200, (host, path)
    return response.content.decode()


def meta(html, prop):
    match = re.search(rf'<meta property="{prop}" content="([^"]*)">', html)
    return match and match.group(1)


def article_paths(content):
    a, _ = content
    under = lambda page: page.url_path.split("/xa-dak-la", 1)[1]  # noqa: E731
    return {
        "news": under(a.news[0]),
        "document": under(a.documents[0]),
        "profile": "/gioi-thieu/",
        "organisation": "/co-cau-to-chuc/",
        "standard": "/thu-tuc-hanh-chinh/",
    }


def test_pages_declare_vietnamese_and_open_graph_with_canonical_urls(content):
    a, _ = content
    for path in ["/", *article_paths(content).values()]:
        html = html_of("dak-la.localhost", path)
        assert '<html lang="vi">' in html
        assert meta(html, "og:url").startswith("http://dak-la.localhost/")
        assert f'<link rel="canonical" href="{meta(html, "og:url")}">' in html
        assert meta(html, "og:title") and meta(html, "og:description")
        assert meta(html, "og:locale") == "vi_VN"
        assert meta(html, "og:site_name") == "Trang thông tin điện tử Xã Đắk La"


def test_a_page_reached_under_the_portal_path_names_the_communes_hostname_as_canonical(content):
    html = html_of("localhost", "/xa-dak-la/co-cau-to-chuc/")
    assert '<link rel="canonical" href="http://dak-la.localhost/co-cau-to-chuc/">' in html


def test_a_news_item_is_an_article_with_its_image_and_summary_in_open_graph(content):
    a, _ = content
    html = html_of("dak-la.localhost", article_paths(content)["news"])
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:image").startswith("http://dak-la.localhost/media/images/")
    assert meta(html, "og:description") == a.news[0].intro


@pytest.mark.parametrize("kind", ["news", "document", "profile", "organisation", "standard"])
def test_every_article_has_print_share_and_last_updated_tools(content, kind):
    html = html_of("dak-la.localhost", article_paths(content)[kind])
    tools = html.split('<aside class="article-tools"')[1].split("</aside>")[0]
    assert 'href="?ban-in=1"' in tools and "In / lưu bài viết" in tools
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Fdak-la.localhost%2F" in tools
    assert "https://zalo.me/share?url=http%3A%2F%2Fdak-la.localhost%2F" in tools
    assert re.search(r"Cập nhật lần cuối: <time datetime=\"[^\"]+\+07:00\">\d\d/\d\d/\d{4} \d\d:\d\d</time>", tools)


def test_the_print_view_shows_the_article_without_header_navigation_or_breadcrumbs(content):
    path = article_paths(content)["news"]
    html = html_of("dak-la.localhost", path + "?ban-in=1")
    assert '<body class=" print-view">' in html
    assert 'class="site-header"' not in html and 'class="site-nav"' not in html and 'class="breadcrumbs' not in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<link rel="stylesheet" href="/static/css/print.css" media="all">' in html
    assert "<h1>" in html and "Ủy ban nhân dân xã Đắk La" in html
    assert f'href="{path}">← Quay lại bài viết</a>' in html
    assert '<button type="button" data-print hidden>In trang này</button>' in html  # shown by JavaScript only
    assert "Nguồn: http://dak-la.localhost" + path in html


def test_breadcrumbs_lead_from_the_portal_through_the_commune(content):
    html = html_of("dak-la.localhost", article_paths(content)["news"])
    crumbs = html.split('<nav class="breadcrumbs wrap" aria-label="Đường dẫn">')[1].split("</nav>")[0]
    assert re.findall(r">([^<>]+)</a>", crumbs) == ["Cổng thông tin điện tử huyện Đắk Hà", "Xã Đắk La", "Tin tức - Sự kiện"]
    assert '<li aria-current="page">' in crumbs


def test_pages_have_a_skip_link_landmarks_and_one_h1(content):
    for path in ["/", *article_paths(content).values()]:
        html = html_of("dak-la.localhost", path)
        assert '<a class="skip-link" href="#noi-dung">' in html
        assert '<main id="noi-dung"' in html and "<header" in html and "<footer" in html
        assert '<nav class="site-nav" aria-label="Chuyên mục">' in html
        assert len(re.findall(r"<h1[ >]", html)) == 1, path
        assert '<label for="q-header">' in html


def translate_to_english(page, on_commit):
    """What the admin's "Translate" (wagtail-localize) does, with the title translated."""
    from wagtail_localize.models import StringSegment, StringTranslation, Translation
    from wagtail_localize.operations import TranslationCreator

    english = Locale.objects.get(language_code="en")
    user = User.objects.create_superuser("bien-dich", "bien-dich@example.vn", "matkhau-thu-nghiem")
    TranslationCreator(user, [english]).create_translations(page)
    translation = Translation.objects.get(source__object_id=page.translation_key, target_locale=english)
    wording = {"Cơ cấu tổ chức": "Organisation and contacts",
               "Quản lý nhà nước trên địa bàn xã.": "State management within the commune."}
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string"):
        if segment.string.data in wording:
            StringTranslation.objects.create(translation_of=segment.string, locale=english,
                                             context=segment.context, data=wording[segment.string.data])
    with on_commit(execute=True):  # wagtail-localize publishes once the transaction commits
        translation.save_target(user=user, publish=True)
    return page.get_translation(english)


def test_the_organisation_page_can_be_translated_into_english_and_is_served_under_en(
    content, django_capture_on_commit_callbacks
):
    a, _ = content
    english = translate_to_english(a.organisation, django_capture_on_commit_callbacks)
    assert english.live and english.title == "Organisation and contacts"

    html = html_of("dak-la.localhost", "/en/co-cau-to-chuc/")
    assert '<html lang="en">' in html
    assert "<h1>Organisation and contacts</h1>" in html
    assert "State management within the commune." in html
    assert "Functions and duties" in html and "Skip to main content" in html
    assert meta(html, "og:locale") == "en_US"
    assert '<link rel="canonical" href="http://dak-la.localhost/en/co-cau-to-chuc/">' in html
    assert 'href="http://dak-la.localhost/co-cau-to-chuc/" hreflang="vi" lang="vi">Tiếng Việt</a>' in html

    # The Vietnamese page offers the English one, and stays Vietnamese.
    vietnamese = html_of("dak-la.localhost", "/co-cau-to-chuc/")
    assert '<html lang="vi">' in vietnamese and (
        'href="http://dak-la.localhost/en/co-cau-to-chuc/" hreflang="en" lang="en">English</a>' in vietnamese)
    # The commune's English home (an alias of the Vietnamese one: not translated) is the Vietnamese home,
    # said so in English.
    home = html_of("dak-la.localhost", "/en/")
    assert '<html lang="vi">' in home
    assert '<p class="language-fallback" role="note" lang="en">This page is not available in English yet; ' in home
    # An untranslated page asked for in English is the Vietnamese page, with the same notice.
    response = Client(HTTP_HOST="ha-mon.localhost").get("/en/co-cau-to-chuc/")
    untranslated = response.content.decode()
    assert response.status_code == 200 and '<html lang="vi">' in untranslated
    assert "it is shown in Vietnamese." in untranslated
    assert '<link rel="canonical" href="http://ha-mon.localhost/co-cau-to-chuc/">' in untranslated
    # The commune's sitemap lists both languages.
    sitemap = html_of("dak-la.localhost", "/sitemap.xml")
    assert "<loc>http://dak-la.localhost/en/co-cau-to-chuc/</loc>" in sitemap
    assert "<loc>http://dak-la.localhost/co-cau-to-chuc/</loc>" in sitemap
