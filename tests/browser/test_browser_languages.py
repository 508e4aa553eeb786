"""The language switcher and the Vietnamese fallback notice, as a reader sees them on a 360 px phone and a
1280 px screen: visible, in the right language, followed by a click, and clean under axe."""

import pytest

from tests.browser.test_browser_accessibility import assert_no_violations
from tests.browser.test_browser_phone_layout import PHONE, WIDE, look
from tests.public.test_pages import translate_to_english

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reader_switches_to_english_and_meets_the_vietnamese_fallback_where_a_page_is_not_translated(
        browser, live_sites, content, tmp_path, django_capture_on_commit_callbacks):
    a, _ = content
    translate_to_english(a.organisation, django_capture_on_commit_callbacks)
    report = []
    for viewport in (PHONE, WIDE):
        context, page = look(browser, live_sites["a"] + "/co-cau-to-chuc/", viewport, tmp_path, "switcher", report)
        switcher = page.locator("nav.language-switcher")
        assert switcher.is_visible() and switcher.get_attribute("aria-label") == "Ngôn ngữ"
        assert switcher.locator("[aria-current=page]").inner_text() == "Tiếng Việt"
        switcher.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("h1").inner_text() == "Organisation and contacts"
        context.close()

        context, page = look(browser, live_sites["a"] + "/en/gioi-thieu/", viewport, tmp_path, "fallback", report)
        notice = page.locator(".language-fallback")
        assert notice.is_visible() and notice.get_attribute("lang") == "en"
        assert notice.inner_text() == "This page is not available in English yet; it is shown in Vietnamese."
        assert page.evaluate("document.documentElement.lang") == "vi"
        context.close()
    assert_no_violations(report)
