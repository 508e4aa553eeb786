"""What devices send back (heartbeats, proof of play) and the media they download (signed,
expiring, immutable, resumable with Range)."""

import datetime
import uuid
from unittest import mock

import pytest
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from broadcasts import assets
from broadcasts.models import Device, DeviceEvent, DeviceEventKind, Play
from tests.broadcasts.conftest import API, as_device, publish_notice

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------ heartbeat


def heartbeat(boards, body, **extra):
    return as_device(boards.lcd_token).post(f"/devices/{boards.lcd.pk}/heartbeat", body, **extra)


def test_a_heartbeat_stores_the_status_and_the_snapshot_revision_the_device_plays(boards):
    response = heartbeat(boards, {
        "status": "ok", "current_item": {"id": "notice-3", "revision": 7, "started_at": "2026-12-01T08:00:00+07:00"},
        "snapshot_revision": "41.3", "storage": {"free_bytes": 1000, "total_bytes": 8000}, "app_version": "1.0.2",
        "uptime_s": 3600, "clock_offset_s": -1.5, "network": {"type": "4g", "rssi": -71},
    })

    assert response.status_code == 200
    body = response.json()
    assert body["now"].endswith("+07:00") and body["next_check_at"] > body["now"]
    device = Device.objects.get(pk=boards.lcd.pk)
    assert device.last_snapshot_revision == "41.3"
    assert device.last_status["status"] == "ok" and device.last_status["current_item"]["id"] == "notice-3"
    assert device.last_status["storage"] == {"free_bytes": 1000, "total_bytes": 8000}
    assert device.is_online()
    assert not DeviceEvent.objects.filter(device=device, kind=DeviceEventKind.FAULT).exists()


def test_errors_reported_in_a_heartbeat_are_recorded_as_a_fault(boards):
    heartbeat(boards, {"status": "degraded", "errors": [{"code": "asset_missing", "message": "sha256:ab… 404"}]})

    fault = DeviceEvent.objects.get(device=boards.lcd, kind=DeviceEventKind.FAULT)
    assert fault.detail["errors"][0]["code"] == "asset_missing" and fault.detail["status"] == "degraded"


@pytest.mark.parametrize("body, field", [
    ({"status": "great"}, "status"),
    ({}, "status"),
    ({"status": "ok", "snapshot_revision": 5}, "snapshot_revision"),
    ({"status": "ok", "storage": {"free_bytes": "lots"}}, "storage"),
    ({"status": "ok", "errors": "broken"}, "errors"),
    ({"status": "ok", "uptime_s": -1}, "uptime_s"),
    ([1, 2], "body"),
])
def test_a_bad_heartbeat_is_a_400_naming_the_field_and_stores_nothing(boards, body, field):
    response = heartbeat(boards, body)

    assert response.status_code == 400 and field in response.json()["fields"]
    assert Device.objects.get(pk=boards.lcd.pk).last_status == {}


def test_a_body_that_is_not_json_is_a_400(boards):
    response = as_device(boards.lcd_token).post(f"/devices/{boards.lcd.pk}/heartbeat", raw=b"\xff{not json")

    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_a_heartbeat_over_64_kb_is_a_413(boards):
    response = heartbeat(boards, {"status": "ok", "network": {"note": "x" * 70000}})

    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    assert Device.objects.get(pk=boards.lcd.pk).last_status == {}


# ------------------------------------------------------------------------------------------ plays


def play(**fields):
    start = timezone.localtime() - datetime.timedelta(minutes=5)
    return {"record_id": str(uuid.uuid4()), "item_id": "notice-12", "item_revision": 57, "class": "routine",
            "trigger": "scheduled", "started_at": start.isoformat(),
            "ended_at": (start + datetime.timedelta(seconds=15)).isoformat(), "outcome": "completed"} | fields


def send_plays(boards, records):
    return as_device(boards.lcd_token).post(f"/devices/{boards.lcd.pk}/plays", {"records": records})


