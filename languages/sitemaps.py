"""Each site's sitemap, with the language versions of every page as `hreflang` alternates."""

from django.contrib.sitemaps.views import sitemap as django_sitemap

from languages import registry
from languages.versions import default_version, versions_by_key
from sites.site_index import site_index
from sites.views import SiteSitemap


class TranslatedSitemap(SiteSitemap):
    def items(self):
        # An alias stands in for a page not translated yet: its Vietnamese twin is listed, not it.
        return super().items().filter(alias_of__isnull=True)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        site = self.get_wagtail_site()
        root = site_index(self.request).root_pages.get(site.root_page_id) if site is not None else None
        versions = versions_by_key([url["item"] for url in urls], registry.commune_of_home(root), self.request)
        for url in urls:
            found = versions.get(url["item"].translation_key, [])
            if len(found) > 1:
                url["alternates"] = [{"lang_code": v.code, "location": v.url} for v in found]
                default = default_version(found)
                if default is not None:
                    url["alternates"].append({"lang_code": "x-default", "location": default.url})
        return urls


def sitemap(request):
    """Each site lists its own pages (sites/views.py), each with its versions in the site's languages."""
    return django_sitemap(request, sitemaps={"pages": TranslatedSitemap(request)})
