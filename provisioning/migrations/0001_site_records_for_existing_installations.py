"""Carry installations made before site records existed over: one `CommuneSite` per commune home and one
`Portal`, pointing at the groups, collection and workflow that provisioning made for them then (found
once more by the names it gave them; from now on they are found by key). A commune whose pieces are
missing is left without a record and reported: `manage.py provision` completes it."""

from django.db import migrations

PORTAL_ADMINS_GROUP = "Quản trị cổng thông tin"


def create_records(apps, schema_editor):
    from django.conf import settings

    CommuneSite = apps.get_model("sites", "CommuneSite")
    Portal = apps.get_model("sites", "Portal")
    CommuneHomePage = apps.get_model("communes", "CommuneHomePage")
    PortalHomePage = apps.get_model("home", "PortalHomePage")
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Site = apps.get_model("wagtailcore", "Site")
    language = settings.LANGUAGE_CODE

    portal = PortalHomePage.objects.filter(locale__language_code=language).select_related("unit").first()
    staff = Group.objects.filter(name=PORTAL_ADMINS_GROUP).first()
    if portal is not None and staff is not None and not Portal.objects.exists():
        Portal.objects.create(unit_id=portal.unit_id, home_id=portal.pk, staff=staff)

    incomplete = []
    for home in CommuneHomePage.objects.filter(locale__language_code=language).select_related("unit"):
        if CommuneSite.objects.filter(unit_id=home.unit_id).exists():
            continue
        label = f"{home.unit.name} ({home.unit.code})"
        editors = Group.objects.filter(name=f"{label} – Biên tập viên").first()
        approvers = Group.objects.filter(name=f"{label} – Người duyệt").first()
        collection = Collection.objects.filter(name=label).first()
        workflow_page = WorkflowPage.objects.filter(page_id=home.pk).first()
        if not (editors and approvers and collection and workflow_page):
            incomplete.append(label)
            continue
        CommuneSite.objects.create(
            unit_id=home.unit_id, home_id=home.pk, site=Site.objects.filter(root_page_id=home.pk).first(),
            editors=editors, approvers=approvers, collection=collection, workflow_id=workflow_page.workflow_id,
        )
    if incomplete:
        print(f"\n  Chưa đủ thông tin để lập bản ghi cho: {', '.join(incomplete)}. Hãy chạy lại `manage.py provision`.")


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0004_commune_site_and_portal"),
        ("communes", "0002_contact_defaults"),
        ("home", "0002_contact_defaults"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(create_records, migrations.RunPython.noop)]
