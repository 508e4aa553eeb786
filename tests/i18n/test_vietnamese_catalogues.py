"""The admin speaks Vietnamese in full: the project's catalogues, Wagtail's and wagtail-localize's.

The coverage is computed by scripts/translation_coverage.py (the same code the tests import), the .mo
files by scripts/compile_translations.py; the glossary is locale/GLOSSARY.md.
"""

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PROJECT_LOCALE = ROOT / "locale" / "vi" / "LC_MESSAGES"
MINIMUM_PERCENT = 97.0


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


coverage = load_script("translation_coverage")
compiler = load_script("compile_translations")

PROJECT_PO_FILES = sorted(PROJECT_LOCALE.glob("*.po"))


def entry_label(entry):
    return repr(entry.msgid) + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")


# --- (a) the project's catalogues -----------------------------------------------------------------


@pytest.mark.parametrize("po_path", PROJECT_PO_FILES, ids=lambda path: path.name)
def test_every_project_string_has_a_vietnamese_translation(po_path):
    catalog = polib.pofile(str(po_path), encoding="utf-8")
    assert catalog.metadata.get("Plural-Forms", "").startswith("nplurals=1;"), "Vietnamese has one plural form"
    untranslated = [entry_label(e) for e in catalog if e.msgid and not e.obsolete and not e.translated()]
    fuzzy = [entry_label(e) for e in catalog if e.msgid and not e.obsolete and e.fuzzy]
    assert not fuzzy, f"{po_path.name}: fuzzy entries (not compiled, so English is shown): {fuzzy}"
    assert not untranslated, f"{po_path.name}: entries without a Vietnamese msgstr: {untranslated}"


def test_an_untranslated_or_fuzzy_project_entry_is_detected(tmp_path):
    """The check above is not vacuous: polib's translated() refuses both kinds of entry."""
    po = polib.pofile(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Redirects"\nmsgstr ""\n\n#, fuzzy\nmsgid "Import"\nmsgstr "Nhập"\n\n'
        'msgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] ""\n'
    )
    assert [e.msgid for e in po if not e.translated()] == ["Redirects", "Import", "%(n)s row"]
    assert not coverage.is_translated(po.find("Import"))


@pytest.mark.parametrize("po_path", PROJECT_PO_FILES, ids=lambda path: path.name)
def test_translations_keep_placeholders_and_are_nfc(po_path):
    catalog = compiler.load_po(po_path)
    assert compiler.validate(catalog, po_path.name) == []
    for entry in catalog:
        if entry.msgid_plural:
            assert list(entry.msgstr_plural) == [0], f"{entry.msgid!r}: Vietnamese has only msgstr[0]"


def test_each_msgid_appears_once_in_a_project_catalogue():
    for po_path in PROJECT_PO_FILES:
        keys = [(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path), encoding="utf-8") if not e.obsolete]
        duplicates = sorted({key for key in keys if keys.count(key) > 1}, key=str)
        assert not duplicates, f"{po_path.name}: {duplicates}"


# --- (b) the strings the project's own code marks -------------------------------------------------


def test_every_string_the_project_marks_for_translation_is_in_the_vietnamese_catalogue():
    # The project writes its own Vietnamese as literal text; whatever it does mark with gettext,
    # {% translate %} or {% blocktranslate %} must have an entry in locale/vi/LC_MESSAGES/django.po.
    result = coverage.project_code_coverage()
    marked = {(m.msgctxt, m.msgid): m.where for m in coverage.project_strings()}
    missing = [f"{marked[key]}: {key[1]!r}" + (f" (context {key[0]!r})" if key[0] else "") for key in result.missing]
    assert not missing, "strings marked for translation without a Vietnamese entry:\n" + "\n".join(missing)


