"""The demo's images and files, drawn here with Pillow: nothing is downloaded.

- news illustrations: a coloured scene per category (hills, a sun, a loudspeaker pole or a field) with
  the headline written on it, 1200 × 675 JPEG, so the public pages have something to make 360- to
  1080-pixel WebP and JPEG renditions from;
- a logo for the portal: a plain red seal with a yellow star (not the national emblem, which a real
  site uploads itself);
- the legal documents' files: a one-page A4 PDF with the issuing body, the number, the dates and the
  summary. Text is drawn with DejaVu Sans (Debian's fonts-dejavu-core) so Vietnamese keeps its
  diacritics; without that font the text is folded to ASCII and drawn with Pillow's built-in font.
  The PDF is an image of the page (Pillow writes no text layer): enough for a demo download.

Each file goes into the collection of the site it belongs to, so the commune's staff (and only they)
can choose it, as if they had uploaded it.
"""

import io
import random
import textwrap
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from core.folding import fold

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
NEWS_SIZE = (1200, 675)
A4_150_DPI = (1240, 1754)

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
    """The text as drawn: Vietnamese when a Unicode font is there, else folded to ASCII."""
    return value if has_unicode_font() else fold(value)


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
    """PDF bytes of a one-page document: heading, number, title, summary and signer."""
    image = Image.new("RGB", A4_150_DPI, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    margin, y = 150, 150
    small, normal, bold, heading = _font(24), _font(30), _font(24, bold=True), _font(36, bold=True)
    right = A4_150_DPI[0] - margin
    draw.text((right, y), _text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), font=bold, fill=(0, 0, 0), anchor="ra")
    draw.text((right, y + 36), _text("Độc lập - Tự do - Hạnh phúc"), font=bold, fill=(0, 0, 0), anchor="ra")
    if issue_date:
        draw.text((right, y + 90), _text(f"Ngày {issue_date:%d/%m/%Y}"), font=small, fill=(0, 0, 0), anchor="ra")
    for line in textwrap.wrap(_text(issuing_body.upper()), width=22):
        draw.text((margin, y), line, font=bold, fill=(0, 0, 0))
        y += 36
    draw.text((margin, y + 18), _text(f"Số: {number}"), font=small, fill=(0, 0, 0))
    y = max(y + 54, 150 + 90)
    y += 120
    for line in textwrap.wrap(_text(title.upper()), width=40):
        draw.text((A4_150_DPI[0] / 2, y), line, font=heading, fill=(0, 0, 0), anchor="ma")
        y += 52
    y += 50
    for paragraph in (summary, *body_texts):
        for line in textwrap.wrap(_text(paragraph), width=56):
            draw.text((margin, y), line, font=normal, fill=(0, 0, 0))
            y += 44
        y += 24
        if y > A4_150_DPI[1] - 400:
            break
    y += 60
    if signer:
        draw.text((A4_150_DPI[0] - margin - 120, y), _text(signer), font=bold, fill=(0, 0, 0), anchor="ma")
    draw.text((margin, A4_150_DPI[1] - 120), _text("Tệp minh họa của trang trình diễn."), font=small,
              fill=(90, 90, 90))
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=150.0, title=fold(f"{number} {title}"))
    return buffer.getvalue()


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
