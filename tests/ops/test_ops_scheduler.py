"""The scheduler runs the declared jobs on time, records every run, and runs nothing twice."""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from communes.models import NewsIndexPage, NewsPage
from ops import jobs as job_registry
from ops.jobs import JOBS, Job
from ops.models import JobRun, Outcome, SchedulerLease
from ops.scheduler import Scheduler
from ops.status import FAILED, LATE, NEVER, OK, RUNNING, is_due, job_status, last_slot
from questions.models import Question
from tests.conftest import client_for
from tests.questions.conftest import publish, submit

ADMIN = "/quan-tri"


def at(when):
    """Run the block as if the clock showed `when` (Wagtail's publish_scheduled reads timezone.now too)."""
    return mock.patch("django.utils.timezone.now", return_value=when)


def only_jobs(*declared):
    return mock.patch.object(job_registry, "JOBS", declared)


def test_a_page_scheduled_in_the_admin_goes_live_when_the_scheduler_ticks_without_anyone_touching_it(district):
    news_index = NewsIndexPage.objects.child_of(district.a.home).get()
    go_live = timezone.localtime() + timedelta(hours=2)
    data = nested_form_data({
        "title": "Lịch tiếp công dân tháng 7", "slug": "lich-tiep-cong-dan-thang-7", "date": "01/07/2025",
        "category": "thoi-su", "tags": "", "intro": "", "body": streamfield([]), "comments": inline_formset([]),
        "go_live_at": go_live.strftime("%d/%m/%Y %H:%M"), "action-publish": "1",
    })
    response = client_for(district.district_admin).post(f"{ADMIN}/pages/add/communes/newspage/{news_index.pk}/", data)
    assert response.status_code == 302
    page = NewsPage.objects.child_of(news_index).get(slug="lich-tiep-cong-dan-thang-7")
    assert not page.live  # approved, waiting for its time
    assert page.latest_revision.approved_go_live_at is not None

    scheduler = Scheduler()
    with at(timezone.now()):
        scheduler.tick()  # before its time: the job runs, the page stays a draft
    assert not Page.objects.get(pk=page.pk).live

    later = go_live + timedelta(minutes=1)
    with at(later):
        runs = scheduler.tick()
    assert "publish_scheduled" in [run.job for run in runs]
    page = Page.objects.get(pk=page.pk)
    assert page.live and page.first_published_at is not None
    assert JobRun.objects.filter(job="publish_scheduled", outcome=Outcome.SUCCESS).count() == 2


def test_retention_erases_a_closed_questions_contact_data_on_time_and_not_before(district, settings, tmp_path):
    settings.QUESTIONS_ATTACHMENT_ROOT = str(tmp_path / "attachments")
    settings.QUESTIONS_RETENTION_DAYS = 365
    due = publish(submit(district.a.home, email="due@example.vn"), district.approver_a)
    kept = publish(submit(district.a.home, email="kept@example.vn", phone="0987654321"), district.approver_a)
    now = timezone.now()
    Question.objects.filter(pk=due.pk).update(closed_at=now - timedelta(days=366))
    Question.objects.filter(pk=kept.pk).update(closed_at=now - timedelta(days=364))

    with only_jobs(next(job for job in JOBS if job.name == "questions_erase_personal_data")):
        runs = Scheduler().tick()

    assert [(run.job, run.outcome) for run in runs] == [("questions_erase_personal_data", Outcome.SUCCESS)]
    assert "1" in runs[0].output
    due.contact.refresh_from_db()
    kept.contact.refresh_from_db()
    assert due.contact.erased_at is not None and due.contact.email == ""
    assert kept.contact.erased_at is None and kept.contact.email == "kept@example.vn"


def test_every_declared_job_runs_successfully_once_on_a_fresh_installation(district):
    call_command("run_scheduler", "--once")
    runs = {run.job: run for run in JobRun.objects.all()}
    enabled = job_registry.jobs()
    assert set(runs) == set(enabled)
    assert {name: run.outcome for name, run in runs.items()} == {name: Outcome.SUCCESS for name in enabled}
    # All done: a second tick right after finds nothing due.
    assert Scheduler().tick() == []


