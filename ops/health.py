"""`/readyz`: is every part this installation needs working? JSON naming each part and what failed.

Built on django-health-check: its `Database` and `Cache` checks, and ours for what it lacks (the search
backends, the task queue's backlog, the scheduled jobs, free disk for media). Each check has its own
timeout (`READINESS_TIMEOUT_SECONDS`): a hung part is reported as such instead of hanging the probe.
A failure answers 503. `/healthz` (sites/views.py) stays the cheap liveness probe for load balancers and
restarts; `/readyz` is for monitoring and for gating a deployment.
"""

import asyncio
import contextlib
import dataclasses
import datetime
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from ops.access import monitoring_allowed
from ops.status import job_statuses


def _timeout():
    return datetime.timedelta(seconds=settings.READINESS_TIMEOUT_SECONDS)


class ClosesConnections:
    """Checks run in a thread pool; each closes the database connection its thread opened."""

    def run(self):
        try:
            self.check()
        except DatabaseError as error:
            raise ServiceUnavailable(f"database error: {type(error).__name__}: {error}") from error
        finally:
            connections.close_all()


@dataclasses.dataclass
class SearchBackends(ClosesConnections, HealthCheck):
    """Every configured search backend answers: Elasticsearch is pinged, the database index is queried."""

    timeout: datetime.timedelta = dataclasses.field(default_factory=_timeout, repr=False)

    def check(self):
        for alias in settings.WAGTAILSEARCH_BACKENDS:
            backend = get_search_backend(alias)
            client = getattr(backend, "es", None)
            if client is not None:
                options = getattr(client, "options", None)  # elasticsearch-py 8+; 7 takes the timeout per call
                seconds = self.timeout.total_seconds()
                alive = options(request_timeout=seconds).ping() if options else client.ping(request_timeout=seconds)
                if not alive:
                    raise ServiceUnavailable(f"search backend {alias!r} (Elasticsearch) does not answer")
            else:
                list(backend.search("kiểm tra", Page)[:1])


@dataclasses.dataclass
class TaskQueue(ClosesConnections, HealthCheck):
    """The background worker keeps up: no task has waited longer than READINESS_TASK_MAX_WAIT_SECONDS."""

    timeout: datetime.timedelta = dataclasses.field(default_factory=_timeout, repr=False)

    def check(self):
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            return  # tasks run inside the request: there is no queue
        ready = DBTaskResult.objects.ready()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        if oldest is None:
            return
        waited = (timezone.now() - oldest).total_seconds()
        if waited > settings.READINESS_TASK_MAX_WAIT_SECONDS:
            raise ServiceUnavailable(
                f"{ready.count()} tasks waiting, the oldest for {waited:.0f} s: is `manage.py db_worker` running?"
            )


@dataclasses.dataclass
class ScheduledJobs(ClosesConnections, HealthCheck):
    """Every periodic job ran on time and its last run succeeded (ops/jobs.py)."""

    timeout: datetime.timedelta = dataclasses.field(default_factory=_timeout, repr=False)

    def check(self):
        problems = [f"{s.job.name}: {s.state}" for s in job_statuses() if s.is_problem]
        if problems:
            raise ServiceUnavailable("; ".join(problems) + " (is `manage.py run_scheduler` running?)")


@dataclasses.dataclass
class MediaDiskSpace(HealthCheck):
    """Enough free disk for uploads where media and citizens' attachments are kept on local disk."""

    timeout: datetime.timedelta = dataclasses.field(default_factory=_timeout, repr=False)

    def run(self):
        minimum = settings.READINESS_MIN_FREE_DISK_MB
        for alias in ("default", "private"):  # media; citizens' attachments
            if alias not in settings.STORAGES or not isinstance(storages[alias], FileSystemStorage):
                continue  # object storage has no local disk to fill
            folder = Path(storages[alias].location)
            while not folder.exists() and folder != folder.parent:
                folder = folder.parent  # not created yet: the disk it will be on
            free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
            if free_mb < minimum:
                raise ServiceUnavailable(f"{alias} storage: {free_mb} MB free, below {minimum} MB")


def readiness_checks():
    seconds = _timeout()
    return (
        (Database, {"alias": "default"}),
        (Cache, {"alias": "default", "timeout": seconds}),
        SearchBackends,
        TaskQueue,
        ScheduledJobs,
        MediaDiskSpace,
    )


class ReadinessView(HealthCheckView):
    """Always JSON: `{"status": "error", "checks": {"Database": "OK", "TaskQueue": "Unavailable: …"}}`,
    503 when any part fails. The library's view runs the checks side by side, each with its timeout."""

    @property
    def checks(self):
        return readiness_checks()

    @contextlib.contextmanager
    def get_executor(self):
        # Our own pool, left without waiting: a hung check answers "timed out" at its timeout instead of
        # holding the response until its thread returns (the event loop's default pool is waited for).
        # On SQLite the checks run one after another: its connections lock whole tables (the in-memory
        # database of the tests) or the whole file, so the Cache check's write could fail the search check.
        workers = 1 if connections["default"].vendor == "sqlite" else 8
        executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="readyz")
        try:
            yield executor
        finally:
            executor.shutdown(wait=False, cancel_futures=True)

    async def get(self, request, *args, **kwargs):
        if not monitoring_allowed(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        failed = any(result.error for result in self.results)
        checks = {type(r.check).__name__: str(r.error) if r.error else "OK" for r in self.results}
        return JsonResponse({"status": "error" if failed else "ok", "checks": checks}, status=503 if failed else 200,
                            json_dumps_params={"ensure_ascii": False})
