"""Wagtail's first migrations make "Editors" and "Moderators" groups with permissions on the root page,
that is, on every commune. Tenancy means no such group may exist: staff belong to their commune's
groups (or the portal's). Groups someone already uses are left alone."""

from django.db import migrations


def remove_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_english_locale"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
    ]

    operations = [migrations.RunPython(remove_default_groups, migrations.RunPython.noop)]
