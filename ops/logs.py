"""Log records that say which request they belong to: JSON lines in production, plain text in development.

`RequestContextFilter` (on the handler, so every record passes it, whichever logger wrote it) adds
`request_id`, `host`, `commune` and `user_id` from the request being served (none outside a request:
the scheduler and the worker log with empty fields). The user is named by id only, never by name or
contact data, and only if the request already looked the user up: logging never costs a query.
"""

import logging

from django.db import DatabaseError
from django.utils.functional import empty

from ops.context import current

CONTEXT_FIELDS = ("request_id", "host", "commune", "user_id")


def user_id_of(request, *, evaluate=False):
    """The signed-in user's id, or None. Without `evaluate`, only if the lazy user was already loaded."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", None)
    if wrapped is empty and not evaluate:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except DatabaseError:  # the session or user could not be read: the line is still written
        return None


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        context = current.get()
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, None)
        if context is not None:
            record.request_id = record.request_id or context.request_id
            record.host = record.host or context.host
            record.commune = record.commune or context.commune
            if record.user_id is None and context.request is not None:
                record.user_id = user_id_of(context.request)
        return True


def json_formatter():
    """The production formatter (python-json-logger): one JSON object per line, UTF-8 kept readable."""
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "{levelname}{name}{message}{request_id}{host}{commune}{user_id}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",  # ISO 8601 in UTC, with its offset: log shippers need no time zone guess
        json_ensure_ascii=False,
    )


class TextFormatter(logging.Formatter):
    """Development: the usual one-line text, with the request id when there is one."""

    def __init__(self):
        super().__init__("{asctime} {levelname} {name}: {message}", style="{", datefmt="%H:%M:%S")

    def format(self, record):
        text = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{text} [{request_id[:8]}]" if request_id else text
