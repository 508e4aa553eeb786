"""The page cache: anonymous GET/HEAD responses of public pages, kept whole and dropped by tags.

How it works
------------
A view (or the hook that serves Wagtail pages) says what its response shows by *tags*: `tag(request,
"site:…")`. Only a tagged response is stored (fail closed: a view nobody tagged is never cached). Each
tag has a *version*, a random token in the cache; an entry keeps the versions its tags had when it was
stored, and a hit checks them. `invalidate("site:…")` gives the tags new versions: every response that
showed them is gone on the next request, whatever its URL, without listing URLs. What depends on what
is written down in one place, `cms/caching.py`.

A hit never touches the page tree or templates. A render that overlaps a change is not stored:
`invalidate` bumps a write sequence first, and a response is stored only if the sequence it read
before rendering is still current (so a page read before a publish commits cannot be saved as current).
The same sequence makes most hits one cache read: an entry keeps the sequence it was rendered under,
and while the sequence has not moved nothing was invalidated since, so its tags need no check. Once
anything changed anywhere, a hit reads its tags' versions too (a second read), and remembers in this
process that the entry was current at the new sequence.

Never looked up or stored: a request with a session cookie (signed-in users) or a waiting flash message,
any method but GET and HEAD. Never stored: a response that sets a cookie (a session, a message, the CSRF
token of a form on the page), is private or no-store, has a status other than 200 or streams, and the
response of a view that called `skip(request)`. (A stored page may say `Vary: Cookie`, for the caches in
front; here a visitor without a session cookie is anonymous, so every such visitor gets the same page.) A view can shorten
an entry's life (`lifetime(request, 30)`: alert pages); `PAGE_CACHE["MAX_AGE"]` bounds every entry
as a safety net, not as the invalidation.

Settings: `PAGE_CACHE = {"ALIAS": "pages", "MAX_AGE": 86400, "ENABLED": True}`; the alias names a
`CACHES` entry (Redis in production, the database cache embedded).
"""

import functools
import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "pc:seq"
ENTRY_PREFIX = "pc:e:"
TAG_PREFIX = "pc:t:"
HIT_HEADER = "X-Cache"  # HIT or MISS, for operators and the benchmark

# What browsers and shared caches in front (nginx, a CDN) may do with a cached public page. Browsers keep
# it briefly (they cannot be purged); shared caches a little longer, serving stale while they refresh.
# Short enough that the emergency banner (added above this cache) shows within a minute everywhere.
PUBLIC_CACHE_CONTROL = {"public": True, "max_age": 20, "s_maxage": 40, "stale_while_revalidate": 20}
# nginx's microcache in front (deploy/nginx) keeps a page a few seconds only (it takes this header over
# Cache-Control and does not pass it on): purges drop changed pages, and the rest follow within seconds.
PROXY_MAX_AGE_S = 10  # PAGE_CACHE["PROXY_MAX_AGE"]


@functools.cache
def _config():
    """PAGE_CACHE with its defaults, read once (every request asks; tests that change it are followed)."""
    defaults = {"ALIAS": "default", "MAX_AGE": 86400, "ENABLED": True, "PROXY_MAX_AGE": PROXY_MAX_AGE_S}
    return {**defaults, **getattr(settings, "PAGE_CACHE", {})}


@receiver(setting_changed)
def _forget_config(*, setting, **kwargs):
    if setting == "PAGE_CACHE":
        _config.cache_clear()


def _cache():
    return caches[_config()["ALIAS"]]


# ----------------------------------------------------------------------------------------- the views' API


def tag(request, *tags: str) -> None:
    """This response shows what `tags` name: store it, and drop it when one of them is invalidated."""
    request._page_cache_tags = getattr(request, "_page_cache_tags", frozenset()) | frozenset(tags)


def lifetime(request, seconds: int) -> None:
    """Keep this response at most `seconds` (results that change without an event, such as search)."""
    current = getattr(request, "_page_cache_lifetime", None)
    request._page_cache_lifetime = seconds if current is None else min(current, seconds)


def skip(request) -> None:
    """Never store this response (it is personal, or changes with time)."""
    request._page_cache_skip = True


def invalidate(*tags: str) -> None:
    """Drop every stored response that shows one of `tags`: now, and again when the transaction commits.

    The second drop is the one that counts in production: a render that read the data before the commit
    could otherwise store it under the new versions. The first makes the change visible at once to code
    running inside the same transaction (tests, management commands).
    """
    if not tags:
        return
    _bump(tags)
    transaction.on_commit(lambda: _bump(tags))


def _bump(tags) -> None:
    cache = _cache()
    cache.set(SEQUENCE_KEY, secrets.token_hex(8), None)  # first: renders under way will not be stored
    cache.set_many({TAG_PREFIX + name: secrets.token_hex(8) for name in tags}, None)


