"""Search pages. `scope` is the portal home (all communes) or a commune home (that commune only)."""

import datetime

from django.http import JsonResponse
from django.template.response import TemplateResponse

from core.numbers import INT_MAX, parse_int
from search.services import Sort, kind_choices, site_search, suggestions
from sites.pages import PORTAL


def _parse_date(value, label, errors):
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    errors.append(f"{label} “{value[:20]}” không hợp lệ. Vui lòng nhập theo dạng ngày/tháng/năm, ví dụ 15/03/2024.")
    return None


def search_page(request, scope):
    params = request.GET
    errors = []
    date_from = _parse_date(params.get("tu-ngay"), "Từ ngày", errors)
    date_to = _parse_date(params.get("den-ngay"), "Đến ngày", errors)
    if date_from and date_to and date_from > date_to:
        errors.append("“Từ ngày” phải trước hoặc bằng “Đến ngày”.")
        date_from = date_to = None
    kinds = kind_choices()
    kind = params.get("loai", "")
    kind = kind if kind in dict(kinds) else ""
    sort = params.get("sap-xep", Sort.RELEVANCE)
    sort = sort if sort in dict(Sort.CHOICES) else Sort.RELEVANCE
    is_portal = scope.site_level == PORTAL
    commune_id = None
    if is_portal:
        commune_id = parse_int(params.get("xa"), minimum=1, maximum=INT_MAX)  # a page id
    outcome = site_search(
        scope, params.get("q", ""), kind=kind, commune_id=commune_id, date_from=date_from, date_to=date_to,
        sort=sort, page_number=parse_int(params.get("trang"), default=1, minimum=1), request=request,
    )
    context = {
        "page": scope, "self": scope, "commune": scope.commune, "portal": scope.portal, "agency": scope.agency,
        "query": outcome.query, "outcome": outcome, "results": outcome.results, "errors": errors,
        "kind": kind, "kinds": kinds, "sort": sort, "sorts": Sort.CHOICES,
        "date_from": date_from, "date_to": date_to, "is_portal": is_portal, "commune_id": commune_id,
    }
    response = TemplateResponse(request, "search/search.html", context)
    if outcome.error:
        response.status_code = 503
        response["Retry-After"] = "60"
    return response


def suggest(request, scope):
    query = " ".join(request.GET.get("q", "").split())[:100]
    response = JsonResponse({"query": query, "suggestions": suggestions(scope, query, request=request)})
    response["Cache-Control"] = "public, max-age=60"
    return response


def search_route(home, request):
    """`tim-kiem/` under a site's home (registered in `SearchConfig.ready`)."""
    return search_page(request, scope=home)


def suggest_route(home, request):
    return suggest(request, scope=home)
