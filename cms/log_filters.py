"""Logging filters named in `LOGGING` (cms/settings.py)."""

import logging

HOST_SHOWN = 100  # characters of a refused Host header worth keeping


class DisallowedHostOneLine(logging.Filter):
    """A request with a Host header no site claims is a scanner's or a misconfigured proxy's, not a bug:
    Django logs it as an error with a full traceback, and a flood of them floods the log. Keep one short
    line each: the refused host (shortened, quoted so control characters cannot forge lines), method and path."""

    def filter(self, record):
        request = getattr(record, "request", None)
        host = path = method = ""
        if request is not None:
            host = request.META.get("HTTP_HOST", "")
            path, method = request.path, request.method
        record.msg = "Disallowed host %r: %s %r"
        record.args = (host[:HOST_SHOWN], method[:10], path[:HOST_SHOWN])
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