def test_plays_are_stored_and_sending_the_same_batch_again_counts_them_as_duplicates(boards):
    records = [play(), play(outcome="interrupted")]

    first = send_plays(boards, records)
    again = send_plays(boards, records)

    assert first.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    assert again.json() == {"accepted": 0, "duplicates": 2, "rejected": []}
    assert Play.objects.filter(device=boards.lcd).count() == 2
    stored = Play.objects.get(record_id=records[0]["record_id"])
    assert stored.item_id == "notice-12" and stored.item_revision == 57 and stored.duration_s == 15


def test_a_record_repeated_inside_one_batch_is_stored_once(boards):
    record = play()

    assert send_plays(boards, [record, record]).json() == {"accepted": 1, "duplicates": 1, "rejected": []}


def test_bad_records_are_rejected_one_by_one_and_the_good_ones_kept(boards):
    start = timezone.localtime()
    records = [
        play(),
        play(ended_at=start.isoformat(), started_at=start.isoformat()),  # zero length
        play(started_at=start.isoformat(), ended_at=(start - datetime.timedelta(seconds=5)).isoformat()),
        play(record_id="not-a-uuid"),
        play(outcome="exploded"),
        play(started_at="2026-12-01T08:00:00"),  # no offset
        play(ended_at=(start + datetime.timedelta(days=2)).isoformat(), started_at=start.isoformat()),
        "not an object",
        play(started_at="2000-01-01T00:14:25+21:52"),  # no real zone (PostgreSQL refused it with a 500)
    ]

    result = send_plays(boards, records).json()

    assert result["accepted"] == 1 and result["duplicates"] == 0
    rejected = {r["index"]: r for r in result["rejected"]}
    assert set(rejected) == {1, 2, 3, 4, 5, 6, 7, 8}
    assert "ended_at" in rejected[1]["errors"] and "ended_at" in rejected[2]["errors"]
    assert "record_id" in rejected[3]["errors"] and rejected[3]["record_id"] == "not-a-uuid"
    assert "outcome" in rejected[4]["errors"] and "started_at" in rejected[5]["errors"]
    assert "started_at" in rejected[8]["errors"]
    assert Play.objects.count() == 1


def test_more_than_500_records_in_one_request_are_refused_whole(boards):
    response = send_plays(boards, [play() for _ in range(501)])

    assert response.status_code == 413 and response.json()["limit_records"] == 500
    assert not Play.objects.exists()


def test_500_records_are_accepted_in_one_request(boards):
    assert send_plays(boards, [play() for _ in range(500)]).json()["accepted"] == 500


def test_a_plays_body_without_records_is_a_400(boards):
    response = as_device(boards.lcd_token).post(f"/devices/{boards.lcd.pk}/plays", {"plays": []})

    assert response.status_code == 400 and "records" in response.json()["fields"]


def test_another_devices_plays_with_the_same_record_ids_are_its_own(boards):
    record = play()
    send_plays(boards, [record])

    response = as_device(boards.led_token).post(f"/devices/{boards.led.pk}/plays", {"records": [record]})

    assert response.json()["accepted"] == 1 and Play.objects.count() == 2


# ------------------------------------------------------------------------------------------ media


@pytest.fixture
def asset_url(district, boards):
    image = get_image_model().objects.create(title="Ảnh", file=get_test_image_file(filename="lich.png"))
    publish_notice(district.a, images=[image])
    body = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot").json()
    [asset] = body["assets"]
    return asset


def fetch(url, **headers):
    return as_device().client.get(url.removeprefix("http://localhost"), **headers)


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_media_is_served_immutable_by_its_signed_url_and_matches_its_sha256(asset_url):
    response = fetch(asset_url["url"])

    data = content(response)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Accept-Ranges"] == "bytes" and int(response["Content-Length"]) == len(data)
    import hashlib

    assert hashlib.sha256(data).hexdigest() == asset_url["sha256"] and len(data) == asset_url["size_bytes"]


