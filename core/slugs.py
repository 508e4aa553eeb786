"""Slugs from Vietnamese titles: the one right way, and the wrong way the admin used to propose them.

`vietnamese_slug` is what the server makes when a page is created without a slug (sites.pages): the
title folded (tone and vowel marks removed, đ → d) and slugified. Since static/js/admin-slug.js, the
admin proposes the same in the browser.

`wagtail_js_urlify` reproduces, character for character, the slug Wagtail 8's admin script proposed
before that fix (the `urlify` action of the `w-slug` Stimulus controller with Unicode slugs off): it
transliterates with a table of French, Turkish, Romanian, Czech, Polish, Latvian, Lithuanian, Serbian…
letters, in which almost no Vietnamese letter appears, then deletes every character that is not an
ASCII letter, digit, `_`, `-` or space. "Xã Đắk La tập huấn" became "xa-djk-la-tp-hun". The
fix_mangled_slugs command uses it to recognise pages whose slugs were made that way.
"""

import re
import unicodedata

from django.utils.text import slugify

from core.folding import fold

# Wagtail 8.0's transliteration table (wagtail/admin/static/wagtailadmin/js/core.js), its Latin-script
# part, with the precedence the controller applies (the first table listing a letter wins: đ is the
# Serbian "dj"). tests/hardening/test_slugs.py checks it against the installed core.js.
_WAGTAIL8_LATIN_TABLE = """
À=A Á=A Â=A Ã=A Ä=A Å=A Æ=AE Ç=C È=E É=E Ê=E Ë=E Ì=I Í=I Î=I Ï=I Ð=D Ñ=N Ò=O Ó=O Ô=O Õ=O Ö=O Ő=O Ø=O
Ù=U Ú=U Û=U Ü=U Ű=U Ý=Y Þ=TH Ÿ=Y ß=ss à=a á=a â=a ã=a ä=a å=a æ=ae ç=c è=e é=e ê=e ë=e ì=i í=i î=i
ï=i ð=d ñ=n ò=o ó=o ô=o õ=o ö=o ő=o ø=o ù=u ú=u û=u ü=u ű=u ý=y þ=th ÿ=y ©=(c) ş=s Ş=S ı=i İ=I ğ=g
Ğ=G ă=a ș=s ț=t Ă=A Ș=S Ț=T č=c ď=d ě=e ň=n ř=r š=s ť=t ů=u ž=z Č=C Ď=D Ě=E Ň=N Ř=R Š=S Ť=T Ů=U Ž=Z
ľ=l ĺ=l ŕ=r Ľ=L Ĺ=L Ŕ=R ą=a ć=c ę=e ł=l ń=n ś=s ź=z ż=z Ą=A Ć=C Ę=E Ł=L Ń=N Ś=S Ź=Z Ż=Z ā=a ē=e ģ=g
ī=i ķ=k ļ=l ņ=n ū=u Ā=A Ē=E Ģ=G Ī=I Ķ=K Ļ=L Ņ=N Ū=U ė=e į=i ų=u Ė=E Į=I Ų=U đ=dj Đ=Dj ə=e Ə=E
"""
WAGTAIL8_LATIN_MAP = dict(pair.split("=", 1) for pair in _WAGTAIL8_LATIN_TABLE.split())

# JavaScript's \s and String.prototype.trim(): WhiteSpace and LineTerminator code points.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_TRIM = re.compile(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+$")
_JS_NOT_WORD_DASH_SPACE = re.compile(f"[^-A-Za-z0-9_{_JS_SPACE}]")
_JS_DASHES_SPACES = re.compile(f"[-{_JS_SPACE}]+")
_JS_SPACES = re.compile(f"[{_JS_SPACE}]+")
_JS_SLUGIFY_DROP = re.compile(r"[^A-Za-z0-9\-_]")

SLUG_MAX_LENGTH = 255  # the controller's default, and Page.slug's max_length


def vietnamese_slug(title):
    """The slug a title should have: "Xã Đắk La tập huấn" → "xa-dak-la-tap-huan"."""
    return slugify(fold(title))


def _reproducible(text):
    """True when every letter is one the Latin table covers or drops as Wagtail did: letters of other
    scripts (Greek, Cyrillic, Arabic, Georgian) have tables of their own in Wagtail, not copied here."""
    for char in text:
        if ord(char) > 127 and char.isalpha() and char not in WAGTAIL8_LATIN_MAP:
            if "LATIN" not in unicodedata.name(char, ""):
                return False
    return True


def wagtail_js_urlify(title):
    """The slug Wagtail 8's admin proposed for this title before the fix, or None when the title holds
    letters of a script this reproduction does not cover (so no page is ever wrongly recognised)."""
    value = _JS_TRIM.sub("", title or "")
    if not value:
        return ""
    if not _reproducible(value):
        return None
    slug = "".join(WAGTAIL8_LATIN_MAP.get(char, char) for char in value).lower()
    slug = _JS_NOT_WORD_DASH_SPACE.sub("", slug)
    slug = _JS_DASHES_SPACES.sub("-", slug)
    slug = slug[:SLUG_MAX_LENGTH].rstrip("-")
    if slug:
        return slug
    # The controller falls back to its plain `slugify` action when `urlify` leaves nothing.
    return _JS_SLUGIFY_DROP.sub("", _JS_SPACES.sub("-", value)).lower()
