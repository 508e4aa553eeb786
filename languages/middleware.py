from django.conf import settings
from django.http import Http404
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Site

from languages import registry
from sites.site_index import site_index


class LanguageRegistryMiddleware:
    """Keeps this process's languages in step with the registry (a read every few seconds at most),
    before `LocaleMiddleware` picks the request's language from its URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        registry.current()
        return self.get_response(request)


class VietnameseFallbackMiddleware:
    """A page asked for in a language it is not translated into (/en/tin-tuc/ on a site whose English
    version has no news) is the Vietnamese page at the same address, with a notice in the reader's
    language (`languages.wagtail_hooks`), instead of "not found". Only in the languages the site has
    enabled; after `LocaleMiddleware`, which picked the language from the URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        asked = translation.get_language()
        prefix = f"/{asked}/"
        if (response.status_code != 404 or request.method not in ("GET", "HEAD") or asked == settings.LANGUAGE_CODE
                or not request.path_info.startswith(prefix)):
            return response
        site = Site.find_for_request(request)
        root = site_index(request).root_pages.get(site.root_page_id) if site is not None else None
        if root is None or not registry.is_enabled(asked, registry.commune_of_home(root)):
            return response
        request.__dict__.pop("_wagtail_route_for_request", None)  # Wagtail memoises the route it failed
        request.language_fallback = asked
        try:
            with translation.override(settings.LANGUAGE_CODE):
                fallback = wagtail_views.serve(request, request.path_info[len(prefix):])
                if hasattr(fallback, "render"):
                    fallback.render()
        except Http404:
            return response
        return fallback
