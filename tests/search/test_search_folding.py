import unicodedata

import pytest

from core.folding import document_number_key, document_number_keys_in, fold, highlight, search_text


@pytest.mark.parametrize("text", ["Đắk Hà", "Đăk Hà", "ĐẮK HÀ", unicodedata.normalize("NFD", "Đắk Hà"), "dak ha"])
def test_it_folds_every_spelling_of_dak_ha_to_the_same_words(text):
    assert search_text(text) == "dak ha"


def test_it_folds_d_with_stroke_which_unicode_decomposition_keeps():
    assert unicodedata.normalize("NFD", "đ")[0] == "đ"
    assert fold("Quyết định Đường") == "quyet dinh duong"


@pytest.mark.parametrize("number", ["1381/QĐ-BTTTT", "1381/QD-BTTTT", "1381 qđ btttt", " 1381 / Qđ - BTTTT "])
def test_document_numbers_have_one_key(number):
    assert document_number_key(number) == "1381qdbtttt"


def test_it_finds_document_numbers_inside_a_query():
    assert "1381qdbtttt" in document_number_keys_in("quyết định 1381/QĐ-BTTTT về thông tin")
    assert "1381qdbtttt" in document_number_keys_in("1381qdbtttt")
    assert document_number_keys_in("thông tin cơ sở") == []


def test_highlight_marks_the_original_words_and_escapes_html():
    html = highlight("<b>UBND</b> xã Đắk La ban hành Quyết định", "dak la quyet dinh")
    assert "<mark>Đắk</mark> <mark>La</mark>" in html and "<mark>Quyết</mark> <mark>định</mark>" in html
    assert "&lt;b&gt;" in html


def test_highlight_excerpts_long_text_around_the_first_match():
    text = "mở đầu " * 100 + "tiêm phòng gia súc" + " kết thúc" * 100
    html = highlight(text, "tiem phong", length=120)
    assert html.startswith("… ") and html.endswith(" …") and "<mark>tiêm</mark>" in html
