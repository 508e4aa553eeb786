"""The device API's snapshot and alerts: what a device gets (targets, validity, recurrence, portal
notices, alerts, renditions), ETags and 304s, revisions moving with content and with time, and the
number of SQL queries each costs."""

import datetime
import gzip
import json
from unittest import mock

import pytest
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from broadcasts import services
from broadcasts.models import AlertStatus, Area, BoardNotice, BroadcastClass, CommuneFeed, Device, NoticeTarget
from tests.broadcasts.conftest import as_device, make_device, publish_alert, publish_notice

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def snapshot(device, token, **extra):
    response = as_device(token).get(f"/devices/{device.pk}/snapshot", **extra)
    assert response.status_code == 200, response.content[:500]
    return response


def item_ids(device, token):
    return [item["id"] for item in snapshot(device, token).json()["items"]]


def later(delta):
    """Run the API as if `delta` had passed (the views read `timezone.now()`)."""
    moment = timezone.now() + delta
    return mock.patch("django.utils.timezone.now", return_value=moment)


# ------------------------------------------------------------------------------------------ content


def test_a_board_gets_its_communes_published_notice_with_every_field_of_the_contract(district, boards):
    notice = publish_notice(district.a, windows=[(datetime.time(7), datetime.time(11, 30))], days=[1, 3, 5],
                            display_order=2, duration_s=20)

    body = snapshot(boards.lcd, boards.lcd_token).json()

    assert body["schema"] == "vn-portal-device-feed/1"
    assert body["device_id"] == boards.lcd.pk
    assert body["timezone"] == "Asia/Ho_Chi_Minh" and body["now"].endswith("+07:00")
    assert [unit["level"] for unit in body["issuer_tree"]] == ["province", "district", "commune"]
    assert body["issuer_tree"][-1] == {"id": "23524", "level": "commune", "name": "Xã Đắk La"}
    assert body["defaults"]["title"] == "Ủy ban nhân dân xã Đắk La"
    [item] = body["items"]
    assert item == {
        "id": f"notice-{notice.pk}", "type": "notice", "revision": notice.live_revision_id, "class": "routine",
        "rank": 2, "display_order": 2, "kind": "text", "title": notice.title, "text": notice.text, "language": "vi",
        "duration_s": 20, "valid_from": timezone.localtime(notice.valid_from).isoformat(timespec="seconds"),
        "valid_until": timezone.localtime(notice.valid_until).isoformat(timespec="seconds"),
        "recurrence": {"days": [1, 3, 5], "time_windows": [{"from": "07:00", "to": "11:30"}]},
        "layout_slot": "main", "renditions": [],
        "issuer": {"id": "23524", "level": "commune", "name": "Xã Đắk La"}, "source_url": None,
    }


def test_no_days_means_every_day_and_an_overnight_window_is_kept_as_written(district, boards):
    publish_notice(district.a, windows=[(datetime.time(22), datetime.time(5))])

    [item] = snapshot(boards.led, boards.led_token).json()["items"]

    assert item["recurrence"] == {"days": [1, 2, 3, 4, 5, 6, 7], "time_windows": [{"from": "22:00", "to": "05:00"}]}


def test_another_communes_notices_never_reach_a_board(district, boards):
    publish_notice(district.b, title="Thông báo của xã Hà Mòn")

    assert item_ids(boards.lcd, boards.lcd_token) == []
    assert len(item_ids(boards.other, boards.other_token)) == 1


def test_a_draft_or_a_notice_awaiting_approval_never_reaches_a_board(district, boards):
    draft = BoardNotice.objects.create(commune=district.a, title="Bản nháp", text="Chưa duyệt.", live=False)
    draft.save_revision()
    published = publish_notice(district.a, title="Đã duyệt")
    published.title = "Sửa đổi chưa duyệt"
    published.save_revision()  # a new draft revision of a live notice: the live version still plays

    items = snapshot(boards.lcd, boards.lcd_token).json()["items"]

    assert [(item["id"], item["title"]) for item in items] == [(f"notice-{published.pk}", "Đã duyệt")]


