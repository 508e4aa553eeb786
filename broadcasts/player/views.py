"""The board player: a kiosk web page that plays a device's snapshot, and its service worker.

The page carries no secret. A board opens `/thiet-bi/bang-tin/#device=17&token=…`: the fragment never
leaves the browser (it is not sent to the server, so it reaches no access log); `player.js` moves the
device id and token into localStorage, drops them from the address bar and from then on calls the device
API (`/api/devices/v1/`) with `Authorization: Bearer …`.

The service worker is served from inside the page's scope (`/thiet-bi/bang-tin/sw.js`) and keeps the
page, its script and style sheet, and the media of the snapshot, so a board keeps playing after a reload
with no network.
"""

import hashlib
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_GET

STATIC_FILES = {"script": "broadcasts/player/player.js", "style": "broadcasts/player/player.css"}
WORKER_FILE = "broadcasts/player/sw.js"
MEDIA_PATH = "api/devices/v1/media/"
API_PATH = "api/devices/v1/"


@lru_cache(maxsize=1)
def _worker_source() -> bytes:
    with open(finders.find(WORKER_FILE), "rb") as source:
        return source.read()


@lru_cache(maxsize=1)
def _version() -> str:
    """Changes whenever the player's code does: the service worker then installs a fresh copy of the
    page shell (its registration URL carries it). Read once per process."""
    digest = hashlib.sha256(_worker_source())
    for name in STATIC_FILES.values():
        with open(finders.find(name), "rb") as source:
            digest.update(source.read())
    return digest.hexdigest()[:16]


def _kiosk_headers(response):
    response["Cache-Control"] = "no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def board(request):
    """The player page. Same HTML for every board: who it is comes from the address's fragment."""
    prefix = get_script_prefix()
    shell = [static(path) for path in STATIC_FILES.values()]
    context = {
        "script_url": shell[0],
        "style_url": shell[1],
        "api_url": prefix + API_PATH,
        "worker_url": reverse("board_player:worker"),
        "worker_version": _version(),
        "shell": ",".join(shell),
        "media_url": prefix + MEDIA_PATH,
    }
    return _kiosk_headers(render(request, "broadcasts/player/board.html", context))


@require_GET
def worker(request):
    """The service worker script. Served by Django rather than from /static/ so that its scope (the
    folder it is served from) covers the page; revalidated on every check so an update reaches the
    boards at their next start."""
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("board_player:board")
    return _kiosk_headers(response)
