"""Finding personal data in a citizen's text before it is published.

Detection is deliberately eager: a false alarm costs an editor a glance, a miss publishes a phone number.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

REDACTED = "[đã ẩn]"

PATTERNS = [
    ("email", "địa chỉ email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    # Vietnamese phone numbers: 0 or +84, then 8–10 more digits, allowing spaces, dots and dashes.
    ("phone", "số điện thoại", re.compile(r"(?<![\w])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?![\w])")),
    # Citizen ID (CCCD, 12 digits) and old ID cards (CMND, 9 digits).
    ("id", "số CMND/CCCD", re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")),
]


def find_personal_data(text):
    """[(start, end, kind, label)] of what looks like personal data, without overlaps."""
    matches = []
    for kind, label, pattern in PATTERNS:
        for m in pattern.finditer(text or ""):
            if not any(m.start() < end and start < m.end() for start, end, *_ in matches):
                matches.append((m.start(), m.end(), kind, label))
    return sorted(matches)


def redact(text):
    """The text with every detected phone, email and ID number replaced by a marker."""
    out, last = [], 0
    for start, end, *_ in find_personal_data(text):
        out.append(text[last:start])
        out.append(REDACTED)
        last = end
    out.append((text or "")[last:])
    return "".join(out)


def highlight(text):
    """Escaped HTML with detected personal data wrapped in <mark>, for the editor's redaction review."""
    parts, last = [], 0
    for start, end, _kind, label in find_personal_data(text):
        parts.append(escape(text[last:start]))
        parts.append(format_html('<mark class="pii" title="Có thể là {}">{}</mark>', label, text[start:end]))
        last = end
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped or format_html


def initials(name):
    """"Nguyễn Văn An" → "N.V.A."; what the public sees instead of the sender's name."""
    words = [w for w in re.split(r"\s+", (name or "").strip()) if w and w[0].isalpha()]
    if not words:
        return "Ẩn danh"
    return "".join(f"{w[0].upper()}." for w in words[:5])
