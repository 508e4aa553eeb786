"""The registry at run time: the `Language` rows become languages of Django and Wagtail in this process.

`settings.LANGUAGES` is one list object (`WAGTAIL_CONTENT_LANGUAGES` is the same object): the built-in
languages and, after them, every active registry language. A change in the admin applies in the process
that saved it at once, and every other process (gunicorn workers, the worker) reads the registry again
at most `REFRESH_S` seconds later, on its next request (`LanguageRegistryMiddleware`): no restart.

Django serves a language in a URL (`/bdq/...`) only when a message catalogue exists for it
(`check_for_language`); each registry language gets an empty one in `RUNTIME_LOCALE_DIR`, so its pages
show the Vietnamese chrome (Django falls back to `LANGUAGE_CODE`) until a translated catalogue is added.
"""

import threading
import time
from pathlib import Path

import polib
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.utils.translation import to_locale, trans_real
from wagtail import coreutils

REFRESH_S = 10


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = None  # monotonic time of the last read; None: not read since start (or reset)
        self.snapshot = None  # what was read: ((code, name, native name, script), ...), ((commune id, code), ...)
        self.languages = {}  # code → (name, native name, script), registry languages only
        self.enabled = {}  # commune id (None: the portal) → frozenset of registry codes enabled there
        self.communes = {}  # translation key of a commune's home → commune id, for communes with a language


_state = _State()


def built_in_codes():
    return [code for code, _name in settings.BUILT_IN_LANGUAGES]


def _read():
    from languages.models import Language, SiteLanguage

    languages = tuple(Language.objects.filter(is_active=True).order_by("name", "code")
                      .values_list("code", "name", "native_name", "script"))
    enabled = tuple(SiteLanguage.objects.filter(language__is_active=True).order_by("commune_id", "language__code")
                    .values_list("commune_id", "commune__home__translation_key", "language__code"))
    return languages, enabled


def current(force=False):
    """Read the registry if it was not read within `REFRESH_S` seconds (or `force`), and apply a change."""
    now = time.monotonic()
    if not force and _state.checked_at is not None and now - _state.checked_at < REFRESH_S:
        return
    with _state.lock:
        try:
            snapshot = _read()
        except DatabaseError:
            return  # no table yet (before `migrate`): the built-in languages only
        _state.checked_at = now
        if snapshot != _state.snapshot:
            _apply(snapshot)


def _apply(snapshot):
    languages, enabled = snapshot
    for code, *_rest in languages:
        _ensure_catalogue(code)
    built_in = list(settings.BUILT_IN_LANGUAGES)
    settings.LANGUAGES[:] = built_in + [(code, name) for code, name, _native, _script in languages]
    _state.languages = {code: (name, native, script) for code, name, native, script in languages}
    by_site = {}
    for commune_id, _home_key, code in enabled:
        by_site.setdefault(commune_id, set()).add(code)
    _state.enabled = {commune_id: frozenset(codes) for commune_id, codes in by_site.items()}
    _state.communes = {home_key: commune_id for commune_id, home_key, _code in enabled if commune_id}
    _state.snapshot = snapshot
    # The caches Django and Wagtail keep of the language list (they assume settings never change).
    trans_real.get_languages.cache_clear()
    trans_real.translation_catalog_exists.cache_clear()
    trans_real._get_supported_language_variant.cache_clear()
    coreutils.get_content_languages.cache_clear()
    coreutils.get_supported_content_language_variant.cache_clear()
    cache.delete("wagtail_locales_display_name")


def _ensure_catalogue(code):
    path = Path(settings.RUNTIME_LOCALE_DIR) / to_locale(code) / "LC_MESSAGES" / "django.mo"
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": code}
    temporary = path.with_suffix(f".{threading.get_ident()}.tmp")
    catalogue.save_as_mofile(str(temporary))
    temporary.replace(path)  # atomic: another process may be writing the same file


def reset():
    """Forget what was read (tests: a rolled-back transaction leaves no trace in the next test)."""
    with _state.lock:
        _state.checked_at = None


# ------------------------------------------------------------------------------------------ questions


def registry_languages():
    """{code: (Vietnamese name, native name, script)} of the active registry languages."""
    current()
    return dict(_state.languages)


def is_registry_language(code):
    current()
    return code in _state.languages


def enabled_codes(commune_id):
    """The languages a site publishes in, built-in first: a commune's (by `CommuneSite` id) or, for
    None, the portal's."""
    current()
    extra = _state.enabled.get(commune_id, frozenset())
    return built_in_codes() + sorted(extra, key=lambda code: (_state.languages[code][0], code))


def commune_of_home(home):
    """The `CommuneSite` id of a commune's home in any language, without a query (None for the portal's
    home, for None, and for a commune with no registry language: all three publish in the built-in only)."""
    if home is None:
        return None
    current()
    return _state.communes.get(home.translation_key)


def is_enabled(code, commune_id):
    if code in built_in_codes():
        return True
    current()
    return code in _state.enabled.get(commune_id, frozenset())


def native_name(code):
    """The name a reader of that language knows it by (the switcher's label)."""
    for built_in, name in settings.BUILT_IN_LANGUAGES:
        if built_in == code:
            return name
    current()
    entry = _state.languages.get(code)
    return entry[1] if entry else code


def script(code):
    current()
    entry = _state.languages.get(code)
    return entry[2] if entry else "Latn"


# ------------------------------------------------------------------------------------------- signals


def _changed(sender, raw=False, **kwargs):
    if not raw:
        current(force=True)


def connect():
    from languages.models import Language, SiteLanguage

    for model in (Language, SiteLanguage):
        post_save.connect(_changed, sender=model, dispatch_uid=f"languages-registry-saved-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"languages-registry-deleted-{model.__name__}")
