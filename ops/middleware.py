"""Request ids, the access log and request metrics (outermost), and the probes that answer on any host.

`RequestIdMiddleware` comes first in MIDDLEWARE, so it sees every response, the 500 page included:
- it takes a sane `X-Request-ID` from the proxy (nginx: `proxy_set_header X-Request-ID $request_id;`)
  or makes one, returns it in the `X-Request-ID` response header, and the 500 page shows it;
- it logs one line per request (logger `ops.request`): method, path without the query string (search
  words and tracking codes stay out of logs), status, duration, with request id, host, commune and user id;
- it counts the request for `/metrics` (by status and site) and times it (by area).

`ProbeMiddleware` comes second: `/healthz`, `/readyz` and `/metrics` are answered here, before the
hostname checks, the HTTPS redirect and sessions, so a container's health check and a scraper can ask
by IP address or service name. `/readyz` and `/metrics` guard themselves (ops/access.py).
"""

import logging
import time

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.urls import resolve

from ops import metrics
from ops.communes import communes
from ops.context import RequestContext, current, host_of, request_id_from
from ops.logs import user_id_of

logger = logging.getLogger("ops.request")
PROBES = {"/healthz", "/readyz", "/metrics"}


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = host_of(request)
        context = RequestContext(
            request_id=request_id_from(request.META.get("HTTP_X_REQUEST_ID")),
            host=host,
            commune=None if request.path_info in PROBES else communes.commune_for(host, request.path_info),
            request=request,
        )
        request.request_id = context.request_id
        token = current.set(context)
        try:
            response = self.get_response(request)
            duration = time.monotonic() - context.started
            response["X-Request-ID"] = context.request_id
            self.log(request, response, context, duration)
            metrics.observe_request(request, response, context, duration)
            return response
        finally:
            current.reset(token)

    def log(self, request, response, context, duration):
        if request.path_info in PROBES:
            response._has_been_logged = True  # asked every few seconds: they would drown the log
            return
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 and status != 404 else logging.INFO
        logger.log(level, "%s %s %s %d ms", request.method, request.path[:500], status, round(duration * 1000),
                   extra={"method": request.method, "path": request.path[:500], "status": status,
                          "duration_ms": round(duration * 1000, 1), "user_id": user_id_of(request, evaluate=True)})
        # Django would log a 4xx/5xx response once more ("Not Found: /x") after this middleware, without
        # the request's context; this line says it all. Tracebacks of errors are logged before, with it.
        response._has_been_logged = True


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in PROBES:
            match = resolve(request.path_info)
            view = async_to_sync(match.func) if iscoroutinefunction(match.func) else match.func
            return view(request, *match.args, **match.kwargs)
        return self.get_response(request)
