"""The device API's doors: bearer tokens (missing, bad, revoked, rotated, another device's), the
register → approve → claim lifecycle, rate limits, and JSON errors a vendor can act on."""

import datetime

import pytest
from django.utils import timezone

from broadcasts import services
from broadcasts.api.ratelimit import SlidingWindow
from broadcasts.models import Device, DeviceEvent, DeviceEventKind, DeviceState
from tests.broadcasts.conftest import API, as_device

pytestmark = pytest.mark.django_db


def snapshot_path(device):
    return f"/devices/{device.pk}/snapshot"


# ------------------------------------------------------------------------------------------ tokens


def test_a_request_without_a_token_gets_a_json_401_with_a_bearer_challenge(boards):
    response = as_device().get(snapshot_path(boards.lcd))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert response.json()["error"] == "token_missing"
    assert "Thiếu mã truy cập" in response.json()["message"]


@pytest.mark.parametrize("header", ["Bearer nope", "Basic dXNlcjpwYXNz", "Bearer", "Bearer " + "x" * 500, "Token abc"])
def test_an_unknown_or_malformed_token_gets_a_401(boards, header):
    response = as_device(HTTP_AUTHORIZATION=header).get(snapshot_path(boards.lcd))

    assert response.status_code == 401 and response.json()["error"] == "token_invalid"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_revoked_devices_token_is_refused(boards, district):
    services.device_revoke(device=boards.lcd, actor=district.approver_a)

    response = as_device(boards.lcd_token).get(snapshot_path(boards.lcd))

    assert response.status_code == 401 and response.json()["error"] == "token_invalid"


def test_a_rotated_token_replaces_the_old_one_at_once(boards, district):
    new = services.device_token_issue(device=boards.lcd, actor=district.approver_a)

    assert as_device(boards.lcd_token).get(snapshot_path(boards.lcd)).status_code == 401
    assert as_device(new).get(snapshot_path(boards.lcd)).status_code == 200


def test_a_token_of_another_communes_device_is_forbidden(boards):
    for path in (snapshot_path(boards.lcd), f"/devices/{boards.lcd.pk}/alerts"):
        response = as_device(boards.other_token).get(path)
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
    response = as_device(boards.other_token).post(f"/devices/{boards.lcd.pk}/heartbeat", {"status": "ok"})
    assert response.status_code == 403
    assert Device.objects.get(pk=boards.lcd.pk).last_status == {}


def test_a_token_of_another_device_of_the_same_commune_is_forbidden_too(boards):
    response = as_device(boards.led_token).get(snapshot_path(boards.lcd))

    assert response.status_code == 403


def test_a_device_id_that_does_not_exist_is_forbidden_not_revealed(boards):
    response = as_device(boards.lcd_token).get("/devices/999999/snapshot")

    assert response.status_code == 403


def test_a_call_records_the_contact_and_writes_it_at_most_every_15_seconds(boards, django_assert_num_queries):
    client = as_device(boards.lcd_token, REMOTE_ADDR="10.0.0.7")
    client.get(snapshot_path(boards.lcd))
    device = Device.objects.get(pk=boards.lcd.pk)
    assert device.last_ip == "10.0.0.7" and device.is_online()
    seen = device.last_seen_at

    client.get(snapshot_path(boards.lcd))
    assert Device.objects.get(pk=boards.lcd.pk).last_seen_at == seen

    Device.objects.filter(pk=boards.lcd.pk).update(last_seen_at=timezone.now() - datetime.timedelta(seconds=20))
    client.get(snapshot_path(boards.lcd))
    assert Device.objects.get(pk=boards.lcd.pk).last_seen_at > seen


def test_a_device_silent_for_more_than_its_poll_interval_and_a_tenth_is_offline(boards):
    device = Device.objects.get(pk=boards.lcd.pk)
    device.last_seen_at = timezone.now() - datetime.timedelta(seconds=device.poll_interval_s * 1.1 + 1)

    assert not device.is_online()


# ----------------------------------------------------------------------------- register and claim


def registration(**fields):
    return {"hardware_id": "SN-DL-0042", "commune": "23524", "kind": "board", "name": "Bảng tin nhà văn hóa thôn 3",
            "model": "LCD-55", "firmware": "2.1.0", "display_type": "lcd", "width": 1920, "height": 1080,
            "capabilities": {"video": False}} | fields


