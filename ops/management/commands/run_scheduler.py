"""Run the periodic jobs of ops/jobs.py on time, for ever (or one tick with --once).

One per installation: a second one waits, doing nothing, until the first stops renewing its lease.
Run it beside gunicorn and `db_worker`, under the same supervisor and environment.
"""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from ops.scheduler import Scheduler


class Command(BaseCommand):
    help = "Chạy các công việc định kỳ (xuất bản theo lịch, xóa dữ liệu hết hạn…) đúng giờ."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Chạy một lượt các việc đến hạn rồi thoát.")
        parser.add_argument("--tick", type=float, default=None,
                            help="Số giây giữa hai lượt kiểm tra (mặc định: SCHEDULER_TICK_SECONDS).")

    def handle(self, *args, once=False, tick=None, **options):
        tick = tick or settings.SCHEDULER_TICK_SECONDS
        scheduler = Scheduler(lease_seconds=max(60, int(tick * 4)))
        if once:
            runs = scheduler.tick()
            for run in runs:
                self.stdout.write(f"{run.job}: {run.get_outcome_display()}")
            if not scheduler.holding:
                self.stdout.write("Một tiến trình lập lịch khác đang chạy; không làm gì.")
            scheduler.release()
            return
        stop = []

        def ask_to_stop(signum, frame):
            stop.append(signum)  # the job under way finishes; the loop ends before the next one

        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
        self.stdout.write(f"Bắt đầu lập lịch ({scheduler.holder}), {tick:g} giây một lượt.")
        scheduler.loop(tick_seconds=tick, should_stop=lambda: bool(stop))
