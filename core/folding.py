"""Vietnamese folding: what citizens type on phones ("dak la") must match official text ("Đắk La").

Unicode decomposition drops tone marks but keeps đ/Đ; anyascii maps đ → d as well.
"""

import re
import unicodedata
from bisect import bisect_right
from html import unescape
from itertools import accumulate

from anyascii import anyascii
from django.utils.html import escape
from django.utils.safestring import mark_safe

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text):
    """Lower-case ASCII with diacritics removed, whatever the input's normal form."""
    if not text:
        return ""
    return anyascii(unicodedata.normalize("NFC", str(text))).lower()


def search_text(text):
    """What the database index stores and what queries are matched with: folded words separated by
    single spaces. Punctuation goes too, so `1381/QĐ-BTTTT` and `1381 qd btttt` give the same words on
    every backend (PostgreSQL's parser would otherwise read `1381/q` as a file path)."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def document_number_key(number):
    """A key that makes `1381/QĐ-BTTTT`, `1381/QD-BTTTT` and `1381 qđ btttt` the same document."""
    return _NON_ALNUM.sub("", fold(number))


def document_number_keys_in(query):
    """Keys a document number in the query could have: a number followed by one to three words
    (`quyết định 1381/QĐ-BTTTT` → 1381qd, 1381qdbtttt, …). Looked up exactly, so a longer
    candidate that is no document simply finds nothing."""
    words = search_text(query).split()
    keys = []
    for index, word in enumerate(words):
        if any(ch.isdigit() for ch in word) and not word.isdigit() and len(keys) < 9:
            keys.append(word)  # typed without separators: 1381qdbtttt
        elif word.isdigit() and len(keys) < 9:
            keys += ["".join(words[index:end]) for end in range(index + 2, min(index + 4, len(words)) + 1)]
    return keys


class _FoldTable(dict):
    """{character: fold(character)}, filled on first sight: a few hundred entries in practice."""

    def __missing__(self, char):
        folded = self[char] = fold(char)
        return folded


_FOLDED = _FoldTable()


def folded_with_offsets(text):
    """`text` folded (as `fold()` of each character, joined), and a function from a position in it to the
    position of the original character it came from. `text` should be NFC, as `fold()` makes it."""
    if text.isascii():
        return text.lower(), lambda position: position  # one folded character per original one
    pieces = list(map(_FOLDED.__getitem__, text))
    folded = "".join(pieces)
    # ends[i]: how many folded characters text[:i + 1] gives; folded[p] comes from the first i with ends[i] > p.
    ends = list(accumulate(map(len, pieces)))
    return folded, lambda position: bisect_right(ends, position)


def highlight(text, query, length=240):
    """An HTML excerpt of `text` around the first query word, with every query word in <mark>.

    Matching is done on folded text so "dak la" highlights "Đắk La"; the excerpt keeps the original.
    `text` is plain text that may still hold HTML entities (rich text through strip_tags keeps `&gt;`,
    `&amp;`): they are decoded once here, and everything is escaped exactly once on the way out.
    The text is folded in one pass over a table of characters already seen (not `fold()` once per
    character), and the map back to the original is searched only at the edges of each match."""
    text = unicodedata.normalize("NFC", " ".join(unescape(text or "").split()))
    if not text:
        return ""
    words = sorted({w for w in search_text(query).split() if len(w) > 1 or w.isdigit()}, key=len, reverse=True)
    spans = []
    if words:
        folded, original = folded_with_offsets(text)
        pattern = re.compile(r"(?<![0-9a-z])(" + "|".join(re.escape(w) for w in words) + r")(?![0-9a-z])")
        for match in pattern.finditer(folded):
            start, end = original(match.start()), original(match.end() - 1) + 1
            if not spans or start >= spans[-1][1]:
                spans.append((start, end))
    first = spans[0][0] if spans else 0
    begin = max(0, first - length // 3)
    if begin:
        # Start at a word boundary so the excerpt does not open mid-word.
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < first else begin
    end = min(len(text), begin + length)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > first else end
    out, cursor = [], begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(escape(text[cursor:end]))
    html = "".join(out)
    # Every piece of text was escaped above; only the <mark> tags are ours.
    return mark_safe(("… " if begin else "") + html + (" …" if end < len(text) else ""))  # noqa: S308
