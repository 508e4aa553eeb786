"""The slug a Vietnamese title should get, and the faithful reproduction of the one Wagtail 8's admin
script used to propose (how fix_mangled_slugs recognises mangled slugs without touching chosen ones)."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from communes.management.commands.fix_mangled_slugs import corrected_slug
from core.slugs import WAGTAIL8_LATIN_MAP, vietnamese_slug, wagtail_js_urlify

TITLE = "Xã Đắk La tập huấn kỹ thuật tưới cà phê tiết kiệm nước"


def test_a_vietnamese_title_folds_to_a_readable_slug():
    assert vietnamese_slug(TITLE) == "xa-dak-la-tap-huan-ky-thuat-tuoi-ca-phe-tiet-kiem-nuoc"


def test_the_reproduction_of_wagtails_script_mangles_as_the_admin_did():
    assert wagtail_js_urlify(TITLE) == "xa-djk-la-tp-hun-k-thut-ti-ca-phe-tit-kim-nc"
    assert wagtail_js_urlify("  Đại hội – nhiệm kỳ 2025-2030  ") == "dji-hi-nhim-k-2025-2030"
    assert wagtail_js_urlify("Hồ sơ -") == "h-s"  # trailing hyphens go, as in the script
    assert wagtail_js_urlify("Café © Ærø") == "cafe-c-aero"
    assert wagtail_js_urlify("Ελλάδα") is None  # other scripts: not reproduced, so never "recognised"


def wagtail_core_js_table():
    """The transliteration table inside the installed Wagtail admin script, merged as its controller
    merges it for a Vietnamese page (no table is Vietnamese's, so the first table listing a letter wins)."""
    path = finders.find("wagtailadmin/js/core.js")
    source = open(path, encoding="utf-8").read()
    match = re.search(r"JSON\.parse\('(\[\{\"LATIN_MAP.*?)'\)", source)
    if match is None:
        pytest.skip("this Wagtail's core.js keeps its transliteration table elsewhere")
    merged = {}
    for table in json.loads(match.group(1)):
        ((_, pairs),) = table.items()
        for key, value in pairs:
            merged.setdefault(key, value)
    return merged


def test_the_copied_table_is_the_one_in_the_installed_wagtail():
    installed = wagtail_core_js_table()
    assert {key: installed.get(key) for key in WAGTAIL8_LATIN_MAP} == WAGTAIL8_LATIN_MAP
    import unicodedata

    latin = {k for k in installed if ord(k) > 127 and ("LATIN" in unicodedata.name(k, "") or not k.isalpha())}
    assert latin == set(WAGTAIL8_LATIN_MAP)


@pytest.mark.parametrize("title, slug, expected", [
    (TITLE, "xa-djk-la-tp-hun-k-thut-ti-ca-phe-tit-kim-nc", "xa-dak-la-tap-huan-ky-thuat-tuoi-ca-phe-tiet-kiem-nuoc"),
    (TITLE, "xa-djk-la-tp-hun-k-thut-ti-ca-phe-tit-kim-nc-2", "xa-dak-la-tap-huan-ky-thuat-tuoi-ca-phe-tiet-kiem-nuoc-2"),
    ("Lịch tiếp công dân", "lch-tip-cong-dan", "lich-tiep-cong-dan"),
    ("Đường Trường Sơn", "djng-trng-sn", "duong-truong-son"),
])
def test_a_slug_that_is_the_mangled_form_of_its_title_is_corrected(title, slug, expected):
    assert corrected_slug(title, slug) == expected


@pytest.mark.parametrize("title, slug", [
    (TITLE, "xa-dak-la-tap-huan-ky-thuat-tuoi-ca-phe-tiet-kiem-nuoc"),  # already right
    (TITLE, "tap-huan-tuoi-ca-phe"),  # chosen by the editor
    (TITLE, "xa-djk-la-tp-hun"),  # shortened by hand: not the script's output
    (TITLE, "xa-djk-la-tp-hun-k-thut-ti-ca-phe-tit-kim-nc-ban-2"),
    ("Lịch tiếp công dân tháng 7", "lch-tip-cong-dan"),  # title changed after the slug was made
    ("Thong bao lich cat dien", "thong-bao"),  # nothing Vietnamese to mangle: an editor's choice
    ("Ελλάδα", "ellada"),
])
def test_a_slug_chosen_or_right_is_left_alone(title, slug):
    assert corrected_slug(title, slug) is None
