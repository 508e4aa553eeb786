"""English is enabled beside Vietnamese (the default, made by Wagtail's first migration from
LANGUAGE_CODE): the organisation page must exist in English (Nghị định 42/2022, Điều 7)."""

from django.db import migrations


def add_english(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="en")


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(add_english, migrations.RunPython.noop)]
