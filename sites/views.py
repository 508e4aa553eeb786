"""Site-level endpoints that are not pages: health check, robots.txt, sitemap.xml."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap


def healthz(request):
    """For load balancers and the container health check: the app answers and reaches its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /quan-tri/",
        "Disallow: /*/tim-kiem/",
        "Disallow: /tim-kiem/",
        f"Sitemap: {request.scheme}://{request.get_host()}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap(request):
    """Each site lists its own pages: a commune's hostname its pages, the portal its own pages."""
    return wagtail_sitemap(request)
