#!/usr/bin/env python3
"""Compile the project's gettext catalogs (locale/*/LC_MESSAGES/*.po) into .mo files.

Standard library only, so the compiled .mo files can be rebuilt on any machine without GNU gettext,
and the output is byte-for-byte deterministic (entries sorted, no hash table, like CPython's
Tools/i18n/msgfmt.py). The .mo files are committed: `make run` and `make test` never need this script;
tests/test_admin_language.py checks the committed files are up to date.

Usage:  python scripts/compile_translations.py          # compile every catalog under locale/
        python scripts/compile_translations.py --check  # exit 1 if a committed .mo is stale
"""

import argparse
import ast
import struct
import sys
import unicodedata
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


class PoError(ValueError):
    pass


def parse_po(text, filename="<po>"):
    """Parse a .po file into a list of entries: dicts with ctxt, id, id_plural, strs (list), fuzzy.

    Handles msgctxt, msgid_plural, msgstr[n], multi-line strings and "#, fuzzy"; obsolete "#~" entries
    and other comments are skipped.
    """
    entries = []
    entry = None
    field = None  # (name, index) the next continuation string belongs to
    fuzzy = False

    def finish():
        nonlocal entry
        if entry is not None:
            if entry["id"] is None:
                raise PoError(f"{filename}: entry without msgid")
            entries.append(entry)
        entry = None

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                finish()
                fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if field is None:
                raise PoError(f"{filename}:{lineno}: string outside an entry")
            value = _unquote(line, filename, lineno)
        else:
            value = _unquote(rest.strip(), filename, lineno)
            if keyword == "msgctxt" or (keyword == "msgid" and (entry is None or entry["strs"])):
                finish()
                entry = {"ctxt": None, "id": None, "id_plural": None, "strs": [], "fuzzy": fuzzy}
                fuzzy = False
            if entry is None:
                raise PoError(f"{filename}:{lineno}: {keyword} before msgid")
            if keyword == "msgctxt":
                entry["ctxt"] = ""
                field = ("ctxt", None)
            elif keyword == "msgid":
                entry["id"] = ""
                field = ("id", None)
            elif keyword == "msgid_plural":
                entry["id_plural"] = ""
                field = ("id_plural", None)
            elif keyword == "msgstr":
                entry["strs"].append("")
                field = ("strs", 0)
            elif keyword.startswith("msgstr[") and keyword.endswith("]"):
                index = int(keyword[7:-1])
                if index != len(entry["strs"]):
                    raise PoError(f"{filename}:{lineno}: msgstr[{index}] out of order")
                entry["strs"].append("")
                field = ("strs", index)
            else:
                raise PoError(f"{filename}:{lineno}: unknown keyword {keyword!r}")
        name, index = field
        if name == "strs":
            entry["strs"][index] += value
        else:
            entry[name] += value
    finish()
    return entries


def _unquote(token, filename, lineno):
    if not (len(token) >= 2 and token[0] == '"' and token[-1] == '"'):
        raise PoError(f"{filename}:{lineno}: expected a quoted string, got {token!r}")
    # A C-style string literal; Python's literal syntax is a superset for the escapes .po files use.
    return ast.literal_eval(token)


def build_mo(entries):
    """Return the bytes of a GNU .mo file for the translated, non-fuzzy entries (header always kept)."""
    messages = {}
    for entry in entries:
        if not any(entry["strs"]):
            continue  # untranslated: gettext falls back to the app's own catalog
        if entry["fuzzy"] and entry["id"]:
            continue
        key = entry["id"]
        if entry["id_plural"] is not None:
            key += "\0" + entry["id_plural"]
        if entry["ctxt"] is not None:
            key = entry["ctxt"] + "\x04" + key
        messages[key.encode("utf-8")] = "\0".join(entry["strs"]).encode("utf-8")

    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(messages[key])))
        ids += key + b"\0"
        strs += messages[key] + b"\0"
    count = len(keys)
    keystart = 7 * 4 + 16 * count
    valuestart = keystart + len(ids)
    koffsets, voffsets = [], []
    for id_off, id_len, str_off, str_len in offsets:
        koffsets += [id_len, id_off + keystart]
        voffsets += [str_len, str_off + valuestart]
    header = struct.pack("<Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return header + struct.pack(f"<{len(koffsets)}i", *koffsets) + struct.pack(f"<{len(voffsets)}i", *voffsets) + ids + strs


def validate(entries, filename):
    """Problems a translator can make that gettext would not notice: non-NFC text, lost placeholders."""
    import re

    placeholder = re.compile(r"%\([a-zA-Z0-9_]+\)[sdif]|%[sdif]|\{[a-zA-Z0-9_]*\}")
    problems = []
    for entry in entries:
        if not entry["id"]:
            continue
        sources = [entry["id"]] + ([entry["id_plural"]] if entry["id_plural"] is not None else [])
        wanted = set(placeholder.findall(sources[-1])) | set(placeholder.findall(sources[0]))
        for text in entry["strs"]:
            if not text:
                continue
            if unicodedata.normalize("NFC", text) != text:
                problems.append(f"{filename}: not NFC: {text!r}")
            found = set(placeholder.findall(text))
            # A translation may drop a count placeholder only in a plural entry (Vietnamese has one form
            # and usually keeps it); it must never invent or rename one.
            if found - wanted or (entry["id_plural"] is None and found != wanted):
                problems.append(f"{filename}: placeholders differ for {entry['id']!r}: {sorted(found)} vs {sorted(wanted)}")
    return problems


def compile_file(po_path):
    entries = parse_po(po_path.read_text(encoding="utf-8"), str(po_path))
    problems = validate(entries, po_path.name)
    if problems:
        raise PoError("\n".join(problems))
    return build_mo(entries)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that committed .mo files are current")
    args = parser.parse_args(argv)
    stale = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        data = compile_file(po_path)
        if mo_path.exists() and mo_path.read_bytes() == data:
            print(f"up to date: {mo_path.relative_to(LOCALE_DIR.parent)}")
            continue
        if args.check:
            stale.append(mo_path)
            print(f"STALE: {mo_path.relative_to(LOCALE_DIR.parent)}")
        else:
            mo_path.write_bytes(data)
            print(f"compiled: {mo_path.relative_to(LOCALE_DIR.parent)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
