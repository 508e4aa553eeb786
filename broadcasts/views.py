"""Public alert pages under every site's home (registered in `BroadcastsConfig.ready`):

- `canh-bao/` (`alerts`): alerts in force, then those that ended in the last 30 days;
- `canh-bao/<pk>/` (`alert_detail`): one message, whatever its state (drafts do not exist here);
- `canh-bao/<pk>/cap/` (`alert_cap`): its CAP 1.2 XML, retrievable for ever (expired, cancelled too);
- `canh-bao/atom/` (`alerts_atom`): the Atom index of messages in force, each linking to its CAP XML.

A commune's site shows the alerts affecting that commune (another commune's alert is a 404 there);
the portal shows every commune's. (Wagtail serves page routes only as `…/segment/`: no `.xml` suffix.)
None of these views reads the query string.
"""

import functools
import hashlib

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from wagtail.models import Site

from broadcasts.alerts import active_alerts_for_site, alert_state, ended_alerts_for_site, successor
from broadcasts.cap import alert_cap_xml, alert_urls, alerts_atom, reference_chain
from broadcasts.models import Alert, AlertStatus
from core.numbers import BIGINT_MAX
from sites.models import CommuneSite
from sites.tenancy import COMMUNE

FEED_MAX_AGE_S = 60


def require_safe(view):
    """GET and HEAD only, for a view called as `view(home, request, ...)`."""

    @functools.wraps(view)
    def wrapper(home, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(home, request, *args, **kwargs)

    return wrapper


def commune_of_home(home) -> CommuneSite | None:
    """The commune site a commune home (or its translation: they share the unit) stands for; None on the portal."""
    if home.site_level != COMMUNE:
        return None
    site = CommuneSite.objects.filter(unit_id=home.unit_id).select_related("unit").first()
    if site is None:
        raise Http404
    return site


def visible_alerts(home):
    """Published messages this site shows: those affecting its commune, or every one on the portal."""
    alerts = Alert.objects.published()
    commune = commune_of_home(home)
    return alerts.filter(communes=commune) if commune is not None else alerts


def _find(home, pk) -> Alert:
    if not 0 < pk <= BIGINT_MAX:
        raise Http404
    alert = visible_alerts(home).filter(pk=pk).select_related("issuer__unit", "references").first()
    if alert is None:
        raise Http404
    return alert


def route_url(request, home, name, **kwargs) -> str:
    """A route of this site's home, as `{% routablepageurl %}` builds it for this request's site."""
    base = home.relative_url(Site.find_for_request(request), request)
    return base.rstrip("/") + "/" + home.reverse_subpage(name, kwargs=kwargs)


def _page_context(home, **extra):
    return {"page": home, "self": home, "commune": home.commune, "portal": home.portal, "agency": home.agency, **extra}


def _cached(request, response, body: bytes):
    """`max-age=60` and a strong ETag from the body; a matching If-None-Match gets a 304."""
    response["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE_S)
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    if conditional is not response:
        patch_cache_control(conditional, public=True, max_age=FEED_MAX_AGE_S)
    return conditional


@require_safe
def alerts_route(home, request):
    commune = commune_of_home(home)
    now = timezone.now()
    active = active_alerts_for_site(commune=commune, now=now)
    ended = ended_alerts_for_site(commune=commune, now=now)
    for alert in ended:
        alert.state_code, alert.state_label = alert_state(alert, now)
    return TemplateResponse(request, "broadcasts/alerts/alert_index.html", _page_context(
        home, active=active, ended=ended, is_portal=commune is None, scope_name=home.agency.title,
    ))


@require_safe
def alert_detail_route(home, request, pk):
    alert = _find(home, pk)
    state_code, state_label = alert_state(alert)
    return TemplateResponse(request, "broadcasts/alerts/alert_detail.html", _page_context(
        home, alert=alert, state_code=state_code, state_label=state_label,
        translations=list(alert.translations.order_by("sort_order", "pk")),
        communes=list(alert.communes.select_related("unit").order_by("unit__name")),
        areas=list(alert.areas.order_by("name")),
        successor=successor(alert), earlier=reference_chain(alert),
        is_exercise=alert.status != AlertStatus.ACTUAL,
    ))


@require_safe
def alert_cap_route(home, request, pk):
    alert = _find(home, pk)
    body = alert_cap_xml(alert, urls=alert_urls(alert))
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="canh-bao-{alert.pk}.xml"'
    response["Link"] = f'<{alert_urls(alert)["page"]}>; rel="alternate"; type="text/html"'
    return _cached(request, response, body)


@require_safe
def alerts_atom_route(home, request):
    commune = commune_of_home(home)
    alerts = active_alerts_for_site(commune=commune, statuses=AlertStatus.values)
    feed_url = request.build_absolute_uri(route_url(request, home, "alerts_atom"))
    page_url = request.build_absolute_uri(route_url(request, home, "alerts"))
    body = alerts_atom(
        alerts, title=f"Cảnh báo khẩn cấp đang có hiệu lực – {home.agency.title}", feed_url=feed_url,
        page_url=page_url, author=home.agency.agency_name or home.agency.title,
    )
    response = HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return _cached(request, response, body)
