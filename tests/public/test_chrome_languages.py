"""The public chrome (header, footer, breadcrumbs, article tools, feed links, the organisation page's
headings, the 404 page) speaks the page's language through gettext: an English page reads the English
msgids, a Vietnamese page the project's Vietnamese catalogue, and no template special-cases a language."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from tests.public.conftest import publish
from tests.public.test_identity_and_images import IDENTITY
from tests.public.test_pages import html_of, translate_to_english

# (English, Vietnamese): each as the organisation page and its chrome show it, in every part of the chrome.
CHROME = [
    ('<a class="skip-link" href="#noi-dung">Skip to main content</a>',
     '<a class="skip-link" href="#noi-dung">Bỏ qua, đến nội dung chính</a>'),
    ('<meta property="og:site_name" content="Website of Xã Đắk La">',
     '<meta property="og:site_name" content="Trang thông tin điện tử Xã Đắk La">'),
    ('<meta property="og:locale" content="en_US">', '<meta property="og:locale" content="vi_VN">'),
    ('title="News - Xã Đắk La"', 'title="Tin tức - Xã Đắk La"'),
    ('title="Legal documents - Xã Đắk La"', 'title="Văn bản - Xã Đắk La"'),
    ('<p class="site-title">Website of Xã Đắk La</p>', '<p class="site-title">Trang thông tin điện tử Xã Đắk La</p>'),
    ('<p class="hotline">Hotline: ', '<p class="hotline">Đường dây nóng: '),
    ('<label for="q-header">Search</label>', '<label for="q-header">Tìm kiếm</label>'),
    ('<button type="submit">Search</button>', '<button type="submit">Tìm</button>'),
    ('<nav class="site-nav" aria-label="Sections">', '<nav class="site-nav" aria-label="Chuyên mục">'),
    ("<summary>Menu</summary>", "<summary>Danh mục</summary>"),
    (">Home</a></li>", ">Trang chủ</a></li>"),
    ('<nav class="breadcrumbs wrap" aria-label="Breadcrumb">', '<nav class="breadcrumbs wrap" aria-label="Đường dẫn">'),
    ("<h2>Functions and duties</h2>", "<h2>Chức năng, nhiệm vụ</h2>"),
    ("<h2>Organisational structure</h2>", "<h2>Cơ cấu tổ chức</h2>"),
    ("<h2>Leaders</h2>", "<h2>Lãnh đạo</h2>"),
    ("<h2>Contact points</h2>", "<h2>Đầu mối liên hệ</h2>"),
    ('<br>Phone: <a href="tel:02603820000">', '<br>Điện thoại: <a href="tel:02603820000">'),  # a leader's contact
    ('<br>Email: <a href="mailto:ubnd@example.vn">', '<br>Thư điện tử: <a href="mailto:ubnd@example.vn">'),
    ('<aside class="article-tools" aria-label="Article tools">', '<aside class="article-tools" aria-label="Công cụ bài viết">'),
    ('<p class="updated">Last updated: <time', '<p class="updated">Cập nhật lần cuối: <time'),
    (">Print / save this article</a>", ">In / lưu bài viết</a>"),
    ('Share on Facebook<span class="visually-hidden"> (opens a new window)</span>',
     'Chia sẻ Facebook<span class="visually-hidden"> (mở cửa sổ mới)</span>'),
    ('Share on Zalo<span class="visually-hidden"> (opens a new window)</span>',
     'Chia sẻ Zalo<span class="visually-hidden"> (mở cửa sổ mới)</span>'),
    ('<nav class="language-switcher wrap" aria-label="Languages">', '<nav class="language-switcher wrap" aria-label="Ngôn ngữ">'),
    ("Address: Thôn 1, xã Đắk La", "Địa chỉ: Thôn 1, xã Đắk La"),
    ('Phone: <a href="tel:02603824100">', 'Điện thoại: <a href="tel:02603824100">'),
    ('Hotline: <a href="tel:02603824999">0260 3824 999</a><br>', 'Đường dây nóng: <a href="tel:02603824999">0260 3824 999</a><br>'),
    ('Email: <a href="mailto:ubnd@dakla.example.vn">', 'Thư điện tử: <a href="mailto:ubnd@dakla.example.vn">'),
    ("Responsible for the content: Nguyễn Văn An", "Chịu trách nhiệm nội dung: Nguyễn Văn An"),
    ("Licence no. 12/GP-TTĐT issued by Sở Thông tin và Truyền thông tỉnh Kon Tum on 15/06/2023.",
     "Giấy phép số 12/GP-TTĐT do Sở Thông tin và Truyền thông tỉnh Kon Tum cấp ngày 15/06/2023."),
    ("<p>A component website of <a ", "<p>Trang thông tin điện tử thành phần của <a "),
    ('<p class="footer-owner">Managing agency: ', '<p class="footer-owner">Cơ quan chủ quản: '),
    (">RSS news feed</a>", ">Nhận tin RSS</a>"),
]
PRINT_CHROME = [
    (">← Back to the article</a>", ">← Quay lại bài viết</a>"),
    ("<button type=\"button\" data-print hidden>Print this page</button>",
     "<button type=\"button\" data-print hidden>In trang này</button>"),
    ("<p class=\"source\">Source: http://dak-la.localhost/", "<p class=\"source\">Nguồn: http://dak-la.localhost/"),
]


def organisation_in_both_languages(content, district, on_commit):
    a, _ = content
    home = district.a.home.specific
    for name, value in IDENTITY.items():  # every label of the footer shows
        setattr(home, name, value)
    publish(home)  # before the translation: the English home is an alias and follows it
    translate_to_english(a.organisation, on_commit)
    return "/en/co-cau-to-chuc/", "/co-cau-to-chuc/"


def assert_speaks(html, pairs, language):
    """Every (English, Vietnamese) pair shows in `language`, and none in the other one."""
    wanted, unwanted = (0, 1) if language == "en" else (1, 0)
    missing = [pair[wanted] for pair in pairs if pair[wanted] not in html]
    mixed = [pair[unwanted] for pair in pairs if pair[unwanted] in html]
    assert not missing, f"missing: {missing}"
    assert not mixed, f"the other language: {mixed}"


def test_an_english_page_has_english_chrome_and_a_vietnamese_page_vietnamese_chrome(
    content, district, django_capture_on_commit_callbacks
):
    english, vietnamese = organisation_in_both_languages(content, district, django_capture_on_commit_callbacks)
    assert_speaks(html_of("dak-la.localhost", english), CHROME, "en")
    assert_speaks(html_of("dak-la.localhost", vietnamese), CHROME, "vi")
    assert_speaks(html_of("dak-la.localhost", english + "?ban-in=1"), PRINT_CHROME, "en")
    assert_speaks(html_of("dak-la.localhost", vietnamese + "?ban-in=1"), PRINT_CHROME, "vi")


def test_the_404_page_reads_in_the_language_of_the_address(district):
    english = Client(HTTP_HOST="dak-la.localhost").get("/en/khong-co/").content.decode()
    assert "<title>Page not found - Xã Đắk La</title>" in english
    assert "There is no page at <strong>/en/khong-co/</strong> on the website of Xã Đắk La." in english
    assert ">Go to the home page of Xã Đắk La</a>" in english
    assert '<label for="q-404">Search this website</label>' in english
    assert "Không" not in english and "Tìm" not in english

    vietnamese = Client(HTTP_HOST="dak-la.localhost").get("/khong-co/").content.decode()
    assert "<title>Không tìm thấy trang - Xã Đắk La</title>" in vietnamese
    assert "Không có trang nào ở địa chỉ <strong>/khong-co/</strong> trên trang thông tin điện tử Xã Đắk La." in vietnamese
    assert "Cổng thông tin: <a " in vietnamese
    assert '<form class="filters" role="search" aria-label="Tìm nội dung bạn cần"' in vietnamese
    assert "Page not found" not in vietnamese and "Search" not in vietnamese


def test_the_404_page_escapes_the_missing_address_it_repeats(district):
    html = Client(HTTP_HOST="dak-la.localhost").get("/%3Cb%3Ex%3C/b%3E/").content.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def template_files():
    """Every Django template of the repository: the project's folder and any app's templates/."""
    root = Path(settings.BASE_DIR)
    skipped = {".venv", "venv", "node_modules", ".git", "static", "media"}
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if path.suffix in {".html", ".txt", ".xml"} and "templates" in parts and not skipped & set(parts):
            yield path


def test_no_template_special_cases_a_language():
    # Words of the chrome go through {% translate %}: a test of the language in a template would leave
    # every other language (the minority content languages) with one of the two branches.
    special_case = re.compile(r"""\b(LANGUAGE_CODE|LANG|language_code)\s*[!=]=|[!=]=\s*["'](vi|en)["']""")
    files = list(template_files())
    assert any(path.name == "base.html" for path in files)  # the walk does find the templates
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if special_case.search(line)
    ]
    assert not offenders, "templates that test the language instead of translating:\n" + "\n".join(offenders)
