"""Erase senders' contact data once the retention period after closing a question has passed.

Run daily from a scheduler (cron, systemd timer, Kubernetes CronJob):
    python manage.py questions_erase_personal_data
"""

from django.core.management.base import BaseCommand

from questions.services import erase_expired_personal_data, retention_days


class Command(BaseCommand):
    help = "Xóa thông tin liên hệ của người gửi khi câu hỏi đã kết thúc quá thời hạn lưu trữ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None,
            help="Số ngày lưu trữ sau khi kết thúc (mặc định: QUESTIONS_RETENTION_DAYS, 365).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không xóa.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = retention_days() if days is None else days
        if days < 0:
            self.stderr.write("Số ngày lưu trữ không được âm.")
            return
        count = erase_expired_personal_data(days=days, dry_run=dry_run)
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        self.stdout.write(f"{verb} dữ liệu cá nhân của {count} câu hỏi kết thúc quá {days} ngày.")
