"""The public chrome's words are gettext msgids in English (Django's convention) with their Vietnamese in
locale/vi: English pages read the msgids, and a content language with no translation of its own (the
minority languages of the communes) reads the Vietnamese, Django's fallback to LANGUAGE_CODE."""

from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

from tests.i18n.test_vietnamese_catalogues import ROOT, coverage

MINORITY_EXAMPLE = "bdq"  # Ba Na, spoken in Kon Tum: a content language that has no catalogue


def chrome_strings():
    marked = {(m.msgctxt, m.msgid): m for m in coverage.project_strings() if m.where.startswith("templates/")}
    return list(marked.values())


def translated(marked, language):
    with translation.override(language):
        if marked.msgctxt:
            return translation.pgettext(marked.msgctxt, marked.msgid)
        return translation.gettext(marked.msgid)


def own_translations(language):
    """The msgids a language's own project catalogue translates (none when it has no catalogue)."""
    po = Path(ROOT) / "locale" / language / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return set()
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(po), encoding="utf-8") if e.translated() and not e.fuzzy}


def test_the_chrome_strings_are_found_in_the_templates():
    found = {(m.msgctxt, m.msgid) for m in chrome_strings()}
    assert len(found) >= 50
    # A context, a {% blocktranslate %} with a placeholder and one with markup are among them.
    assert {("button", "Search"), (None, "Website of %(commune)s"),
            (None, "There is no page at <strong>%(path)s</strong>.")} <= found


def test_english_pages_read_the_msgids():
    changed = [(m.msgid, translated(m, "en")) for m in chrome_strings() if translated(m, "en") != m.msgid]
    assert not changed, f"an English catalogue rewrites these msgids: {changed}"


def test_vietnamese_differs_from_english_for_every_chrome_string():
    same = [m.msgid for m in chrome_strings() if translated(m, "vi") == m.msgid]
    assert not same, f"shown in English on Vietnamese pages: {same}"


def test_a_language_without_its_own_translation_shows_the_vietnamese_chrome():
    languages = {code for code, _ in settings.LANGUAGES} - {"vi", "en"} | {MINORITY_EXAMPLE}
    for language in sorted(languages):
        own = own_translations(language)
        wrong = [
            (m.msgid, translated(m, language))
            for m in chrome_strings()
            if (m.msgctxt, m.msgid) not in own and translated(m, language) != translated(m, "vi")
        ]
        assert not wrong, f"{language}: not the Vietnamese chrome: {wrong}"
    assert translated(coverage.Marked("Skip to main content", "public site"), MINORITY_EXAMPLE) == (
        "Bỏ qua, đến nội dung chính"
    )
