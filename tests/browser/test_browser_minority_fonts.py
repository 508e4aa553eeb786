"""Issue 13 in a real browser: every ethnic-minority language's letters render, none as tofu.

Tai Viet (Thái), Cham and Khmer come from the Noto fonts in static/fonts/, declared in site.css with a
`unicode-range`, so a page downloads one only when it holds that script's letters: a Vietnamese page
downloads no font at all. Text marked as Ê Đê (lang="rad") gets a Noto Sans Latin subset, because Debian's
DejaVu Sans draws the combining breve of ê̆ ô̆ through the circumflex (it reads as ễ ỗ). The test strings are
marked "[thử nghiệm …]": letters, not text.

Chromium draws a letter its font lacks with the next font of the stack, or as a box ("tofu") when none
has it; so the test letters must be drawn by their Noto font (DevTools' CSS.getPlatformFontsForNode counts
the glyphs each font drew). With the script fonts after `system-ui` in the stack, Chromium drew a run of
Latin and Tai Viet words with DejaVu Sans, the Tai Viet letters as boxes."""

from pathlib import Path

import pytest

from communes.models import StandardPage
from tests.public.conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

EDE = "ă â č ĕ ê ê̆ ĭ ñ ŏ ô ô̆ ơ ơ̆ ŭ ư ư̆ ƀ đ Ă Â Č Ĕ Ê Ê̆ Ĭ Ñ Ŏ Ô Ô̆ Ơ Ŭ Ư Ƀ Đ"
TAI_VIET = "ꪼꪕ ꪒꪾ ꪀ ꪁ ꪮ ꪹ"
CHAM = "ꨀ ꨆ ꨣ ꨌꩌ"
KHMER = "ខ្មែរ ក ខ គ"
FONT_FAMILIES = {"Noto Sans Tai Viet", "Noto Sans Cham", "Noto Sans Khmer", "Noto Sans Latin Minority"}

# The advance width and the ink's height of each text, drawn on a canvas in the element's font stack.
MEASURE = """([selector, texts]) => {
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = `64px ${getComputedStyle(document.querySelector(selector)).fontFamily}`;
  return texts.map(text => {
    const metrics = ctx.measureText(text);
    return {text, width: metrics.width, ascent: metrics.actualBoundingBoxAscent};
  });
}"""

FONT_STATUS = """() => document.fonts.ready.then(fonts =>
  Object.fromEntries([...fonts].map(face => [face.family.replace(/"/g, ""), face.status])))"""


def marked(code, text):
    """A paragraph in that language: its marker and the letters in one run of text, as in a real sentence."""
    return f'<p lang="{code}" id="thu-nghiem-{code}">{marker(code)}{text}</p>'


def marker(code):
    return f"[thử nghiệm {code}] "


@pytest.fixture
def minority_page(district, live_sites):
    """A Vietnamese page of commune A holding the marked Ê Đê and Thái (Tai Viet) letters."""
    page = StandardPage(
        title="Thử nghiệm phông chữ tiếng dân tộc", slug="thu-nghiem-phong-chu", intro="Trang thử nghiệm.",
        body=[("paragraph", marked("rad", EDE) + marked("blt", TAI_VIET))],
    )
    district.a.home.add_child(instance=page)
    publish(page)
    return live_sites["a"] + "/thu-nghiem-phong-chu/"


def open_page(browser, url):
    """The page on a phone's screen, with the font files it fetched."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    fonts = []
    page.on("requestfinished", lambda request: "/static/fonts/" in request.url and fonts.append(request.url))
    response = page.goto(url)
    assert response.status == 200, url
    # The fonts load under the public Content-Security-Policy (cms/security.py), as in production.
    assert "font-src 'self'" in response.headers["content-security-policy"]
    return context, page, fonts


def drawing_fonts(page, selector):
    """The glyphs Chromium drew an element's text with, counted by font: {(family, is web font): glyphs}."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {(font["familyName"], font["isCustomFont"]): font["glyphCount"] for font in fonts}


