"""`/readyz` checks every part and names the one that failed; only monitoring may read it.

The checks run in django-health-check's thread pool, outside the test's transaction, so these tests
commit their data (`transactional_db`).
"""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ops import health
from ops.jobs import jobs
from ops.models import JobRun, Outcome

# Serialized rollback, as every transactional test here: a plain flush lets PostgreSQL re-create the
# content types under new ids, and the next serialized test's restore then collides with them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PARTS = {"Database", "Cache", "SearchBackends", "TaskQueue", "ScheduledJobs", "MediaDiskSpace"}


def all_jobs_ran(outcome=Outcome.SUCCESS, when=None):
    when = when or timezone.now()
    for name in jobs():
        JobRun.objects.create(job=name, started=when, finished=when, outcome=outcome)


def readyz(host="localhost", **extra):
    return Client(HTTP_HOST=host).get("/readyz", **extra)


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.MONITORING_ALLOWED_IPS = ["127.0.0.1", "::1"]
    settings.MONITORING_TOKEN = ""
    settings.TRUSTED_PROXY_COUNT = 0
    settings.READINESS_MIN_FREE_DISK_MB = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_readiness_names_every_part_and_answers_200_when_all_work():
    all_jobs_ran()
    response = readyz(REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(PARTS, "OK")}


def test_readiness_answers_on_an_address_no_site_claims_as_a_container_health_check_asks():
    all_jobs_ran()
    assert readyz(host="10.0.0.7:8000", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_a_job_that_failed_or_never_ran_makes_readiness_fail_naming_it():
    response = readyz(REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 503
    assert "publish_scheduled: never" in response.json()["checks"]["ScheduledJobs"]

    all_jobs_ran()
    JobRun.objects.create(job="clearsessions", started=timezone.now(), finished=timezone.now(), outcome=Outcome.FAILED)
    checks = readyz(REMOTE_ADDR="127.0.0.1").json()["checks"]
    assert checks["ScheduledJobs"].startswith("Unavailable: clearsessions: failed")
    assert checks["Database"] == "OK"


def test_a_late_job_makes_readiness_fail():
    all_jobs_ran(when=timezone.now() - timedelta(days=3))
    checks = readyz(REMOTE_ADDR="127.0.0.1").json()["checks"]
    assert "publish_scheduled: late" in checks["ScheduledJobs"]


def test_a_task_waiting_too_long_for_the_worker_fails_the_task_queue_part(settings):
    all_jobs_ran()
    settings.READINESS_TASK_MAX_WAIT_SECONDS = 60
    old = timezone.now() - timedelta(minutes=5)
    DBTaskResult.objects.create(task_path="questions.tasks.send", args_kwargs={"args": [], "kwargs": {}},
                                backend_name="default", queue_name="default", run_after=old)
    DBTaskResult.objects.update(enqueued_at=old)
    response = readyz(REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 503
    assert "1 tasks waiting" in response.json()["checks"]["TaskQueue"]
    assert "db_worker" in response.json()["checks"]["TaskQueue"]


def test_an_unreachable_elasticsearch_fails_the_search_part(settings):
    all_jobs_ran()
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.elasticsearch.Elasticsearch8FoldingBackend",
                    "URLS": ["http://127.0.0.1:9"], "INDEX_PREFIX": "cms_", "TIMEOUT": 1},
        "fallback": {"BACKEND": "search.backends.database"},
    }
    checks = readyz(REMOTE_ADDR="127.0.0.1").json()["checks"]
    assert "default" in checks["SearchBackends"] and checks["SearchBackends"].startswith("Unavailable")


def test_too_little_free_disk_for_media_fails_the_disk_part(settings):
    all_jobs_ran()
    settings.READINESS_MIN_FREE_DISK_MB = 10**12
    checks = readyz(REMOTE_ADDR="127.0.0.1").json()["checks"]
    assert "MB free, below" in checks["MediaDiskSpace"]


def test_a_part_that_hangs_is_reported_after_its_timeout_instead_of_hanging_the_probe(settings, monkeypatch):
    all_jobs_ran()
    settings.READINESS_TIMEOUT_SECONDS = 1
    monkeypatch.setattr(health.SearchBackends, "check", lambda self: time.sleep(4))
    started = time.monotonic()
    response = readyz(REMOTE_ADDR="127.0.0.1")
    assert time.monotonic() - started < 3.9
    assert response.status_code == 503
    assert response.json()["checks"]["SearchBackends"] == "Unavailable: Timed out after 1 seconds"


def test_readiness_is_refused_to_other_addresses_unless_they_bring_the_token(settings):
    all_jobs_ran()
    assert readyz(REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.MONITORING_TOKEN = "bi-mat-giam-sat-0123456789"
    assert readyz(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer sai").status_code == 403
    response = readyz(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer bi-mat-giam-sat-0123456789")
    assert response.status_code == 200
    settings.MONITORING_ALLOWED_IPS = ["10.0.0.0/8"]
    assert readyz(REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_request_relayed_by_a_proxy_is_judged_by_the_client_behind_it(settings):
    all_jobs_ran()
    # nginx on the same machine relays an outsider: its own address is loopback, the client's is not.
    relayed = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert readyz(**relayed).status_code == 403  # TRUSTED_PROXY_COUNT=0: cannot tell, refused
    settings.TRUSTED_PROXY_COUNT = 1
    assert readyz(**relayed).status_code == 403
    assert readyz(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_the_liveness_probe_answers_a_container_health_check_that_asks_by_ip_address():
    # The image's HEALTHCHECK asks http://127.0.0.1:8000/healthz; production ALLOWED_HOSTS name the domain only.
    response = Client(HTTP_HOST="127.0.0.1:8000").get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(response["X-Request-ID"]) == 32