# ------------------------------------------------------------------------------------------- the middleware


# Entries found current at a sequence, in this process: key -> sequence (bounded; a plain dict keeps
# insertion order, the oldest go first).
_checked: dict[str, str] = {}
_CHECKED_MAX = 2048


def _current(cache, key, entry, sequence) -> bool:
    if sequence is not None and sequence in (entry.get("sequence"), _checked.get(key)):
        return True  # nothing was invalidated since the entry was rendered, or since its tags were checked
    versions = cache.get_many([TAG_PREFIX + name for name in entry["tags"]])
    if not all(versions.get(TAG_PREFIX + name) == version for name, version in entry["tags"].items()):
        return False
    if sequence is not None:
        if len(_checked) >= _CHECKED_MAX:
            del _checked[next(iter(_checked))]
        _checked[key] = sequence
    return True


def _key(request) -> str:
    host = request.get_host().lower()
    raw = f"{request.scheme}://{host}{request.get_full_path()}"
    return ENTRY_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL))  # files: WhiteNoise, nginx
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES  # a flash message waits to be shown to this visitor
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _cacheable_response(request, response) -> bool:
    if (
        not getattr(request, "_page_cache_tags", None)
        or getattr(request, "_page_cache_skip", False)
        or response.status_code != 200
        or getattr(response, "streaming", False)
        or response.cookies  # a session, a flash message, or the CSRF token of a form on the page
        or response.has_header("Content-Encoding")
    ):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return "private" not in cache_control and "no-store" not in cache_control


def _finish(response, *, stored_at: float, hit: bool):
    """The HTTP of a public cached page: validators and Cache-Control, the same on a hit and a miss."""
    if not response.has_header("Last-Modified"):  # a feed says when its newest item changed
        response["Last-Modified"] = http_date(stored_at)
    if not response.has_header("ETag"):
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    if not response.has_header("Cache-Control"):  # a view that chose its own (the CAP feeds) keeps it
        patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
    response["X-Accel-Expires"] = str(_config()["PROXY_MAX_AGE"])
    response[HIT_HEADER] = "HIT" if hit else "MISS"
    return response


class PageCacheMiddleware:
    """Serves stored responses before the session, the page tree or a template is touched.

    Place it below the middleware that must run on every response (security headers, the emergency
    banner, compression, conditional GET) and above those an anonymous page does not need (sessions,
    authentication).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        config = _config()
        if not config["ENABLED"] or not _cacheable_request(request):
            return self.get_response(request)
        cache = _cache()
        key = _key(request)
        try:
            found = cache.get_many([SEQUENCE_KEY, key])
            sequence, entry = found.get(SEQUENCE_KEY), found.get(key)
            if entry is not None and _current(cache, key, entry, sequence):
                return self._from_entry(entry)
        except Exception:
            # The cache is down (or its database is): render as if there were no cache, so the page, or
            # the error page, comes from the stack below with its security headers.
            logger.warning("Page cache unreachable; rendering %s without it", request.path, exc_info=True)
            return self.get_response(request)

        response = self.get_response(request)
        if not _cacheable_response(request, response):
            return response
        try:
            return self._store(request, response, cache, key, sequence, config)
        except Exception:
            logger.warning("Page cache: could not store %s", request.path, exc_info=True)
            return response

    def _store(self, request, response, cache, key, sequence, config):
        tags = sorted(request._page_cache_tags)
        versions = cache.get_many([SEQUENCE_KEY, *(TAG_PREFIX + name for name in tags)])
        if versions.get(SEQUENCE_KEY) != sequence:
            return response  # something changed while this page was rendered: serve it, keep nothing
        missing = {TAG_PREFIX + name: secrets.token_hex(8) for name in tags if TAG_PREFIX + name not in versions}
        if missing:
            # A new tag: `add` so a concurrent invalidation's version is never overwritten.
            for name, version in missing.items():
                if not cache.add(name, version, None):
                    return response
            versions.update(missing)
        stored_at = time.time()
        timeout = min(config["MAX_AGE"], getattr(request, "_page_cache_lifetime", None) or config["MAX_AGE"])
        _finish(response, stored_at=stored_at, hit=False)
        cache.set(key, {
            "tags": {name: versions[TAG_PREFIX + name] for name in tags},
            "status": response.status_code,
            "headers": [(name, value) for name, value in response.items() if name != HIT_HEADER],
            "content": response.content,
            "stored_at": stored_at,
            "sequence": sequence,
        }, timeout)
        return response

    @staticmethod
    def _from_entry(entry):
        from django.http import HttpResponse

        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        return _finish(response, stored_at=entry["stored_at"], hit=True)
