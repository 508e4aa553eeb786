"""The scheduler: one process per installation runs the jobs of ops/jobs.py on time and records each run.

A tick (every `SCHEDULER_TICK_SECONDS`) renews the lease and runs every job that is due, one after the
other, through `call_command`. Only the lease holder runs anything, so a second scheduler started by
mistake (or kept as a standby) does nothing until the first one stops renewing. A job's run is recorded
as a `JobRun` before it starts, so even two schedulers that both believe they hold the lease cannot
start the same job twice while it runs.
"""

import io
import logging
import os
import socket
import time
import traceback
import uuid
from datetime import timedelta

from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from ops.jobs import Job, jobs
from ops.models import JobRun, Outcome, SchedulerLease
from ops.status import is_due, is_stale, last_run

logger = logging.getLogger("ops.scheduler")

LEASE_NAME = "scheduler"
OUTPUT_LIMIT = 4000  # characters of a run's output kept in JobRun.output (its end, where errors are)


def holder_id():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Scheduler:
    def __init__(self, *, holder: str | None = None, lease_seconds: int = 120):
        self.holder = holder or holder_id()
        self.lease = timedelta(seconds=lease_seconds)
        self.holding = False
        self.waiting_for = None  # the holder this standby last said it waits for

    # ------------------------------------------------------------------------------------------ the lease

    def acquire(self, now=None) -> bool:
        """Take or renew the lease; False while another live scheduler holds it."""
        now = now or timezone.now()
        held = SchedulerLease.objects.filter(name=LEASE_NAME).filter(Q(holder=self.holder) | Q(expires_at__lt=now))
        # One UPDATE: on PostgreSQL a competing scheduler waits for the row and then re-reads the condition.
        got = held.update(holder=self.holder, renewed_at=now, expires_at=now + self.lease) == 1
        if not got:
            try:
                with transaction.atomic():
                    SchedulerLease.objects.create(
                        name=LEASE_NAME, holder=self.holder, acquired_at=now, renewed_at=now, expires_at=now + self.lease
                    )
                got = True
            except IntegrityError:
                got = False
        if got and not self.holding:
            SchedulerLease.objects.filter(name=LEASE_NAME).update(acquired_at=now)
            logger.info("scheduler %s holds the lease", self.holder)
        elif not got and self.holding:
            logger.warning("scheduler %s lost the lease", self.holder)
        elif not got:
            holder = SchedulerLease.objects.filter(name=LEASE_NAME).values_list("holder", flat=True).first()
            if holder != self.waiting_for:  # said once per holder, not at every tick of a standby
                logger.info("another scheduler holds the lease (%s); this one waits", holder)
            self.waiting_for = holder
        if got:
            self.waiting_for = None
        self.holding = got
        return got

    def release(self):
        SchedulerLease.objects.filter(name=LEASE_NAME, holder=self.holder).update(expires_at=timezone.now())
        self.holding = False
        self.waiting_for = None

    # ------------------------------------------------------------------------------------------ the jobs

    def tick(self, now=None) -> list[JobRun]:
        """Run every due job once; return the runs (none when another scheduler holds the lease)."""
        if not self.acquire(now):
            return []
        runs = []
        for job in jobs().values():
            run = last_run(job.name)
            at = now or timezone.now()
            if run is not None and is_stale(run, job, at):
                JobRun.objects.filter(pk=run.pk, outcome=Outcome.RUNNING).update(
                    outcome=Outcome.ABANDONED, finished=at, output=(run.output + "\nTiến trình dừng giữa chừng.").strip()
                )
                run.outcome = Outcome.ABANDONED
            if not is_due(job, at, run):
                continue
            if not self.acquire(now):  # a long job may have outlived the lease: renew before the next
                break
            runs.append(self.run(job))
        return runs

    def run(self, job: Job) -> JobRun:
        run = JobRun.objects.create(job=job.name, started=timezone.now(), scheduler=self.holder)
        output = io.StringIO()
        clock = time.monotonic()
        try:
            call_command(job.command, *job.args, stdout=output, stderr=output)
            run.outcome = Outcome.SUCCESS
        except (Exception, SystemExit):  # noqa: BLE001 - any failure of the job is its outcome, not the scheduler's end
            run.outcome = Outcome.FAILED
            output.write(traceback.format_exc(limit=5))
        run.finished = timezone.now()
        run.output = output.getvalue()[-OUTPUT_LIMIT:]
        run.save(update_fields=["outcome", "finished", "output"])
        duration_ms = round((time.monotonic() - clock) * 1000)
        log = logger.error if run.outcome == Outcome.FAILED else logger.info
        log("job %s %s in %d ms", job.name, run.outcome, duration_ms,
            extra={"job": job.name, "outcome": run.outcome, "duration_ms": duration_ms})
        return run

    def loop(self, *, tick_seconds: float, should_stop=lambda: False):
        while not should_stop():
            started = time.monotonic()
            # As around a request: drop a connection that is broken or past DATABASE_CONN_MAX_AGE.
            close_old_connections()
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the database went away for a moment: log it, try again next tick
                logger.exception("scheduler tick failed")
            close_old_connections()
            while not should_stop() and time.monotonic() - started < tick_seconds:
                time.sleep(0.5)
        self.release()
