"""Delete search query statistics older than the retention period (a year by default).

Queries citizens type can hold personal details; only a year of daily counts is kept. Run daily from a
scheduler (cron, systemd timer, Kubernetes CronJob):
    python manage.py search_purge_query_stats [--days 365] [--dry-run]
"""

from django.core.management.base import BaseCommand, CommandError

from search.models import query_stats_purge

DEFAULT_DAYS = 365


class Command(BaseCommand):
    help = "Xóa thống kê từ khóa tìm kiếm cũ hơn thời hạn lưu trữ (mặc định 365 ngày)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                            help=f"Số ngày lưu trữ (mặc định: {DEFAULT_DAYS}).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không xóa.")

    def handle(self, *args, days=DEFAULT_DAYS, dry_run=False, **options):
        if days < 1:
            raise CommandError("Số ngày lưu trữ phải từ 1 trở lên.")
        count = query_stats_purge(days=days, dry_run=dry_run)
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        self.stdout.write(f"{verb} {count} dòng thống kê từ khóa tìm kiếm cũ hơn {days} ngày.")