def test_a_range_request_gets_206_with_just_those_bytes(asset_url):
    whole = content(fetch(asset_url["url"]))

    part = fetch(asset_url["url"], HTTP_RANGE="bytes=10-19")
    tail = fetch(asset_url["url"], HTTP_RANGE="bytes=-5")
    rest = fetch(asset_url["url"], HTTP_RANGE="bytes=20-")

    assert part.status_code == 206 and content(part) == whole[10:20]
    assert part["Content-Range"] == f"bytes 10-19/{len(whole)}" and part["Content-Length"] == "10"
    assert tail.status_code == 206 and content(tail) == whole[-5:]
    assert rest.status_code == 206 and content(rest) == whole[20:]


def test_a_range_outside_the_file_is_a_416(asset_url):
    response = fetch(asset_url["url"], HTTP_RANGE=f"bytes={asset_url['size_bytes'] + 10}-")

    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{asset_url['size_bytes']}"


def test_several_ranges_or_a_stale_if_range_get_the_whole_file(asset_url):
    assert fetch(asset_url["url"], HTTP_RANGE="bytes=0-1,5-6").status_code == 200
    assert fetch(asset_url["url"], HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"other"').status_code == 200


def test_head_and_if_none_match_on_media(asset_url):
    head = as_device().client.head(asset_url["url"].removeprefix("http://localhost"))
    assert head.status_code == 200 and head["Content-Length"] == str(asset_url["size_bytes"])

    cached = fetch(asset_url["url"], HTTP_IF_NONE_MATCH=f'"{asset_url["sha256"]}"')
    assert cached.status_code == 304


def test_a_media_url_with_a_wrong_signature_or_another_file_is_refused(asset_url):
    url = asset_url["url"]
    forged = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    other_file = url.replace(asset_url["sha256"], "f" * 64)

    assert fetch(forged).json()["error"] == "signature_invalid" and fetch(forged).status_code == 403
    assert fetch(other_file).status_code == 403
    assert fetch(url.split("?")[0]).status_code == 403


def test_an_expired_media_url_is_refused_and_a_fresh_one_outlives_the_day(asset_url):
    exp = int(asset_url["url"].split("exp=")[1].split("&")[0])
    assert exp - timezone.now().timestamp() > 2 * 86400

    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=5)):
        response = fetch(asset_url["url"])

    assert response.status_code == 403 and response.json()["error"] == "url_expired"


def test_a_signed_url_for_a_file_that_is_not_stored_is_a_404(district):
    path = assets.reverse("device_api:media", kwargs={"sha256": "a" * 64, "ext": "png"})
    exp = assets.expiry(timezone.now())

    response = as_device().client.get(f"{path}?exp={exp}&sig={assets.signature('a' * 64, 'png', exp)}")

    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_the_same_rendition_is_one_asset_made_once(district, boards):
    image = get_image_model().objects.create(title="Ảnh", file=get_test_image_file(filename="lich.png"))
    publish_notice(district.a, images=[image], title="Một")
    publish_notice(district.a, images=[image], title="Hai")

    body = as_device(boards.lcd_token).get(f"/devices/{boards.lcd.pk}/snapshot").json()

    assert len(body["assets"]) == 1
    assert {item["renditions"][0]["asset_id"] for item in body["items"]} == {body["assets"][0]["id"]}
    assert assets.Asset.objects.count() == 1
    assert API in body["assets"][0]["url"]


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_text_no_database_can_store_is_a_400_not_a_500(boards, text):
    """NUL and lone surrogates (valid JSON escapes) are refused before they reach PostgreSQL."""
    response = heartbeat(boards, {"status": "ok", "network": {"note": text}})  # sent as \\u0000, \\ud800
    plays = send_plays(boards, [play(item_id=text)])
    registered = as_device().post("/register", {"hardware_id": "SN-1", "commune": "23524", "kind": "board",
                                                "capabilities": {"x": text}})

    assert response.status_code == 400 and response.json()["fields"]["body"]
    assert plays.status_code == 200 and plays.json()["rejected"][0]["errors"]["record"]
    assert registered.status_code == 400
