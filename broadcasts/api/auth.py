"""Who is calling: `Authorization: Bearer <token>` → the active device, in one indexed query
(`services.device_authenticate`, with its commune's feed), checked against the device in the path.

401 for a missing or unknown token (revoked and rotated tokens are unknown: only the current digest is
stored), 403 when the path names another device (of this commune or another), 429 when the device
floods. Also records the contact (`last_seen_at`, `last_ip`) with a conditional UPDATE that writes at
most once per `DEVICE_API_SEEN_WRITE_INTERVAL_S` seconds (default 15) per device, so a device's status
("offline after 1.1 × its poll interval") stays right while most polls write nothing.
"""

import datetime
import functools

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from broadcasts import services
from broadcasts.api import ratelimit
from broadcasts.api.errors import api_error, rate_limited, unauthorized
from broadcasts.models import Device
from core.http import client_ip


def bearer_token(request) -> str | None:
    """The token of `Authorization: Bearer <token>`; "" when the header is there but malformed."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        return ""
    return token.strip()


def allow_methods(*methods):
    """JSON 405 (with Allow) for any other method."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return api_error(405, "method_not_allowed", headers={"Allow": ", ".join(methods)})
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def seen_write_interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "DEVICE_API_SEEN_WRITE_INTERVAL_S", 15))


def record_contact(device: Device, address: str | None, now: datetime.datetime) -> None:
    stale = now - seen_write_interval()
    if device.last_seen_at is not None and device.last_seen_at > stale and device.last_ip == address:
        return
    # Conditional, so that of two workers serving the same device at once only one writes.
    Device.objects.filter(pk=device.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=stale) | ~Q(last_ip=address)
    ).update(last_seen_at=now, last_ip=address)
    device.last_seen_at, device.last_ip = now, address


def device_api(*methods):
    """Decorate a view of `devices/<int:device_id>/…`: it receives `request.device` (the caller)."""

    def decorator(view):
        @csrf_exempt
        @allow_methods(*methods)
        @functools.wraps(view)
        def wrapper(request, device_id, *args, **kwargs):
            token = bearer_token(request)
            if token is None:
                return unauthorized("token_missing")
            device = services.device_authenticate(token)
            if device is None:
                return unauthorized("token_invalid")
            if device.pk != device_id:
                return api_error(403, "forbidden")
            wait = ratelimit.device_wait(device.pk)
            if wait:
                return rate_limited(wait)
            record_contact(device, client_ip(request), timezone.now())
            request.device = device
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def address_limited(view):
    """Per client address (register, claim): a loop of registrations cannot fill the registry."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        wait = ratelimit.address_wait(client_ip(request))
        if wait:
            return rate_limited(wait)
        return view(request, *args, **kwargs)

    return wrapper
