"""WCAG 2.1 AA audit of the public pages with axe-core, run inside real headless Chromium.

axe-core's JavaScript comes bundled in the `axe-playwright-python` package (see requirements-dev.txt);
nothing is fetched at run time. axe finds what a machine can find (contrast, names, labels, landmarks,
duplicate ids, ARIA misuse): roughly a third of WCAG. The keyboard, phone and no-JavaScript tests in
test_browser_public_pages.py and test_browser_questions.py cover part of the rest.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.questions.conftest import publish, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}


def axe_violations(page):
    """The page's WCAG 2.1 A/AA violations as axe reports them (a list of dicts)."""
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


def describe(where, violations):
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} - {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


# axe only marks a reference to a missing id as "needs review" (the id might be added later by a script);
# on these server-rendered pages it is a plain bug: an error message or hint that is never announced.
BROKEN_ID_REFERENCES = """() => {
  const broken = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for", "list"]) {
    for (const element of document.querySelectorAll(`[${attr}]`)) {
      for (const id of element.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${element.outerHTML.slice(0, 160)}: ${attr}="${id}" names no element`);
      }
    }
  }
  return broken;
}"""


def audit(page, where, report):
    violations = axe_violations(page)
    if violations:
        report.append(describe(where, violations))
    broken = page.evaluate(BROKEN_ID_REFERENCES)
    if broken:
        report.append(f"{where}: broken id references\n    " + "\n    ".join(broken))


def assert_no_violations(report):
    assert not report, "axe found WCAG 2.1 AA violations:\n" + "\n\n".join(report)


@pytest.fixture
def answered_question(district, content):
    """One published, answered question, so the Q&A list shows a real entry."""
    question = submit(district.a.home, title="Hỏi về thủ tục cấp giấy chứng nhận quyền sử dụng đất")
    return publish(question, district.approver_a)


def commune_path(page):
    """A commune page's address on its own hostname (url_path is under the portal's /xa-dak-la/)."""
    return page.url_path.split("/xa-dak-la", 1)[1]


def test_the_public_pages_have_no_wcag_21_aa_violations(browser, live_sites, content):
    a = content[0]
    pages = {
        "portal home": live_sites["portal"] + "/",
        "commune home": live_sites["a"] + "/",
        "profile": live_sites["a"] + "/gioi-thieu/",
        "organisation": live_sites["a"] + "/co-cau-to-chuc/",
        "news index": live_sites["a"] + "/tin-tuc/",
        "news item": live_sites["a"] + commune_path(a.news[0]),
        "document lookup, filtered": live_sites["a"] + "/van-ban/?hinh-thuc=quyet-dinh&nam=2024",
        "legal document": live_sites["a"] + commune_path(a.documents[0]),
        "search results": live_sites["a"] + "/tim-kiem/?q=chuyển+đổi+số",
    }
    report = []
    page = browser.new_page()
    for where, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, (where, url, response.status)
        audit(page, where, report)
    page.close()
    assert_no_violations(report)


def test_the_question_pages_have_no_wcag_21_aa_violations(browser, live_sites, answered_question):
    qa = live_sites["a"] + "/hoi-dap/"
    report = []
    page = browser.new_page()
    for where, url in {
        "Q&A list": qa,
        "Q&A question": qa + f"{answered_question.pk}/",
        "Q&A submission form": qa + "gui-cau-hoi/",
        "Q&A tracking lookup": qa + "tra-cuu/",
    }.items():
        response = page.goto(url)
        assert response.status == 200, (where, url, response.status)
        audit(page, where, report)

    # A failed submission: the error summary, inline errors and refilled values must be accessible too.
    page.goto(qa + "gui-cau-hoi/")
    page.fill("#id_name", "An")
    page.fill("#id_title", "Ngắn")
    page.fill("#id_email", "khong-phai-email")
    page.check("#id_private")
    with page.expect_navigation():
        page.click("button:has-text('Gửi câu hỏi')")
    assert page.locator(".error-summary").is_visible()
    audit(page, "Q&A submission form with errors", report)

    # A failed lookup shows its own message.
    page.goto(qa + "tra-cuu/")
    page.fill("#id_code", "sai-ma")
    with page.expect_navigation():
        page.click("button:has-text('Tra cứu')")
    audit(page, "Q&A tracking lookup with errors", report)
    page.close()
    assert_no_violations(report)


def test_the_audit_reports_violations_it_should_find(browser):
    """Guards against a silent audit (a misspelt tag or an axe that never ran would pass everything)."""
    page = browser.new_page()
    page.set_content(
        '<html><head><title>x</title></head><body><main><img src="a.png">'
        '<p style="color:#aaa;background:#fff">nhạt</p><input id="x"><input id="x" aria-describedby="x_error">'
        '</main></body></html>'
    )
    found = {violation["id"] for violation in axe_violations(page)}
    broken = page.evaluate(BROKEN_ID_REFERENCES)
    page.close()
    assert {"html-has-lang", "image-alt", "color-contrast", "label"} <= found, found
    assert len(broken) == 1 and 'aria-describedby="x_error"' in broken[0], broken