def test_the_extractor_finds_gettext_calls_and_template_tags(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext_lazy\n"
        "A = _('Sign out')\nB = gettext_lazy(\"Account\")\nC = ngettext('%(n)s page', '%(n)s pages', 2)\n"
        "D = pgettext_lazy('menu', 'Help')\nE = _(variable)\n",
        encoding="utf-8",
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load i18n %}{% translate "Password" %}{% trans \'Editor Guide\' context "help" %}\n'
        "{% blocktranslate trimmed with name=user.name %}\n  Hello {{ name }},\n  100% done\n{% endblocktranslate %}\n"
        "{% blocktrans count counter=n %}{{ counter }} item{% plural %}{{ counter }} items{% endblocktrans %}\n"
        '{% include "x.html" with label=_("Search") %}\n'
        '{% blocktranslate with site=commune.title|default:portal.title context "feed" %}'
        "News - <b>{{ site }}</b>{% endblocktranslate %}",
        encoding="utf-8",
    )
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "ignored.py").write_text("_('Not the project')\n", encoding="utf-8")
    found = {(m.msgctxt, m.msgid, m.msgid_plural) for m in coverage.project_strings(tmp_path)}
    assert found == {
        (None, "Sign out", None),
        (None, "Account", None),
        (None, "%(n)s page", "%(n)s pages"),
        ("menu", "Help", None),
        (None, "Password", None),
        ("help", "Editor Guide", None),
        (None, "Hello %(name)s, 100%% done", None),
        (None, "%(counter)s item", "%(counter)s items"),
        (None, "Search", None),
        ("feed", "News - <b>%(site)s</b>", None),
    }
    # Against a catalogue that has only some of them, the rest are reported missing.
    locale = tmp_path / "locale"
    locale.mkdir()
    (locale / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Sign out"\nmsgstr "Đăng xuất"\n',
        encoding="utf-8",
    )
    result = coverage.project_code_coverage(tmp_path, locale)
    assert (result.translated, result.total) == (1, 10)
    assert (None, "Account") in result.missing


# --- (c) the catalogues an editor meets ------------------------------------------------------------

EDITOR_CATALOGUES = coverage.editor_catalogues()


def test_the_editor_facing_catalogues_are_all_measured():
    labels = {(c.label, c.domain) for c in EDITOR_CATALOGUES}
    for wanted in [
        ("wagtail core", "django"),
        ("wagtail admin", "django"),
        ("wagtail admin", "djangojs"),
        ("wagtail users", "django"),
        ("wagtail redirects", "django"),
        ("wagtail table_block", "django"),
        ("wagtail-localize", "django"),
        ("wagtail-localize", "djangojs"),
    ]:
        assert wanted in labels
    assert all(c.total > 0 for c in EDITOR_CATALOGUES)


@pytest.mark.parametrize("catalogue", EDITOR_CATALOGUES, ids=lambda c: f"{c.label}-{c.domain}".replace(" ", "_"))
def test_every_catalogue_an_editor_meets_is_at_least_97_percent_vietnamese(catalogue):
    missing = [msgid for _, msgid in catalogue.missing]
    assert catalogue.percent >= MINIMUM_PERCENT, (
        f"{catalogue.label} ({catalogue.domain}) is {catalogue.percent:.1f}% Vietnamese; "
        f"add these to locale/vi/LC_MESSAGES/{catalogue.domain}.po: {missing}"
    )


def test_coverage_counts_a_msgid_translated_in_either_catalogue_but_not_fuzzy_or_empty(tmp_path):
    app = tmp_path / "app_locale"
    for lang, body in {
        "en": 'msgid "One"\nmsgstr ""\n\nmsgid "Two"\nmsgstr ""\n\nmsgid "Three"\nmsgstr ""\n\n'
        'msgid "Four"\nmsgstr ""\n\nmsgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        "vi": 'msgid "One"\nmsgstr "Một"\n\n#, fuzzy\nmsgid "Four"\nmsgstr "Bốn"\n',
    }.items():
        folder = app / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "django.po").write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body)
    project = tmp_path / "project"
    project.mkdir()
    (project / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Two"\nmsgstr "Hai"\n\nmsgid "Three"\nmsgstr ""\n\n'
        'msgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] "%(n)s hàng"\n',
        encoding="utf-8",
    )
    result = coverage.catalogue_coverage("test", app, "django", project)
    assert (result.translated, result.total) == (3, 5)
    assert sorted(msgid for _, msgid in result.missing) == ["Four", "Three"]
    assert coverage.catalogue_coverage("test", app, "djangojs", project) is None


