#!/usr/bin/env python3
"""Compile the project's gettext catalogs (locale/*/LC_MESSAGES/*.po) into .mo files, with polib.

polib (a pure-Python library, pinned in requirements.txt) reads the .po files and writes the .mo files, so
no GNU gettext is needed on any machine. Its output is deterministic: entries sorted by msgid (with context),
no hash table, fuzzy and untranslated entries left out. The .mo files are committed: `make run` and
`make test` never need this script; tests/i18n/ and tests/test_admin_language.py check the committed
files are current.

Before compiling, every catalog is checked for mistakes gettext would not notice: text that is not
Unicode NFC and placeholders (%(name)s, %s, {name}) lost, renamed or invented by a translation.

Usage:  python scripts/compile_translations.py          # compile every catalog under locale/
        python scripts/compile_translations.py --check  # exit 1 if a committed .mo is stale

--check compares the messages of the committed .mo with those compiled from the .po (header included),
not the bytes, so a different polib version that lays the file out differently is not "stale".
"""

import argparse
import gettext
import io
import re
import sys
import unicodedata
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

PLACEHOLDER = re.compile(r"%\([a-zA-Z0-9_]+\)[sdif]|%[sdif]|\{[a-zA-Z0-9_]*\}")


class PoError(ValueError):
    pass


def parse_po(text, filename="<po>"):
    """Parse the text of a .po file into a polib.POFile (contexts, plurals, fuzzy flags, escapes)."""
    try:
        return polib.pofile(text, encoding="utf-8")
    except (OSError, ValueError) as error:
        raise PoError(f"{filename}: {error}") from error


def load_po(po_path):
    return parse_po(Path(po_path).read_text(encoding="utf-8"), str(po_path))


def build_mo(catalog):
    """Return the bytes of a GNU .mo file for the translated, non-fuzzy entries (header always kept)."""
    return catalog.to_binary()


def entry_texts(entry):
    """The translations of an entry: its msgstr, or its msgstr[n] in order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def validate(catalog, filename):
    """Problems a translator can make that gettext would not notice: non-NFC text, lost placeholders."""
    problems = []
    for entry in catalog:
        if not entry.msgid or entry.obsolete:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        wanted = set(PLACEHOLDER.findall(sources[-1])) | set(PLACEHOLDER.findall(sources[0]))
        for text in entry_texts(entry):
            if not text:
                continue
            if unicodedata.normalize("NFC", text) != text:
                problems.append(f"{filename}: not NFC: {text!r}")
            found = set(PLACEHOLDER.findall(text))
            # A translation may drop a count placeholder only in a plural entry (Vietnamese has one form
            # and usually keeps it); it must never invent or rename one.
            if found - wanted or (not entry.msgid_plural and found != wanted):
                problems.append(
                    f"{filename}: placeholders differ for {entry.msgid!r}: {sorted(found)} vs {sorted(wanted)}"
                )
    return problems


def compile_file(po_path):
    """The .mo bytes for one .po file; raises PoError if the catalog has problems."""
    catalog = load_po(po_path)
    problems = validate(catalog, Path(po_path).name)
    if problems:
        raise PoError("\n".join(problems))
    return build_mo(catalog)


def mo_messages(data):
    """The messages of compiled .mo bytes, as gettext reads them: {msgid or (msgid, n): msgstr}."""
    return dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)


def is_current(po_path):
    """Whether the committed .mo next to po_path holds exactly the messages compiled from it."""
    mo_path = Path(po_path).with_suffix(".mo")
    if not mo_path.exists():
        return False
    try:
        return mo_messages(mo_path.read_bytes()) == mo_messages(compile_file(po_path))
    except OSError:  # a truncated or otherwise unreadable .mo
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that committed .mo files are current")
    args = parser.parse_args(argv)
    stale = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        shown = mo_path.relative_to(LOCALE_DIR.parent)
        if args.check:
            if is_current(po_path):
                print(f"up to date: {shown}")
            else:
                stale.append(mo_path)
                print(f"STALE: {shown}")
            continue
        data = compile_file(po_path)
        if mo_path.exists() and mo_path.read_bytes() == data:
            print(f"up to date: {shown}")
            continue
        load_po(po_path).save_as_mofile(str(mo_path))  # the same bytes as `data`
        print(f"compiled: {shown}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
