"""Search pages. `scope` is the portal home (all communes) or a commune home (that commune only)."""

from django.http import JsonResponse
from django.template.response import TemplateResponse
from wagtail.models import Page

from search.folding import fold


def search_page(request, scope):
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.none()
    if query:
        results = Page.objects.live().public().descendant_of(scope, inclusive=True).search(fold(query))
    return TemplateResponse(
        request, "search/search.html", {"page": scope, "self": scope, "query": query, "results": results,
                                        "commune": scope.commune, "portal": scope.portal, "agency": scope.agency},
    )


def suggest(request, scope):
    return JsonResponse({"query": request.GET.get("q", ""), "suggestions": []})
