"""Vietnamese folding: what citizens type on phones ("dak la") must match official text ("Đắk La").

Unicode decomposition drops tone marks but keeps đ/Đ; anyascii maps đ → d as well.
"""

import re
import unicodedata

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text):
    """Lower-case ASCII with diacritics removed, whatever the input's normal form."""
    if not text:
        return ""
    return anyascii(unicodedata.normalize("NFC", text)).lower()


def document_number_key(number):
    """A key that makes `1381/QĐ-BTTTT`, `1381/QD-BTTTT` and `1381 qđ btttt` the same document."""
    return _NON_ALNUM.sub("", fold(number))
