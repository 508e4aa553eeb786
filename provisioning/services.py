"""Provisioning: one function creates a portal, one creates a commune site completely.

Both are idempotent: calling them again finds what exists (through the site's record, by key, never by
display name), completes what is missing, and duplicates nothing. Each runs in one transaction, so a
failure leaves nothing half-created.

The permissions each role holds are declared here, one entry per feature (`ROLE_PERMISSIONS`); they
are granted when a site is provisioned and brought up to date for every site after each `migrate`.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from communes.models import CommuneHomePage, CommuneProfilePage, DocumentIndexPage, NewsIndexPage, OrganisationPage
from home.models import PortalHomePage
from questions.models import QuestionIndexPage
from sites.models import COMMUNE_KINDS, PORTAL_KINDS, AdministrativeUnit, CommuneSite, Portal

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page"]
APPROVER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
PORTAL_PAGE_PERMISSIONS = APPROVER_PAGE_PERMISSIONS + ["bulk_delete_page"]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add", "change", "choose"]),
    ("wagtaildocs", "document", ["add", "change", "choose"]),
]
APPROVER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add", "change", "choose", "delete"]),
    ("wagtaildocs", "document", ["add", "change", "choose", "delete"]),
]
# Model permissions ("app_label.codename") each role holds besides pages and collections: one entry
# per feature. The tenancy layer narrows every one of them to the role's own commune(s); they only say
# *what* a role may do. A new feature adds its entry here; `roles_sync` grants it to every existing
# site after `migrate`.
BROADCASTS_EDITOR = [
    *(f"broadcasts.{action}_{model}"
      for model in ("area", "boardgroup", "device", "boardnotice", "alert", "radiobulletin", "relay")
      for action in ("view", "add", "change")),
    "broadcasts.view_play", "broadcasts.view_deviceevent",
    # One settings row per commune, made by the admin: its staff change it, nobody adds or deletes one.
    "broadcasts.view_radiosettings", "broadcasts.change_radiosettings",
]
BROADCASTS_APPROVER = [
    *BROADCASTS_EDITOR,
    *(f"broadcasts.delete_{model}"
      for model in ("area", "boardgroup", "device", "boardnotice", "alert", "radiobulletin", "relay")),
    "broadcasts.publish_boardnotice", "broadcasts.lock_boardnotice", "broadcasts.unlock_boardnotice",
    "broadcasts.publish_radiobulletin", "broadcasts.lock_radiobulletin", "broadcasts.unlock_radiobulletin",
    "broadcasts.manage_device_tokens",
]
ROLE_PERMISSIONS = {
    "admin": {
        # submit_translation: staff make the English version of their own pages (Nghị định 42/2022, Điều 7).
        "editor": ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"],
        "approver": ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"],
        "portal": ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"],
    },
    "questions": {
        "editor": [
            "questions.view_question", "questions.change_question", "questions.answer_question",
            "questions.view_holiday", "questions.add_holiday", "questions.change_holiday", "questions.delete_holiday",
        ],
        "approver": [
            "questions.view_question", "questions.change_question", "questions.answer_question",
            "questions.view_holiday", "questions.add_holiday", "questions.change_holiday", "questions.delete_holiday",
            "questions.publish_question", "questions.reject_question", "questions.view_personal_data",
            "questions.view_personaldataaccess",
        ],
        "portal": [
            "questions.view_question", "questions.change_question", "questions.answer_question",
            "questions.view_holiday", "questions.add_holiday", "questions.change_holiday", "questions.delete_holiday",
            "questions.publish_question", "questions.reject_question", "questions.view_personal_data",
            "questions.view_personaldataaccess", "questions.export_personal_data",
        ],
    },
    "broadcasts": {
        "editor": BROADCASTS_EDITOR,
        "approver": BROADCASTS_APPROVER,
        "portal": BROADCASTS_APPROVER,
        # Publishing an emergency alert is a role of its own (one group for the installation); the
        # tenancy layer limits a commune's publishers to their commune, portal staff to the portal's.
        "emergency": [f"broadcasts.{action}_alert" for action in ("view", "add", "change", "publish")],
    },
    "languages": {
        # Portal staff keep the registry and enable languages on sites (the home page a site's translations
        # hang from is made then: languages/services.py); commune staff see their commune's.
        "editor": ["languages.view_language", "languages.view_sitelanguage"],
        "approver": ["languages.view_language", "languages.view_sitelanguage"],
        "portal": [f"languages.{action}_{model}" for model in ("language", "sitelanguage")
                   for action in ("view", "add", "change", "delete")],
    },
    "search": {
        role: [f"search.{action}_{model}" for model in ("searchpromotion", "searchsynonym")
               for action in ("view", "add", "change", "delete")]
        for role in ("editor", "approver", "portal")
    },
}


def role_permissions(role: str) -> list[str]:
    return [name for feature in ROLE_PERMISSIONS.values() for name in feature.get(role, [])]


EDITOR_MODEL_PERMISSIONS = role_permissions("editor")
APPROVER_MODEL_PERMISSIONS = role_permissions("approver")
PORTAL_MODEL_PERMISSIONS = role_permissions("portal")

PORTAL_ADMINS_GROUP = "Quản trị cổng thông tin"
EMERGENCY_PUBLISHERS_GROUP = "Người phát cảnh báo khẩn cấp"
KIND_PREFIXES = ("thanh_pho_", "thi_tran_", "dac_khu_", "phuong_", "xa_", "huyen_", "tinh_")


class ProvisioningError(Exception):
    """Provisioning cannot go on; the message says why in words an operator can act on."""


def path_slug(unit):
    """The commune's path under the portal: "xa_dak_la" → "xa-dak-la"."""
    return unit.codename.replace("_", "-")