def test_targets_reach_all_boards_the_group_or_the_chosen_boards_only(district, boards):
    everyone = publish_notice(district.a, title="Mọi bảng")
    group = publish_notice(district.a, title="Nhóm chợ", target=NoticeTarget.GROUPS, groups=[boards.group])
    single = publish_notice(district.a, title="Chỉ bảng LED", target=NoticeTarget.DEVICES, devices=[boards.led])

    assert sorted(item_ids(boards.lcd, boards.lcd_token)) == sorted([f"notice-{everyone.pk}", f"notice-{group.pk}"])
    assert sorted(item_ids(boards.led, boards.led_token)) == sorted([f"notice-{everyone.pk}", f"notice-{single.pk}"])


def test_portal_notices_reach_the_communes_they_target_or_all_of_them(district, boards):
    to_all = publish_notice(None, title="Thông báo của huyện cho mọi xã")
    to_b = publish_notice(None, title="Thông báo của huyện cho Hà Mòn", communes=[district.b])

    assert item_ids(boards.lcd, boards.lcd_token) == [f"notice-{to_all.pk}"]
    assert sorted(item_ids(boards.other, boards.other_token)) == sorted([f"notice-{to_all.pk}", f"notice-{to_b.pk}"])
    item = snapshot(boards.lcd, boards.lcd_token).json()["items"][0]
    assert item["issuer"] == {"id": "615", "level": "portal", "name": "Huyện Đắk Hà"}


def test_only_notices_meeting_the_next_48_hours_are_sent(district, boards):
    now = timezone.now()
    current = publish_notice(district.a, title="Đang hiển thị")
    soon = publish_notice(district.a, title="Ngày mai", starts=now + 30 * HOUR, ends=now + 40 * HOUR)
    publish_notice(district.a, title="Tuần sau", starts=now + 72 * HOUR, ends=now + 80 * HOUR)
    publish_notice(district.a, title="Đã hết", starts=now - 10 * HOUR, ends=now - HOUR)

    assert sorted(item_ids(boards.lcd, boards.lcd_token)) == sorted([f"notice-{current.pk}", f"notice-{soon.pk}"])


def test_items_come_by_class_then_display_order_with_alerts_first(district, boards):
    routine = publish_notice(district.a, title="Thường", display_order=0)
    priority_late = publish_notice(district.a, title="Ưu tiên 2", broadcast_class=BroadcastClass.PRIORITY,
                                   display_order=2)
    priority = publish_notice(district.a, title="Ưu tiên 1", broadcast_class=BroadcastClass.PRIORITY, display_order=1)
    emergency = publish_notice(district.a, title="Khẩn", broadcast_class=BroadcastClass.EMERGENCY)
    alert = publish_alert(communes=[district.a], issuer=district.a)

    items = snapshot(boards.lcd, boards.lcd_token).json()["items"]

    assert [item["id"] for item in items] == [
        f"alert-{alert.pk}", f"notice-{emergency.pk}", f"notice-{priority.pk}", f"notice-{priority_late.pk}",
        f"notice-{routine.pk}",
    ]
    assert [item["layout_slot"] for item in items[:2]] == ["takeover", "takeover"]


def test_an_lcd_board_gets_renditions_sized_to_its_screen_and_an_led_board_none(district, boards):
    image = get_image_model().objects.create(title="Ảnh", file=get_test_image_file(filename="lich.png", size=(4000, 3000)))
    publish_notice(district.a, images=[image])

    body = snapshot(boards.lcd, boards.lcd_token).json()
    [item] = body["items"]
    [asset] = body["assets"]
    assert item["kind"] == "image"
    assert item["renditions"] == [{"asset_id": asset["id"], "width": 1440, "height": 1080}]
    assert asset["id"] == f"sha256:{asset['sha256']}" and asset["mime"] == "image/png" and asset["size_bytes"] > 0
    assert "/api/devices/v1/media/" in asset["url"] and "sig=" in asset["url"]
    led = snapshot(boards.led, boards.led_token).json()
    assert led["items"][0]["kind"] == "text" and led["items"][0]["renditions"] == [] and led["assets"] == []


