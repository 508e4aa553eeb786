"""Refuse hostnames no site claims, so a typo never shows a visitor some other commune's site."""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponseNotFound
from wagtail.models import Site

CACHE_KEY = "sites:known-hostnames"


def known_hostnames():
    hostnames = cache.get(CACHE_KEY)
    if hostnames is None:
        hostnames = set(Site.objects.values_list("hostname", flat=True))
        cache.set(CACHE_KEY, hostnames, 300)
    return hostnames


def forget_hostnames(**kwargs):
    cache.delete(CACHE_KEY)


post_save.connect(forget_hostnames, sender=Site)
post_delete.connect(forget_hostnames, sender=Site)


class KnownHostnameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STRICT_HOSTNAMES and request.path != "/healthz":
            hostname = request.get_host().split(":")[0].lower()
            if hostname not in known_hostnames():
                return HttpResponseNotFound(
                    "<!doctype html><html lang=vi><meta charset=utf-8><title>Không tìm thấy</title>"
                    "<h1>Không tìm thấy trang thông tin điện tử này</h1>"
                    "<p>Địa chỉ bạn truy cập không thuộc cổng thông tin nào trên hệ thống.</p>",
                    content_type="text/html; charset=utf-8",
                )
        return self.get_response(request)
