"""Site-level endpoints that are not pages: health check, robots.txt, sitemap.xml."""

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Substr
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site

from sites.pages import canonical_urls
from sites.site_index import public_pages, site_index


def healthz(request):
    """For load balancers and the container health check: the app answers and reaches its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def site_address(request):
    """The configured address of the site answering this request, never what its Host header says.

    The Wagtail Site matching the request gives hostname and port (the portal's settings when none
    does); behind a proxy that ends TLS the site is recorded on port 80, so a secure request gets https.
    """
    site = Site.find_for_request(request)
    if site is None:
        hostname, port = settings.SITE_DOMAIN, settings.SITE_PORT
    else:
        hostname, port = site.hostname, site.port
    if port == 443 or (port == 80 and request.is_secure()):
        return f"https://{hostname}"
    return f"http://{hostname}" if port == 80 else f"http://{hostname}:{port}"


@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /quan-tri/",
        "Disallow: /*/tim-kiem/",
        "Disallow: /tim-kiem/",
        "Disallow: /*?ban-in=",
        f"Sitemap: {site_address(request)}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class SiteSitemap(Sitemap):
    """The pages this hostname owns, with their canonical URLs, in every language.

    The portal's tree contains the communes' trees, but those pages belong to the communes'
    hostnames: the portal leaves them out rather than list the same page twice under its path.
    A count and a page of rows, whatever the number of sites: the site's root pages, the other sites'
    roots nested in it and the view restrictions come from the site index.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.canonical = canonical_urls()

    def items(self):
        site = self.get_wagtail_site()
        index = site_index(self.request)
        roots = index.site_roots(site.pk) if site is not None else ()
        if not roots:
            return Page.objects.none()
        inside = Q()
        for root in roots:
            inside |= Q(path__startswith=root.path)
        pages = public_pages(Page.objects.filter(inside).live())

        # Roots of other sites nested inside ours (communes under the portal) go with their pages, by
        # depth, through a subquery: the SQL is the same size for two communes or thousands.
        depths = set()
        for root in roots:
            depths |= index.nested_root_depths(root.path)
        if depths:
            other_roots = Page.objects.filter(
                translation_key__in=Site.objects.exclude(pk=site.pk).values("root_page__translation_key")
            )
            for depth in sorted(depths):
                length = depth * Page.steplen
                pages = pages.annotate(**{f"prefix_{depth}": Substr("path", 1, length)}).exclude(
                    **{f"prefix_{depth}__in": other_roots.filter(depth=depth).values("path")}
                )
        # Generic fields are all a sitemap needs; the specific class (no query) gives each its URL.
        return pages.order_by("path").specific(defer=True)

    def location(self, obj):
        return obj.get_full_url(self.canonical)

    def _urls(self, page, protocol, domain):
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list:
            url = item.get_full_url(self.canonical)
            if not url:
                continue
            lastmod = item.last_published_at or item.latest_revision_created_at
            urls.append({"item": item, "location": url, "lastmod": lastmod, "changefreq": None,
                         "priority": None, "alternates": []})
            last_mods.add(lastmod)
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