def hostname_label(unit):
    """The commune's hostname label, without its kind word: "xa_dak_la" → "dak-la"."""
    codename = unit.codename
    for prefix in KIND_PREFIXES:
        if codename.startswith(prefix):
            codename = codename[len(prefix):]
            break
    return codename.replace("_", "-")


def agency_name(unit):
    """"Xã Đắk La" → "Ủy ban nhân dân xã Đắk La"."""
    return f"Ủy ban nhân dân {unit.name[0].lower()}{unit.name[1:]}"


def default_locale():
    return Locale.get_default()


def _permissions(names):
    """{(app_label, codename): Permission} in one query: provisioning 168 communes used to spend
    a quarter of its queries looking permissions up one by one."""
    condition = Q()
    for app_label, codename in names:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(condition).select_related("content_type")
    }
    missing = set(names) - set(found)
    if missing:
        raise Permission.DoesNotExist(f"Permissions not found: {sorted(missing)}")
    return found


def _grant_model_permissions(group, dotted_names):
    group.permissions.add(*_permissions([tuple(name.split(".", 1)) for name in dotted_names]).values())


def _grant_page_permissions(group, page, codenames):
    wanted = _permissions([("wagtailcore", codename) for codename in codenames]).values()
    held = set(GroupPagePermission.objects.filter(group=group, page=page).values_list("permission_id", flat=True))
    GroupPagePermission.objects.bulk_create(
        [GroupPagePermission(group=group, page=page, permission=p) for p in wanted if p.pk not in held]
    )


def _grant_collection_permissions(group, collection, spec):
    wanted = _permissions(
        [(app_label, f"{action}_{model}") for app_label, model, actions in spec for action in actions]
    ).values()
    held = set(
        GroupCollectionPermission.objects.filter(group=group, collection=collection).values_list("permission_id", flat=True)
    )
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group=group, collection=collection, permission=p) for p in wanted if p.pk not in held]
    )


def _remove_wagtail_welcome_page():
    """Wagtail's first migration makes a placeholder "Welcome" page and site; the portal replaces them."""
    for page in Page.objects.filter(depth=2, content_type=ContentType.objects.get_for_model(Page)):
        Site.objects.filter(root_page=page).delete()
        page.delete()


def _child_collection(name):
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