def test_a_failing_job_is_recorded_with_its_error_and_shown_to_portal_staff_only(district):
    broken = Job("broken_job", "Việc hỏng để thử", "no_such_command", every=timedelta(minutes=5))
    with only_jobs(broken, JOBS[0]):
        runs = Scheduler().tick()
        assert {run.job: run.outcome for run in runs} == {"broken_job": Outcome.FAILED, "publish_scheduled": Outcome.SUCCESS}
        run = JobRun.objects.get(job="broken_job")
        assert "no_such_command" in run.output and run.finished is not None
        assert job_status(broken).state == FAILED

        page = client_for(district.district_admin).get(f"{ADMIN}/van-hanh/cong-viec-dinh-ky/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "1 công việc cần chú ý" in html and "Việc hỏng để thử" in html
        assert 'class="ops-job-problem"' in html and "Lần chạy gần nhất bị lỗi" in html

        for user in (district.editor_a, district.approver_b):
            response = client_for(user).get(f"{ADMIN}/van-hanh/cong-viec-dinh-ky/")
            assert response.status_code in (302, 403)
            assert "Việc hỏng để thử" not in response.content.decode()


def test_a_second_scheduler_does_not_run_jobs_twice_and_takes_over_when_the_first_dies(district):
    first, second = Scheduler(holder="may-1", lease_seconds=120), Scheduler(holder="may-2", lease_seconds=120)
    start = timezone.now()
    with only_jobs(*JOBS[:2]):  # publish_scheduled (every minute), questions_erase_personal_data (daily)
        with at(start):
            assert len(first.tick()) == 2
            assert second.tick() == [] and not second.holding  # the lease is held: it does nothing
        with at(start + timedelta(seconds=61)):  # publish_scheduled is due again: run once, by the holder
            assert second.tick() == []
            assert [run.job for run in first.tick()] == ["publish_scheduled"]
            assert second.tick() == []
        assert JobRun.objects.filter(job="publish_scheduled").count() == 2

        # The first one dies without a word: once its lease runs out, the standby takes over.
        with at(start + timedelta(seconds=61 + 119)):
            assert second.tick() == []
        with at(start + timedelta(seconds=61 + 121)):
            assert [run.job for run in second.tick()] == ["publish_scheduled"]
            assert first.tick() == []  # back from the dead: it must not run anything now
        assert SchedulerLease.objects.get().holder == "may-2"
    assert JobRun.objects.filter(job="publish_scheduled").count() == 3
    assert JobRun.objects.filter(job="questions_erase_personal_data").count() == 1


def test_a_scheduler_stopped_cleanly_hands_over_at_once(district):
    first, second = Scheduler(holder="may-1"), Scheduler(holder="may-2")
    with only_jobs(JOBS[0]):
        assert len(first.tick()) == 1
        first.release()  # SIGTERM: the loop ends and gives the lease back
        assert second.acquire() and SchedulerLease.objects.get().holder == "may-2"


def test_a_job_left_running_by_a_killed_scheduler_is_marked_abandoned_and_run_again(district):
    job = JOBS[0]
    JobRun.objects.create(job=job.name, started=timezone.now() - job.max_runtime - timedelta(minutes=1))
    with only_jobs(job):
        runs = Scheduler().tick()
    assert [run.outcome for run in runs] == [Outcome.SUCCESS]
    assert list(JobRun.objects.order_by("started").values_list("outcome", flat=True)) == [
        Outcome.ABANDONED, Outcome.SUCCESS
    ]


def _run(job, started, outcome=Outcome.SUCCESS):
    return JobRun.objects.create(job=job.name, started=started, finished=started + timedelta(seconds=3), outcome=outcome)


def test_daily_jobs_run_once_a_day_after_their_hour_and_failed_ones_are_retried_an_hour_later(db):
    job = Job("daily", "Việc hằng ngày", "clearsessions", daily_at=time(2, 0))
    tz = timezone.get_current_timezone()
    morning = datetime(2025, 7, 1, 8, 0, tzinfo=tz)
    assert is_due(job, morning)  # never ran: at once
    assert last_slot(job, morning) == datetime(2025, 7, 1, 2, 0, tzinfo=tz)
    assert last_slot(job, datetime(2025, 7, 1, 1, 0, tzinfo=tz)) == datetime(2025, 6, 30, 2, 0, tzinfo=tz)

    _run(job, datetime(2025, 7, 1, 2, 0, 5, tzinfo=tz))
    assert not is_due(job, morning)
    assert not is_due(job, datetime(2025, 7, 2, 1, 59, tzinfo=tz))
    assert is_due(job, datetime(2025, 7, 2, 2, 0, tzinfo=tz))

    _run(job, datetime(2025, 7, 2, 2, 0, 5, tzinfo=tz), outcome=Outcome.FAILED)
    assert not is_due(job, datetime(2025, 7, 2, 2, 30, tzinfo=tz))
    assert is_due(job, datetime(2025, 7, 2, 3, 1, tzinfo=tz))


def test_a_job_that_has_not_succeeded_within_its_interval_and_grace_is_late(db):
    job = Job("every_minute", "Việc mỗi phút", "clearsessions", every=timedelta(minutes=1), grace=timedelta(minutes=10))
    assert job_status(job).state == NEVER
    now = timezone.now()
    _run(job, now - timedelta(minutes=5))
    assert job_status(job, now).state == OK
    assert job_status(job, now + timedelta(minutes=7)).state == LATE
    JobRun.objects.create(job=job.name, started=now + timedelta(minutes=7))  # running, but too late already
    assert job_status(job, now + timedelta(minutes=7)).state == LATE


def test_a_first_run_still_going_is_running_not_a_problem_until_its_time_is_up(db):
    job = Job("slow", "Việc chạy lâu", "clearsessions", daily_at=time(2, 0), max_runtime=timedelta(hours=1))
    now = timezone.now()
    JobRun.objects.create(job=job.name, started=now)
    assert job_status(job, now + timedelta(minutes=30)).state == RUNNING
    assert not job_status(job, now + timedelta(minutes=30)).is_problem
    assert job_status(job, now + timedelta(minutes=61)).state == FAILED  # its process died


@pytest.mark.parametrize("kwargs", [{}, {"every": timedelta(minutes=1), "daily_at": time(1, 0)}])
def test_a_job_needs_exactly_one_schedule(kwargs):
    with pytest.raises(ValueError, match="exactly one"):
        Job("x", "x", "clearsessions", **kwargs)
