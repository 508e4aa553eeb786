"""What the scheduler did (one row per job run) and which scheduler process may run jobs (one lease)."""

from django.db import models


class Outcome(models.TextChoices):
    RUNNING = "running", "Đang chạy"
    SUCCESS = "success", "Thành công"
    FAILED = "failed", "Lỗi"
    ABANDONED = "abandoned", "Bị gián đoạn"  # the process died mid-run; noticed by the next scheduler tick


class JobRun(models.Model):
    job = models.CharField("công việc", max_length=100, db_index=True)
    started = models.DateTimeField("bắt đầu", db_index=True)
    finished = models.DateTimeField("kết thúc", null=True, blank=True)
    outcome = models.CharField("kết quả", max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    output = models.TextField("trích đoạn kết quả", blank=True)  # the command's last lines, or the error
    scheduler = models.CharField("tiến trình lập lịch", max_length=200, blank=True)

    class Meta:
        verbose_name = "lần chạy công việc định kỳ"
        verbose_name_plural = "các lần chạy công việc định kỳ"
        indexes = [models.Index(fields=["job", "-started"], name="ops_jobrun_job_started")]

    def __str__(self):
        return f"{self.job} {self.started:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def duration(self):
        return (self.finished - self.started) if self.finished else None


class SchedulerLease(models.Model):
    """The right to run jobs, held by one scheduler process at a time and renewed at every tick.

    A second scheduler finds the lease held and does nothing; if the holder dies, the lease expires and
    a standby takes over. A database row works the same on SQLite and PostgreSQL, needs no Redis, and
    survives connection drops (a PostgreSQL advisory lock would silently vanish with its connection).
    """

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=200)
    acquired_at = models.DateTimeField()
    renewed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "quyền chạy lịch"
        verbose_name_plural = "quyền chạy lịch"

    def __str__(self):
        return f"{self.name}: {self.holder} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