@transaction.atomic
def portal_create(*, unit: AdministrativeUnit, hostname: str | None = None, port: int | None = None,
                  intro: str = "") -> PortalHomePage:
    """Create (or complete) the portal for a district or province unit."""
    if unit.kind not in PORTAL_KINDS:
        raise ProvisioningError(f"{unit} không phải đơn vị cấp huyện hoặc cấp tỉnh nên không thể làm cổng thông tin.")
    hostname = hostname or settings.SITE_DOMAIN
    port = port or settings.SITE_PORT
    portal = PortalHomePage.objects.filter(unit=unit, locale=default_locale()).first()
    if portal is None:
        existing = PortalHomePage.objects.filter(locale=default_locale()).first()
        if existing is not None:
            raise ProvisioningError(
                f"Hệ thống đã có cổng thông tin của {existing.unit}; mỗi cài đặt chỉ phục vụ một cổng."
            )
        _remove_wagtail_welcome_page()
        portal = Page.get_first_root_node().add_child(
            instance=PortalHomePage(
                title=f"Cổng thông tin điện tử {unit.name[0].lower()}{unit.name[1:]}",
                slug=path_slug(unit),
                unit=unit,
                agency_name=agency_name(unit),
                intro=intro,
                locale=default_locale(),
            )
        )
    Site.objects.exclude(root_page=portal).filter(is_default_site=True).update(is_default_site=False)
    Site.objects.update_or_create(
        root_page=portal,
        defaults={"hostname": hostname, "port": port, "is_default_site": True, "site_name": portal.title},
    )
    record = Portal.objects.filter(unit=unit).select_related("staff").first()
    group = record.staff if record else Group.objects.get_or_create(name=PORTAL_ADMINS_GROUP)[0]
    Portal.objects.update_or_create(unit=unit, defaults={"home": portal, "staff": group})
    _grant_model_permissions(group, PORTAL_MODEL_PERMISSIONS)
    _grant_page_permissions(group, portal, PORTAL_PAGE_PERMISSIONS)
    _grant_collection_permissions(group, Collection.get_first_root_node(), APPROVER_COLLECTION_PERMISSIONS)
    _ensure_portal_questions_page(portal)
    return portal


def _ensure_portal_questions_page(portal):
    """The portal's /hoi-dap/: every commune's answered questions, with a commune filter."""
    if not portal.get_children().filter(slug="hoi-dap").exists():
        portal.add_child(instance=QuestionIndexPage(
            title="Hỏi đáp trực tuyến", slug="hoi-dap", show_in_menus=True, locale=portal.locale
        ))


def _commune_hostname(unit):
    """`dak-la.<domain>`, or the full codename where another unit already holds the short one."""
    for label in (hostname_label(unit), path_slug(unit), f"{path_slug(unit)}-{unit.code}"):
        hostname = f"{label}.{settings.SITE_DOMAIN}"
        holder = Site.objects.filter(hostname=hostname).select_related("root_page").first()
        if holder is None or getattr(holder.root_page.specific, "unit_id", None) == unit.pk:
            return hostname
    raise ProvisioningError(f"Không tìm được tên miền trống cho {unit}.")


def _standard_sections(unit):
    short = unit.short_name
    return [
        CommuneProfilePage(title=f"Giới thiệu {short}", slug="gioi-thieu", show_in_menus=True),
        OrganisationPage(title="Cơ cấu tổ chức", slug="co-cau-to-chuc", show_in_menus=True),
        NewsIndexPage(title="Tin tức - Sự kiện", slug="tin-tuc", show_in_menus=True),
        DocumentIndexPage(title="Văn bản", slug="van-ban", show_in_menus=True),
        QuestionIndexPage(title="Hỏi đáp trực tuyến", slug="hoi-dap", show_in_menus=True),
    ]


def portal_staff_group() -> Group:
    """The portal staff's group, found by key through the portal's record."""
    record = Portal.objects.select_related("staff").first()
    return record.staff if record else Group.objects.get_or_create(name=PORTAL_ADMINS_GROUP)[0]


