"""Merging communes, as the 2025 reform did: the merged commune's site takes over its predecessors'
news, documents, questions, images and files, and their devices (boards, speaker clusters, with their
history and plays), villages, board groups and board notices; their old hostnames and portal paths
redirect to where that content now lives, so no citizen's bookmark and no search-engine link breaks.

Profiles and organisation pages are not moved: the merged commune writes its own. The old pages are
unpublished, not deleted, and the old units stay in the registry with `valid_to` and a successor.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Site

from broadcasts.alerts import banner_forget
from broadcasts.models import Alert, Area, BoardGroup, BoardNotice, Device, DeviceEvent, DeviceEventKind
from broadcasts.services import feeds_touch
from communes.models import CommuneHomePage
from home.models import PortalHomePage
from provisioning.services import ProvisioningError, commune_collection, commune_site_create
from questions.models import Question
from sites.models import AdministrativeUnit, CommuneSite

MOVED_SECTIONS = ("communes.NewsIndexPage", "communes.DocumentIndexPage")


@dataclass
class MergeReport:
    target: object
    moved_pages: int = 0
    moved_questions: int = 0
    moved_devices: int = 0
    moved_areas: int = 0
    moved_board_groups: int = 0
    moved_notices: int = 0
    alerts_extended: int = 0
    redirects: int = 0
    retired_hostnames: list = field(default_factory=list)


def _relative_path(page, home):
    """A page's path on its commune's own hostname: "/huyen-x/xa-y/tin-tuc/a/" → "/tin-tuc/a"."""
    return Redirect.normalise_path("/" + page.url_path[len(home.url_path):])


def _free_slug(parent, slug):
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _redirect(site, old_path, page):
    _, created = Redirect.objects.update_or_create(
        site=site, old_path=old_path, defaults={"redirect_page": page, "is_permanent": True}
    )
    return int(created)


def _free_name(model, commune, name):
    """A name not yet used by `model` in `commune` ("Thôn 1" → "Thôn 1 (Hà Mòn)")."""
    taken = set(model.objects.filter(commune=commune).values_list("name", flat=True))
    if name not in taken:
        return name
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate


def _move_broadcasts(old: CommuneSite, target: CommuneSite, report: MergeReport) -> None:
    """The old commune's areas, board groups, devices (with their history and plays, which follow the
    device) and board notices now belong to the merged commune. Names that would collide get a suffix."""
    label = old.unit.name
    for model, counter in ((Area, "moved_areas"), (BoardGroup, "moved_board_groups")):
        for row in model.objects.filter(commune=old):
            wanted = f"{row.name} ({label})" if model.objects.filter(commune=target, name=row.name).exists() else row.name
            row.name = _free_name(model, target, wanted)[:120]
            row.commune = target
            row.save(update_fields=["name", "commune"])
            setattr(report, counter, getattr(report, counter) + 1)
    for device in Device.objects.filter(commune=old):
        # The device's own revision changes too: what it should play is now the merged commune's.
        Device.objects.filter(pk=device.pk).update(commune=target, revision=F("revision") + 1)
        DeviceEvent.objects.create(
            device=device, kind=DeviceEventKind.MOVED,
            detail={"from": label, "from_code": old.unit.code, "to": target.unit.name, "to_code": target.unit.code},
        )
        report.moved_devices += 1
    report.moved_notices += BoardNotice.objects.filter(commune=old).update(commune=target)
    # Portal notices sent to the old commune now reach the merged one.
    targets = BoardNotice.target_communes.through.objects
    already = targets.filter(communesite=target).values("boardnotice_id")
    targets.filter(communesite=old, boardnotice__in=already).delete()
    targets.filter(communesite=old).update(communesite=target)
    # Alerts are sent CAP messages and never change: the old commune stays their issuer and among their
    # affected communes (its code is in their geocodes). The merged commune is added to those still in
    # force, so their banner and boards reach the people of the old commune under its new site.
    affected = Alert.communes.through.objects
    for alert in Alert.objects.active().filter(communes=old).exclude(communes=target):
        affected.create(alert=alert, communesite=target)
        report.alerts_extended += 1


def _section(home, model_label):
    app_label, model_name = model_label.split(".")
    return next(
        (child.specific for child in home.get_children()
         if child.content_type.app_label == app_label and child.content_type.model == model_name.lower()),
        None,
    )


@transaction.atomic
def communes_merge(*, sources: list[AdministrativeUnit], target_unit: AdministrativeUnit, portal: PortalHomePage,
                   effective_date: datetime.date) -> MergeReport:
    """Merge the communes of `sources` (AdministrativeUnits) into `target_unit`'s site."""

    if target_unit in sources:
        raise ProvisioningError(f"{target_unit} không thể tự sáp nhập vào chính nó.")
    target = commune_site_create(unit=target_unit, portal=portal)
    report = MergeReport(target=target)
    portal_site = Site.objects.get(root_page=portal)
    target_collection = commune_collection(target.home)
    touched = {target.pk}

    for unit in sources:
        unit.valid_to = effective_date
        unit.save(update_fields=["valid_to"])
        target_unit.predecessors.add(unit)
        home = CommuneHomePage.objects.filter(unit=unit, locale=portal.locale).first()
        if home is None:
            continue  # a unit that never had a site: its history is all there is to record
        old_site = Site.objects.filter(root_page=home).first()

        for section_label in MOVED_SECTIONS:
            source_index, target_index = _section(home, section_label), _section(target.home, section_label)
            if source_index is None or target_index is None:
                continue
            for page in source_index.get_children().specific():
                old_path = _relative_path(page, home)
                if page.slug in set(target_index.get_children().values_list("slug", flat=True)):
                    page.slug = _free_slug(target_index, page.slug)
                    page.save(update_fields=["slug"], clean=False)
                # Wagtail itself redirects the old portal path of a moved page.
                page.move(target_index, pos="last-child")
                report.moved_pages += 1
                if old_site:
                    report.redirects += _redirect(old_site, old_path, page)

        report.moved_questions += Question.objects.filter(commune=home).update(commune=target.home)
        old_record = CommuneSite.objects.filter(home=home).select_related("unit").first()
        if old_record is not None and old_record.pk != target.pk:
            _move_broadcasts(old_record, target, report)
            touched.add(old_record.pk)
        old_collection = commune_collection(home)
        if old_collection and target_collection:
            get_image_model().objects.filter(collection=old_collection).update(collection=target_collection)
            get_document_model().objects.filter(collection=old_collection).update(collection=target_collection)
            GroupCollectionPermission.objects.filter(collection=old_collection).delete()

        # What stays behind (home, profile, organisation, Q&A page) points at the merged commune.
        home.refresh_from_db()
        for page in home.get_descendants(inclusive=True):
            if old_site:
                report.redirects += _redirect(old_site, _relative_path(page, home), target.home)
            report.redirects += _redirect(portal_site, Redirect.normalise_path(
                "/" + page.url_path[len(portal.url_path):]), target.home)
        # Page-by-page: Wagtail's include_descendants option needs a user to check permissions against.
        for page in home.get_descendants(inclusive=True).live().specific().iterator():
            UnpublishPageAction(page).execute(skip_permission_checks=True)
        # The old commune's staff no longer have a commune of their own to edit.
        GroupPagePermission.objects.filter(page=home).delete()
        if old_site:
            report.retired_hostnames.append(old_site.hostname)
    # Devices now in the merged commune fetch its schedule; the old communes' feeds change too.
    feeds_touch(communes=touched, alerts=True)
    banner_forget(communes=touched)
    return report
