"""Rate limits shared by every worker process, kept in the database.

Each hit is one atomic upsert (`INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`),
so concurrent requests in different processes can never both slip under the limit; the database
cache backend's incr reads then writes, and a per-process memory cache is not shared at all.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from questions.models import RateLimitCounter

# (limit, window in seconds) per kind of key; overridable with settings.QUESTIONS_RATE_LIMITS.
DEFAULT_LIMITS = {
    "submit-ip-hour": (5, 3600),
    "submit-ip-day": (20, 86400),
    "submit-contact-day": (5, 86400),
    "lookup-ip-hour": (30, 3600),
    "lookup-proof-day": (10, 86400),  # attempts at a private answer's e-mail/phone, per tracking code
}


def limits():
    return {**DEFAULT_LIMITS, **getattr(settings, "QUESTIONS_RATE_LIMITS", {})}


def contact_key(value):
    """A keyed hash of an email or phone: the counter table never holds contact data in clear."""
    return hmac.new(settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def hit(kind, identity, now=None):
    """Count one attempt; True while the caller stays within the limit for this window."""
    limit, window = limits()[kind]
    now = now or timezone.now()
    bucket = int(now.timestamp()) // window
    key = f"{kind}:{identity}:{bucket}"[:190]
    return _increment(key, now + timedelta(seconds=window)) <= limit


def _increment(key, expires_at):
    """Add one to the counter and return its new value, atomically across processes."""
    q = connection.ops.quote_name
    table = q(RateLimitCounter._meta.db_table)
    if connection.vendor in ("postgresql", "sqlite"):
        # One statement: the row lock (PostgreSQL) or the write lock (SQLite) serialises concurrent hits.
        with connection.cursor() as cursor:
            # Only quoted identifiers are formatted in; the values are parameters.
            cursor.execute(
                f"INSERT INTO {table} ({q('key')}, {q('count')}, {q('expires_at')}) VALUES (%s, 1, %s) "  # noqa: S608
                f"ON CONFLICT ({q('key')}) DO UPDATE SET {q('count')} = {table}.{q('count')} + 1 RETURNING {q('count')}",
                [key, expires_at],
            )
            return cursor.fetchone()[0]
    with transaction.atomic():
        if not RateLimitCounter.objects.filter(key=key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(key=key, count=1, expires_at=expires_at)
            except IntegrityError:  # another process created it between our UPDATE and INSERT
                RateLimitCounter.objects.filter(key=key).update(count=F("count") + 1)
        return RateLimitCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0


def purge_expired(now=None):
    return RateLimitCounter.objects.filter(expires_at__lt=now or timezone.now()).delete()[0]
