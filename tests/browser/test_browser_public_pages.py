"""The public pages in a real browser: a cheap phone's width, the keyboard, print, no JavaScript."""

from pathlib import Path

import pytest

# Serialized rollback brings back what migrations made (locales, Wagtail's root page) after
# the live server's transactional flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_commune_home_fits_a_360px_phone_and_its_menu_is_usable(browser, live_sites, content):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.goto(live_sites["a"] + "/")
    assert page.locator("h1").inner_text() == "Ủy ban nhân dân xã Đắk La".upper() or \
        page.locator("h1").inner_text() == "Ủy ban nhân dân xã Đắk La"
    assert no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "commune-home-360.png"), full_page=True)

    menu = page.get_by_role("navigation", name="Chuyên mục")
    link = menu.get_by_role("link", name="Cơ cấu tổ chức")
    menu.get_by_text("Danh mục", exact=True).click()  # folded on a phone (test_browser_phone_layout.py)
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    link.click()
    page.wait_for_url("**/co-cau-to-chuc/")
    assert page.locator("h1").inner_text() == "Cơ cấu tổ chức"
    assert no_horizontal_scroll(page)

    for path in ["/tin-tuc/", "/van-ban/", "/gioi-thieu/", content[0].news[0].url_path.split("/xa-dak-la", 1)[1]]:
        page.goto(live_sites["a"] + path)
        assert no_horizontal_scroll(page), path
    page.goto(live_sites["portal"] + "/")
    assert no_horizontal_scroll(page)
    context.close()


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(browser, live_sites):
    page = browser.new_page()
    page.goto(live_sites["a"] + "/co-cau-to-chuc/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent, document.activeElement.getAttribute('href')]")
    assert focused == ["Bỏ qua, đến nội dung chính", "#noi-dung"]
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"
    page.close()


def test_the_print_link_opens_a_print_view_and_javascript_only_adds_a_print_button(browser, live_sites):
    page = browser.new_page()
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    page.goto(live_sites["a"] + "/co-cau-to-chuc/")
    page.click("text=In / lưu bài viết")  # with JavaScript: the browser's print dialog, no navigation
    assert page.evaluate("window.__printed") == 1
    assert page.url.endswith("/co-cau-to-chuc/")

    page.goto(live_sites["a"] + "/co-cau-to-chuc/?ban-in=1")
    assert page.locator(".site-nav").count() == 0 and page.locator(".site-header").count() == 0
    button = page.get_by_role("button", name="In trang này")
    assert button.is_visible()
    # A function, not a string: Playwright evals a string in the page, which the CSP (no 'unsafe-eval') refuses.
    page.wait_for_function("() => window.__printed >= 1")  # the print view opens the dialog by itself
    button.click()
    assert page.evaluate("window.__printed") == 2
    page.emulate_media(media="print")
    assert page.locator(".print-actions").is_hidden()
    page.close()


def test_pages_work_with_javascript_disabled(browser, live_sites, content):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_sites["a"] + "/co-cau-to-chuc/")
    page.click("text=In / lưu bài viết")  # without JavaScript: the print-friendly page
    page.wait_for_url("**/co-cau-to-chuc/?ban-in=1")
    assert page.locator("h1").inner_text() == "Cơ cấu tổ chức"
    assert page.locator(".site-nav").count() == 0
    assert page.get_by_role("button", name="In trang này").count() == 0  # hidden without JavaScript
    page.click("text=Quay lại bài viết")
    page.wait_for_url("**/co-cau-to-chuc/")

    page.goto(live_sites["a"] + "/tin-tuc/")
    page.select_option("#chuyen-muc", "thoi-su")
    page.click("button:has-text('Lọc')")
    page.wait_for_url("**/tin-tuc/?chuyen-muc=thoi-su")
    assert content[0].news[0].title in page.content()

    page.goto(live_sites["portal"] + "/")
    page.get_by_role("link", name="Xã Đắk La", exact=True).click()
    page.wait_for_url(live_sites["a"] + "/")
    assert page.locator("h1").inner_text() == "Ủy ban nhân dân xã Đắk La"
    context.close()