def test_next_check_at_is_the_devices_own_slot_within_one_poll_interval(district, boards):
    body = snapshot(boards.lcd, boards.lcd_token).json()

    now = datetime.datetime.fromisoformat(body["now"])
    next_check = datetime.datetime.fromisoformat(body["next_check_at"])
    assert now < next_check <= now + datetime.timedelta(seconds=boards.lcd.poll_interval_s)
    assert int(next_check.timestamp()) % boards.lcd.poll_interval_s == boards.lcd.poll_offset_s


def test_next_check_at_comes_before_the_slot_when_an_item_ends_sooner(district, boards):
    ends = timezone.now() + datetime.timedelta(seconds=100)
    publish_notice(district.a, ends=ends)
    for interval in range(3600, 3700):  # an hour-long interval whose next slot for this device is well after the end
        boards.lcd.poll_interval_s = interval
        if (boards.lcd.poll_offset_s - int(timezone.now().timestamp())) % interval > 400:
            break
    boards.lcd.save()

    body = snapshot(boards.lcd, boards.lcd_token).json()

    next_check = datetime.datetime.fromisoformat(body["next_check_at"])
    assert ends <= next_check < ends + datetime.timedelta(seconds=30)


# ------------------------------------------------------------------------------------------- alerts


def test_the_alerts_endpoint_lists_alerts_affecting_the_commune_most_severe_first(district, boards):
    moderate = publish_alert(communes=[district.a], severity="Moderate", headline="Mưa lớn")
    extreme = publish_alert(communes=[district.a, district.b], severity="Extreme", headline="Lũ quét")
    publish_alert(communes=[district.b], headline="Chỉ Hà Mòn")

    response = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/alerts")

    body = response.json()
    assert response.status_code == 200 and body["schema"] == "vn-portal-device-alerts/1"
    assert [a["id"] for a in body["alerts"]] == [f"alert-{extreme.pk}", f"alert-{moderate.pk}"]
    first = body["alerts"][0]
    assert first["status"] == "Actual" and first["test"] is False and first["class"] == "emergency"
    assert first["cap_identifier"] == extreme.identifier and first["issuer"]["level"] == "portal"
    assert body["poll_interval_s"] == boards.lcd.alerts_poll_interval_s


def test_exercise_and_test_alerts_reach_only_devices_in_test_mode(district, boards):
    publish_alert(communes=[district.a], status=AlertStatus.EXERCISE, headline="Diễn tập")
    Device.objects.filter(pk=boards.led.pk).update(test_mode=True)

    normal = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/alerts").json()["alerts"]
    testing = as_device(boards.led_token).get(f"/devices/{boards.led.pk}/alerts").json()["alerts"]

    assert normal == []
    assert [(a["status"], a["test"]) for a in testing] == [("Exercise", True)]


def test_an_alert_naming_villages_reaches_boards_there_and_boards_with_no_village(district, boards):
    river = Area.objects.create(commune=district.a, name="Thôn 1")
    hill = Area.objects.create(commune=district.a, name="Thôn 5")
    Device.objects.filter(pk=boards.led.pk).update(area=hill)
    Device.objects.filter(pk=boards.lcd.pk).update(area=river)
    office, office_token = make_device(district.a, "Bảng tin trụ sở")
    alert = publish_alert(communes=[district.a], areas=[river])

    def alerts_of(device, token):
        return [a["id"] for a in as_device(token).get(f"/devices/{device.pk}/alerts").json()["alerts"]]

    assert alerts_of(boards.lcd, boards.lcd_token) == [f"alert-{alert.pk}"]
    assert alerts_of(office, office_token) == [f"alert-{alert.pk}"]
    assert alerts_of(boards.led, boards.led_token) == []


def test_a_cancelled_or_expired_alert_leaves_the_snapshot_and_the_alerts(district, boards):
    alert = publish_alert(communes=[district.a], expires=timezone.now() + HOUR)
    assert item_ids(boards.lcd, boards.lcd_token) == [f"alert-{alert.pk}"]

    with later(2 * HOUR):
        assert item_ids(boards.lcd, boards.lcd_token) == []
        assert as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/alerts").json()["alerts"] == []
    alert.superseded_at = timezone.now()
    alert.save()
    services.feeds_touch(communes=[district.a], alerts=True)
    assert item_ids(boards.lcd, boards.lcd_token) == []


