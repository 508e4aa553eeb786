"""The security headers in a real browser: the public pages and the 404 page work under the strict
Content-Security-Policy without a single violation, and Chromium accepts the Permissions-Policy.
The admin's side is in test_browser_slug.py (it logs in and opens the page editor under its policy)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.hardening.csp_watch import SecurityWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}


def commune_path(page):
    return page.url_path.split("/xa-dak-la", 1)[1]


def test_public_pages_load_under_the_strict_policy_without_any_violation(browser, live_sites, content):
    a = content[0]
    page = browser.new_page()
    watch = SecurityWatch(page)
    problems = []
    for where, url in {
        "portal home": live_sites["portal"] + "/",
        "commune home": live_sites["a"] + "/",
        "commune under the portal's path": live_sites["portal"] + "/xa-dak-la/",
        "news index": live_sites["a"] + "/tin-tuc/",
        "news item": live_sites["a"] + commune_path(a.news[0]),
        "print view": live_sites["a"] + commune_path(a.news[0]) + "?ban-in=1",
        "document lookup": live_sites["a"] + "/van-ban/?hinh-thuc=quyet-dinh&nam=2024",
        "profile": live_sites["a"] + "/gioi-thieu/",
        "Q&A form": live_sites["a"] + "/hoi-dap/gui-cau-hoi/",
        "English": live_sites["a"] + "/en/",
    }.items():
        if where == "print view":
            page.add_init_script("window.print = () => {};")
        response = page.goto(url)
        assert response.status == 200, (where, response.status)
        headers = response.all_headers()
        assert "script-src 'self';" in headers["content-security-policy"] + ";", where
        assert "camera=()" in headers["permissions-policy"], where
        page.wait_for_load_state("load")
        problems += [f"{where}: {p}" for p in watch.problems()]
        watch.console.clear()
    page.close()
    assert not problems, "\n".join(problems)


def test_search_suggestions_still_arrive_with_the_script_moved_out_of_the_page(browser, live_sites, content):
    page = browser.new_page()
    watch = SecurityWatch(page)
    response = page.goto(live_sites["a"] + "/tim-kiem/?q=chuyển+đổi")
    assert "'unsafe-inline'" not in response.all_headers()["content-security-policy"].split("script-src", 1)[1].split(";")[0]
    assert page.locator("script:not([src])").count() == 0
    with page.expect_response(lambda r: "/tim-kiem/goi-y/" in r.url) as suggestion:
        page.fill("#q", "chuyển đổi số")
    assert suggestion.value.status == 200
    page.wait_for_function("() => document.querySelectorAll('#goi-y option').length > 0")
    assert "chuyển đổi số" in page.locator("#goi-y option").first.get_attribute("value")
    assert not watch.problems()
    page.close()


def test_an_injected_inline_script_is_blocked_on_public_pages(browser, live_sites, content):
    """The policy really is enforced: the browser refuses an inline script a page might be tricked into."""
    page = browser.new_page()
    watch = SecurityWatch(page)
    page.goto(live_sites["a"] + "/")
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.body.appendChild(s);
    }""")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("window.__injected") is None
    assert any("script-src" in p for p in watch.problems())
    page.close()


def test_a_mistyped_address_shows_the_communes_404_page_in_the_sites_look(browser, live_sites, content):
    page = browser.new_page()
    watch = SecurityWatch(page)
    response = page.goto(live_sites["a"] + "/tin-tuc/hoi-nghi-chuyen-doi-so-nam-2023/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert page.locator(".site-title").inner_text() == "Trang thông tin điện tử Xã Đắk La"
    assert page.locator("#q-404").input_value() == "hoi nghi chuyen doi so nam 2023"
    assert page.get_by_role("link", name="Tin tức - Sự kiện").count() >= 1  # the nearest page that exists
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, [v["id"] for v in violations]

    with page.expect_navigation():
        page.get_by_role("link", name="Về trang chủ Xã Đắk La").click()
    assert page.url.rstrip("/") == live_sites["a"]
    assert not watch.problems()
    page.close()
