"""Merge communes into one, as an administrative reform decides.

    manage.py merge_communes --into 23524 --from 23521 23503 --date 01/07/2025
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from home.models import PortalHomePage
from provisioning.merge import communes_merge
from provisioning.services import ProvisioningError
from sites.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Sáp nhập các xã: chuyển tin tức, văn bản, hỏi đáp sang xã mới và chuyển hướng địa chỉ cũ."

    def add_arguments(self, parser):
        parser.add_argument("--into", required=True, help="mã đơn vị của xã sau sáp nhập")
        parser.add_argument("--from", dest="sources", nargs="+", required=True, help="mã các đơn vị bị sáp nhập")
        parser.add_argument("--date", required=True, help="ngày hiệu lực, dd/mm/yyyy")

    def handle(self, *args, into, sources, date, **options):
        try:
            effective_date = datetime.strptime(date, "%d/%m/%Y").date()
        except ValueError:
            raise CommandError(f"Ngày “{date}” không đúng dạng dd/mm/yyyy.") from None
        codes = [into, *sources]
        units = {unit.code: unit for unit in AdministrativeUnit.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in units]
        if unknown:
            raise CommandError(f"Không có đơn vị hành chính mã {', '.join(unknown)} trong danh mục.")
        portal = PortalHomePage.objects.filter(locale__language_code="vi").first()
        if portal is None:
            raise CommandError("Chưa có cổng thông tin; hãy chạy lệnh provision trước.")
        try:
            report = communes_merge(
                sources=[units[code] for code in sources], target_unit=units[into], portal=portal,
                effective_date=effective_date,
            )
        except ProvisioningError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Đã sáp nhập vào {units[into].name}: {report.moved_pages} trang, {report.moved_questions} câu hỏi, "
            f"{report.redirects} chuyển hướng mới."
        ))
        for hostname in report.retired_hostnames:
            self.stdout.write(f"  {hostname} nay chuyển hướng về {report.target.site.hostname}")
