"""The admin's home lists the devices of the user's communes that stopped calling (with when they were last
seen, dd/mm/yyyy HH:MM); never another commune's devices; in a number of queries that does not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadcasts.models import Device, DeviceState
from tests.broadcasts.conftest import make_device
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HOME = "/quan-tri/"


def seen(device, ago):
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - ago if ago is not None else None)


def panel_of(response):
    html = response.content.decode()
    assert response.status_code == 200
    start = html.index('id="offline-devices-section"')
    return html[start:html.index("</section>", start)]


def test_a_commune_editor_sees_their_offline_device_with_when_it_was_last_seen(boards, district):
    seen(boards.lcd, timedelta(hours=3))
    seen(boards.led, timedelta(seconds=20))  # called within its poll interval: online
    panel = panel_of(client_for(district.editor_a).get(HOME))
    assert "Bảng tin chợ Đắk La" in panel and "Bảng LED trụ sở" not in panel
    last_seen = timezone.localtime(timezone.now() - timedelta(hours=3))
    assert last_seen.strftime("%d/%m/%Y") in panel and "Liên lạc gần nhất" in panel
    assert "1 bảng tin, cụm loa" in panel


def test_a_device_that_never_called_is_offline_and_says_so(boards, district):
    seen(boards.lcd, None)
    seen(boards.led, timedelta(seconds=5))
    panel = panel_of(client_for(district.editor_a).get(HOME))
    assert "Bảng tin chợ Đắk La" in panel and "chưa liên lạc" in panel


def test_a_commune_editor_never_sees_another_communes_devices_on_the_dashboard(boards, district):
    for device in (boards.lcd, boards.led, boards.other):
        seen(device, timedelta(days=2))
    panel_a = panel_of(client_for(district.editor_a).get(HOME))
    assert "Bảng tin chợ Đắk La" in panel_a and "Bảng tin Hà Mòn" not in panel_a
    panel_b = panel_of(client_for(district.approver_b).get(HOME))
    assert "Bảng tin Hà Mòn" in panel_b and "Bảng tin chợ Đắk La" not in panel_b
    assert "Xã Hà Mòn" not in panel_b  # staff of one commune need no commune name


def test_portal_staff_see_every_communes_offline_devices_with_the_commune(boards, district):
    for device in (boards.lcd, boards.other):
        seen(device, timedelta(days=2))
    seen(boards.led, timedelta(seconds=1))
    panel = panel_of(client_for(district.district_admin).get(HOME))
    assert "Bảng tin chợ Đắk La" in panel and "Bảng tin Hà Mòn" in panel
    assert "Xã Đắk La" in panel and "Xã Hà Mòn" in panel and "2 bảng tin, cụm loa" in panel


def test_pending_and_revoked_devices_are_not_reported_offline(boards, district):
    Device.objects.filter(pk=boards.lcd.pk).update(state=DeviceState.REVOKED, last_seen_at=None)
    seen(boards.led, timedelta(seconds=1))
    panel = panel_of(client_for(district.editor_a).get(HOME))
    assert "Bảng tin chợ Đắk La" not in panel
    assert "Mọi thiết bị đang hoạt động đều liên lạc đúng hạn." in panel


def test_the_dashboards_queries_do_not_grow_with_the_number_of_devices(boards, district,
                                                                       django_assert_max_num_queries):
    seen(boards.lcd, timedelta(days=1))
    seen(boards.led, timedelta(seconds=1))
    seen(boards.other, timedelta(seconds=1))
    client = client_for(district.district_admin)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for number in range(25):
        device, _ = make_device(district.a if number % 2 else district.b, f"Cụm loa số {number}")
        seen(device, timedelta(hours=number + 1))
    with django_assert_max_num_queries(len(few)):
        response = client.get(HOME)
    panel = panel_of(response)
    assert "26 bảng tin, cụm loa" in panel and "Xem tất cả thiết bị" in panel