def test_the_coverage_script_fails_below_the_minimum(capsys):
    assert coverage.main(["--min", str(MINIMUM_PERCENT)]) == 0
    assert coverage.main(["--min", "100.1"]) == 1
    output = capsys.readouterr().out
    assert "TOTAL (editor-facing catalogues)" in output
    assert "wagtail redirects" in output


# --- (d) the committed .mo files ------------------------------------------------------------------


def test_the_committed_mo_files_are_current():
    assert {p.name for p in PROJECT_PO_FILES} >= {"django.po", "djangojs.po"}
    for po_path in PROJECT_PO_FILES:
        assert po_path.with_suffix(".mo").exists(), f"{po_path.with_suffix('.mo')} is not committed"
        assert compiler.is_current(po_path), (
            f"{po_path.with_suffix('.mo').name} is stale: run `python scripts/compile_translations.py` and commit it"
        )
    assert compiler.main(["--check"]) == 0


def test_the_check_mode_reports_a_stale_mo_and_compiling_fixes_it(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PROJECT_LOCALE / "djangojs.po", folder / "djangojs.po")
    shutil.copy(PROJECT_LOCALE / "djangojs.mo", folder / "djangojs.mo")
    monkeypatch.setattr(compiler, "LOCALE_DIR", tmp_path)
    assert compiler.main(["--check"]) == 0
    po = folder / "djangojs.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Thu gọn tất cả"', 'msgstr "Thu gọn hết"'), encoding="utf-8"
    )
    assert compiler.main(["--check"]) == 1
    assert "STALE" in capsys.readouterr().out
    assert compiler.main([]) == 0
    assert compiler.main(["--check"]) == 0
    assert compiler.mo_messages((folder / "djangojs.mo").read_bytes())["Collapse all"] == "Thu gọn hết"


def test_the_compiler_refuses_a_lost_placeholder_and_non_nfc_text():
    catalog = compiler.parse_po(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Imported %(total)d redirect"\nmsgstr "Đã nhập chuyển hướng"\n\n'
        'msgid "Redirects"\nmsgstr "Chuye\u0302\u0309n hướng"\n'
    )
    problems = compiler.validate(catalog, "x.po")
    assert len(problems) == 2
    assert any("placeholders differ" in problem for problem in problems)
    assert any("not NFC" in problem for problem in problems)


# --- (e) Django uses the translations ------------------------------------------------------------


