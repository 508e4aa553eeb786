"""Refuse hostnames no site claims, so a typo never shows a visitor some other commune's site; resolve the
request's site and route pages without a query per site or per level of the page tree.

One cache read per request gives the hostname's sites, the default site and the site index's generation
(`sites.site_index`): the request's Wagtail site is set from them (`Site.find_for_request` then costs
nothing), and pages are routed by `sites.routing` instead of Wagtail's level-by-level walk.
"""

from django.conf import settings
from django.http import HttpResponseNotFound
from django.http.request import split_domain_port
from wagtail.views import serve as wagtail_serve

from sites.routing import NOT_HANDLED, route_request
from sites.site_index import host_sites, release_generation, use_generation


class KnownHostnameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return self.get_response(request)
        strict = settings.STRICT_HOSTNAMES
        # Wagtail matches the raw Host header; the strict check validates it against ALLOWED_HOSTS first.
        hostname = split_domain_port(request.get_host() if strict else request._get_raw_host())[0]
        sites = host_sites(hostname)
        if strict and not sites.known:
            return HttpResponseNotFound(
                "<!doctype html><html lang=vi><meta charset=utf-8><title>Không tìm thấy</title>"
                "<h1>Không tìm thấy trang thông tin điện tử này</h1>"
                "<p>Địa chỉ bạn truy cập không thuộc cổng thông tin nào trên hệ thống.</p>",
                content_type="text/html; charset=utf-8",
            )
        request._wagtail_site = sites.site_for_port(request.get_port())
        token = use_generation(sites.generation)
        try:
            return self.get_response(request)
        finally:
            release_generation(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve and not hasattr(request, "_wagtail_route_for_request"):
            path = view_args[0] if view_args else view_kwargs.get("path", "")
            route = route_request(request, path)
            if route is not NOT_HANDLED:
                request._wagtail_route_for_request = route
        return None
