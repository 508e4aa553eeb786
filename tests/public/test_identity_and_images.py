"""Issue 14: the site's identity in header and footer, and responsive images (WebP with a JPEG fallback,
sized for phones to desktops, lazy below the fold) within the page's query budget."""

import datetime
import re

import pytest
from django.test import Client
from django.utils.html import escape
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file_jpeg

from communes.models import NewsIndexPage, NewsPage
from tests.public.conftest import publish

pytestmark = pytest.mark.usefixtures("page_cache_off")

IDENTITY = {
    "agency_name": "Ủy ban nhân dân xã Đắk La", "address": "Thôn 1, xã Đắk La, tỉnh Kon Tum",
    "phone": "0260 3824 100", "hotline": "0260 3824 999", "email": "ubnd@dakla.example.vn",
    "licence_number": "12/GP-TTĐT", "licence_issuer": "Sở Thông tin và Truyền thông tỉnh Kon Tum",
    "licence_date": datetime.date(2023, 6, 15), "content_responsible": "Nguyễn Văn An, Phó Chủ tịch UBND xã",
    "logo_alt": "Biểu trưng xã Đắk La",
}


@pytest.fixture
def photo(db):
    return Image.objects.create(title="Hội nghị", file=get_test_image_file_jpeg(filename="hoi-nghi.jpg", size=(1200, 675)))


@pytest.fixture
def identity(district, photo):
    home = district.a.home.specific
    for name, value in IDENTITY.items():
        setattr(home, name, value)
    home.logo = photo
    return publish(home)


def news(home, title, *, image=None, image_alt="", body_images=0, photo=None):
    body = [("paragraph", f"<p>Nội dung {title}.</p>")]
    for i in range(body_images):
        # Distinct images: Wagtail loads one instance per image, so the same image twice shows one alt text.
        other = Image.objects.create(title=f"Ảnh {i + 1}", file=get_test_image_file_jpeg(size=(1200, 675)))
        body.append(("image", {"image": other, "decorative": False, "alt_text": f"Ảnh trong bài số {i + 1}"}))
    page = NewsPage(title=title, date=datetime.date(2024, 5, 20), image=image, image_alt=image_alt, body=body)
    NewsIndexPage.objects.child_of(home).get().add_child(instance=page)
    return publish(page)


def part(html, tag):
    return re.search(rf"<{tag}\b.*?</{tag}>", html, re.S).group(0)


def pictures(html):
    return re.findall(r"<picture>.*?</picture>", part(html, "main"), re.S)


def attribute(tag_html, name):
    found = re.search(rf'\s{name}="([^"]*)"', tag_html)
    return found and found.group(1)


def test_the_footer_shows_each_legal_detail_and_the_header_the_logo_and_hotline(identity):
    html = Client(HTTP_HOST="dak-la.localhost").get("/").content.decode()
    footer, header = part(html, "footer"), part(html, "header")
    for name in ("agency_name", "address", "phone", "hotline", "email", "licence_number", "licence_issuer",
                 "content_responsible"):
        assert escape(IDENTITY[name]) in footer, name
    assert "Giấy phép số 12/GP-TTĐT do Sở Thông tin và Truyền thông tỉnh Kon Tum cấp ngày 15/06/2023." in footer
    assert "Chịu trách nhiệm nội dung: Nguyễn Văn An" in footer
    assert 'href="tel:02603824999"' in header and "Đường dây nóng" in header
    logo = re.search(r'<img[^>]*class="logo"[^>]*>', header).group(0)
    assert attribute(logo, "alt") == "Biểu trưng xã Đắk La"
    assert attribute(logo, "height") == "96" and attribute(logo, "width")  # shown 3rem high, sharp on 2× screens


def test_a_site_without_legal_details_shows_no_empty_labels(district):
    footer = part(Client(HTTP_HOST="dak-la.localhost").get("/").content.decode(), "footer")
    assert "Giấy phép" not in footer and "Chịu trách nhiệm" not in footer and "Đường dây nóng" not in footer


def test_a_news_item_serves_webp_and_jpeg_sources_sized_for_phones_to_desktops(district, photo):
    page = news(district.a.home, "Tin có ảnh", image=photo, image_alt="Cán bộ xã tại hội nghị", body_images=2,
                photo=photo)
    html = Client(HTTP_HOST="dak-la.localhost").get(page.url).content.decode()
    lead, first_body, second_body = pictures(html)
    webp = re.search(r'<source[^>]*type="image/webp"[^>]*>', lead).group(0)
    assert [int(w) for w in re.findall(r"\.webp (\d+)w", attribute(webp, "srcset"))] == [360, 720, 1080]
    assert attribute(webp, "sizes")
    img = re.search(r"<img[^>]*>", lead).group(0)
    assert [int(w) for w in re.findall(r"\.jpg (\d+)w", attribute(img, "srcset"))] == [360, 720, 1080]
    assert attribute(img, "sizes") and attribute(img, "width") == "360" and attribute(img, "height") == "202"
    assert attribute(img, "alt") == "Cán bộ xã tại hội nghị"
    # The lead image is at the top: eager. The body's images are further down: lazy.
    assert attribute(img, "loading") is None and attribute(img, "decoding") == "async"
    for picture, alt in ((first_body, "Ảnh trong bài số 1"), (second_body, "Ảnh trong bài số 2")):
        img = re.search(r"<img[^>]*>", picture).group(0)
        assert attribute(img, "loading") == "lazy" and attribute(img, "decoding") == "async"
        assert attribute(img, "alt") == alt and 'type="image/webp"' in picture


def test_without_a_lead_image_the_first_body_image_loads_eagerly(district, photo):
    page = news(district.a.home, "Tin không có ảnh đại diện", body_images=2, photo=photo)
    html = Client(HTTP_HOST="dak-la.localhost").get(page.url).content.decode()
    first, second = (re.search(r"<img[^>]*>", p).group(0) for p in pictures(html))
    assert attribute(first, "loading") is None and attribute(second, "loading") == "lazy"


def test_news_cards_are_lazy_webp_pictures(district, photo):
    news(district.a.home, "Tin trên trang chủ", image=photo, image_alt="Ảnh")
    html = Client(HTTP_HOST="dak-la.localhost").get("/tin-tuc/").content.decode()
    (card,) = pictures(html)
    img = re.search(r"<img[^>]*>", card).group(0)
    assert 'type="image/webp"' in card and attribute(img, "loading") == "lazy"
    assert attribute(img, "alt") == ""  # the headline right below says it all
    assert [int(w) for w in re.findall(r"\.jpg (\d+)w", attribute(img, "srcset"))] == [320, 640]


@pytest.mark.parametrize("body_images", [2, 5])
def test_an_illustrated_news_item_with_a_logo_costs_no_query_per_image(
    identity, photo, body_images, django_assert_max_num_queries
):
    """The news item's budget (7, tests/public/test_queries.py) plus one query that loads all the body's
    images at once; the renditions come prefetched (lead image, logo in the cached chrome) or from the
    rendition cache (body images), whatever the number of images."""
    page = news(identity, "Tin nhiều ảnh", image=photo, image_alt="Ảnh", body_images=body_images, photo=photo)
    client = Client(HTTP_HOST="dak-la.localhost")
    assert client.get(page.url).status_code == 200  # warm: renditions made, caches filled
    with django_assert_max_num_queries(9):  # 8, and the page's versions in other languages (the switcher)
        html = client.get(page.url).content.decode()
    assert len(pictures(html)) == 1 + body_images and 'class="logo"' in html
