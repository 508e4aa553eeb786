"""The emergency banner: injected into every HTML page of the public sites, on the way out.

`templates/base.html` prints one marker comment first in `<body>`, naming the page's commune (by its
administrative unit, which a commune home and its translations share; empty on the portal's own pages)
and the URL of that site's alert list (empty on a page of no site: no banner there):

    <!-- canh-bao:12|/xa-dak-la/canh-bao/ -->

This middleware replaces the marker with the banner of the alerts in force for that commune (or, on the
portal, for every commune). It works on the finished response, so a page cache placed *below* it in
`MIDDLEWARE` (issue 12) cannot freeze the banner: keep it above any cache middleware (only the request-id and probe middleware of `ops` come before it). The list of alerts comes
from the Django cache (`broadcasts.alerts.banner_alerts`: one cache read per page, refilled at most every
`BANNER_TTL_S` seconds and forgotten on every publish), and its times are checked on every read, so an
alert shows within the TTL of being published and goes the moment it expires or is cancelled.

Not touched: the admin (its page previews render public templates), the device API and the board
player, responses that are not HTML, streamed or already compressed.
"""

import re

from django.template.loader import render_to_string

from broadcasts.alerts import banner_alerts

MARKER = re.compile(rb"<!-- canh-bao:(\d*)\|([^\s\"'<>]*) -->")
SKIPPED_PREFIXES = ("/quan-tri/", "/api/", "/thiet-bi/", "/tai-lieu/", "/static/", "/media/")
# How far into a page the marker may be: it is first in <body>, after the <head>.
SEARCH_LIMIT = 20_000


def banner_html(*, unit_id: int | None, list_url: str) -> str:
    alerts = banner_alerts(unit_id=unit_id)
    if not alerts:
        return ""
    rows = [{**alert.__dict__, "url": f"{list_url}{alert.pk}/"} for alert in alerts]
    return render_to_string("broadcasts/alerts/banner.html", {"alerts": rows})


def inject_banner(request, response):
    if (
        request.path.startswith(SKIPPED_PREFIXES)
        or getattr(response, "streaming", False)
        or response.status_code == 304
        or response.has_header("Content-Encoding")
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return response
    content = response.content
    match = MARKER.search(content, 0, SEARCH_LIMIT)
    if match is None:
        return response
    unit_id = int(match[1]) if match[1] else None
    list_url = match[2].decode("ascii", "ignore")
    if not list_url.startswith("/"):
        return response  # a page of no site (a bare error page): no alert list to link to
    html = banner_html(unit_id=unit_id, list_url=list_url)
    if not html:
        return response
    response.content = content[: match.start()] + html.encode(response.charset or "utf-8") + content[match.end():]
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    # The body changed: validators computed for the page without the banner no longer describe it.
    for header in ("ETag", "Last-Modified"):
        if response.has_header(header):
            del response[header]
    return response


class AlertBannerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return inject_banner(request, self.get_response(request))
