"""What a reader sees of the languages: the switcher, `hreflang` in pages and sitemaps, `lang`, and the
Vietnamese page with a notice where a page is not translated. On a commune's host and under the
portal's path. Minority-language text here is an obviously marked test string, never invented text."""

import re

import pytest
from django.test import Client
from wagtail.models import Locale

from languages.models import Language, SiteLanguage
from languages.services import enable_language
from tests.public.conftest import content, test_image  # noqa: F401 - fixtures requested by name
from tests.public.test_pages import translate_to_english

MARKED = "[thử nghiệm bdq]"


def get(host, path):
    return Client(HTTP_HOST=host).get(path)


def html_of(host, path):
    response = get(host, path)
    assert response.status_code == 200, (host, path, response.status_code)
    return response.content.decode()


def alternates(html):
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)


def switcher(html):
    found = re.search(r'<nav class="language-switcher wrap".*?</nav>', html)
    return found.group(0) if found else ""


def translate_to_ba_na(page):
    """A Ba Na version of the page, published, its title a marked test string."""
    locale = Locale.objects.get(language_code="bdq")
    translated = page.copy_for_translation(locale, copy_parents=True)  # its index: an alias in Ba Na
    translated.title = f"{MARKED} {page.title}"
    translated.save_revision().publish()
    return translated


@pytest.fixture
def ba_na_on_a(content):  # noqa: F811
    a, b = content
    enable_language(Language.objects.get(code="bdq"), a.home.commune_site)
    return a, b


def test_a_translated_page_offers_its_versions_in_the_switcher_and_as_alternates_on_the_communes_host(
    content, django_capture_on_commit_callbacks  # noqa: F811
):
    a, _ = content
    translate_to_english(a.organisation, django_capture_on_commit_callbacks)
    vietnamese = html_of("dak-la.localhost", "/co-cau-to-chuc/")
    assert alternates(vietnamese) == [
        ("vi", "http://dak-la.localhost/co-cau-to-chuc/"),
        ("en", "http://dak-la.localhost/en/co-cau-to-chuc/"),
        ("x-default", "http://dak-la.localhost/co-cau-to-chuc/"),
    ]
    links = switcher(vietnamese)
    assert '<span aria-current="page" lang="vi">Tiếng Việt</span>' in links
    assert '<a href="http://dak-la.localhost/en/co-cau-to-chuc/" hreflang="en" lang="en">English</a>' in links
    english = html_of("dak-la.localhost", "/en/co-cau-to-chuc/")
    assert '<html lang="en">' in english and alternates(english) == alternates(vietnamese)
    # Under the portal's path: the same versions, at their canonical (commune) addresses.
    assert alternates(html_of("localhost", "/xa-dak-la/co-cau-to-chuc/")) == alternates(vietnamese)


def test_an_untranslated_page_has_no_switcher_and_no_alternates(content):  # noqa: F811
    html = html_of("dak-la.localhost", "/gioi-thieu/")
    assert not switcher(html) and not alternates(html)
    assert not alternates(html_of("localhost", "/xa-dak-la/gioi-thieu/"))


def test_a_page_not_translated_into_english_is_the_vietnamese_page_with_a_notice_in_english(
    content, django_capture_on_commit_callbacks  # noqa: F811
):
    a, _ = content
    translate_to_english(a.organisation, django_capture_on_commit_callbacks)  # the English home exists now
    html = html_of("dak-la.localhost", "/en/gioi-thieu/")  # the profile has no English version
    assert '<html lang="vi">' in html
    assert ('<p class="language-fallback" role="note" lang="en">This page is not available in English yet; '
            'it is shown in Vietnamese.</p>') in html
    assert '<link rel="canonical" href="http://dak-la.localhost/gioi-thieu/">' in html
    assert get("dak-la.localhost", "/en/khong-co-trang-nay/").status_code == 404


def test_a_ba_na_translation_is_offered_only_on_the_commune_that_enabled_ba_na(ba_na_on_a):
    a, b = ba_na_on_a
    ba_na = translate_to_ba_na(a.organisation)
    html = html_of("dak-la.localhost", "/co-cau-to-chuc/")
    assert ("bdq", "http://dak-la.localhost/bdq/co-cau-to-chuc/") in alternates(html)
    assert '<a href="http://dak-la.localhost/bdq/co-cau-to-chuc/" hreflang="bdq" lang="bdq">Bahnar</a>' in switcher(html)
    page = html_of("dak-la.localhost", "/bdq/co-cau-to-chuc/")
    assert '<html lang="bdq">' in page and f"{MARKED} Cơ cấu tổ chức" in page
    assert "bdq" not in dict(alternates(html_of("ha-mon.localhost", "/co-cau-to-chuc/")))
    assert get("ha-mon.localhost", "/bdq/co-cau-to-chuc/").status_code == 404

    sitemap = html_of("dak-la.localhost", "/sitemap.xml")
    assert '<xhtml:link rel="alternate" hreflang="bdq" href="http://dak-la.localhost/bdq/co-cau-to-chuc/"/>' in sitemap
    assert "<loc>http://dak-la.localhost/bdq/co-cau-to-chuc/</loc>" in sitemap
    assert "<loc>http://dak-la.localhost/bdq/</loc>" not in sitemap  # the home is an untranslated stand-in
    assert "bdq" not in html_of("ha-mon.localhost", "/sitemap.xml")

    # Switched off on the commune: its Ba Na pages stay, unseen, and are offered nowhere.
    SiteLanguage.objects.filter(commune=a.home.commune_site).delete()
    assert get("dak-la.localhost", "/bdq/co-cau-to-chuc/").status_code == 404
    assert "bdq" not in dict(alternates(html_of("dak-la.localhost", "/co-cau-to-chuc/")))
    assert ba_na.get_translations(inclusive=True).filter(locale__language_code="bdq").exists()


def test_an_untranslated_page_asked_for_in_ba_na_is_the_vietnamese_page_with_a_notice(ba_na_on_a):
    home = html_of("dak-la.localhost", "/bdq/")  # the commune's Ba Na home: not translated yet
    assert '<html lang="vi">' in home
    # No Ba Na catalogue: the notice is in Vietnamese, and its `lang` says so.
    assert '<p class="language-fallback" role="note" lang="vi">' in home and "Bahnar" in home
    news = html_of("dak-la.localhost", "/bdq/tin-tuc/")
    assert '<html lang="vi">' in news and "language-fallback" in news
    assert get("ha-mon.localhost", "/bdq/tin-tuc/").status_code == 404  # not a language of Hà Mòn


def test_a_communes_ba_na_pages_stay_out_of_the_portals_news_documents_and_search(ba_na_on_a):
    a, _ = ba_na_on_a
    promoted = next(news for news in a.news if news.promote_to_portal)
    translate_to_ba_na(promoted)
    translate_to_ba_na(a.documents[0])
    for path in ("/", "/rss/", "/rss/van-ban/", "/tim-kiem/?q=th%E1%BB%AD+nghi%E1%BB%87m"):
        assert MARKED not in html_of("localhost", path), path
    assert MARKED not in html_of("dak-la.localhost", "/tim-kiem/?q=th%E1%BB%AD+nghi%E1%BB%87m")
    assert MARKED in html_of("dak-la.localhost", "/bdq/tin-tuc/" + promoted.slug + "/")
