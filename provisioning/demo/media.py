"""The demo's images and files, made here (Pillow, fpdf2): nothing is downloaded.

- news illustrations: a coloured scene per category (hills, a sun, a loudspeaker pole or a field) with
  the headline written on it, 1200 × 675 JPEG, so the public pages have something to make 360- to
  1080-pixel WebP and JPEG renditions from;
- a logo for the portal: a plain red seal with a yellow star (not the national emblem, which a real
  site uploads itself);
- the legal documents' files: a one-page A4 PDF with the issuing body, the number, the dates and the
  summary, written as text (fpdf2), so the file can be searched, copied and read aloud.

Text is set in DejaVu Sans (Debian's fonts-dejavu-core) so Vietnamese keeps its diacritics; without that
font it keeps its ASCII letters only ("Đắk" → "Dak"), set in Pillow's built-in font (images) or the PDF's
Helvetica (documents).

Each file goes into the collection of the site it belongs to, so the commune's staff (and only they)
can choose it, as if they had uploaded it.
"""

import datetime
import io
import logging
import random
import textwrap
from pathlib import Path

from anyascii import anyascii
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# fpdf2 embeds the glyphs a PDF uses through fontTools, which reports each step of it at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)
NEWS_SIZE = (1200, 675)

# Background and accent colours per news category; the headline band is dark enough for white text.
PALETTES = {
    "thoi-su": ((176, 208, 232), (40, 96, 150)),
    "thong-bao": ((232, 220, 190), (150, 90, 30)),
    "su-kien": ((236, 200, 200), (155, 28, 28)),
    "nong-nghiep": ((196, 226, 180), (46, 110, 40)),
}
DEFAULT_PALETTE = ((220, 220, 220), (70, 70, 70))


def has_unicode_font():
    return (FONT_DIR / "DejaVuSans.ttf").exists()


def _font(size, bold=False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    if (FONT_DIR / name).exists():
        return ImageFont.truetype(str(FONT_DIR / name), size)
    return ImageFont.load_default(size)


def _text(value):
    """The text as drawn: Vietnamese when a Unicode font is there, else its ASCII letters ("Đắk" → "Dak")."""
    return value if has_unicode_font() else anyascii(value)


def news_illustration(title, category, seed):
    """JPEG bytes of a simple illustration for a news item."""
    rng = random.Random(seed)
    sky, accent = PALETTES.get(category, DEFAULT_PALETTE)
    width, height = NEWS_SIZE
    image = Image.new("RGB", NEWS_SIZE, sky)
    draw = ImageDraw.Draw(image)
    sun_x = rng.randint(760, 1080)
    draw.ellipse((sun_x, 60, sun_x + 110, 170), fill=(250, 214, 90))
    for layer, shade in enumerate((0.75, 0.6, 0.45)):  # three ranges of hills, darker in front
        colour = tuple(int(c * shade + a * (1 - shade) * 0.3) for c, a in zip(sky, accent, strict=True))
        base = 330 + layer * 70
        points = [(0, height)]
        for x in range(0, width + 150, 150):
            points.append((x, base - rng.randint(20, 90)))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    if category in ("thoi-su", "thong-bao"):  # a loudspeaker pole
        draw.rectangle((180, 200, 192, 470), fill=(60, 60, 60))
        for dy in (200, 250):
            draw.polygon([(192, dy + 10), (250, dy - 10), (250, dy + 40), (192, dy + 22)], fill=(90, 90, 90))
    elif category == "nong-nghiep":  # rows of a field
        for x in range(-200, width, 60):
            draw.line([(x, height), (x + 300, 470)], fill=(70, 130, 50), width=6)
    band_top = height - 200
    draw.rectangle((0, band_top, width, height), fill=accent)
    font = _font(40, bold=True)
    lines = textwrap.wrap(_text(title), width=46)[:3]
    for number, line in enumerate(lines):
        draw.text((48, band_top + 28 + number * 52), line, font=font, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def seal_logo():
    """PNG bytes of a plain round seal: a red disc with a yellow five-pointed star."""
    import math

    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(250, 214, 90))
    draw.ellipse((20, 20, size - 20, size - 20), fill=(200, 16, 46))
    centre, outer, inner = size / 2, 78, 31
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(points, fill=(250, 214, 90))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def document_pdf(*, issuing_body, number, title, issue_date, summary, signer, body_texts=()):
    """PDF bytes of a one-page A4 document with a text layer: heading, number, title, summary and signer.

    Written with fpdf2, so the words are text (searchable, copyable, read aloud by screen readers) and the
    font embedded is the subset of DejaVu Sans the page uses."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=25)
    pdf.set_lang("vi")
    pdf.set_title(_text(f"{number} {title}"))
    pdf.set_creator("Cổng thông tin điện tử - dữ liệu trình diễn" if has_unicode_font() else "Demo")
    if issue_date:  # the same bytes for the same document, run after run
        pdf.set_creation_date(datetime.datetime.combine(issue_date, datetime.time(8), tzinfo=datetime.UTC))
    family = _pdf_fonts(pdf)
    pdf.add_page()
    width = pdf.epw

    def write(text, *, size, bold=False, align="L", w=width, x=None, line=6.0):
        pdf.set_font(family, "B" if bold else "", size)
        if x is not None:
            pdf.set_x(x)
        pdf.multi_cell(w, line, _text(text), align=align, new_x="LMARGIN", new_y="NEXT")

    top = pdf.get_y()
    left = width * 0.42
    write(issuing_body.upper(), size=11, bold=True, align="C", w=left)
    write(f"Số: {number}", size=11, align="C", w=left)
    below_left = pdf.get_y()
    pdf.set_y(top)
    right_x = pdf.l_margin + left
    write("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=11, bold=True, align="C", w=width - left, x=right_x)
    write("Độc lập - Tự do - Hạnh phúc", size=11, bold=True, align="C", w=width - left, x=right_x)
    if issue_date:
        write(f"Ngày {issue_date:%d/%m/%Y}", size=11, align="C", w=width - left, x=right_x)
    pdf.set_y(max(below_left, pdf.get_y()) + 18)
    write(title.upper(), size=14, bold=True, align="C", line=7.5)
    pdf.ln(8)
    for paragraph in (summary, *body_texts):
        write(paragraph, size=12, align="J", line=6.5)
        pdf.ln(3)
    if signer:
        pdf.ln(10)
        write(signer, size=12, bold=True, align="C", w=width * 0.45, x=pdf.l_margin + width * 0.55)
    pdf.set_y(-20)
    write("Tệp minh họa của trang trình diễn.", size=9)
    return bytes(pdf.output())


def _pdf_fonts(pdf):
    """The family to write with: DejaVu Sans when installed (Vietnamese with its diacritics), else the
    PDF's built-in Helvetica, which knows Latin-1 only (`_text` then drops the diacritics)."""
    if not has_unicode_font():
        return "helvetica"
    pdf.add_font("DejaVuSans", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVuSans", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    return "DejaVuSans"


def add_image(*, title, description, content, filename, collection, user=None):
    """A Wagtail image in the site's collection, as an editor's upload would make it."""
    image = get_image_model()(title=title, description=description, collection=collection, uploaded_by_user=user)
    image.file = ImageFile(io.BytesIO(content), name=filename)
    image._set_image_file_metadata()
    image.save()
    return image


def add_document(*, title, content, filename, collection, user=None):
    document = get_document_model()(title=title, collection=collection, uploaded_by_user=user)
    document.file = ContentFile(content, name=filename)
    document._set_document_file_metadata()
    document.save()
    return document
