"""The citizens' layout on a 360 px phone and a 1280 px screen: tables as cards, the folded menu and filters.

Each page is looked at in real headless Chromium at both widths: a full-page screenshot (whose width is
the page's width, so it shows any sideways overflow), the layout that width should use, and axe."""

import pytest
from PIL import Image

from tests.browser.test_browser_accessibility import assert_no_violations, audit
from tests.public.conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 900}
# The header (brand, search box and the folded menu) at 360 px: 191 px; it was 322 px with the menu inline.
HEADER_BOUND_PX = 240


def look(browser, url, viewport, tmp_path, name, report, **context_options):
    """Open the page at this width, check it does not scroll sideways, screenshot it and audit it."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1, **context_options)
    page = context.new_page()
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, viewport)
    shot = tmp_path / f"{name}-{viewport['width']}.png"
    page.screenshot(path=str(shot), full_page=True)
    with Image.open(shot) as image:
        # A full-page screenshot is as wide as the page: wider than the viewport means sideways scrolling.
        assert image.size[0] == viewport["width"], (name, image.size)
        assert image.size[1] >= viewport["height"] // 2, (name, image.size)
    if context_options.get("java_script_enabled", True):
        audit(page, f"{name} at {viewport['width']} px", report)
    return context, page


def row_display(page, selector):
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).display")


def test_the_document_list_is_cards_on_a_phone_and_a_table_on_a_wide_screen(browser, live_sites, content, tmp_path):
    url = live_sites["a"] + "/van-ban/"
    report = []

    context, page = look(browser, url, PHONE, tmp_path, "documents", report)
    assert row_display(page, "table.documents tbody tr") == "block"
    summary = page.locator("table.documents tbody tr").first.locator("td.summary")
    label = summary.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Trích yếu: "' or label == 'attr(data-label) ": "' or "Trích yếu" in label
    # The summary is read across the card, not one word a line in a squeezed column.
    assert summary.bounding_box()["width"] >= 280
    assert summary.evaluate("cell => cell.scrollWidth <= cell.clientWidth")
    # The column headers stay in the page for screen readers, only moved out of sight.
    assert page.locator("table.documents thead th").count() == 6
    # The filters beyond the number are folded away on a phone, and open from their summary.
    assert page.locator("#so-ky-hieu").is_visible()
    assert not page.locator("#hinh-thuc").is_visible()
    page.locator(".doc-lookup summary").click()
    assert page.locator("#hinh-thuc").is_visible()
    # Printed (even on a narrow page) it is the real table.
    page.emulate_media(media="print")
    assert row_display(page, "table.documents tbody tr") == "table-row"
    context.close()

    context, page = look(browser, url, WIDE, tmp_path, "documents", report)
    assert row_display(page, "table.documents tbody tr") == "table-row"
    assert page.locator("table.documents thead th").first.is_visible()
    assert page.locator("#hinh-thuc").is_visible() and not page.locator(".doc-lookup summary").is_visible()
    context.close()
    assert_no_violations(report)


def test_a_table_block_in_a_page_is_cards_on_a_phone_and_a_table_on_a_wide_screen(
    browser, live_sites, content, tmp_path
):
    standard = content[0].standard
    standard.body = [("table", {"caption": "Lịch tiếp công dân", "rows": [
        ["Ngày", "Người tiếp", "Nội dung"],
        ["Thứ Hai", "Chủ tịch UBND xã", "Tiếp công dân định kỳ về đất đai, giải phóng mặt bằng và chính sách xã hội"],
        ["Thứ Năm", "Phó Chủ tịch UBND xã", "Tiếp công dân về thủ tục hành chính một cửa"],
    ]})]
    publish(standard)
    url = live_sites["a"] + "/thu-tuc-hanh-chinh/"
    report = []

    context, page = look(browser, url, PHONE, tmp_path, "table-block", report)
    table = page.locator("main table.records")
    assert row_display(page, "main table.records tr:nth-child(2)") == "block"
    assert not table.locator("tr.head-row").is_visible() or table.locator("tr.head-row").bounding_box()["height"] <= 1
    cell = table.locator("td[data-label='Nội dung']").first
    assert "Nội dung" in cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    context.close()

    context, page = look(browser, url, WIDE, tmp_path, "table-block", report)
    assert row_display(page, "main table.records tr:nth-child(2)") == "table-row"
    assert page.locator("main table.records th[scope=col]").count() == 3
    context.close()
    assert_no_violations(report)


def test_the_phone_menu_is_folded_under_a_height_bound_and_opens_from_the_keyboard(
    browser, live_sites, content, tmp_path
):
    report = []
    context, page = look(browser, live_sites["a"] + "/", PHONE, tmp_path, "commune-home", report)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= HEADER_BOUND_PX, header
    menu = page.get_by_role("navigation", name="Chuyên mục")
    link = menu.get_by_role("link", name="Cơ cấu tổ chức")
    assert not link.is_visible()

    # Tab from the header search to the menu's summary: focus is visible, Enter opens the menu.
    page.locator("#q-header").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Danh mục"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 40  # a finger's target
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "commune-home-menu-open-360.png"))
    audit(page, "commune home, menu open, at 360 px", report)
    context.close()

    context, page = look(browser, live_sites["a"] + "/", WIDE, tmp_path, "commune-home", report)
    assert not page.locator(".menu-toggle summary").is_visible()
    links = page.locator(".site-nav .menu-list a")
    assert links.count() >= 4
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, tops  # one inline row
    context.close()
    assert_no_violations(report)


def test_the_phone_menu_opens_without_javascript(browser, live_sites, content, tmp_path):
    context, page = look(browser, live_sites["a"] + "/", PHONE, tmp_path, "menu-no-js", [], java_script_enabled=False)
    assert not page.get_by_role("link", name="Cơ cấu tổ chức").is_visible()
    page.get_by_text("Danh mục", exact=True).click()
    link = page.get_by_role("link", name="Cơ cấu tổ chức")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/co-cau-to-chuc/")
    context.close()


def test_the_search_page_folds_its_filters_on_a_phone_and_fits_its_date_placeholders(
    browser, live_sites, content, tmp_path
):
    url = live_sites["a"] + "/tim-kiem/?q=chuyển+đổi+số"
    report = []
    context, page = look(browser, url, PHONE, tmp_path, "search", report)
    assert page.locator("#q").is_visible()
    assert not page.locator("#tu-ngay").is_visible()
    page.locator(".search-filters summary").click()
    date = page.locator("#tu-ngay")
    assert date.is_visible()
    # The placeholder "ngày/tháng/năm" fits inside the field, in the field's own font.
    fits = date.evaluate("""input => {
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d');
        context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return context.measureText(input.placeholder).width <= room;
    }""")
    assert fits
    context.close()

    context, page = look(browser, url, WIDE, tmp_path, "search", report)
    assert page.locator("#tu-ngay").is_visible() and page.locator("#loai").is_visible()
    assert not page.locator(".search-filters summary").is_visible()
    context.close()

    # A filter in use keeps the fold open on a phone.
    context, page = look(browser, url + "&tu-ngay=01/01/2024", PHONE, tmp_path, "search-filtered", report)
    assert page.locator("#tu-ngay").is_visible()
    context.close()
    assert_no_violations(report)


def test_an_empty_commune_search_offers_the_whole_portal_and_the_question_form(browser, live_sites, content, tmp_path):
    report = []
    url = live_sites["a"] + "/tim-kiem/?q=khongcoketquanao"
    for viewport in (PHONE, WIDE):
        context, page = look(browser, url, viewport, tmp_path, "search-empty", report)
        assert "Không tìm thấy kết quả" in page.locator(".search-summary").inner_text()
        portal_link = page.get_by_role("link", name="Tìm “khongcoketquanao” trên toàn", exact=False)
        assert portal_link.is_visible()
        ask = page.get_by_role("link", name="Gửi câu hỏi")
        assert ask.is_visible()
        if viewport is WIDE:
            portal_link.click()
            page.wait_for_url(live_sites["portal"] + "/tim-kiem/?q=khongcoketquanao")
            page.go_back()
            ask.click()
            page.wait_for_url("**/hoi-dap/gui-cau-hoi/")
        context.close()
    assert_no_violations(report)
