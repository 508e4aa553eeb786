"""Request helpers shared by every layer."""

from django.conf import settings


def client_ip(request):
    """The visitor's address. Behind N trusted proxies, the Nth address from the right of X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
