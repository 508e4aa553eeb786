#!/usr/bin/env python3
"""How much of the admin an editor or approver meets is in Vietnamese: per gettext catalogue.

For each catalogue of Wagtail and wagtail-localize that the admin's screens use, the English catalogue
shipped with the package (locale/en/LC_MESSAGES/<domain>.po, which lists every msgid of that version) is
the total. A msgid counts as translated when it has a non-empty, non-fuzzy msgstr (every msgstr[n] of a
plural entry) in EITHER the package's own Vietnamese catalogue OR the project's locale/vi catalogue of
the same domain: the translation Django uses, since LOCALE_PATHS comes before the apps' catalogues.

Left out, on purpose: the apps this project does not install (wagtail.contrib.forms, search_promotions,
simple_translation, styleguide, embeds: their strings never reach the admin); django-otp (no catalogue;
its forms are not used: accounts/ has its own two-factor screens); django-axes (the lockout page is the
project's own, AXES_LOCKOUT_CALLABLE). wagtail.locales is not installed either, but its msgids are the
ones wagtail_localize.locales' screens show, so it is counted. Django's own catalogues (form errors,
auth) are complete enough in Vietnamese and are not Wagtail's concern.

The project's own code marks strings with gettext/{% translate %} (its Vietnamese is mostly literal
text): those msgids are extracted and counted against locale/vi too ("project code").

Usage:  python scripts/translation_coverage.py                 # the table
        python scripts/translation_coverage.py --missing       # also list the untranslated msgids
        python scripts/translation_coverage.py --min 97        # exit 1 if a catalogue is below 97%
"""

import argparse
import ast
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PROJECT_LOCALE = ROOT / "locale" / "vi" / "LC_MESSAGES"

# (label, package, path of the app's locale folder inside the package)
CATALOGUE_DIRS = [
    ("wagtail core", "wagtail", "locale"),
    ("wagtail admin", "wagtail", "admin/locale"),
    ("wagtail images", "wagtail", "images/locale"),
    ("wagtail documents", "wagtail", "documents/locale"),
    ("wagtail snippets", "wagtail", "snippets/locale"),
    ("wagtail users", "wagtail", "users/locale"),
    ("wagtail locales", "wagtail", "locales/locale"),
    ("wagtail sites", "wagtail", "sites/locale"),
    ("wagtail search", "wagtail", "search/locale"),
    ("wagtail redirects", "wagtail", "contrib/redirects/locale"),
    ("wagtail table_block", "wagtail", "contrib/table_block/locale"),
    ("wagtail typed_table_block", "wagtail", "contrib/typed_table_block/locale"),
    ("wagtail routable_page", "wagtail", "contrib/routable_page/locale"),
    ("wagtail settings", "wagtail", "contrib/settings/locale"),
    ("wagtail-localize", "wagtail_localize", "locale"),
]
DOMAINS = ("django", "djangojs")

# Folders of the repository that hold no project code.
SKIPPED_DIRS = {".venv", "venv", "node_modules", ".git", "tests", "benchmarks", "static", "media", "locale"}


def package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not installed: run this script with the project's virtualenv")
    return Path(list(spec.submodule_search_locations)[0])


def is_translated(entry, plural=None):
    """A non-empty, non-fuzzy msgstr (all msgstr[n] of a plural entry); plural: the form wanted, if known."""
    if entry is None or entry.obsolete or "fuzzy" in entry.flags:
        return False
    if plural is not None and bool(entry.msgid_plural) != plural:
        return False  # gettext looks a plural up by (msgid, n): a singular entry does not serve it
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def index(po):
    return {(entry.msgctxt, entry.msgid): entry for entry in po if entry.msgid and not entry.obsolete}


_cache = {}


def load(path):
    path = Path(path)
    if path not in _cache:
        _cache[path] = index(polib.pofile(str(path), encoding="utf-8")) if path.exists() else {}
    return _cache[path]


