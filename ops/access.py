"""Who may read `/readyz` and `/metrics`: a monitoring token, or an address in MONITORING_ALLOWED_IPS.

- `Authorization: Bearer <MONITORING_TOKEN>` from anywhere (when the token is set);
- otherwise the client address must be in `MONITORING_ALLOWED_IPS` (addresses or networks; loopback by
  default). Behind nginx the client is the address `TRUSTED_PROXY_COUNT` trusts, never nginx itself; a
  request that came through a proxy while `TRUSTED_PROXY_COUNT` is 0 cannot be placed, and is refused.
"""

import hmac
import ipaddress
from functools import wraps

from django.conf import settings
from django.http import JsonResponse

from core.http import client_ip


def _networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.MONITORING_ALLOWED_IPS]


def monitoring_allowed(request) -> bool:
    token = settings.MONITORING_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    proxied = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_X_REAL_IP" in request.META
    if proxied and not settings.TRUSTED_PROXY_COUNT:
        return False
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return any(address in network for network in _networks())


def monitoring_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not monitoring_allowed(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
