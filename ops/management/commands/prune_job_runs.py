"""Delete the scheduler's records of job runs older than --days (the last run of each job is always kept)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from ops.models import JobRun


class Command(BaseCommand):
    help = "Xóa lịch sử chạy công việc định kỳ cũ."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="Số ngày giữ lại (mặc định 90).")

    def handle(self, *args, days=90, **options):
        if days < 1:
            raise CommandError("Số ngày giữ lại phải từ 1 trở lên.")
        latest = JobRun.objects.values("job").annotate(last=Max("pk")).values_list("last", flat=True)
        old = JobRun.objects.filter(started__lt=timezone.now() - timedelta(days=days)).exclude(pk__in=list(latest))
        count = old.delete()[0]
        self.stdout.write(f"Đã xóa {count} bản ghi chạy công việc cũ hơn {days} ngày.")
