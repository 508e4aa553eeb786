"""Add the national make-up working Saturday 22/08/2026.

Vietnam's public holidays now come from the `holidays` package (questions/workdays.py). For 2026 it
already gives Monday 31/08/2026 off, swapped for Saturday 22/08/2026 ("Ngày nghỉ (thay cho ngày
22/08/2026)"), but a make-up working day is the Holiday table's job: without this row the swap would
only add a day off. Rows that portal staff already keep for that date are left as they are.
"""

from datetime import date

from django.db import migrations

DAY, NAME = date(2026, 8, 22), "Làm bù cho ngày nghỉ 31/8/2026"


def seed(apps, schema_editor):
    Holiday = apps.get_model("questions", "Holiday")
    Holiday.objects.get_or_create(date=DAY, commune=None, defaults={"name": NAME, "is_working_day": True})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("questions", "Holiday")
    Holiday.objects.filter(date=DAY, commune=None, name=NAME, is_working_day=True).delete()


class Migration(migrations.Migration):
    dependencies = [("questions", "0006_question_notification")]
    operations = [migrations.RunPython(seed, unseed)]
