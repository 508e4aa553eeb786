"""Search query statistics, counted without writing to the database while answering the citizen.

Counting used to cost an UPDATE (and sometimes an INSERT) inside every search, which on SQLite takes the
database's only write lock. Now a search adds one to a counter in this process's memory (no I/O). The
counts are written together, one transaction for all of them:

- after the response of a search that counted, once the oldest count waiting is FLUSH_AFTER seconds old
  (Django's `request_finished`, sent when the server has sent the response: the citizen does not wait);
- when the process exits (gunicorn recycles workers after `max_requests`), into the database they were
  counted against.

Counts are never dropped without a log line: a write that fails keeps them for the next one and logs the
error; while writes keep failing, counts for more than MAX_PENDING different queries are refused and each
refusal is logged; counts whose commune was deleted meanwhile are logged and dropped. A process killed
outright (SIGKILL, out of memory) loses at most FLUSH_AFTER seconds of its own counts.
"""

import logging
import threading
import time

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone

from search.models import SearchQueryStat, query_key, sanitised_query

logger = logging.getLogger(__name__)

FLUSH_AFTER = 60.0  # seconds
MAX_PENDING = 10_000  # different (commune, query, day) waiting to be written

_lock = threading.Lock()
_pending = {}  # (commune id or None, query key, date): [searches, results of the latest]
_oldest = None  # time.monotonic() of the oldest count waiting
_database = None  # the database the waiting counts belong to
_counted_here = threading.local()  # this thread's request counted a search


def _database_name():
    return connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]


def record(commune, query, results_count):
    """Count one search on a commune's site (commune None: the portal's), in memory."""
    key = query_key(sanitised_query(query))
    if not key:
        return
    row_key = (commune.pk if commune is not None else None, key, timezone.localdate())
    global _oldest, _database
    with _lock:
        row = _pending.get(row_key)
        if row is None:
            if len(_pending) >= MAX_PENDING:
                logger.error("Search query statistics: %d queries already waiting to be written; "
                             "one search of %r not counted", len(_pending), key)
                return
            if not _pending:
                _oldest, _database = time.monotonic(), _database_name()
            _pending[row_key] = [1, results_count]
        else:
            row[0] += 1
            row[1] = results_count
    _counted_here.value = True


def pending():
    """{(commune id, query key, date): (searches, results of the latest)} not written yet."""
    with _lock:
        return {key: tuple(row) for key, row in _pending.items()}


def _take():
    global _oldest, _database
    with _lock:
        batch, database = dict(_pending), _database
        _pending.clear()
        _oldest = _database = None
    return batch, database


def _give_back(batch, database):
    """Counts that could not be written wait for the next write (the latest results count wins)."""
    global _oldest, _database
    with _lock:
        if not _pending:
            _oldest, _database = time.monotonic(), database
        for row_key, (searches, results_count) in batch.items():
            row = _pending.get(row_key)
            if row is None:
                _pending[row_key] = [searches, results_count]
            else:
                row[0] += searches  # the newer results count stays


def _write_one(commune_id, key, date, searches, results_count):
    rows = SearchQueryStat.objects.filter(commune_id=commune_id, query_key=key, date=date)
    if rows.update(hits=F("hits") + searches, results_count=results_count):
        return
    try:
        with transaction.atomic():
            SearchQueryStat.objects.create(commune_id=commune_id, query_key=key, date=date, hits=searches,
                                           results_count=results_count)
    except IntegrityError:  # another process created the day's row meanwhile
        rows.update(hits=F("hits") + searches, results_count=results_count)


def _write(batch):
    """Add the counts to the daily rows, in one transaction. Counts of a commune deleted meanwhile are
    logged and left out (its rows went with it) rather than failing the others at commit."""
    communes = SearchQueryStat._meta.get_field("commune").related_model
    wanted = {commune_id for commune_id, _key, _date in batch if commune_id is not None}
    existing = set(communes.objects.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
    written = 0
    with transaction.atomic():
        for (commune_id, key, date), (searches, results_count) in batch.items():
            if commune_id is None or commune_id in existing:
                _write_one(commune_id, key, date, searches, results_count)
                written += searches
            else:
                logger.error("Search query statistics: %d searches of %r on %s for commune %s dropped (the "
                             "commune no longer exists)", searches, key, date, commune_id)
    return written


def flush():
    """Write every count waiting; returns how many searches were written. On failure they wait again."""
    batch, database = _take()
    if not batch:
        return 0
    if database != _database_name():
        logger.error("Search query statistics: %d searches counted against database %r not written to %r",
                     sum(searches for searches, _results in batch.values()), database, _database_name())
        return 0
    try:
        return _write(batch)
    except Exception:
        logger.exception("Search query statistics: writing %d queries failed; kept for the next try", len(batch))
        _give_back(batch, database)
        return 0


def flush_if_due(**_kwargs):
    """`request_finished` receiver: after a search's response, write the counts once they are due."""
    if not getattr(_counted_here, "value", False):
        return
    _counted_here.value = False
    with _lock:
        due = _oldest is not None and time.monotonic() - _oldest >= FLUSH_AFTER
    if due:
        flush()


def flush_at_exit():
    try:
        flush()
    except Exception:  # the interpreter is going away: say what is lost
        logger.exception("Search query statistics: counts lost at exit")


def discard():
    """Forget every count waiting (tests)."""
    _take()
