"""search.highlighting.highlight folds the text once instead of once per character: its snippets must be
exactly those of core.folding.highlight, for Vietnamese with and without diacritics and for the characters
whose folded form is not one letter (ellipses, ligatures, emoji, zero-width and lone combining marks)."""

import random
import unicodedata
from unittest import mock

import pytest

from core import folding
from search import highlighting

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
def test_it_gives_the_same_snippet_as_core_folding(text, query):
    for length in (240, 60, 20):
        assert highlighting.highlight(text, query, length) == folding.highlight(text, query, length)


def test_it_agrees_with_core_folding_on_random_vietnamese_text():
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
        expected = folding.highlight(text, query, length)
        assert highlighting.highlight(text, query, length) == expected, (text, query, length)
        compared += "<mark>" in expected
    assert compared > 200  # the comparison is not vacuous


def test_it_does_not_fold_the_text_one_character_at_a_time():
    text = "Xã Đắk La tiêm phòng vắc xin cho đàn gia súc ở thôn Kon Gung. " * 20
    highlighting.highlight(text, "tiem phong")  # characters seen once are remembered
    with mock.patch("search.highlighting.fold", wraps=folding.fold) as fold:
        html = highlighting.highlight(text, "tiem phong gia suc")
    assert "<mark>tiêm</mark> <mark>phòng</mark>" in html
    assert fold.call_count == 0