@dataclass
class Coverage:
    label: str
    domain: str
    total: int = 0
    translated: int = 0
    missing: list = field(default_factory=list)

    @property
    def percent(self):
        return 100.0 * self.translated / self.total if self.total else 100.0


def catalogue_coverage(label, locale_dir, domain, project_dir=PROJECT_LOCALE):
    """Coverage of one package catalogue, or None when the package has no such catalogue."""
    english = Path(locale_dir) / "en" / "LC_MESSAGES" / f"{domain}.po"
    own = Path(locale_dir) / "vi" / "LC_MESSAGES" / f"{domain}.po"
    source = english if english.exists() else own
    if not source.exists():
        return None
    own_vi, project_vi = load(own), load(Path(project_dir) / f"{domain}.po")
    result = Coverage(label, domain)
    for key, entry in load(source).items():
        result.total += 1
        plural = bool(entry.msgid_plural)
        if is_translated(own_vi.get(key), plural) or is_translated(project_vi.get(key), plural):
            result.translated += 1
        else:
            result.missing.append(key)
    return result


def editor_catalogues(project_dir=PROJECT_LOCALE):
    """Coverage of every package catalogue an editor or approver meets, in CATALOGUE_DIRS order."""
    results = []
    for label, package, subdir in CATALOGUE_DIRS:
        for domain in DOMAINS:
            coverage = catalogue_coverage(label, package_dir(package) / subdir, domain, project_dir)
            if coverage is not None:
                results.append(coverage)
    return results


def project_catalogue_coverage(project_dir=PROJECT_LOCALE):
    """The project's own .po files: their entries translated (non-empty, not fuzzy)."""
    results = []
    for domain in DOMAINS:
        entries = load(Path(project_dir) / f"{domain}.po")
        if entries:
            result = Coverage(f"project locale/vi {domain}.po", domain, total=len(entries))
            for key, entry in entries.items():
                if is_translated(entry):
                    result.translated += 1
                else:
                    result.missing.append(key)
            results.append(result)
    return results


# --- The project's own marked strings -------------------------------------------------------------

