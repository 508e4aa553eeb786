"""Issue 14 in a real browser: a phone downloads a small WebP for a news item's picture, a desktop a larger
one; the logo and hotline fit in the phone's header; and axe finds nothing at either width."""

import datetime

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file_jpeg

from communes.models import NewsIndexPage, NewsPage
from tests.browser.test_browser_accessibility import assert_no_violations, audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def illustrated_news(district):
    photo = Image.objects.create(title="Hội nghị", file=get_test_image_file_jpeg(filename="hn.jpg", size=(1200, 675)))
    other = Image.objects.create(title="Cụm loa", file=get_test_image_file_jpeg(filename="loa.jpg", size=(1200, 675)))
    page = NewsPage(
        title="Xã Đắk La đưa vào sử dụng cụm loa truyền thanh thông minh", date=datetime.date(2024, 5, 20),
        image=photo, image_alt="Cán bộ xã lắp cụm loa tại nhà văn hóa thôn", intro="Tóm tắt tin.",
        body=[("paragraph", "<p>Nội dung tin.</p>"),
              ("image", {"image": other, "decorative": False, "alt_text": "Cụm loa ở thôn 1"})],
    )
    NewsIndexPage.objects.child_of(district.a.home).get().add_child(instance=page)
    publish(page)
    return page


def set_identity(home, logo):
    home = home.specific
    home.logo, home.logo_alt, home.hotline = logo, "Biểu trưng xã Đắk La", "0260 3824 999"
    home.licence_number, home.content_responsible = "12/GP-TTĐT", "Nguyễn Văn An, Phó Chủ tịch UBND xã"
    publish(home)


def lead_picture(page):
    """What the browser chose for the article's first picture: its URL and intrinsic width."""
    page.wait_for_function("() => { const i = document.querySelector('main picture img'); return i && i.complete }")
    return page.evaluate("() => { const i = document.querySelector('main picture img');"
                         " return {src: i.currentSrc, width: i.naturalWidth} }")


def header_height(page):
    return page.evaluate("() => document.querySelector('.site-header').getBoundingClientRect().height")


def test_a_phone_gets_a_small_webp_a_desktop_a_larger_one_and_axe_finds_nothing(
    browser, live_sites, illustrated_news, district
):
    url = live_sites["a"] + "/tin-tuc/" + illustrated_news.slug + "/"
    report = []

    phone = browser.new_page(viewport=PHONE)
    phone.goto(url)
    chosen = lead_picture(phone)
    assert chosen["src"].endswith(".webp") and chosen["width"] <= 720, chosen
    lazy = phone.evaluate("() => [...document.querySelectorAll('main picture img')].map(i => i.loading)")
    assert lazy == ["auto", "lazy"]  # the article's first image at once, the one further down when needed
    audit(phone, "news item at 360 px", report)
    phone.close()

    desktop = browser.new_page(viewport=DESKTOP)
    desktop.goto(url)
    chosen = lead_picture(desktop)
    assert chosen["src"].endswith(".webp") and chosen["width"] > 720, chosen
    audit(desktop, "news item at 1280 px", report)
    desktop.close()
    assert_no_violations(report)


def test_the_logo_and_hotline_add_no_more_than_the_logos_height_to_a_phones_header(browser, live_sites, district):
    logo = Image.objects.create(title="Biểu trưng", file=get_test_image_file_jpeg(filename="logo.jpg", size=(256, 256)))
    phone = browser.new_page(viewport=PHONE)
    phone.goto(live_sites["a"] + "/")
    before = header_height(phone)

    set_identity(district.a.home, logo)
    phone.close()
    phone = browser.new_page(viewport=PHONE)  # a new browser context: the first page may be in its HTTP cache
    phone.goto(live_sites["a"] + "/")
    logo_box = phone.evaluate("() => document.querySelector('.site-header img.logo').getBoundingClientRect().height")
    assert phone.get_by_text("0260 3824 999").first.is_visible()
    assert 0 < logo_box <= 48
    assert header_height(phone) - before <= logo_box, (before, header_height(phone), logo_box)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out
    report = []
    audit(phone, "commune home with its identity at 360 px", report)
    phone.close()
    assert_no_violations(report)
