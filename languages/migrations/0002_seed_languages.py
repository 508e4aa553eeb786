"""The ethnic-minority languages the seed plans name, with their ISO 639-3 codes (Khmer: ISO 639-1) and
the names their speakers use. Only names: no text is written in these languages here."""

from django.db import migrations

LANGUAGES = [
    # code, Vietnamese name, native name, script
    ("bdq", "Tiếng Ba Na", "Bahnar", "Latn"),
    ("sed", "Tiếng Xơ Đăng", "Xơ Đăng", "Latn"),
    ("jra", "Tiếng Gia Rai", "Jarai", "Latn"),
    ("rad", "Tiếng Ê Đê", "Êđê", "Latn"),
    ("blt", "Tiếng Thái Đen", "Tai Dam", "Tavt"),
    ("twh", "Tiếng Thái Trắng", "Tai Dón", "Tavt"),
    ("hnj", "Tiếng H'Mông", "Hmoob", "Latn"),
    ("km", "Tiếng Khmer", "ខ្មែរ", "Khmr"),
    ("tyz", "Tiếng Tày", "Tày", "Latn"),
    ("mtq", "Tiếng Mường", "Mường", "Latn"),
    ("cjm", "Tiếng Chăm", "Cham", "Cham"),
]


def seed(apps, schema_editor):
    Language = apps.get_model("languages", "Language")
    for code, name, native_name, script in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name, "native_name": native_name, "script": script})


class Migration(migrations.Migration):
    dependencies = [("languages", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
