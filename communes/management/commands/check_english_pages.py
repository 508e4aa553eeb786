"""`manage.py check_english_pages`: the sites whose organisation page has no published English version.

Nghị định 42/2022/NĐ-CP, Điều 7 wants the organisation page of every site in English too. Lists the
portal and each commune that lacks it, with the admin page where an editor puts it right; exits 1 when
any is listed (for a cron job or a monitoring check), 0 when every site has it.
"""

import sys

from django.core.management.base import BaseCommand

from communes.english import organisation_pages_without_english


class Command(BaseCommand):
    help = "Liệt kê các trang (cổng thông tin, xã) có trang cơ cấu tổ chức chưa có bản tiếng Anh đã xuất bản."

    def handle(self, *args, **options):
        missing = organisation_pages_without_english()
        if not missing:
            self.stdout.write(self.style.SUCCESS(
                "Mọi trang cơ cấu tổ chức đều đã có bản tiếng Anh được xuất bản (Nghị định 42/2022/NĐ-CP, Điều 7)."
            ))
            return
        self.stdout.write(
            f"{len(missing)} đơn vị chưa có bản tiếng Anh đã xuất bản của trang cơ cấu tổ chức "
            "(Nghị định 42/2022/NĐ-CP, Điều 7):"
        )
        for row in missing:
            self.stdout.write(f"  - {row.site}: {row.problem}. Sửa tại: {row.edit_url}")
        sys.exit(1)
