"""When each job is due, and whether it is healthy: one reading shared by the scheduler, the admin
screen, `/readyz` and `/metrics`."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from ops.jobs import Job, jobs
from ops.models import JobRun, Outcome

OK, RUNNING, FAILED, LATE, NEVER = "ok", "running", "failed", "late", "never"
STATE_LABELS = {
    OK: "Bình thường",
    RUNNING: "Đang chạy",
    FAILED: "Lần chạy gần nhất bị lỗi",
    LATE: "Chậm: quá hạn chưa chạy thành công",
    NEVER: "Chưa chạy lần nào",
}
PROBLEM_STATES = {FAILED, LATE, NEVER}


def last_run(job_name):
    return JobRun.objects.filter(job=job_name).order_by("-started", "-pk").first()


def last_success(job_name):
    return JobRun.objects.filter(job=job_name, outcome=Outcome.SUCCESS).order_by("-finished", "-pk").first()


def last_slot(job: Job, now: datetime) -> datetime:
    """The latest scheduled time at or before `now` of a daily job, in local time."""
    local = timezone.localtime(now)
    slot = local.replace(hour=job.daily_at.hour, minute=job.daily_at.minute, second=0, microsecond=0)
    return slot if slot <= local else slot - timedelta(days=1)


def is_stale(run: JobRun, job: Job, now: datetime) -> bool:
    """A run still marked running after the job's max runtime: its process died."""
    return run.outcome == Outcome.RUNNING and run.started <= now - job.max_runtime


def is_due(job: Job, now: datetime, run: JobRun | None = None) -> bool:
    run = run if run is not None else last_run(job.name)
    if run is None:
        return True
    if run.outcome == Outcome.RUNNING and not is_stale(run, job, now):
        return False  # running now (in this scheduler or a dying one): never twice at once
    if job.every is not None:
        return run.started <= now - job.every
    if run.started < last_slot(job, now):
        return True
    return run.outcome != Outcome.SUCCESS and run.started <= now - job.retry_after


@dataclass
class JobStatus:
    job: Job
    last_run: JobRun | None
    last_success: JobRun | None
    state: str

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def is_problem(self):
        return self.state in PROBLEM_STATES


def job_status(job: Job, now: datetime | None = None) -> JobStatus:
    now = now or timezone.now()
    run, success = last_run(job.name), last_success(job.name)
    overdue = success is None or success.finished < now - job.interval - job.grace
    if run is None:
        state = NEVER
    elif run.outcome in (Outcome.FAILED, Outcome.ABANDONED) or is_stale(run, job, now):
        state = FAILED
    elif run.outcome == Outcome.RUNNING and (success is None or not overdue):
        state = RUNNING  # its first run, or on time: a run that goes on does not excuse lateness for ever
    elif overdue:
        state = LATE
    else:
        state = OK
    return JobStatus(job=job, last_run=run, last_success=success, state=state)


def job_statuses(now: datetime | None = None) -> list[JobStatus]:
    now = now or timezone.now()
    return [job_status(job, now) for job in jobs().values()]
