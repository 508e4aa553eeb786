"""`/metrics` in the Prometheus text format: requests by status and site, latency, the task queue,
job outcomes and device check-ins, for monitoring only."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from ops.communes import communes
from ops.models import JobRun, Outcome

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.MONITORING_ALLOWED_IPS = ["127.0.0.1", "::1"]
    settings.MONITORING_TOKEN = ""
    settings.TRUSTED_PROXY_COUNT = 0
    communes.loaded_at = None


def scrape(**extra):
    response = Client(HTTP_HOST="web:8000").get("/metrics", **{"REMOTE_ADDR": "127.0.0.1", **extra})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def test_requests_are_counted_by_status_and_site_and_timed_by_area(district):
    before = scrape()
    Client(HTTP_HOST="dak-la.localhost").get("/")
    Client(HTTP_HOST="dak-la.localhost").get("/khong-co-trang-nay/")
    Client(HTTP_HOST="localhost").get("/xa-ha-mon/")
    Client(HTTP_HOST="localhost").get("/quan-tri/")
    after = scrape()

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("cms_http_requests_total", status="200", site="23524") == 1
    assert grew("cms_http_requests_total", status="404", site="23524") == 1
    assert grew("cms_http_requests_total", status="200", site="23521") == 1
    assert grew("cms_http_requests_total", status="302", site="portal") == 1
    assert grew("cms_http_request_duration_seconds_count", area="public") == 3
    assert grew("cms_http_request_duration_seconds_count", area="admin") == 1
    assert grew("cms_http_requests_total", status="200", site="other") == 0  # the scrapes themselves are not counted


def test_the_task_queue_job_outcomes_and_device_check_ins_are_read_from_the_database(district):
    now = timezone.now()
    task = {"task_path": "questions.tasks.send", "args_kwargs": {"args": [], "kwargs": {}},
            "backend_name": "default", "queue_name": "default"}
    DBTaskResult.objects.create(**task, run_after=now - timedelta(minutes=3))
    DBTaskResult.objects.create(**task, run_after=now, status="FAILED", finished_at=now)
    DBTaskResult.objects.filter(status="READY").update(enqueued_at=now - timedelta(minutes=3))
    JobRun.objects.create(job="clearsessions", started=now, finished=now, outcome=Outcome.FAILED)
    JobRun.objects.create(job="publish_scheduled", started=now, finished=now, outcome=Outcome.SUCCESS)
    device = apps.get_model("broadcasts", "Device")
    device.objects.create(commune=district.a, name="Bảng tin trụ sở", state="active", last_seen_at=now - timedelta(seconds=60))
    device.objects.create(commune=district.a, name="Cụm loa thôn 1", state="active", last_seen_at=now - timedelta(hours=2))
    device.objects.create(commune=district.b, name="Bảng tin chợ", state="active", poll_interval_s=60,
                          last_seen_at=now - timedelta(seconds=30))
    device.objects.create(commune=district.b, name="Chờ duyệt", state="pending", last_seen_at=now)

    samples = scrape()
    assert value(samples, "cms_tasks", status="ready") == 1 and value(samples, "cms_tasks", status="failed") == 1
    assert value(samples, "cms_task_queue_ready") == 1
    assert 170 < value(samples, "cms_task_queue_oldest_ready_seconds") < 400
    assert value(samples, "cms_tasks_failed_24h") == 1
    assert value(samples, "cms_job_problem", job="clearsessions") == 1
    assert value(samples, "cms_job_problem", job="publish_scheduled") == 0
    assert value(samples, "cms_job_problem", job="axes_reset_logs") == 1  # never ran
    assert value(samples, "cms_job_runs", job="clearsessions", outcome="failed") == 1
    assert value(samples, "cms_job_last_success_timestamp_seconds", job="publish_scheduled") == pytest.approx(
        now.timestamp(), abs=1)
    assert value(samples, "cms_devices_active", commune="23524") == 2
    assert value(samples, "cms_devices_checked_in", commune="23524") == 1
    assert value(samples, "cms_devices_active", commune="23521") == 1
    assert value(samples, "cms_devices_checked_in", commune="23521") == 1


def test_metrics_are_refused_to_other_addresses_unless_they_bring_the_token(db, settings):
    client = Client(HTTP_HOST="localhost")
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.4").status_code == 403
    settings.MONITORING_TOKEN = "prometheus-token-0123456789"
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.4", HTTP_AUTHORIZATION="Bearer x").status_code == 403
    ok = client.get("/metrics", REMOTE_ADDR="198.51.100.4", HTTP_AUTHORIZATION="Bearer prometheus-token-0123456789")
    assert ok.status_code == 200 and b"cms_tasks" in ok.content


MULTIPROCESS = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.test_settings")
django.setup()
from ops import metrics
if sys.argv[1] == "count":
    metrics.REQUESTS.labels(status="200", site="portal").inc(int(sys.argv[2]))
else:
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    sys.stdout.write(generate_latest(registry).decode())
"""


def test_with_a_multiprocess_directory_every_workers_counts_are_added_up(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for count in ("2", "3"):  # two gunicorn workers, each its own process
        subprocess.run([sys.executable, "-c", MULTIPROCESS, "count", count], cwd=ROOT, env=env, check=True, timeout=120)
    out = subprocess.run([sys.executable, "-c", MULTIPROCESS, "scrape"], cwd=ROOT, env=env, check=True, timeout=120,
                         capture_output=True, text=True).stdout
    assert 'cms_http_requests_total{site="portal",status="200"} 5.0' in out
