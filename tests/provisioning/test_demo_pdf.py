"""The demo's legal documents come with a PDF that carries its words as text (a text layer), in Vietnamese
with its diacritics when DejaVu Sans is installed (Debian's fonts-dejavu-core), else in ASCII letters."""

from datetime import date

from anyascii import anyascii

from provisioning.demo.media import document_pdf, has_unicode_font
from tests.provisioning.pdf_text import pdf_texts

DOCUMENT = {
    "issuing_body": "Ủy ban nhân dân xã Đắk La", "number": "124/QĐ-UBND",
    "title": "Quyết định kiện toàn Ban biên tập trang thông tin điện tử xã Đắk La", "issue_date": date(2025, 3, 14),
    "summary": "Kiện toàn Ban biên tập trang thông tin điện tử xã Đắk La do đồng chí Y Phương làm Trưởng ban.",
    "signer": "Bùi Minh Thắng",
}


def expected(text):
    return text if has_unicode_font() else anyascii(text)


def test_the_pdf_carries_the_number_and_the_summary_as_text():
    pdf = document_pdf(**DOCUMENT)
    assert pdf.startswith(b"%PDF-")
    text = next(text for text in pdf_texts(pdf) if expected("124/QĐ-UBND") in text)
    assert expected("Số: 124/QĐ-UBND") in text
    assert expected("Kiện toàn Ban biên tập trang thông tin điện tử xã Đắk La") in " ".join(text.split())
    assert expected("14/03/2025") in text


def test_the_same_document_gives_the_same_file():
    assert document_pdf(**DOCUMENT) == document_pdf(**DOCUMENT)


def test_without_dejavu_the_words_lose_their_diacritics_but_stay_text(monkeypatch, tmp_path):
    from provisioning.demo import media

    monkeypatch.setattr(media, "FONT_DIR", tmp_path)  # no font there
    text = "\n".join(pdf_texts(document_pdf(**DOCUMENT)))
    assert "So: 124/QD-UBND" in text and "Kien toan Ban bien tap" in text