def test_register_approve_claim_gives_the_token_once_and_then_it_works(district):
    device_client = as_device()
    registered = device_client.post("/register", registration())
    assert registered.status_code == 202, registered.content
    body = registered.json()
    assert body["status"] == "pending" and body["claim_url"].endswith(f"{API}/claim")
    device = Device.objects.get(pk=body["device_id"])
    assert device.commune == district.a and device.state == DeviceState.PENDING and device.width == 1920
    assert device.model_name == "LCD-55" and device.capabilities == {"video": False}

    claimer = as_device(body["claim_secret"])
    waiting = claimer.post("/claim")
    assert waiting.status_code == 202 and waiting.json()["status"] == "pending" and waiting["Retry-After"]

    assert services.device_approve(device=device, actor=district.approver_a) is None
    claimed = claimer.post("/claim")
    assert claimed.status_code == 200
    token = claimed.json()["token"]
    assert claimed.json() == {"status": "active", "device_id": device.pk, "token": token}

    assert claimer.post("/claim").status_code == 401  # shown once: the claim secret is spent
    assert as_device(token).get(f"/devices/{device.pk}/snapshot").status_code == 200
    assert DeviceEvent.objects.filter(device=device, kind=DeviceEventKind.TOKEN_ISSUED).count() == 1


def test_a_pending_device_has_no_token_to_poll_with(district):
    body = as_device().post("/register", registration()).json()

    assert as_device(body["claim_secret"]).get(f"/devices/{body['device_id']}/snapshot").status_code == 401


def test_an_unknown_claim_secret_or_none_gets_a_401(district):
    assert as_device("khong-phai-ma").post("/claim").status_code == 401
    assert as_device().post("/claim").json()["error"] == "token_missing"


def test_registering_a_known_hardware_id_is_a_409(district):
    as_device().post("/register", registration())

    response = as_device().post("/register", registration(name="Bảng khác"))

    assert response.status_code == 409 and response.json()["error"] == "conflict"
    assert Device.objects.count() == 1


@pytest.mark.parametrize("fields, bad", [
    ({"commune": "99999"}, "commune"),
    ({"kind": "toaster"}, "kind"),
    ({"hardware_id": ""}, "hardware_id"),
    ({"hardware_id": "   "}, "hardware_id"),
    ({"commune": " "}, "commune"),  # found by the schema fuzz: a blank code once reached the service
    ({"hardware_id": "x" * 200}, "hardware_id"),
    ({"width": 5}, "width"),
    ({"width": True}, "width"),
    ({"display_type": "crt"}, "display_type"),
    ({"capabilities": [1]}, "capabilities"),
])
def test_a_bad_registration_names_the_field_and_creates_nothing(district, fields, bad):
    response = as_device().post("/register", registration(**fields))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request" and bad in response.json()["fields"]
    assert not Device.objects.exists()


def test_registration_is_rate_limited_per_address(district, settings):
    settings.DEVICE_API_REGISTER_RATE_LIMIT = "3/3600"
    client = as_device(REMOTE_ADDR="203.0.113.9")
    for n in range(3):
        assert client.post("/register", registration(hardware_id=f"SN-{n}")).status_code == 202

    refused = client.post("/register", registration(hardware_id="SN-9"))

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"] == "rate_limited"
    assert as_device(REMOTE_ADDR="203.0.113.10").post("/register", registration(hardware_id="SN-9")).status_code == 202


# ---------------------------------------------------------------------------------- rate limits


def test_a_flooding_device_gets_429_with_retry_after_and_others_are_unaffected(boards, settings):
    settings.DEVICE_API_RATE_LIMIT = "5/60"
    client = as_device(boards.lcd_token)
    statuses = [client.get(snapshot_path(boards.lcd)).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    refused = client.get(snapshot_path(boards.lcd))
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert as_device(boards.led_token).get(snapshot_path(boards.led)).status_code == 200


def test_the_sliding_window_forgets_old_requests_gradually():
    window = SlidingWindow()
    assert [window.hit("d", limit=2, period=60, now=t) for t in (0, 1, 2)] == [0, 0, 58]
    # At the start of the next window the previous one still weighs fully; half-way through, half of it.
    assert window.hit("d", limit=2, period=60, now=60) > 0
    assert window.hit("d", limit=2, period=60, now=90) == 0
    assert window.hit("d", limit=2, period=60, now=90) > 0
    assert window.hit("d", limit=2, period=60, now=300) == 0
    assert window.hit("other", limit=2, period=60, now=90) == 0


# ------------------------------------------------------------------------------------ JSON errors


def test_an_unknown_api_path_is_a_json_404(boards):
    response = as_device(boards.lcd_token).get("/devices/1/khong-co")

    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(boards):
    response = as_device(boards.lcd_token).post(snapshot_path(boards.lcd), {})

    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"
    assert as_device().get("/register").status_code == 405


def test_the_openapi_document_describes_every_endpoint(client):
    response = client.get(f"{API}/openapi.json")

    document = response.json()
    assert response.status_code == 200 and document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/register", "/claim", "/devices/{device_id}/snapshot", "/devices/{device_id}/alerts",
        "/devices/{device_id}/heartbeat", "/devices/{device_id}/plays", "/media/{sha256}.{ext}", "/openapi.json",
    }
    assert document["servers"] == [{"url": f"http://localhost{API}"}]
