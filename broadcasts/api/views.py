"""The device API, v1 (`/api/devices/v1/`; the contract is the OpenAPI document, `openapi.py`).

Snapshot and alerts answer `If-None-Match` from the ETag alone (the feed row the authentication query
joined), so a device polling an unchanged feed costs one indexed read and no body. JSON bodies are
gzipped when the device accepts it.
"""

import json

from django.db import IntegrityError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page

from broadcasts import selectors, services
from broadcasts.api.auth import address_limited, allow_methods, bearer_token, device_api, unauthorized
from broadcasts.api.errors import api_error, invalid
from broadcasts.api.openapi import document
from broadcasts.assets import MIMES, check_signature, serve
from broadcasts.models import Asset, Device, DeviceKind, DeviceState, DisplayType
from core.numbers import parse_int
from sites.models import CommuneSite

KB = 1024
BODY_LIMITS = {"register": 16 * KB, "heartbeat": 64 * KB, "plays": 512 * KB}
CLAIM_RETRY_S = 60


def json_response(data, status=200, **headers):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def read_json(request, limit: int):
    """(payload, None) or (None, error response): 413 past `limit` bytes, 400 for what is not JSON."""
    declared = parse_int(request.META.get("CONTENT_LENGTH"), default=0, minimum=0)
    if declared > limit:
        return None, api_error(413, "payload_too_large", limit_bytes=limit)
    body = request.body
    if len(body) > limit:
        return None, api_error(413, "payload_too_large", limit_bytes=limit)
    try:
        return json.loads(body.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, invalid({"body": ["Not valid JSON (UTF-8). / Không phải JSON hợp lệ (UTF-8)."]})


def matches(request, etag: str) -> bool:
    """`If-None-Match` with the weak comparison (RFC 9110 §13.1.2): a list, or `*`."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


def revalidated(etag: str):
    response = HttpResponse(status=304)
    return cached_privately(response, etag)


def cached_privately(response, etag: str):
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Accept-Encoding"
    return response


# ------------------------------------------------------------------------------- registration


def clean_registration(payload) -> tuple[dict, dict]:
    if not isinstance(payload, dict):
        return {}, {"body": ["Expected a JSON object. / Cần một đối tượng JSON."]}
    if services.unstorable_text(payload):
        return {}, {"body": services.UNSTORABLE}
    errors, clean = {}, {}

    def text(name, limit, required=False):
        value = payload.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):  # "  " is as missing as ""
            if required:
                errors[name] = ["Required. / Bắt buộc."]
            return ""
        if not isinstance(value, str) or len(value) > limit or "\x00" in value:
            errors[name] = [f"A string of at most {limit} characters. / Chuỗi tối đa {limit} ký tự."]
            return ""
        return value.strip()

    clean["hardware_id"] = text("hardware_id", 128, required=True)
    code = text("commune", 10, required=True)
    clean["name"] = text("name", 120)
    clean["model_name"] = text("model", 120)
    clean["firmware"] = text("firmware", 64)
    kind = payload.get("kind")
    if kind not in DeviceKind.values:
        errors["kind"] = ["One of board, speaker. / Một trong board, speaker."]
    clean["kind"] = kind
    display = payload.get("display_type")
    if display is not None and display not in DisplayType.values:
        errors["display_type"] = ["One of led, lcd. / Một trong led, lcd."]
    clean["display_type"] = display or ""
    for name, low in (("width", 16), ("height", 8)):
        value = payload.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 8192):
            errors[name] = [f"A whole number from {low} to 8192. / Số nguyên từ {low} đến 8192."]
        clean[name] = value if name not in errors else None
    capabilities = payload.get("capabilities", {})
    if not isinstance(capabilities, dict):
        errors["capabilities"] = ["An object. / Một đối tượng."]
    clean["capabilities"] = capabilities if isinstance(capabilities, dict) else {}
    if code and "commune" not in errors:
        commune = CommuneSite.objects.filter(unit__code=code).first()
        if commune is None:
            errors["commune"] = ["No commune website has this unit code. / Không có trang xã nào có mã này."]
        clean["commune"] = commune
    return clean, errors


@csrf_exempt
@allow_methods("POST")
@address_limited
def register(request):
    payload, error = read_json(request, BODY_LIMITS["register"])
    if error:
        return error
    clean, errors = clean_registration(payload)
    if errors:
        return invalid(errors)
    if Device.objects.filter(hardware_id=clean["hardware_id"]).exists():
        return api_error(409, "conflict")
    try:
        device, claim = services.device_register(**clean)
    except IntegrityError:
        return api_error(409, "conflict")
    return json_response(
        {"status": "pending", "device_id": device.pk, "claim_secret": claim,
         "claim_url": request.build_absolute_uri(reverse("device_api:claim"))},
        status=202, Cache_Control="no-store",
    )


@csrf_exempt
@allow_methods("POST")
@address_limited
def claim(request):
    secret = bearer_token(request)
    if secret is None:
        return unauthorized("token_missing")
    device, token = services.device_claim(claim_secret=secret) if secret else (None, None)
    if device is None or device.state == DeviceState.REVOKED:
        return unauthorized("token_invalid")
    if token is None:
        return json_response({"status": "pending", "retry_after_s": CLAIM_RETRY_S}, status=202,
                             Retry_After=str(CLAIM_RETRY_S), Cache_Control="no-store")
    return json_response({"status": "active", "device_id": device.pk, "token": token}, Cache_Control="no-store")


# --------------------------------------------------------------------------------- what to play


@gzip_page
@device_api("GET", "HEAD")
def snapshot(request):
    device, now = request.device, timezone.now()
    feed = selectors.snapshot_feed(device, now)
    etag = selectors.snapshot_etag(device, feed)
    if matches(request, etag):
        return revalidated(etag)
    body = selectors.snapshot_body(device=device, feed=feed, now=now, request=request)
    return cached_privately(json_response(body), etag)


@gzip_page
@device_api("GET", "HEAD")
def alerts(request):
    device, now = request.device, timezone.now()
    feed = selectors.alerts_feed(device, now)
    etag = selectors.alerts_etag(device, feed)
    if matches(request, etag):
        return revalidated(etag)
    body = selectors.alerts_body(device=device, feed=feed, now=now, request=request)
    return cached_privately(json_response(body), etag)


# ---------------------------------------------------------------------------- what devices report


@gzip_page
@device_api("POST")
def heartbeat(request):
    payload, error = read_json(request, BODY_LIMITS["heartbeat"])
    if error:
        return error
    now = timezone.now()
    try:
        services.device_heartbeat(device=request.device, payload=payload, now=now)
    except services.InvalidPayload as problem:
        return invalid(problem.fields)
    next_check = selectors.next_check_at(request.device, now)
    return json_response({"now": selectors.rfc3339(now, timespec="milliseconds"), "next_check_at": selectors.rfc3339(next_check)},
                         Cache_Control="no-store")


@gzip_page
@device_api("POST")
def plays(request):
    payload, error = read_json(request, BODY_LIMITS["plays"])
    if error:
        return error
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        return invalid({"records": ["A list of records. / Danh sách bản ghi."]})
    if len(payload["records"]) > services.PLAY_BATCH_LIMIT:
        return api_error(413, "payload_too_large", f"At most {services.PLAY_BATCH_LIMIT} records per request. / "
                         f"Tối đa {services.PLAY_BATCH_LIMIT} bản ghi mỗi lần gửi.",
                         limit_records=services.PLAY_BATCH_LIMIT)
    result = services.plays_record(device=request.device, records=payload["records"])
    return json_response(result, Cache_Control="no-store")


# ------------------------------------------------------------------------------------------ media


@allow_methods("GET", "HEAD")
def media(request, sha256, ext):
    problem = check_signature(sha256, ext, request.GET.get("exp", ""), request.GET.get("sig", ""), timezone.now())
    if problem:
        return api_error(403, problem)
    asset = Asset.objects.filter(sha256=sha256).first()
    if asset is None or MIMES.get(ext) != asset.mime:
        return api_error(404, "not_found")
    return serve(request, asset)


# ------------------------------------------------------------------------------------ the contract


@gzip_page
@allow_methods("GET", "HEAD")
def openapi(request):
    response = json_response(document(request.build_absolute_uri(reverse("device_api:openapi")).rsplit("/", 1)[0]))
    response["Cache-Control"] = "public, max-age=300"
    return response


def not_found(request, rest=""):
    return api_error(404, "not_found")