@pytest.mark.parametrize(
    "english, vietnamese",
    [
        ("Password", "Mật khẩu"),  # the login form
        ("Sign in", "Đăng nhập"),
        ("Log out", "Đăng xuất"),
        ("Account", "Tài khoản"),
        ("Help", "Trợ giúp"),
        ("Editor Guide", "Hướng dẫn biên tập"),
        ("Redirects", "Chuyển hướng"),  # wagtail.contrib.redirects: had no Vietnamese
        ("Add redirect", "Thêm chuyển hướng"),
        ("Import redirects", "Nhập chuyển hướng từ tệp"),
        ("Permanent", "Vĩnh viễn"),
        ("Display the first row as a header", "Dùng hàng đầu tiên làm tiêu đề"),  # table block
        ("Which cells should be displayed as headers?", "Những ô nào được hiển thị làm tiêu đề?"),
        ("Sort menu order", "Sắp xếp thứ tự trong menu"),
        ("Choose a task", "Chọn bước duyệt"),
        ("Revoke", "Thu hồi"),
        ("Add locale", "Thêm ngôn ngữ"),
        ("Start Synced translation", "Bắt đầu dịch đồng bộ"),  # wagtail-localize
    ],
)
def test_wagtail_strings_that_had_no_vietnamese_are_now_vietnamese(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese


def test_placeholders_and_plurals_work_through_django():
    with translation.override("vi"):
        assert (
            translation.gettext("What's new in Wagtail %(version)s") % {"version": "8.0"}
            == "Có gì mới trong Wagtail 8.0"
        )
        assert translation.gettext("Redirect '%(redirect_title)s' added.") % {"redirect_title": "/cu"} == (
            "Đã thêm chuyển hướng '/cu'."
        )
        for count in (1, 5):
            assert (
                translation.ngettext("Imported %(total)d redirect", "Imported %(total)d redirects", count)
                % {"total": count}
                == f"Đã nhập {count} chuyển hướng"
            )


def test_the_redirects_screen_is_vietnamese(district):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.create_superuser("kythuat", "kythuat@example.com", "x"))
    response = client.get("/quan-tri/redirects/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chuyển hướng" in body
    assert "Thêm chuyển hướng" in body
    assert "Add redirect" not in body and "No redirects have been created" not in body


# --- the glossary ---------------------------------------------------------------------------------

GLOSSARY = ROOT / "locale" / "GLOSSARY.md"

# An English word in a msgid (outside placeholders and tags) → the Vietnamese its translation must use.
TERMS = {
    r"\bworkflows?\b": "quy trình",
    r"\bredirects?\b": "chuyển hướng",
    r"\bsnippets?\b": "đoạn nội dung",
    r"\bcollections?\b": "bộ sưu tập",
    r"\brevisions?\b": "phiên bản",
    r"\bunpublish\b": "ngừng xuất bản",
    r"\bdrafts?\b": "nháp",
    r"\blocales?\b": "ngôn ngữ",
    r"\baliase?s?\b": "bí danh",
    r"\bapprov(e|ed|al)\b": "duyệt",
    r"\bpublish\b": "xuất bản",
    r"\bAPI tokens?\b": "mã truy cập",
    r"\bpages?\b": "trang",
    r"\bdocuments?\b": "tài liệu",
    r"\btasks?\b": "bước",
    r"\bgroups?\b": "nhóm",
    r"\bpermissions?\b": "quyền",
}
# Where the term is implied or the sentence reads better without it.
TERM_EXCEPTIONS = {
    "No, don't unpublish",  # "Không, giữ nguyên"
    "Task submitted by",  # "Người gửi duyệt"
    "New workflow task",  # "Bước duyệt mới": a task only exists in a workflow
    "Workflow task approved",
    "Receive notification when your page edit is approved",
    "Receive notification when your page edit is rejected",
    "Legal documents - %(site)s",  # the public sites' feed of legal documents: "Văn bản", as its pages say
}
MARKUP = re.compile(r"%\([a-zA-Z0-9_]+\)[sdif]|%[sdif]|\{[a-zA-Z0-9_]*\}|<[^>]+>")


def test_the_glossary_records_the_terms_the_translations_use():
    text = GLOSSARY.read_text(encoding="utf-8")
    for vietnamese in [
        "quy trình duyệt",
        "chuyển hướng",
        "đoạn nội dung",
        "bộ sưu tập",
        "phiên bản",
        "ngừng xuất bản",
        "bản nháp",
        "ngôn ngữ",
        "bí danh",
        "phê duyệt",
        "xuất bản",
        "mã truy cập",
        "bước duyệt",
    ]:
        assert f"| {vietnamese}" in text or f"/ {vietnamese}" in text, f"{vietnamese!r} is not in {GLOSSARY.name}"


def test_translations_follow_the_glossary():
    inconsistent = []
    for po_path in PROJECT_PO_FILES:
        for entry in polib.pofile(str(po_path), encoding="utf-8"):
            if not entry.msgid or entry.msgid in TERM_EXCEPTIONS:
                continue
            english = MARKUP.sub(" ", entry.msgid)
            vietnamese = (entry.msgstr or entry.msgstr_plural.get(0, "")).lower()
            for pattern, term in TERMS.items():
                if re.search(pattern, english, re.I) and term not in vietnamese:
                    inconsistent.append(f"{entry.msgid!r} → {vietnamese!r}: expected {term!r}")
    assert not inconsistent, "\n".join(inconsistent)
