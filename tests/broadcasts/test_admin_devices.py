"""The devices admin: the form, approval, token rotation and revocation (token shown once, never
stored or cached), the listing's status, the portal-wide summary, device history; areas and groups."""

import datetime

import pytest
from django.utils import timezone

from broadcasts.admin_views import device_summary
from broadcasts.models import (
    Area,
    BoardGroup,
    Device,
    DeviceEvent,
    DeviceEventKind,
    DeviceKind,
    DeviceState,
    DisplayType,
    token_digest,
)
from broadcasts.services import device_authenticate, device_register
from tests.conftest import client_for

DEVICES = "/quan-tri/bang-tin/thiet-bi"


def refused(response):
    """403, or the admin's answer to PermissionDenied: back to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/quan-tri/")


def board(site, name="Bảng tin trụ sở UBND xã", **extra):
    return Device.objects.create(commune=site, name=name, kind=DeviceKind.BOARD, display_type=DisplayType.LED,
                                 width=192, height=64, **extra)


def device_form(site, **overrides):
    data = {
        "commune": str(site.pk), "kind": DeviceKind.BOARD, "name": "Bảng tin chợ trung tâm", "location": "Cổng chợ",
        "area": "", "group": "", "display_type": DisplayType.LCD, "width": "1920", "height": "1080",
        "hardware_id": "", "model_name": "", "poll_interval_s": "300", "alerts_poll_interval_s": "30",
    }
    data.update(overrides)
    return data


def test_an_official_registers_a_board_of_their_commune(district):
    area = Area.objects.create(commune=district.a, name="Thôn 1")
    group = BoardGroup.objects.create(commune=district.a, name="Chợ và trường học")
    response = client_for(district.editor_a).post(f"{DEVICES}/new/", device_form(
        district.a, area=str(area.pk), group=str(group.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    device = Device.objects.get()
    assert (device.commune, device.area, device.group, device.state) == (district.a, area, group, DeviceState.PENDING)


def test_a_board_needs_its_screen_type_and_size(district):
    response = client_for(district.editor_a).post(f"{DEVICES}/new/", device_form(
        district.a, display_type="", width="", height=""))
    assert response.status_code == 200
    assert "Hãy chọn loại màn hình" in response.content.decode()
    assert not Device.objects.exists()


def test_a_speaker_cluster_needs_no_screen(district):
    response = client_for(district.editor_a).post(f"{DEVICES}/new/", device_form(
        district.a, kind=DeviceKind.SPEAKER, name="Cụm loa thôn 2", display_type="", width="", height=""))
    assert response.status_code == 302
    assert Device.objects.get().kind == DeviceKind.SPEAKER


def test_the_form_offers_only_the_communes_own_areas_and_groups(district):
    Area.objects.create(commune=district.b, name="Thôn riêng Hà Mòn")
    other_group = BoardGroup.objects.create(commune=district.b, name="Nhóm riêng Hà Mòn")
    client = client_for(district.editor_a)
    html = client.get(f"{DEVICES}/new/").content.decode()
    assert "Thôn riêng Hà Mòn" not in html and "Nhóm riêng Hà Mòn" not in html
    response = client.post(f"{DEVICES}/new/", device_form(district.a, group=str(other_group.pk)))
    assert response.status_code == 200 and not Device.objects.exists()


def test_portal_staff_cannot_put_a_board_in_another_communes_group(district):
    other_group = BoardGroup.objects.create(commune=district.b, name="Nhóm riêng Hà Mòn")
    response = client_for(district.district_admin).post(f"{DEVICES}/new/", device_form(
        district.a, group=str(other_group.pk)))
    assert response.status_code == 200
    assert "Chỉ được chọn nhóm bảng tin của xã đã chọn" in response.content.decode()


def test_approving_an_official_created_device_shows_its_token_once_and_never_caches_it(district):
    device = board(district.a)
    client = client_for(district.approver_a)
    confirm = client.get(f"{DEVICES}/{device.pk}/duyet/")
    assert confirm.status_code == 200 and "Duyệt thiết bị" in confirm.content.decode()
    device.refresh_from_db()
    assert device.state == DeviceState.PENDING  # a GET changes nothing
    response = client.post(f"{DEVICES}/{device.pk}/duyet/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = response.context["token"]
    html = response.content.decode()
    assert token in html
    assert f"/thiet-bi/bang-tin/#device={device.pk}&amp;token={token}" in html
    device.refresh_from_db()
    assert device.state == DeviceState.ACTIVE and device.token_hash == token_digest(token)
    assert device_authenticate(token) == device
    # Never shown again: not on the device's page, not in the listing.
    assert token not in client.get(f"{DEVICES}/inspect/{device.pk}/").content.decode()
    assert token not in client.get(f"{DEVICES}/").content.decode()


def test_approving_a_self_registered_device_shows_no_token(district):
    device, _claim = device_register(commune=district.a, hardware_id="MAC-00-11", kind=DeviceKind.BOARD,
                                     display_type=DisplayType.LED, width=192, height=64)
    response = client_for(district.approver_a).post(f"{DEVICES}/{device.pk}/duyet/")
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.state == DeviceState.ACTIVE and device.token_hash is None


def test_rotating_a_token_invalidates_the_old_one_and_shows_the_new_one_once(district):
    device = board(district.a)
    client = client_for(district.approver_a)
    old = client.post(f"{DEVICES}/{device.pk}/duyet/").context["token"]
    assert client.get(f"{DEVICES}/{device.pk}/doi-ma/").status_code == 200
    response = client.post(f"{DEVICES}/{device.pk}/doi-ma/")
    new = response.context["token"]
    assert new != old and "no-store" in response["Cache-Control"]
    assert device_authenticate(old) is None and device_authenticate(new) == device
    assert DeviceEvent.objects.filter(device=device, kind=DeviceEventKind.TOKEN_ROTATED).count() == 1


def test_revoking_a_device_takes_its_token_away_and_keeps_its_history(district):
    device = board(district.a)
    client = client_for(district.approver_a)
    token = client.post(f"{DEVICES}/{device.pk}/duyet/").context["token"]
    response = client.post(f"{DEVICES}/{device.pk}/thu-hoi/")
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.state == DeviceState.REVOKED and device_authenticate(token) is None
    kinds = set(device.events.values_list("kind", flat=True))
    assert {DeviceEventKind.APPROVED, DeviceEventKind.TOKEN_ISSUED, DeviceEventKind.REVOKED} <= kinds


@pytest.mark.parametrize("action", ["duyet", "doi-ma", "thu-hoi"])
def test_editors_without_the_token_permission_cannot_manage_tokens(district, action):
    device = board(district.a, state=DeviceState.ACTIVE if action != "duyet" else DeviceState.PENDING)
    client = client_for(district.editor_a)
    for response in (client.get(f"{DEVICES}/{device.pk}/{action}/"), client.post(f"{DEVICES}/{device.pk}/{action}/")):
        assert refused(response)
    device.refresh_from_db()
    assert device.token_hash is None


@pytest.mark.parametrize("action", ["duyet", "doi-ma", "thu-hoi"])
def test_another_communes_approver_cannot_act_on_a_device(district, action):
    device = board(district.a, state=DeviceState.ACTIVE if action != "duyet" else DeviceState.PENDING)
    client = client_for(district.approver_b)
    assert client.get(f"{DEVICES}/{device.pk}/{action}/").status_code == 404
    response = client.post(f"{DEVICES}/{device.pk}/{action}/")
    assert response.status_code == 404 and device.name not in response.content.decode()
    before = (device.state, device.token_hash)
    device.refresh_from_db()
    assert (device.state, device.token_hash) == before


def test_the_listing_shows_status_last_contact_and_snapshot_revision(district):
    now = timezone.now()
    board(district.a, "Bảng tin trực tuyến", state=DeviceState.ACTIVE, last_seen_at=now - datetime.timedelta(seconds=60),
          last_snapshot_revision="W/\"41\"")
    board(district.a, "Bảng tin mất kết nối", state=DeviceState.ACTIVE, last_seen_at=now - datetime.timedelta(hours=2))
    board(district.a, "Bảng tin chờ duyệt")
    board(district.b, "Bảng tin của Hà Mòn", state=DeviceState.ACTIVE)
    html = client_for(district.editor_a).get(f"{DEVICES}/").content.decode()
    assert "Trực tuyến" in html and "Mất kết nối" in html and "Chờ duyệt" in html
    assert timezone.localtime(now - datetime.timedelta(seconds=60)).strftime("%d/%m/%Y %H:%M") in html
    assert "W/&quot;41&quot;" in html
    assert "Bảng tin của Hà Mòn" not in html


def test_a_device_is_offline_after_one_point_one_poll_intervals():
    device = Device(state=DeviceState.ACTIVE, poll_interval_s=300)
    now = timezone.now()
    device.last_seen_at = now - datetime.timedelta(seconds=329)
    assert device.is_online(now)
    device.last_seen_at = now - datetime.timedelta(seconds=331)
    assert not device.is_online(now)


def test_portal_staff_see_every_communes_devices_on_one_screen(district):
    board(district.a, "Bảng tin Đắk La", state=DeviceState.ACTIVE, last_seen_at=timezone.now())
    board(district.b, "Bảng tin Hà Mòn 1", state=DeviceState.ACTIVE)
    board(district.b, "Bảng tin Hà Mòn 2")
    client = client_for(district.district_admin)
    listing = client.get(f"{DEVICES}/").content.decode()
    assert "Bảng tin Đắk La" in listing and "Bảng tin Hà Mòn 1" in listing
    assert f"{DEVICES}/tong-hop-cac-xa/" in listing
    filtered = client.get(f"{DEVICES}/?commune={district.b.pk}").content.decode()
    assert "Bảng tin Hà Mòn 2" in filtered and "Bảng tin Đắk La" not in filtered
    summary = client.get(f"{DEVICES}/tong-hop-cac-xa/")
    assert summary.status_code == 200
    rows = {row["commune"].pk: row for row in summary.context["rows"]}
    assert (rows[district.a.pk]["devices"], rows[district.a.pk]["online"]) == (1, 1)
    assert (rows[district.b.pk]["devices"], rows[district.b.pk]["offline"], rows[district.b.pk]["pending"]) == (2, 1, 1)
    assert summary.context["totals"]["devices"] == 3


def test_commune_staff_cannot_open_the_portal_wide_summary(district):
    assert refused(client_for(district.approver_a).get(f"{DEVICES}/tong-hop-cac-xa/"))


def test_the_summary_counts_revoked_devices_apart(district):
    board(district.a, state=DeviceState.REVOKED)
    (row,) = [r for r in device_summary([district.a])]
    assert (row["devices"], row["revoked"], row["offline"]) == (1, 1, 0)


def test_the_device_page_shows_its_history(district):
    device = board(district.a)
    client = client_for(district.approver_a)
    client.post(f"{DEVICES}/{device.pk}/duyet/")
    html = client.get(f"{DEVICES}/inspect/{device.pk}/").content.decode()
    assert "Nhật ký thiết bị" in html and "Được duyệt" in html and "Cấp mã truy cập" in html
    assert client_for(district.approver_b).get(f"{DEVICES}/inspect/{device.pk}/").status_code == 404


def test_areas_and_groups_are_listed_per_commune(district):
    Area.objects.create(commune=district.a, name="Thôn Kon Gung")
    Area.objects.create(commune=district.b, name="Thôn riêng Hà Mòn")
    BoardGroup.objects.create(commune=district.b, name="Nhóm riêng Hà Mòn")
    client = client_for(district.editor_a)
    areas = client.get("/quan-tri/bang-tin/thon-to-dan-pho/").content.decode()
    assert "Thôn Kon Gung" in areas and "Thôn riêng Hà Mòn" not in areas
    assert "Nhóm riêng Hà Mòn" not in client.get("/quan-tri/bang-tin/nhom-bang-tin/").content.decode()
    response = client.post("/quan-tri/bang-tin/thon-to-dan-pho/new/", {
        "commune": str(district.b.pk), "name": "Thôn giả", "kind": "thon", "code": ""})
    assert response.status_code == 200 and not Area.objects.filter(name="Thôn giả").exists()