# ----------------------------------------------------------------------------------- ETags and 304


def test_a_device_holding_the_current_etag_gets_a_304_with_the_etag_and_caching_headers(district, boards):
    publish_notice(district.a)
    first = snapshot(boards.lcd, boards.lcd_token)
    etag = first["ETag"]
    assert etag.startswith('W/"') and first["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first["Vary"]

    again = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("header", ['"x", {etag}', "{strong}", "*"])
def test_if_none_match_compares_weakly_and_accepts_lists_and_a_star(district, boards, header):
    etag = snapshot(boards.lcd, boards.lcd_token)["ETag"]
    value = header.format(etag=etag, strong=etag.removeprefix("W/"))

    response = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=value)

    assert response.status_code == 304


def test_the_etag_is_the_device_the_feed_revision_and_the_device_revision(district, boards):
    body = snapshot(boards.lcd, boards.lcd_token)
    feed = CommuneFeed.objects.get(commune=district.a)

    assert body["ETag"] == f'W/"{boards.lcd.pk}.{feed.revision}.{boards.lcd.revision}"'
    assert body.json()["revision"] == f"{feed.revision}.{boards.lcd.revision}"


def test_publishing_a_notice_gives_the_communes_boards_a_new_etag_and_not_the_others(district, boards):
    before_a = snapshot(boards.lcd, boards.lcd_token)["ETag"]
    before_b = snapshot(boards.other, boards.other_token)["ETag"]

    publish_notice(district.a)

    after = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=before_a)
    assert after.status_code == 200 and after["ETag"] != before_a and len(after.json()["items"]) == 1
    unchanged = as_device(boards.other_token).get(f"/devices/{boards.other.pk}/snapshot", HTTP_IF_NONE_MATCH=before_b)
    assert unchanged.status_code == 304


def test_changing_a_device_in_the_admin_gives_it_a_new_etag(district, boards):
    before = snapshot(boards.lcd, boards.lcd_token)["ETag"]
    device = Device.objects.get(pk=boards.lcd.pk)
    device.test_mode = True
    device.save()

    assert snapshot(boards.lcd, boards.lcd_token)["ETag"] != before


def test_a_notice_entering_the_48_hour_window_changes_the_etag_when_its_time_comes(district, boards):
    now = timezone.now()
    coming = publish_notice(district.a, starts=now + 50 * HOUR, ends=now + 60 * HOUR)
    first = snapshot(boards.lcd, boards.lcd_token)
    assert first.json()["items"] == []

    with later(HOUR):
        same = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=first["ETag"])
        assert same.status_code == 304
    with later(3 * HOUR):
        moved = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=first["ETag"])
        assert moved.status_code == 200 and [i["id"] for i in moved.json()["items"]] == [f"notice-{coming.pk}"]
        again = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=moved["ETag"])
        assert again.status_code == 304  # bumped once, not at every read


def test_a_notice_ending_changes_the_etag_and_the_revision_moves_once_for_two_readers(district, boards):
    publish_notice(district.a, ends=timezone.now() + HOUR)
    etag_lcd = snapshot(boards.lcd, boards.lcd_token)["ETag"]
    revision = CommuneFeed.objects.get(commune=district.a).revision

    with later(2 * HOUR):
        first = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=etag_lcd)
        snapshot(boards.led, boards.led_token)

    assert first.status_code == 200 and first.json()["items"] == []
    assert CommuneFeed.objects.get(commune=district.a).revision == revision + 1


def test_an_alert_becoming_effective_changes_the_alerts_etag(district, boards):
    alert = publish_alert(communes=[district.a], effective=timezone.now() + HOUR)
    path = f"/devices/{boards.lcd.pk}/alerts"
    first = as_device(boards.lcd_token).get(path)
    assert first.json()["alerts"] == []

    with later(2 * HOUR):
        response = as_device(boards.lcd_token).get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == 200 and [a["id"] for a in response.json()["alerts"]] == [f"alert-{alert.pk}"]


