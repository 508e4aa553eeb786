"""Metrics in the Prometheus text format, at `/metrics` (guarded by ops/access.py).

Counted by each process as requests pass (ops/middleware.py):
- `cms_http_requests_total{status, site}`: responses by status code and site (a commune's unit code,
  `portal`, or `other`);
- `cms_http_request_duration_seconds{area}`: latency histogram by area (`public`, `admin`, `api`, `static`).
With several gunicorn workers, set `PROMETHEUS_MULTIPROC_DIR` (an empty directory, wiped at start by
cms/gunicorn.conf.py) so every worker's counts are added up; without it each scrape sees one worker.

Read from the database at scrape time (the same for every process, no multiprocess needed):
- task queue: `cms_tasks{status}`, `cms_task_queue_ready`, `cms_task_queue_oldest_ready_seconds`,
  `cms_tasks_failed_24h`;
- scheduled jobs: `cms_job_last_run_timestamp_seconds{job}`, `cms_job_last_success_timestamp_seconds{job}`,
  `cms_job_problem{job}` (1 when failed, late or never run), `cms_job_runs{job, outcome}` (kept history);
- devices: `cms_devices_active{commune}` and `cms_devices_checked_in{commune}` (active devices that called
  within 1.1 × their poll interval).
"""

import logging
import os
from collections import Counter as Tally
from datetime import timedelta

from django.apps import apps
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from ops.access import monitoring_only
from ops.communes import communes
from ops.models import JobRun
from ops.status import job_statuses

logger = logging.getLogger(__name__)

REQUESTS = Counter("cms_http_requests", "HTTP responses by status code and site.", ["status", "site"])
LATENCY = Histogram(
    "cms_http_request_duration_seconds", "Time to answer a request, by area of the site.", ["area"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
AREAS = (("/quan-tri/", "admin"), ("/api/", "api"), ("/static/", "static"), ("/media/", "static"), ("/tai-lieu/", "static"))


def area_of(path):
    for prefix, area in AREAS:
        if path.startswith(prefix):
            return area
    return "public"


def observe_request(request, response, context, duration):
    if request.path_info in ("/healthz", "/readyz", "/metrics"):
        return
    REQUESTS.labels(status=str(response.status_code), site=communes.site_label(context.host, request.path_info)).inc()
    LATENCY.labels(area=area_of(request.path_info)).observe(duration)


class DatabaseCollector:
    """Gauges read with a few queries at scrape time; a part whose query fails is left out (and logged)."""

    def collect(self):
        now = timezone.now()
        for part in (self.tasks, self.jobs, self.devices):
            try:
                yield from part(now)
            except (DatabaseError, LookupError):
                logger.warning("metrics: %s left out", part.__name__, exc_info=True)

    def tasks(self, now):
        by_status = GaugeMetricFamily("cms_tasks", "Background task rows by status (until pruned).", labels=["status"])
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED"):
            by_status.add_metric([status.lower()], counts.get(status, 0))
        yield by_status
        ready = DBTaskResult.objects.ready()
        yield GaugeMetricFamily("cms_task_queue_ready", "Tasks waiting for a worker now.", value=ready.count())
        oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
        yield GaugeMetricFamily("cms_task_queue_oldest_ready_seconds", "Age of the oldest waiting task.",
                                value=(now - oldest).total_seconds() if oldest else 0)
        failed = DBTaskResult.objects.failed().filter(finished_at__gte=now - timedelta(hours=24)).count()
        yield GaugeMetricFamily("cms_tasks_failed_24h", "Tasks that failed in the last 24 hours.", value=failed)

    def jobs(self, now):
        last_run = GaugeMetricFamily("cms_job_last_run_timestamp_seconds", "When the job last started.", labels=["job"])
        last_ok = GaugeMetricFamily("cms_job_last_success_timestamp_seconds", "When the job last succeeded.",
                                    labels=["job"])
        problem = GaugeMetricFamily("cms_job_problem", "1 when the job failed, is late or never ran.", labels=["job"])
        for status in job_statuses(now):
            name = status.job.name
            if status.last_run:
                last_run.add_metric([name], status.last_run.started.timestamp())
            if status.last_success:
                last_ok.add_metric([name], status.last_success.finished.timestamp())
            problem.add_metric([name], int(status.is_problem))
        yield from (last_run, last_ok, problem)
        runs = GaugeMetricFamily("cms_job_runs", "Job runs in the kept history, by outcome.", labels=["job", "outcome"])
        for job, outcome, n in JobRun.objects.values_list("job", "outcome").annotate(n=Count("id")).values_list(
            "job", "outcome", "n"
        ):
            runs.add_metric([job, outcome], n)
        yield runs

    def devices(self, now):
        device = apps.get_model("broadcasts", "Device")  # read by name: ops imports no feature
        active, seen = Tally(), Tally()
        for commune, last_seen, interval in device.objects.filter(state="active").values_list(
            "commune__unit__code", "last_seen_at", "poll_interval_s"
        ):
            active[commune] += 1
            if last_seen and now - last_seen <= timedelta(seconds=interval * 1.1):
                seen[commune] += 1
        total = GaugeMetricFamily("cms_devices_active", "Active devices (boards, speakers).", labels=["commune"])
        checked_in = GaugeMetricFamily("cms_devices_checked_in",
                                       "Active devices that called within 1.1 × their poll interval.", labels=["commune"])
        for commune in sorted(active):
            total.add_metric([commune], active[commune])
            checked_in.add_metric([commune], seen[commune])
        yield from (total, checked_in)


def exposition():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # every gunicorn worker's counts, added up
    else:
        registry = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(registry) + generate_latest(database)


@monitoring_only
def metrics_view(request):
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
