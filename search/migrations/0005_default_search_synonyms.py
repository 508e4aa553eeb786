"""The portal's default synonyms: abbreviations citizens type for the bodies and papers they deal with.
Portal staff extend or correct them in the admin (Tìm kiếm › Từ đồng nghĩa)."""

from django.db import migrations

from core.folding import search_text

DEFAULTS = [
    ("BHYT", "bảo hiểm y tế"),
    ("BHXH", "bảo hiểm xã hội"),
    ("BHTN", "bảo hiểm thất nghiệp"),
    ("UBND", "ủy ban nhân dân"),
    ("HĐND", "hội đồng nhân dân"),
    ("MTTQ", "mặt trận tổ quốc"),
    ("CCCD", "căn cước công dân"),
    ("CMND", "chứng minh nhân dân"),
    ("GPLX", "giấy phép lái xe"),
    ("GCN", "giấy chứng nhận"),
    ("QSDĐ", "quyền sử dụng đất"),
    ("THPT", "trung học phổ thông"),
    ("THCS", "trung học cơ sở"),
    ("TTHC", "thủ tục hành chính"),
    ("NTM", "nông thôn mới"),
    ("CNTT", "công nghệ thông tin"),
    ("PCCC", "phòng cháy chữa cháy"),
    ("ATGT", "an toàn giao thông"),
    ("ATTP", "an toàn thực phẩm"),
    ("KHKT", "khoa học kỹ thuật"),
    ("DTTS", "dân tộc thiểu số"),
    ("CSGT", "cảnh sát giao thông"),
]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    existing = set(SearchSynonym.objects.filter(commune__isnull=True).values_list("abbreviation_key", "phrase_key"))
    rows = []
    for abbreviation, phrase in DEFAULTS:
        key = (search_text(abbreviation), search_text(phrase))
        if key not in existing:
            rows.append(SearchSynonym(abbreviation=abbreviation, phrase=phrase,
                                      abbreviation_key=key[0], phrase_key=key[1]))
    SearchSynonym.objects.bulk_create(rows)


def grant_to_existing_groups(apps, schema_editor):
    """Groups that manage search promotions (every commune's and the portal's, from provisioning) manage
    synonyms too, as provisioning grants new groups."""
    from django.contrib.auth.management import create_permissions

    # Permissions are otherwise made after all migrations; the historical app needs a models module to get them.
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = list(Permission.objects.filter(content_type__app_label="search", codename__in=[
        f"{action}_searchsynonym" for action in ("view", "add", "change", "delete")]))
    for group in Group.objects.filter(permissions__content_type__app_label="search",
                                      permissions__codename="add_searchpromotion"):
        group.permissions.add(*wanted)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_search_synonyms"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant_to_existing_groups, migrations.RunPython.noop),
    ]