@transaction.atomic
def commune_site_create(*, unit: AdministrativeUnit, portal: PortalHomePage) -> CommuneSite:
    """Create (or complete) everything a commune website needs, scoped to that commune alone.

    Returns the commune's `CommuneSite` record (its `home` is the specific `CommuneHomePage`)."""
    if unit.kind not in COMMUNE_KINDS:
        raise ProvisioningError(f"{unit} không phải đơn vị cấp xã (xã, phường, thị trấn, đặc khu).")
    record = CommuneSite.objects.filter(unit=unit).first()
    home = CommuneHomePage.objects.filter(pk=record.home_id).first() if record else None
    home = home or CommuneHomePage.objects.filter(unit=unit, locale=portal.locale).first()
    if home is None:
        if portal.get_children().filter(slug=path_slug(unit)).exists():
            raise ProvisioningError(f"Đường dẫn /{path_slug(unit)}/ đã được trang khác sử dụng.")
        home = portal.add_child(
            instance=CommuneHomePage(
                title=unit.name, slug=path_slug(unit), unit=unit, agency_name=agency_name(unit),
                show_in_menus=True, locale=portal.locale,
            )
        )
    existing_slugs = set(home.get_children().values_list("slug", flat=True))
    for section in _standard_sections(unit):
        if section.slug not in existing_slugs:
            section.locale = home.locale
            home.add_child(instance=section)

    site, _ = Site.objects.update_or_create(
        root_page=home,
        defaults={"hostname": _commune_hostname(unit), "port": settings.SITE_PORT, "site_name": unit.name},
    )

    # Names are for people; the record holds the keys. A renamed unit keeps its groups, collection
    # and workflow (only their names follow the new name), so nothing is duplicated or orphaned.
    label = f"{unit.name} ({unit.code})"
    editors = _named(record.editors if record else None, Group, f"{label} – Biên tập viên")
    approvers = _named(record.approvers if record else None, Group, f"{label} – Người duyệt")
    collection = record.collection if record else _child_collection(label)
    if collection.name != label:
        collection.name = label
        collection.save(update_fields=["name"])
    workflow = _named(record.workflow if record else None, Workflow, f"Duyệt nội dung – {label}")
    task = WorkflowTask.objects.filter(workflow=workflow).select_related("task").first()
    task = task.task.specific if task else GroupApprovalTask.objects.create(name=f"Người duyệt phê duyệt – {label}")
    if task.name != f"Người duyệt phê duyệt – {label}":
        task.name = f"Người duyệt phê duyệt – {label}"
        task.save(update_fields=["name"])
    record, _ = CommuneSite.objects.update_or_create(
        unit=unit,
        defaults={"home": home, "site": site, "editors": editors, "approvers": approvers,
                  "collection": collection, "workflow": workflow},
    )

    _grant_model_permissions(editors, EDITOR_MODEL_PERMISSIONS)
    _grant_model_permissions(approvers, APPROVER_MODEL_PERMISSIONS)
    _grant_page_permissions(editors, home, EDITOR_PAGE_PERMISSIONS)
    _grant_page_permissions(approvers, home, APPROVER_PAGE_PERMISSIONS)
    _grant_collection_permissions(editors, collection, EDITOR_COLLECTION_PERMISSIONS)
    _grant_collection_permissions(approvers, collection, APPROVER_COLLECTION_PERMISSIONS)

    # Portal staff may approve any commune's submissions too (they can publish there anyway).
    task.groups.set([approvers, portal_staff_group()])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})

    record.home = home  # the specific page, for callers that read its fields
    return record


def _named(existing, model, name):
    """The existing object renamed to `name` if needed, or a new one (or one of that name, on first run)."""
    if existing is None:
        return model.objects.get_or_create(name=name)[0]
    if existing.name != name:
        existing.name = name
        existing.save(update_fields=["name"])
    return existing


def commune_collection(home):
    """The image and document collection of a commune home page, by key."""
    record = CommuneSite.objects.filter(home=home).select_related("collection").first()
    return record.collection if record else None


def unit_update_or_create(*, code: str, name: str, kind: str, codename: str,
                          parent: AdministrativeUnit | None = None, valid_from=None) -> AdministrativeUnit:
    unit, _ = AdministrativeUnit.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "codename": codename, "parent": parent, "valid_from": valid_from}
    )
    return unit


def emergency_publishers_group() -> Group:
    """The emergency publishers (one group for the installation): members may publish alerts for the
    communes they work for (every commune, for portal staff)."""
    return Group.objects.get_or_create(name=EMERGENCY_PUBLISHERS_GROUP)[0]


def roles_sync() -> int:
    """Grant every site's groups the model permissions of their role (adding, never removing), so a
    feature added after a site was provisioned reaches it. Returns the number of grants added."""
    through = Group.permissions.through
    wanted = []
    by_role = {role: _permissions([tuple(n.split(".", 1)) for n in role_permissions(role)]).values()
               for role in ("editor", "approver", "portal")}
    for editors_id, approvers_id in CommuneSite.objects.values_list("editors_id", "approvers_id"):
        wanted += [(editors_id, p.pk) for p in by_role["editor"]] + [(approvers_id, p.pk) for p in by_role["approver"]]
    for staff_id in Portal.objects.values_list("staff_id", flat=True):
        wanted += [(staff_id, p.pk) for p in by_role["portal"]]
    emergency = emergency_publishers_group()
    wanted += [(emergency.pk, p.pk) for p in _permissions([tuple(n.split(".", 1)) for n in role_permissions("emergency")]).values()]
    held = set(through.objects.filter(group_id__in={g for g, _ in wanted}).values_list("group_id", "permission_id"))
    missing = [through(group_id=g, permission_id=p) for g, p in set(wanted) - held]
    through.objects.bulk_create(missing, batch_size=1000)
    return len(missing)
