"""core.folding.highlight folds the text once instead of once per character: its snippets must be exactly
those of the plain reference below (`fold()` of every character, the first version), for Vietnamese with
and without diacritics and for the characters whose folded form is not one letter (ellipses, ligatures,
emoji, zero-width and lone combining marks)."""

import random
import re
import unicodedata
from html import unescape
from unittest import mock

import pytest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core import folding
from core.folding import fold, search_text


def reference_highlight(text, query, length=240):
    """The first, plain version of `core.folding.highlight`: the specification the fast one must match."""
    text = unicodedata.normalize("NFC", " ".join(unescape(text or "").split()))
    if not text:
        return ""
    words = sorted({w for w in search_text(query).split() if len(w) > 1 or w.isdigit()}, key=len, reverse=True)
    folded, offsets = [], []  # the folded text and, for each folded character, its original's index
    for index, char in enumerate(text):
        for out in fold(char):
            folded.append(out)
            offsets.append(index)
    folded = "".join(folded)
    spans = []
    if words:
        pattern = re.compile(r"(?<![0-9a-z])(" + "|".join(re.escape(w) for w in words) + r")(?![0-9a-z])")
        for match in pattern.finditer(folded):
            start, end = offsets[match.start()], offsets[match.end() - 1] + 1
            if not spans or start >= spans[-1][1]:
                spans.append((start, end))
    first = spans[0][0] if spans else 0
    begin = max(0, first - length // 3)
    if begin:
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
    return mark_safe(("… " if begin else "") + "".join(out) + (" …" if end < len(text) else ""))  # noqa: S308


CASES = [
    ("<b>UBND</b> xã Đắk La ban hành Quyết định", "dak la quyet dinh"),
    ("UBND xã Đắk La ban hành Quyết định", "Đắk La"),
    ("ĐẮK LA tiêm phòng", "ĐẮK LA"),
    (unicodedata.normalize("NFD", "Quyết định số 1381/QĐ-BTTTT của Bộ"), "1381/QD-BTTTT"),
    ("Quyết định số 1381/QĐ-BTTTT của Bộ", unicodedata.normalize("NFD", "quyết định")),
    ("Giá điện &gt; 3.000 đồng &amp; phí", "gia dien"),
    ("Hà &amp;lt; Bình", "binh"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "alert"),
    ("“Đắk Lấp” … thôn Kon Gung — Œuvre ﬁnal 😀 Đăk Rơ Wang", "dak lap kon gung oeuvre final dak ro wang"),
    ("zero\u200bwidth Đắk\u200b La, a\u0301 lone mark, ½ km², ℃", "dak la width km"),
    ("Thôn 1A và thôn 1B góp 1,2 km đường", "thon 1a 1"),
    ("mở đầu " * 100 + "tiêm phòng gia súc" + " kết thúc" * 100, "tiem phong"),
    ("không có từ nào khớp ở đây", "dak la"),
    ("", "dak"),
    ("Đắk La", ""),
    ("plain ascii text about dak la and more", "dak la"),
]


@pytest.mark.parametrize(("text", "query"), CASES)
def test_it_gives_the_same_snippet_as_the_reference(text, query):
    for length in (240, 60, 20):
        assert folding.highlight(text, query, length) == reference_highlight(text, query, length)


def test_it_agrees_with_the_reference_on_random_vietnamese_text():
    words = ["Đắk", "đăk", "DAK", "La", "lá", "tiêm", "Tiem", "phòng", "PHÒNG", "1381/QĐ-BTTTT", "qđ", "thôn",
             "Kon", "Hà", "hạ", "ĐẮK", "đ", "à", "œuvre", "ﬁnal", "😀", "…", "“La”", "a\u0301", "d\u0323", "&amp;",
             "&lt;b&gt;", "<i>", "Lấp", "Rơ", "Wang", "xã", "1A", "½"]
    separators = [" ", " ", " ", "  ", ", ", ". ", "\u00a0", "\u200b", "-", "/", "\n", "…"]
    rng = random.Random(20240408)
    query_words = ["dak", "la", "tiem", "phong", "1381", "qd", "thon", "kon", "ha", "d", "a", "oeuvre", "fi", "1a"]
    compared = 0
    for _ in range(400):
        text = "".join(rng.choice(words) + rng.choice(separators) for _ in range(rng.randrange(0, 80)))
        if rng.random() < 0.3:
            text = unicodedata.normalize("NFD", text)
        query = " ".join(rng.sample(query_words, rng.randrange(1, 4)))
        length = rng.choice([240, 80, 30])
        expected = reference_highlight(text, query, length)
        assert folding.highlight(text, query, length) == expected, (text, query, length)
        compared += "<mark>" in expected
    assert compared > 200  # the comparison is not vacuous


def test_it_does_not_fold_the_text_one_character_at_a_time():
    text = "Xã Đắk La tiêm phòng vắc xin cho đàn gia súc ở thôn Kon Gung. " * 20
    folding.highlight(text, "tiem phong")  # characters seen once are remembered
    with mock.patch("core.folding.fold", wraps=folding.fold) as fold:
        html = folding.highlight(text, "tiem phong gia suc")
    assert "<mark>tiêm</mark> <mark>phòng</mark>" in html
    assert fold.call_args_list == [mock.call("tiem phong gia suc")]  # the query once, no character of the text
