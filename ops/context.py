"""The request being served, for log records and metrics: its id, host and commune, set by
`ops.middleware.RequestIdMiddleware` and read by `ops.logs.RequestContextFilter`.

Imported by the logging configuration before the app registry is ready: no models here."""

import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else is replaced, so a
# client cannot write arbitrary text (newlines, quotes) into our logs through this header.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


@dataclass
class RequestContext:
    request_id: str
    host: str
    commune: str | None
    request: object = field(repr=False, default=None)
    started: float = field(default_factory=time.monotonic)


current = ContextVar("ops_request", default=None)


def request_id_from(header):
    header = (header or "").strip()
    return header if REQUEST_ID.fullmatch(header) else uuid.uuid4().hex


def host_of(request):
    """The Host header as sent (lower case, no port), without Django's validation: logging a refused
    host is the point, and `get_host()` would raise."""
    host = (request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME") or "").lower()
    host = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
    return re.sub(r"[^a-z0-9.\-\[\]:]", "", host)[:255]
