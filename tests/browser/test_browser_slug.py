"""The admin in a real browser under its Content-Security-Policy, and the slug it proposes for a
Vietnamese title: folded like the server folds ("xa-dak-la-..."), never Wagtail's transliteration,
which dropped Vietnamese vowels and read đ as Serbian ("xa-djk-la-tp-hun-...")."""

import pytest

from communes.models import NewsIndexPage
from core.folding import fold
from core.slugs import wagtail_js_urlify
from tests.hardening.csp_watch import SecurityWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "matkhau-thu-nghiem"  # tests/conftest.py's make_user
TITLE = "Xã Đắk La tập huấn kỹ thuật tưới cà phê tiết kiệm nước"
FOLDED_SLUG = "xa-dak-la-tap-huan-ky-thuat-tuoi-ca-phe-tiet-kiem-nuoc"
WAGTAIL_SLUG = "xa-djk-la-tp-hun-k-thut-ti-ca-phe-tit-kim-nc"  # what the admin proposed before the fix


def log_in(page, base_url, username):
    page.goto(base_url + "/quan-tri/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/login/" not in page.url


def open_add_news_page(page, base_url, home):
    index = NewsIndexPage.objects.child_of(home).get()
    response = page.goto(f"{base_url}/quan-tri/pages/add/communes/newspage/{index.pk}/")
    assert response.status == 200
    return response


def wait_for_admin_scripts(page):
    # Function predicates only: a string expression would be eval'ed in the page, which the admin's
    # policy (no 'unsafe-eval') rightly refuses.
    page.wait_for_function(
        "() => !!(window.wagtail && window.wagtail.app && document.querySelector('[data-controller~=w-slug]'))"
    )


def wait_for_slug(page, expected):
    page.wait_for_function("slug => document.querySelector('#id_slug').value === slug", arg=expected, timeout=5000)


@pytest.fixture
def editor_page(browser, live_sites, district):
    context = browser.new_context()
    page = context.new_page()
    watch = SecurityWatch(page)
    log_in(page, live_sites["portal"], district.editor_a.username)
    yield page, watch
    context.close()


def test_the_page_editor_works_under_the_admin_policy_without_csp_errors(editor_page, live_sites, district):
    page, watch = editor_page
    response = open_add_news_page(page, live_sites["portal"], district.a.home)
    policy = response.all_headers()["content-security-policy"]
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert "camera=()" in response.all_headers()["permissions-policy"]
    # Wagtail's scripts ran: the Stimulus controllers connected and the editor's tabs switch.
    wait_for_admin_scripts(page)
    page.get_by_role("tab", name="Quảng bá").click()
    assert page.locator("#id_slug").is_visible()
    page.get_by_role("tab", name="Nội dung").click()
    page.fill("#id_title", "Tin thử chính sách bảo mật nội dung")
    assert not watch.problems(), "\n".join(watch.problems())

    # The dashboard and the page explorer too.
    for path in ["/quan-tri/", f"/quan-tri/pages/{district.a.home.pk}/"]:
        assert page.goto(live_sites["portal"] + path).status == 200
        page.wait_for_load_state("load")
        assert not watch.problems(), (path, watch.problems())


def test_typing_a_vietnamese_title_proposes_the_folded_slug(editor_page, live_sites, district):
    page, watch = editor_page
    open_add_news_page(page, live_sites["portal"], district.a.home)
    wait_for_admin_scripts(page)
    page.locator("#id_title").press_sequentially(TITLE, delay=5)
    page.locator("#id_title").blur()
    wait_for_slug(page, FOLDED_SLUG)
    assert page.locator("#id_slug").input_value() == FOLDED_SLUG
    assert not watch.problems()


def test_the_slug_keeps_following_the_title_as_the_editor_corrects_it(editor_page, live_sites, district):
    """Wagtail stops syncing once the slug no longer matches its own conversion of the title (the
    `w-sync:check` comparison); the fold must apply to that comparison too, or the second edit of the
    title would leave the slug behind."""
    page, _ = editor_page
    open_add_news_page(page, live_sites["portal"], district.a.home)
    wait_for_admin_scripts(page)
    title = page.locator("#id_title")
    title.fill("Đắk La")
    title.blur()
    wait_for_slug(page, "dak-la")
    title.focus()
    title.press("End")
    title.press_sequentially(" đón Tết", delay=5)
    title.blur()
    wait_for_slug(page, "dak-la-don-tet")


def test_a_vietnamese_word_typed_into_the_slug_itself_is_folded(editor_page, live_sites, district):
    page, _ = editor_page
    open_add_news_page(page, live_sites["portal"], district.a.home)
    wait_for_admin_scripts(page)
    page.get_by_role("tab", name="Quảng bá").click()
    slug = page.locator("#id_slug")
    slug.fill("Tưới nước tiết kiệm Đợt 2")
    slug.blur()
    wait_for_slug(page, "tuoi-nuoc-tiet-kiem-dot-2")


def test_the_browser_fold_agrees_with_the_servers_for_every_vietnamese_letter(editor_page, live_sites, district):
    page, _ = editor_page
    page.goto(live_sites["portal"] + "/quan-tri/")
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    text = letters + " " + letters.upper()
    folded = page.evaluate("t => window.cmsFoldVietnamese(t)", text)
    assert folded.isascii() and folded.lower() == fold(text)
    # Decomposed input (some Vietnamese keyboards send combining marks) folds the same.
    decomposed = page.evaluate("t => t.normalize('NFD')", TITLE)
    assert page.evaluate("t => window.cmsFoldVietnamese(t).toLowerCase()", decomposed) == fold(TITLE)


def test_wagtails_own_conversion_is_what_the_mangled_slug_detector_reproduces(editor_page, live_sites, district):
    """fix_mangled_slugs recognises the slugs the admin used to propose by recomputing Wagtail's browser
    conversion in Python; this compares the two on titles with every kind of Vietnamese letter."""
    page, _ = editor_page
    open_add_news_page(page, live_sites["portal"], district.a.home)
    wait_for_admin_scripts(page)
    titles = [
        TITLE,
        "Đại hội Đảng bộ xã Đắk Ui lần thứ XV, nhiệm kỳ 2025 – 2030",
        "Thông báo: lịch tiếp công dân tháng 7/2024 (ông Y Bình)",
        "Hướng dẫn nộp hồ sơ trực tuyến — “Cổng dịch vụ công”",
        "  Ưu tiên ươm mầm ỡm ờ   ",
        "Ñoño Ærø Çà phê ©",
        "Trường THCS Lê Hồng Phong đạt chuẩn quốc gia",
    ]
    raw = page.evaluate(
        """titles => {
            const input = document.querySelector('#id_slug');
            const controller = window.wagtail.app.getControllerForElementAndIdentifier(input, 'w-slug');
            return titles.map(t => controller.urlify({detail: {value: t}}, {ignoreUpdate: true}));
        }""",
        titles,
    )
    assert raw[0] == WAGTAIL_SLUG
    assert [wagtail_js_urlify(t) for t in titles] == raw
