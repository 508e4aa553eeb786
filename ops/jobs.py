"""Every periodic job of an installation, declared once, with its schedule.

The scheduler (`manage.py run_scheduler`, ops/scheduler.py) runs them; the admin's "Công việc định kỳ"
screen, `/readyz` and `/metrics` report on them. A job is a management command run by name, so this
module imports no feature. A later feature adds one line to `JOBS`.

Schedules: `every=` runs a job again once that long has passed since it last started; `daily_at=` runs it
once a day at that local time (Asia/Ho_Chi_Minh), and at once if it has never run. A job is *late* when it
has not succeeded within its interval (a day for daily jobs) plus `grace`, and *failed* when its last run
failed: both are shown to portal staff and make `/readyz` answer 503.
"""

from dataclasses import dataclass, field
from datetime import time, timedelta

from django.conf import settings


def _tasks_in_database():
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def _database_cache_in_use():
    return any(c["BACKEND"] == "django.core.cache.backends.db.DatabaseCache" for c in settings.CACHES.values())


@dataclass(frozen=True)
class Job:
    name: str  # also the label in logs and metrics
    title: str  # what portal staff read in the admin
    command: str
    args: tuple = ()
    every: timedelta | None = None
    daily_at: time | None = None
    grace: timedelta = timedelta(hours=2)
    # A run still marked running after this long is taken as dead (the process was killed).
    max_runtime: timedelta = timedelta(hours=1)
    retry_after: timedelta = timedelta(hours=1)  # a failed daily job is tried again after this long
    enabled: object = field(default=None, compare=False)  # a callable; None means always

    def __post_init__(self):
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"job {self.name}: give exactly one of every= or daily_at=")

    @property
    def interval(self):
        """How often the job is expected to run: `every`, or a day."""
        return self.every or timedelta(days=1)

    @property
    def is_enabled(self):
        return self.enabled is None or bool(self.enabled())

    @property
    def schedule_label(self):
        if self.daily_at is not None:
            return f"hằng ngày lúc {self.daily_at:%H:%M}"
        minutes = int(self.every.total_seconds() // 60)
        if minutes < 60:
            return f"mỗi {minutes} phút"
        return f"mỗi {minutes // 60} giờ"


JOBS = (
    # Wagtail's scheduled publishing: pages (and snippets) whose "go live" or "expire" time has come.
    Job("publish_scheduled", "Xuất bản và gỡ trang theo lịch hẹn", "publish_scheduled",
        every=timedelta(minutes=1), grace=timedelta(minutes=10), max_runtime=timedelta(minutes=30)),
    # Law 91/2025: citizens' contact data erased after QUESTIONS_RETENTION_DAYS; also purges expired
    # rate-limit counters (questions.services.erase_expired_personal_data).
    Job("questions_erase_personal_data", "Xóa dữ liệu cá nhân hết hạn lưu trữ (hỏi đáp)",
        "questions_erase_personal_data", daily_at=time(1, 30)),
    Job("search_purge_query_stats", "Xóa thống kê từ khóa tìm kiếm quá hạn", "search_purge_query_stats",
        daily_at=time(1, 40)),
    Job("clearsessions", "Xóa phiên đăng nhập hết hạn", "clearsessions", daily_at=time(1, 50)),
    # Officials' sign-in records hold their addresses: keep 90 days (README "Officials' accounts").
    Job("axes_reset_logs", "Xóa nhật ký đăng nhập cũ hơn 90 ngày", "axes_reset_logs", ("--age", "90"),
        daily_at=time(2, 0)),
    Job("axes_reset_failure_logs", "Xóa nhật ký đăng nhập sai cũ hơn 90 ngày", "axes_reset_failure_logs",
        ("--age", "90"), daily_at=time(2, 5)),
    Job("purge_expired_cache", "Xóa dữ liệu bộ nhớ đệm hết hạn trong cơ sở dữ liệu", "purge_expired_cache",
        every=timedelta(hours=1), enabled=_database_cache_in_use),
    Job("prune_db_task_results", "Xóa kết quả tác vụ nền đã xong quá 30 ngày", "prune_db_task_results",
        ("--queue-name", "*", "--min-age-days", "30"), daily_at=time(2, 10), enabled=_tasks_in_database),
    Job("prune_job_runs", "Xóa lịch sử chạy công việc định kỳ cũ hơn 90 ngày", "prune_job_runs", ("--days", "90"),
        daily_at=time(2, 15)),
)


def jobs():
    """The enabled jobs, by name."""
    return {job.name: job for job in JOBS if job.is_enabled}


def all_jobs():
    return {job.name: job for job in JOBS}