def test_a_missing_feed_row_is_created_on_the_first_read(district, boards):
    CommuneFeed.objects.filter(commune=district.a).delete()

    response = snapshot(boards.lcd, boards.lcd_token)

    assert CommuneFeed.objects.filter(commune=district.a).exists()
    assert response["ETag"] == f'W/"{boards.lcd.pk}.1.{boards.lcd.revision}"'


def test_the_alerts_etag_moves_with_alerts_only(district, boards):
    path = f"/devices/{boards.lcd.pk}/alerts"
    etag = as_device(boards.lcd_token).get(path)["ETag"]

    publish_notice(district.a)  # a routine notice: the alerts body is unchanged
    assert as_device(boards.lcd_token).get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304

    publish_alert(communes=[district.a])
    assert as_device(boards.lcd_token).get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200


# -------------------------------------------------------------------------------------------- gzip


def test_json_bodies_are_gzipped_when_the_device_accepts_it(district, boards):
    for n in range(5):
        publish_notice(district.a, title=f"Thông báo số {n}")

    response = snapshot(boards.lcd, boards.lcd_token, HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert len(json.loads(gzip.decompress(response.content))["items"]) == 5
    assert "Content-Encoding" not in snapshot(boards.lcd, boards.lcd_token)


# ----------------------------------------------------------------------------------- query counts


def test_a_304_snapshot_and_a_304_alerts_poll_take_at_most_two_queries(district, boards, django_assert_max_num_queries):
    publish_notice(district.a)
    publish_alert(communes=[district.a])
    client = as_device(boards.lcd_token)
    snapshot_etag = client.get(f"/devices/{boards.lcd.pk}/snapshot")["ETag"]
    alerts_etag = client.get(f"/devices/{boards.lcd.pk}/alerts")["ETag"]

    with django_assert_max_num_queries(2):
        assert client.get(f"/devices/{boards.lcd.pk}/snapshot", HTTP_IF_NONE_MATCH=snapshot_etag).status_code == 304
    with django_assert_max_num_queries(2):
        assert client.get(f"/devices/{boards.lcd.pk}/alerts", HTTP_IF_NONE_MATCH=alerts_etag).status_code == 304


def fill(district, boards, count):
    """`count` notices of every kind of target (some with an image) and `count` more devices."""
    image = get_image_model().objects.create(title="Ảnh", file=get_test_image_file(filename="anh.png"))
    for n in range(count):
        publish_notice(district.a, title=f"Thông báo {n}", windows=[(datetime.time(7), datetime.time(9))],
                       images=[image] if n % 3 == 0 else [], target=NoticeTarget.GROUPS, groups=[boards.group])
        publish_notice(None, title=f"Thông báo của huyện {n}")
        make_device(district.a, f"Bảng {count}-{n}", group=boards.group)
        publish_alert(communes=[district.a], headline=f"Cảnh báo {n}")


def counted_200(client, path, django_assert_num_queries):
    client.get(path)  # renditions and assets are made once, on the first read
    services.feeds_touch(communes=None)
    client.get(path)  # the boundary is computed once after a touch
    services.feeds_touch(communes=None)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("count", [3, 30])
def test_a_200_snapshot_takes_the_same_number_of_queries_for_3_or_30_items_and_devices(
    district, boards, count, django_assert_num_queries
):
    fill(district, boards, count)
    client = as_device(boards.lcd_token)
    path = f"/devices/{boards.lcd.pk}/snapshot"

    queries = counted_200(client, path, django_assert_num_queries)

    assert len(client.get(path).json()["items"]) == 3 * count
    assert queries == EXPECTED_200_QUERIES, queries


# Hostname cache, device, feed boundary (notices, alerts) and its UPDATE, notices, time windows, images,
# image rows, renditions, assets, alerts, their translations and areas, the issuer tree, the portal: a
# constant, whatever the number of items (the source pages' site root paths come from the site index).
EXPECTED_200_QUERIES = 18  # 16, and 2 to find the portal home for the alerts' CAP links (none without alerts)