PY_FUNCTIONS = {
    # name: (index of msgctxt or None, index of msgid, index of msgid_plural or None)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ugettext": (None, 0, None),
    "ugettext_lazy": (None, 0, None),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


@dataclass(frozen=True)
class Marked:
    msgid: str
    msgctxt: str = None
    msgid_plural: str = None
    where: str = ""


def _literal_arg(call, at):
    if at is None or at >= len(call.args):
        return None
    arg = call.args[at]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def python_strings(source, where=""):
    """Strings marked for translation in Python source: _(), gettext(), pgettext_lazy(), ngettext()..."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in PY_FUNCTIONS:
            continue
        ctxt_at, id_at, plural_at = PY_FUNCTIONS[name]

        msgid = _literal_arg(node, id_at)
        if msgid:
            found.append(
                Marked(msgid, _literal_arg(node, ctxt_at), _literal_arg(node, plural_at), f"{where}:{node.lineno}")
            )
    return found


_STRING = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
TRANSLATE_TAG = re.compile(r"\{%\s*(?:translate|trans)\s+(?P<msgid>" + _STRING + r")(?P<rest>[^%]*?)%\}")
CONTEXT = re.compile(r"\bcontext\s+(?P<ctxt>" + _STRING + r")")
BLOCK_TAG = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(?P<options>[^%]*)%\}(?P<body>.*?)"
    r"(?:\{%\s*plural\s*%\}(?P<plural>.*?))?\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.S,
)
UNDERSCORE_IN_TEMPLATE = re.compile(r"\b_\(\s*(?P<msgid>" + _STRING + r")\s*\)")
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def _unquote(token):
    return ast.literal_eval(token)


def _block_text(text, trimmed):
    # As Django's makemessages does: {{ name }} becomes %(name)s, a literal % is doubled.
    text = TEMPLATE_VARIABLE.sub(lambda match: "\0" + match.group(1) + "\1", text).replace("%", "%%")
    text = text.replace("\0", "%(").replace("\1", ")s")
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return text


def template_strings(source, where=""):
    """Strings marked in a Django template: {% translate %}/{% trans %}, {% blocktranslate %}, _("...")."""
    found = []

    def line_of(offset):
        return source.count("\n", 0, offset) + 1

    for match in TRANSLATE_TAG.finditer(source):
        ctxt = CONTEXT.search(match.group("rest"))
        found.append(
            Marked(
                _unquote(match.group("msgid")),
                _unquote(ctxt.group("ctxt")) if ctxt else None,
                None,
                f"{where}:{line_of(match.start())}",
            )
        )
    for match in BLOCK_TAG.finditer(source):
        options = match.group("options")
        trimmed = re.search(r"\btrimmed\b", options) is not None
        ctxt = CONTEXT.search(options)
        plural = match.group("plural")
        found.append(
            Marked(
                _block_text(match.group("body"), trimmed),
                _unquote(ctxt.group("ctxt")) if ctxt else None,
                _block_text(plural, trimmed) if plural is not None else None,
                f"{where}:{line_of(match.start())}",
            )
        )
    for match in UNDERSCORE_IN_TEMPLATE.finditer(source):
        found.append(Marked(_unquote(match.group("msgid")), None, None, f"{where}:{line_of(match.start())}"))
    return [marked for marked in found if marked.msgid]


def project_files(root=ROOT):
    for path in sorted(Path(root).rglob("*")):
        relative = path.relative_to(root)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        if path.is_file() and (
            path.suffix == ".py" or (path.suffix in {".html", ".txt", ".xml"} and "templates" in relative.parts)
        ):
            yield path


def project_strings(root=ROOT):
    """Every msgid the project's own code marks for translation (django domain)."""
    found = []
    for path in project_files(root):
        where = str(path.relative_to(root))
        text = path.read_text(encoding="utf-8")
        found += python_strings(text, where) if path.suffix == ".py" else template_strings(text, where)
    return found


def project_code_coverage(root=ROOT, project_dir=PROJECT_LOCALE):
    project_vi = load(Path(project_dir) / "django.po")
    result = Coverage("project code (gettext, {% translate %})", "django")
    for marked in {(m.msgctxt, m.msgid, m.msgid_plural): m for m in project_strings(root)}.values():
        result.total += 1
        if is_translated(project_vi.get((marked.msgctxt, marked.msgid)), bool(marked.msgid_plural)):
            result.translated += 1
        else:
            result.missing.append((marked.msgctxt, marked.msgid))
    return result


# --- Report ---------------------------------------------------------------------------------------


def row(coverage):
    return f"{coverage.label:<40} {coverage.domain:<9} {coverage.translated:>5} / {coverage.total:<5} {coverage.percent:6.1f}%"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the untranslated msgids of each catalogue")
    parser.add_argument(
        "--min", type=float, default=None, help="exit 1 if an editor-facing catalogue is below this percentage"
    )
    args = parser.parse_args(argv)

    catalogues = editor_catalogues()
    print(f"{'catalogue':<40} {'domain':<9} {'translated / total':>14}")
    for coverage in catalogues:
        print(row(coverage))
        if args.missing:
            for ctxt, msgid in coverage.missing:
                print(f"    missing: {msgid!r}" + (f" (context {ctxt!r})" if ctxt else ""))
    total = Coverage("TOTAL (editor-facing catalogues)", "")
    total.total = sum(c.total for c in catalogues)
    total.translated = sum(c.translated for c in catalogues)
    print(row(total))
    print()
    for coverage in project_catalogue_coverage() + [project_code_coverage()]:
        print(row(coverage))
        if args.missing:
            for ctxt, msgid in coverage.missing:
                print(f"    missing: {msgid!r}" + (f" (context {ctxt!r})" if ctxt else ""))
    if args.min is not None:
        low = [c for c in catalogues if c.percent < args.min]
        for coverage in low:
            print(f"BELOW {args.min:g}%: {coverage.label} {coverage.domain}", file=sys.stderr)
        return 1 if low else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
