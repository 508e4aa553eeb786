"""Merging communes (2025 reform): content moves, old addresses redirect, history is kept."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from wagtail.models import GroupPagePermission

from communes.models import NewsIndexPage, NewsPage
from provisioning.merge import communes_merge

REFORM_DATE = datetime.date(2025, 7, 1)


def add_news(home, title, slug):
    index = NewsIndexPage.objects.child_of(home).get()
    return index.add_child(instance=NewsPage(title=title, slug=slug, intro="Tin thử nghiệm."))


@pytest.fixture
def merged(district):
    add_news(district.a.home, "Lễ hội của Đắk La", "le-hoi")
    moved = add_news(district.b.home, "Lễ hội mừng lúa mới ở Hà Mòn", "le-hoi")
    report = communes_merge(sources=[district.b.home.unit], target_unit=district.a.home.unit, portal=district.portal, effective_date=REFORM_DATE)
    moved.refresh_from_db()
    return district, report, moved


def test_merged_news_moves_under_the_new_commune_with_a_free_slug(merged):
    district, report, moved = merged
    assert moved.get_parent().specific == NewsIndexPage.objects.child_of(district.a.home).get()
    assert moved.slug == "le-hoi-2"
    assert report.moved_pages == 1
    response = Client(HTTP_HOST="dak-la.localhost").get("/tin-tuc/le-hoi-2/")
    assert response.status_code == 200
    assert "Lễ hội mừng lúa mới ở Hà Mòn" in response.content.decode()


def test_the_old_hostname_redirects_each_page_to_where_it_now_lives(merged):
    old = Client(HTTP_HOST="ha-mon.localhost")
    response = old.get("/tin-tuc/le-hoi/")
    assert response.status_code == 301
    assert response["Location"] == "http://dak-la.localhost/tin-tuc/le-hoi-2/"
    home = old.get("/")
    assert home.status_code == 301
    assert home["Location"] == "http://dak-la.localhost/"
    assert old.get("/gioi-thieu/")["Location"] == "http://dak-la.localhost/"


def test_the_old_portal_path_redirects_to_the_canonical_address(merged, client):
    response = client.get("/xa-ha-mon/tin-tuc/le-hoi/")
    assert response.status_code == 301
    assert response["Location"] == "http://dak-la.localhost/tin-tuc/le-hoi-2/"
    assert client.get("/xa-ha-mon/")["Location"] == "http://dak-la.localhost/"


def test_the_portal_directory_no_longer_lists_the_merged_commune(merged, client):
    html = client.get("/").content.decode()
    assert "Xã Đắk La" in html
    assert "Xã Hà Mòn" not in html


def test_the_registry_records_the_end_date_and_the_successor(merged):
    district, _, _ = merged
    old_unit = district.b.home.unit
    old_unit.refresh_from_db()
    assert old_unit.valid_to == REFORM_DATE
    assert list(old_unit.successors.all()) == [district.a.home.unit]


def test_the_old_communes_staff_lose_their_permissions(merged):
    district, _, moved = merged
    assert not GroupPagePermission.objects.filter(group=district.b.editors).exists()
    assert not moved.permissions_for_user(district.editor_b).can_edit()
    assert moved.permissions_for_user(district.editor_a).can_edit()


def test_merging_again_changes_nothing(merged):
    district, _, _ = merged
    again = communes_merge(sources=[district.b.home.unit], target_unit=district.a.home.unit, portal=district.portal, effective_date=REFORM_DATE)
    assert again.moved_pages == 0
    assert again.redirects == 0


def test_the_command_names_an_unknown_unit_code(district):
    with pytest.raises(CommandError, match="99999"):
        call_command("merge_communes", "--into", "23524", "--from", "99999", "--date", "01/07/2025")


def test_the_command_refuses_a_date_not_in_vietnamese_format(district):
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("merge_communes", "--into", "23524", "--from", "23521", "--date", "2025-07-01")


def test_a_renamed_unit_keeps_its_groups_collection_and_workflow_and_merging_it_still_moves_its_media(district):
    from django.contrib.auth.models import Group
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, Workflow

    from provisioning.services import commune_site_create
    from sites.models import CommuneSite

    b = district.b
    image = get_image_model().objects.create(title="Ảnh của Hà Mòn", file=get_test_image_file(), collection=b.collection)
    counts = (Group.objects.count(), Collection.objects.count(), Workflow.objects.count())
    unit = b.home.unit
    unit.name = "Xã Hà Mòn Mới"  # a reform renames the unit
    unit.save()

    again = commune_site_create(unit=unit, portal=district.portal)
    assert (again.editors, again.approvers, again.collection, again.workflow) == (
        b.editors, b.approvers, b.collection, b.workflow)
    assert (Group.objects.count(), Collection.objects.count(), Workflow.objects.count()) == counts
    assert CommuneSite.objects.get(unit=unit).collection.name == "Xã Hà Mòn Mới (23521)"

    communes_merge(sources=[unit], target_unit=district.a.home.unit, portal=district.portal,
                   effective_date=REFORM_DATE)
    image.refresh_from_db()
    assert image.collection == district.a.collection


# ------------------------------------------------------------------------------------ broadcasts


@pytest.fixture
def merged_broadcasts(district):
    from broadcasts.models import (
        Area,
        BoardGroup,
        BoardNotice,
        CommuneFeed,
        Device,
        DeviceEvent,
        DeviceEventKind,
        DeviceKind,
        DisplayType,
        Play,
    )
    from broadcasts.services import feeds_touch

    a, b = district.a, district.b
    Area.objects.create(commune=a, name="Thôn 1")
    area = Area.objects.create(commune=b, name="Thôn 1")
    group = BoardGroup.objects.create(commune=b, name="Chợ và trường học")
    device = Device.objects.create(commune=b, name="Bảng tin chợ Hà Mòn", kind=DeviceKind.BOARD, area=area,
                                   group=group, display_type=DisplayType.LED, width=192, height=64)
    DeviceEvent.objects.create(device=device, kind=DeviceEventKind.REGISTERED)
    now = datetime.datetime(2025, 6, 30, 8, 0, tzinfo=datetime.UTC)
    Play.objects.create(device=device, record_id="7c9e6679-7425-40de-944b-e07fc1f90ae7", item_id="notice-1",
                        started_at=now, ended_at=now + datetime.timedelta(seconds=15))
    notice = BoardNotice.objects.create(commune=b, title="Lịch tiêm chủng Hà Mòn", text="Tiêm chủng tại trạm y tế.")
    portal_notice = BoardNotice.objects.create(title="Thông báo của huyện", text="Nội dung.")
    portal_notice.target_communes.add(b)
    portal_notice.save()  # a cluster's many-to-many rows are written on save
    feeds_touch(communes=[a, b])
    revisions = dict(CommuneFeed.objects.values_list("commune_id", "revision"))
    device_revision = device.revision
    report = communes_merge(sources=[b.home.unit], target_unit=a.home.unit, portal=district.portal,
                            effective_date=REFORM_DATE)
    return district, report, device, area, group, notice, portal_notice, revisions, device_revision


def test_merged_devices_move_to_the_new_commune_with_their_history_and_plays(merged_broadcasts):
    from broadcasts.models import DeviceEventKind

    district, report, device, *_ = merged_broadcasts
    device.refresh_from_db()
    assert device.commune == district.a and report.moved_devices == 1
    assert device.plays.count() == 1
    kinds = list(device.events.order_by("at").values_list("kind", flat=True))
    assert kinds == [DeviceEventKind.REGISTERED, DeviceEventKind.MOVED]
    moved = device.events.get(kind=DeviceEventKind.MOVED)
    assert moved.detail["from"] == "Xã Hà Mòn" and moved.detail["to"] == "Xã Đắk La"


def test_merged_areas_and_groups_move_and_colliding_names_get_the_old_communes_name(merged_broadcasts):
    district, report, device, area, group, *_ = merged_broadcasts
    area.refresh_from_db()
    group.refresh_from_db()
    device.refresh_from_db()
    assert (area.commune, area.name) == (district.a, "Thôn 1 (Xã Hà Mòn)")
    assert (group.commune, group.name) == (district.a, "Chợ và trường học")
    assert (device.area, device.group) == (area, group)
    device.full_clean()  # its area and group are of its commune
    assert (report.moved_areas, report.moved_board_groups) == (1, 1)


def test_merged_notices_move_and_portal_notices_follow_the_commune(merged_broadcasts):
    district, report, _, _, _, notice, portal_notice, *_ = merged_broadcasts
    notice.refresh_from_db()
    assert notice.commune == district.a and report.moved_notices == 1
    portal_notice = type(portal_notice).objects.get(pk=portal_notice.pk)
    assert list(portal_notice.target_communes.all()) == [district.a]


def test_merging_touches_the_feeds_and_the_moved_devices_revision(merged_broadcasts):
    from broadcasts.models import CommuneFeed

    district, _, device, *_, revisions, device_revision = merged_broadcasts
    after = dict(CommuneFeed.objects.values_list("commune_id", "revision"))
    assert after[district.a.pk] > revisions[district.a.pk] and after[district.b.pk] > revisions[district.b.pk]
    device.refresh_from_db()
    assert device.revision > device_revision


def test_merging_again_moves_no_device_twice(merged_broadcasts):
    from broadcasts.models import DeviceEventKind

    district, _, device, *_ = merged_broadcasts
    again = communes_merge(sources=[district.b.home.unit], target_unit=district.a.home.unit, portal=district.portal,
                           effective_date=REFORM_DATE)
    assert again.moved_devices == 0
    assert device.events.filter(kind=DeviceEventKind.MOVED).count() == 1


def test_an_alert_in_force_for_a_merged_commune_reaches_the_new_commune_and_ended_ones_stay_as_sent(district):
    from django.utils import timezone

    from broadcasts.models import Alert

    now = timezone.now()
    in_force = Alert.objects.create(
        issuer=district.b, headline="Lũ quét ở Hà Mòn", event="Lũ quét", description="Mưa lớn.",
        expires=now + datetime.timedelta(hours=6), sent=now, identifier="test.1",
    )
    ended = Alert.objects.create(
        issuer=district.b, headline="Cảnh báo đã qua", event="Lũ quét", description="Mưa lớn.",
        expires=now - datetime.timedelta(hours=1), sent=now - datetime.timedelta(hours=7), identifier="test.2",
    )
    for alert in (in_force, ended):
        alert.communes.add(district.b)
    report = communes_merge(sources=[district.b.home.unit], target_unit=district.a.home.unit,
                            portal=district.portal, effective_date=REFORM_DATE)
    assert report.alerts_extended == 1
    assert set(in_force.communes.all()) == {district.a, district.b}
    assert in_force.issuer == district.b  # a sent message is never rewritten
    assert list(ended.communes.all()) == [district.b]
    assert list(Alert.objects.active().affecting(district.a)) == [in_force]