def assert_drawn_with(page, code, text, family, script=None):
    """The test letters are drawn by their web font. The other characters of the paragraph (its marker,
    the spaces), outside the script's block, are each one glyph of the system font when the web font has
    a unicode-range (`script`), or the web font's own. A letter the web font did not draw would be drawn
    by another font, or as a box by the system font, and counted there."""
    fonts = drawing_fonts(page, f"#thu-nghiem-{code}")
    assert fonts.pop((family, True), 0) > 0, (code, fonts)
    others = sum(1 for char in marker(code) + text if script and not script[0] <= ord(char) <= script[1])
    assert sum(fonts.values()) == others, (code, fonts)


def font_files(urls):
    return sorted(url.rsplit("/", 1)[1].split(".")[0] for url in urls)


def test_ede_and_tai_viet_letters_render_and_only_their_fonts_are_downloaded(browser, minority_page):
    context, page, fonts = open_page(browser, minority_page)
    assert page.evaluate(FONT_STATUS) == {"Noto Sans Tai Viet": "loaded", "Noto Sans Latin Minority": "loaded",
                                          "Noto Sans Cham": "unloaded", "Noto Sans Khmer": "unloaded"}
    assert font_files(fonts) == ["noto-sans-latin-minority-400", "noto-sans-tai-viet-400"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".body").screenshot(path=str(SCREENSHOTS / "minority-fonts-rad-blt-360.png"))

    assert_drawn_with(page, "blt", TAI_VIET, "Noto Sans Tai Viet", script=(0xAA80, 0xAADF))
    assert_drawn_with(page, "rad", EDE, "Noto Sans")
    # The combining breve sits above the circumflex or horn: no wider than the letter alone, and higher
    # (DejaVu Sans draws ê̆'s breve through the circumflex, no higher than ê's, so that it reads as ễ).
    for base in "êôơưÊÔ":
        stacked, plain = page.evaluate(MEASURE, ["#thu-nghiem-rad", [base + "\u0306", base]])
        assert abs(stacked["width"] - plain["width"]) < 0.5, (stacked, plain)
        assert stacked["ascent"] > plain["ascent"] + 2, (stacked, plain)
    context.close()


def test_cham_and_khmer_letters_render_with_their_fonts(browser, district, live_sites):
    page = StandardPage(
        title="Thử nghiệm phông chữ Chăm và Khmer", slug="thu-nghiem-cham-khmer", intro="Trang thử nghiệm.",
        body=[("paragraph", marked("cjm", CHAM) + marked("km", KHMER))],
    )
    district.a.home.add_child(instance=page)
    publish(page)
    context, page, fonts = open_page(browser, live_sites["a"] + "/thu-nghiem-cham-khmer/")
    assert page.evaluate(FONT_STATUS) == {"Noto Sans Tai Viet": "unloaded", "Noto Sans Latin Minority": "unloaded",
                                          "Noto Sans Cham": "loaded", "Noto Sans Khmer": "loaded"}
    assert font_files(fonts) == ["noto-sans-cham-400", "noto-sans-khmer-400"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".body").screenshot(path=str(SCREENSHOTS / "minority-fonts-cjm-km-360.png"))
    assert_drawn_with(page, "cjm", CHAM, "Noto Sans Cham", script=(0xAA00, 0xAA5F))
    assert_drawn_with(page, "km", KHMER, "Noto Sans Khmer", script=(0x1780, 0x17FF))
    context.close()


def test_vietnamese_pages_download_no_font(browser, live_sites, content):
    for path in ["/", content[0].news[0].url_path.split("/xa-dak-la", 1)[1]]:
        context, page, fonts = open_page(browser, live_sites["a"] + path)
        assert page.evaluate(FONT_STATUS) == dict.fromkeys(FONT_FAMILIES, "unloaded"), path
        assert fonts == [], path
        context.close()
