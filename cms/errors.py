"""The "page not found" page, in the look of the site the visitor was on.

Django calls `page_not_found` for every Http404 (Wagtail raises one for an unknown page path) when
DEBUG is off. The page shows the identity of the commune or portal whose address was mistyped, the
nearest page that does exist on the way down the path, and a search box filled with the words of the
missing address. Everything that needs the database is guarded: if it fails, the page still renders,
as the portal's plain 404. The 500 page (templates/500.html, `server_error` below) needs no database
at all and shows the request id, which the citizen can quote and the logs carry.
"""

import logging
import re

from django.db import DatabaseError
from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.views.decorators.csrf import requires_csrf_token
from wagtail.models import Site

logger = logging.getLogger(__name__)

MAX_SEGMENTS = 8  # how deep we walk a missing path looking for its nearest existing page
_WORD_SEPARATORS = re.compile(r"[-_.+\s]+")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
PLAIN_NOT_FOUND = (
    "<!doctype html><html lang=vi><meta charset=utf-8><title>Không tìm thấy trang</title>"
    "<h1>Không tìm thấy trang</h1><p><a href=\"/\">Về trang chủ</a></p>"
)


def _path_segments(path_info):
    """The path's segments after the language prefix (`/en/xa-dak-la/x/` → ["xa-dak-la", "x"])."""
    segments = [s for s in path_info.split("/") if s]
    language = translation.get_language_from_path(path_info)
    if language and segments and segments[0] == language:
        segments = segments[1:]
    return segments


def _nearest_page(root, segments):
    """The deepest live, public page whose path is a prefix of the requested one (at least the root)."""
    page = root
    for slug in segments[:MAX_SEGMENTS]:
        child = page.get_children().live().public().filter(slug=slug).first()
        if child is None:
            break
        page = child
    return page


def search_words(segments):
    """The words of the missing address's last segment, for the search box ("tin-tuc-hoi-nghi" →
    "tin tuc hoi nghi"); empty when it has no letters (a number, an id)."""
    if not segments:
        return ""
    last = re.sub(r"\.(html?|php|aspx?)$", "", segments[-1], flags=re.IGNORECASE)
    words = _WORD_SEPARATORS.sub(" ", last).strip()[:100]
    return words if _LETTERS.search(words) else ""


def site_context(request):
    """`agency`, `commune`, `portal` and `nearest` for the request's site, or {} if none resolves."""
    try:
        site = Site.find_for_request(request)
        if site is None:
            return {}
        root = site.root_page.specific.localized
        nearest = _nearest_page(root, _path_segments(request.path_info)).specific
        if not hasattr(nearest, "agency"):
            return {}
        context = {"commune": nearest.commune, "portal": nearest.portal, "agency": nearest.agency}
        if nearest.pk != root.pk and nearest.pk != getattr(context["agency"], "pk", None):
            context["nearest"] = nearest
        return context
    except DatabaseError:
        logger.warning("404 page without the site's identity: the database failed", exc_info=True)
        return {}


def page_not_found(request, exception=None):
    context = {"request_path": request.path, "missing_words": search_words(_path_segments(request.path_info))}
    identity = site_context(request)
    # With the site's identity first; if that fails (the database went away mid-render), without it.
    for extra in (identity, {}) if identity else ({},):
        try:
            return HttpResponseNotFound(loader.render_to_string("404.html", {**context, **extra}, request))
        except Exception:  # noqa: BLE001 - a broken 404 page must not turn into a 500
            logger.exception("The 404 page failed to render%s", " with the site's identity" if extra else "")
    return HttpResponseNotFound(PLAIN_NOT_FOUND, content_type="text/html; charset=utf-8")


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django's 500 view, plus the request's id (ops/middleware.py) for the citizen to quote.

    Rendered without the request, as Django does: no context processor (the session, the user) may
    touch a database that could be the very thing that failed."""
    request_id = getattr(request, "request_id", None)
    try:
        return HttpResponseServerError(loader.render_to_string(template_name, {"request_id": request_id}))
    except Exception:  # noqa: BLE001 - the error page itself failed: Django's bare page, still with the id
        logger.exception("The 500 page failed to render")
        suffix = f"<p>Mã lỗi: {escape(request_id)}</p>" if request_id else ""
        return HttpResponseServerError(
            "<!doctype html><html lang=vi><meta charset=utf-8><title>Lỗi hệ thống</title>"
            f"<h1>Hệ thống đang gặp sự cố</h1>{suffix}", content_type="text/html; charset=utf-8"
        )
