"""`manage.py provision`: build a portal and all its commune websites from official unit data.

    manage.py provision --csv provisioning/data/dak-ha-district-units-2024.csv   # a district (pre-2025 units)
    manage.py provision --province 79                                     # a province (post-2025 registry)

All input is validated before anything is written; running it again creates nothing new.
"""

import logging
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provisioning.importers import (
    UnitDataError,
    check_plan_against_database,
    provision_plan,
    read_province,
    read_units_csv,
)
from provisioning.services import ProvisioningError

# Per-page log lines ("Page created…", background task states) drown the progress display on a bulk
# run; they are silenced below verbosity 2. Wagtail's audit log in the database still records every page.
CHATTY_LOGGERS = ("wagtail", "django_tasks")


class Command(BaseCommand):
    help = "Tạo cổng thông tin và toàn bộ trang thông tin điện tử cấp xã từ tệp CSV của huyện hoặc danh mục tỉnh."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--csv", metavar="FILE", help="Tệp CSV các xã của một huyện (cột: code, name, type, …).")
        source.add_argument("--province", metavar="CODE", help="Mã tỉnh, thành phố sau sắp xếp 2025 (ví dụ 51, 79).")
        parser.add_argument("--district", metavar="CODE", help="Mã huyện mà tệp CSV phải thuộc về (kiểm tra thêm).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra dữ liệu, không ghi gì.")

    def handle(self, *args, csv=None, province=None, district=None, dry_run=False, **options):
        plan = self._read(csv, province, district)
        problems = check_plan_against_database(plan)
        if problems:
            raise CommandError(self._report(problems))
        total = len(plan.communes)
        self.stdout.write(f"{plan.portal.name} ({plan.portal.code}): {total} đơn vị cấp xã, dữ liệu hợp lệ.")
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì vào cơ sở dữ liệu.")
            return

        started = time.perf_counter()
        progress = self._progress(total)
        try:
            with quiet_logs(options["verbosity"] < 2):
                result = provision_plan(plan, on_commune=progress.step)
        except KeyboardInterrupt:
            progress.close()
            raise CommandError(
                "Đã dừng giữa chừng. Các xã đã tạo xong vẫn giữ nguyên, xã đang tạo dở được hoàn tác; "
                "chạy lại đúng lệnh này để hoàn tất."
            ) from None
        except UnitDataError as error:
            progress.close()
            raise CommandError(self._report(error.problems)) from None
        except ProvisioningError as error:
            progress.close()
            raise CommandError(
                f"{error}\nXã đang tạo dở đã được hoàn tác; các xã tạo xong trước đó vẫn giữ nguyên. "
                "Sửa nguyên nhân rồi chạy lại đúng lệnh này để hoàn tất."
            ) from None
        progress.close()
        elapsed = time.perf_counter() - started
        per_unit = elapsed / total * 1000 if total else 0
        self.stdout.write(self.style.SUCCESS(
            f"Xong: cổng {result.portal.title}; {len(result.created)} trang xã mới, "
            f"{len(result.completed)} trang đã có (đã kiểm tra, bổ sung nếu thiếu). "
            f"Thời gian: {elapsed:.1f} giây ({per_unit:.0f} ms/đơn vị)."
        ))

    def _read(self, csv_path, province, district):
        try:
            if province is not None:
                return read_province(province)
            path = Path(csv_path)
            if not path.is_file():
                raise CommandError(f"Không tìm thấy tệp {csv_path}.")
            with path.open(encoding="utf-8-sig", newline="") as lines:
                return read_units_csv(lines, district_code=district)
        except UnitDataError as error:
            raise CommandError(self._report(error.problems)) from None

    @staticmethod
    def _report(problems):
        return "Dữ liệu không hợp lệ, chưa tạo gì:\n" + "\n".join(f"  - {problem}" for problem in problems)

    def _progress(self, total):
        if self.stdout.isatty():
            return _BarProgress(total, self.stdout._out)
        return _LineProgress(total, self.stdout)


class _BarProgress:
    """A tqdm bar, for people watching a terminal."""

    def __init__(self, total, stream):
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="xã", file=stream, dynamic_ncols=True)

    def step(self, unit, created):
        self.bar.set_postfix_str(unit.name, refresh=False)
        self.bar.update(1)

    def close(self):
        self.bar.close()


class _LineProgress:
    """Plain lines, for logs and pipes where a redrawn bar would be noise."""

    def __init__(self, total, stdout):
        self.total, self.stdout, self.done = total, stdout, 0
        self.width = len(str(total))

    def step(self, unit, created):
        self.done += 1
        state = "đã tạo" if created else "đã có"
        self.stdout.write(f"[{self.done:>{self.width}}/{self.total}] {state}: {unit.name} ({unit.code})")

    def close(self):
        pass


@contextmanager
def quiet_logs(enabled=True):
    loggers = [logging.getLogger(name) for name in CHATTY_LOGGERS] if enabled else []
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.level, logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
