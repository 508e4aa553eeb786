"""Seed the national days off for 2025–2026 (Bộ luật Lao động 2019, Điều 112, and the government's
yearly schedules for civil servants). Portal staff keep the table up to date in the admin."""

from datetime import date

from django.db import migrations

# (date, name, is_working_day). Weekend days inside a holiday stretch need no row.
NATIONAL_DAYS = [
    (date(2025, 1, 1), "Tết Dương lịch", False),
    (date(2025, 1, 27), "Tết Nguyên đán Ất Tỵ", False),
    (date(2025, 1, 28), "Tết Nguyên đán Ất Tỵ", False),
    (date(2025, 1, 29), "Tết Nguyên đán Ất Tỵ (mùng 1)", False),
    (date(2025, 1, 30), "Tết Nguyên đán Ất Tỵ", False),
    (date(2025, 1, 31), "Tết Nguyên đán Ất Tỵ", False),
    (date(2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False),
    (date(2025, 4, 26), "Làm bù cho ngày nghỉ 02/5/2025", True),
    (date(2025, 4, 30), "Ngày Chiến thắng", False),
    (date(2025, 5, 1), "Ngày Quốc tế Lao động", False),
    (date(2025, 5, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", False),
    (date(2025, 9, 1), "Quốc khánh", False),
    (date(2025, 9, 2), "Quốc khánh", False),
    (date(2026, 1, 1), "Tết Dương lịch", False),
    (date(2026, 2, 16), "Tết Nguyên đán Bính Ngọ", False),
    (date(2026, 2, 17), "Tết Nguyên đán Bính Ngọ (mùng 1)", False),
    (date(2026, 2, 18), "Tết Nguyên đán Bính Ngọ", False),
    (date(2026, 2, 19), "Tết Nguyên đán Bính Ngọ", False),
    (date(2026, 2, 20), "Tết Nguyên đán Bính Ngọ", False),
    (date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật 26/4)", False),
    (date(2026, 4, 30), "Ngày Chiến thắng", False),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động", False),
    (date(2026, 9, 1), "Quốc khánh", False),
    (date(2026, 9, 2), "Quốc khánh", False),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("questions", "Holiday")
    for day, name, is_working_day in NATIONAL_DAYS:
        Holiday.objects.get_or_create(date=day, commune=None, defaults={"name": name, "is_working_day": is_working_day})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("questions", "Holiday")
    Holiday.objects.filter(commune=None, date__in=[d for d, *_ in NATIONAL_DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("questions", "0002_questions")]
    operations = [migrations.RunPython(seed, unseed)]
