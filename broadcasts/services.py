"""Writes of the broadcasts app, as keyword-only service functions: feed revisions, device
registration and tokens, and what devices report (heartbeats, proof of play). (Alert publishing lives
in `alerts.py`.)

Every change that alters what a device should play goes through `feeds_touch`, which bumps the
revision its ETag is computed from; `signals.py` calls it for content saved through the admin.
"""

import datetime
import secrets
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from broadcasts.models import (
    LANGUAGE_MAX_LENGTH,
    BroadcastClass,
    CommuneFeed,
    Device,
    DeviceEvent,
    DeviceEventKind,
    DeviceState,
    Play,
    PlayOutcome,
    PlayTrigger,
    token_digest,
)
from sites.models import CommuneSite


def feeds_touch(*, communes=None, alerts: bool = False) -> None:
    """Bump the feed revision of these communes (ids or `CommuneSite`s; None: every commune), and the
    alerts revision too when `alerts`. The next change boundary is recomputed on the next read."""
    ids = None if communes is None else {getattr(c, "pk", c) for c in communes}
    sites = CommuneSite.objects.all() if ids is None else CommuneSite.objects.filter(pk__in=ids)
    missing = sites.exclude(broadcast_feed__isnull=False).values_list("pk", flat=True)
    CommuneFeed.objects.bulk_create([CommuneFeed(commune_id=pk) for pk in missing], ignore_conflicts=True)
    feeds = CommuneFeed.objects.all() if ids is None else CommuneFeed.objects.filter(commune_id__in=ids)
    changes = {"revision": F("revision") + 1, "next_change_at": None}
    if alerts:
        changes |= {"alerts_revision": F("alerts_revision") + 1, "alerts_next_change_at": None}
    feeds.update(**changes)


def device_touch(*, device: Device) -> None:
    """Something about this device changed what it should play (its group, area, size, test mode)."""
    Device.objects.filter(pk=device.pk).update(revision=F("revision") + 1)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def device_register(*, commune: CommuneSite, hardware_id: str, kind: str, name: str = "", **details) -> tuple[Device, str]:
    """A device announces itself: it is created pending, and gets a claim secret (shown once) with
    which it later collects its token, once an official has approved it."""
    claim = new_secret()
    device = Device.objects.create(
        commune=commune, hardware_id=hardware_id, kind=kind, name=name or hardware_id,
        claim_hash=token_digest(claim), state=DeviceState.PENDING, **details,
    )
    DeviceEvent.objects.create(device=device, kind=DeviceEventKind.REGISTERED, detail={"hardware_id": hardware_id})
    return device, claim


@transaction.atomic
def device_token_issue(*, device: Device, actor=None) -> str:
    """A new token for the device, replacing any earlier one at once. Only its digest is kept: the
    token is returned to be shown this once."""
    token = new_secret()
    rotated = bool(device.token_hash)
    device.token_hash = token_digest(token)
    device.token_issued_at = timezone.now()
    device.save(update_fields=["token_hash", "token_issued_at"])
    kind = DeviceEventKind.TOKEN_ROTATED if rotated else DeviceEventKind.TOKEN_ISSUED
    DeviceEvent.objects.create(device=device, kind=kind, actor=actor)
    return token


@transaction.atomic
def device_approve(*, device: Device, actor) -> str | None:
    """Approve a pending device. A self-registered device collects its token with its claim secret
    (returns None); one an official created gets its token now (returned, to be shown once)."""
    device.state = DeviceState.ACTIVE
    device.approved_at = timezone.now()
    device.approved_by = actor
    device.save(update_fields=["state", "approved_at", "approved_by"])
    DeviceEvent.objects.create(device=device, kind=DeviceEventKind.APPROVED, actor=actor)
    if device.claim_hash:
        return None
    return device_token_issue(device=device, actor=actor)


@transaction.atomic
def device_claim(*, claim_secret: str) -> tuple[Device | None, str | None]:
    """A self-registered device asks for its token. Returns (None, None) for an unknown secret,
    (device, None) while it waits for approval, and (device, token) exactly once after approval:
    the claim secret is spent with it."""
    device = Device.objects.select_for_update().filter(claim_hash=token_digest(claim_secret)).first()
    if device is None or device.state != DeviceState.ACTIVE:
        return device, None
    device.claim_hash = None
    device.save(update_fields=["claim_hash"])
    return device, device_token_issue(device=device)


@transaction.atomic
def device_revoke(*, device: Device, actor) -> None:
    """The device loses its token and its approval at once; its history stays."""
    device.state = DeviceState.REVOKED
    device.token_hash = None
    device.claim_hash = None
    device.save(update_fields=["state", "token_hash", "claim_hash"])
    DeviceEvent.objects.create(device=device, kind=DeviceEventKind.REVOKED, actor=actor)


def device_authenticate(token: str) -> Device | None:
    """The active device holding this token, with its commune's feed, in one query."""
    if not token:
        return None
    # Unordered (the token is unique: no ORDER BY through the commune's name), and only the columns a
    # poll reads: the 304 path is this one query, so its compile and row decoding time is the API's cost.
    found = (
        Device.objects.select_related("commune__broadcast_feed")
        .only(*DEVICE_FIELDS_POLLS_READ)
        .filter(token_hash=token_digest(token), state=DeviceState.ACTIVE)
        .order_by()[:1]
    )
    return next(iter(found), None)


DEVICE_FIELDS_POLLS_READ = (
    "commune__unit_id", "commune__broadcast_feed__revision", "commune__broadcast_feed__next_change_at",
    "commune__broadcast_feed__alerts_revision", "commune__broadcast_feed__alerts_next_change_at",
    "commune__broadcast_feed__commune_id", "kind", "name", "area_id", "group_id", "display_type", "width", "height",
    "state", "poll_interval_s", "alerts_poll_interval_s", "test_mode", "revision", "last_seen_at", "last_ip",
)


# ------------------------------------------------------------------------- what devices report back

HEARTBEAT_STATUSES = ("ok", "degraded", "error")
PLAY_BATCH_LIMIT = 500
MAX_ERRORS_KEPT = 20
# A device's clock may run ahead a little (it corrects itself from the server's `now`).
CLOCK_SLACK = datetime.timedelta(minutes=10)


class InvalidPayload(ValueError):
    """A device sent something we cannot store: `fields` says what, per field, for its vendor."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items()))
        self.fields = fields


def unstorable_text(value, depth: int = 0) -> bool:
    """Whether a JSON value holds text no database column can store: NUL (PostgreSQL refuses it in text
    and jsonb) or a lone surrogate (not UTF-8). Nesting deeper than 20 levels counts as unstorable too."""
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value)
    if depth > 20:
        return True
    if isinstance(value, dict):
        return any(unstorable_text(k, depth + 1) or unstorable_text(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(unstorable_text(v, depth + 1) for v in value)
    return False


UNSTORABLE = ["NUL characters and lone surrogates are not allowed. / Không chấp nhận ký tự NUL hoặc surrogate lẻ."]


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _moment(value) -> datetime.datetime | None:
    """An RFC 3339 time with its offset, in UTC; None for anything else: a naive time is ambiguous, and
    an offset beyond ±14:00 is no real zone (PostgreSQL refuses it, where Python would accept +21:52)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None or abs(moment.utcoffset()) > datetime.timedelta(hours=14):
        return None
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar's ends
        return None


def _number(value, *, minimum=0, maximum=2**63 - 1):
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return value if minimum <= value <= maximum else None


def heartbeat_clean(payload) -> dict:
    """The heartbeat's fields we keep (an allowlist, bounded), or InvalidPayload naming the bad ones."""
    if not isinstance(payload, dict):
        raise InvalidPayload({"body": ["Expected a JSON object. / Cần một đối tượng JSON."]})
    if unstorable_text(payload):
        raise InvalidPayload({"body": UNSTORABLE})
    errors: dict[str, list[str]] = {}
    status = payload.get("status")
    if status not in HEARTBEAT_STATUSES:
        errors["status"] = ["One of ok, degraded, error. / Một trong ok, degraded, error."]
    clean = {"status": status}
    item = payload.get("current_item")
    if item is not None:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            errors["current_item"] = ["An object with id, revision, started_at. / Đối tượng gồm id, revision, started_at."]
        else:
            clean["current_item"] = {
                "id": _text(item.get("id"), 64),
                "revision": _number(item.get("revision")),
                "started_at": _text(item.get("started_at"), 40),
            }
    for name in ("snapshot_revision", "alerts_revision", "app_version", "firmware"):
        value = payload.get(name)
        if value is not None:
            if not isinstance(value, str) or len(value) > 64:
                errors[name] = ["A string of at most 64 characters. / Chuỗi tối đa 64 ký tự."]
            else:
                clean[name] = value
    for name, minimum in (("uptime_s", 0), ("clock_offset_s", -(10**9))):
        value = payload.get(name)
        if value is not None:
            if _number(value, minimum=minimum, maximum=10**12) is None:
                errors[name] = ["A number. / Một số."]
            else:
                clean[name] = value
    storage = payload.get("storage")
    if storage is not None:
        if not isinstance(storage, dict) or any(
            _number(storage.get(key)) is None for key in ("free_bytes", "total_bytes") if key in storage
        ):
            errors["storage"] = ["An object with free_bytes, total_bytes. / Đối tượng gồm free_bytes, total_bytes."]
        else:
            clean["storage"] = {key: storage[key] for key in ("free_bytes", "total_bytes") if key in storage}
    missing = payload.get("missing_assets")
    if missing is not None:
        if not isinstance(missing, list) or not all(isinstance(a, str) and len(a) <= 80 for a in missing):
            errors["missing_assets"] = ["A list of asset ids. / Danh sách mã tệp."]
        else:
            clean["missing_assets"] = missing[:200]
    network = payload.get("network")
    if network is not None:
        if not isinstance(network, dict):
            errors["network"] = ["An object. / Một đối tượng."]
        else:
            clean["network"] = {str(k)[:32]: v for k, v in list(network.items())[:20]
                                if isinstance(v, str | int | float | bool) or v is None}
    reported = payload.get("errors")
    if reported is not None:
        if not isinstance(reported, list) or not all(
            isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message", ""), str)
            for e in reported
        ):
            errors["errors"] = ["A list of {code, message, at}. / Danh sách {code, message, at}."]
        else:
            clean["errors"] = [
                {"code": e["code"][:64], "message": _text(e.get("message", ""), 500), "at": _text(e.get("at"), 40)}
                for e in reported[:MAX_ERRORS_KEPT]
            ]
    if errors:
        raise InvalidPayload(errors)
    return clean


@transaction.atomic
def device_heartbeat(*, device: Device, payload: dict, now: datetime.datetime | None = None) -> dict:
    """Store what the device reports (validated by `heartbeat_clean`): its last status and the snapshot
    revision it plays; the errors it reports become a fault in its history."""
    now = now or timezone.now()
    clean = heartbeat_clean(payload)
    status = {**clean, "received_at": now.isoformat()}
    changes = {"last_status": status, "last_seen_at": now}
    if "snapshot_revision" in clean:
        changes["last_snapshot_revision"] = clean["snapshot_revision"]
    Device.objects.filter(pk=device.pk).update(**changes)
    for name, value in changes.items():
        setattr(device, name, value)
    if clean.get("errors"):
        DeviceEvent.objects.create(device=device, kind=DeviceEventKind.FAULT, at=now,
                                   detail={"status": clean["status"], "errors": clean["errors"]})
    return status


def play_clean(record, now: datetime.datetime) -> tuple[dict | None, dict[str, list[str]]]:
    """One proof-of-play record → (fields for a `Play`, errors per field)."""
    if not isinstance(record, dict):
        return None, {"record": ["Expected an object. / Cần một đối tượng."]}
    if unstorable_text(record):
        return None, {"record": UNSTORABLE}
    errors: dict[str, list[str]] = {}
    try:
        record_id = uuid.UUID(str(record.get("record_id")))
    except ValueError:
        record_id = None
        errors["record_id"] = ["A UUID. / Một UUID."]
    item_id = record.get("item_id")
    if not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 64:
        errors["item_id"] = ["A string such as notice-12 (at most 64 characters). / Chuỗi như notice-12."]
    revision = record.get("item_revision")
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)
                                 or not 0 <= revision <= 2**31 - 1):
        errors["item_revision"] = ["A whole number. / Một số nguyên."]
    klass = record.get("class")
    if klass is not None and klass not in BroadcastClass.values:
        errors["class"] = [f"One of {', '.join(BroadcastClass.values)}. / Mức độ không hợp lệ."]
    trigger = record.get("trigger", PlayTrigger.SCHEDULED)
    if trigger not in PlayTrigger.values:
        errors["trigger"] = [f"One of {', '.join(PlayTrigger.values)}. / Lý do phát không hợp lệ."]
    outcome = record.get("outcome")
    if outcome not in PlayOutcome.values:
        errors["outcome"] = [f"One of {', '.join(PlayOutcome.values)}. / Kết quả không hợp lệ."]
    language = record.get("language") or ""
    if not isinstance(language, str) or len(language) > LANGUAGE_MAX_LENGTH:
        errors["language"] = [f"A language code such as vi, bdq (at most {LANGUAGE_MAX_LENGTH} characters). "
                              "/ Mã ngôn ngữ như vi, bdq."]
    started, ended = _moment(record.get("started_at")), _moment(record.get("ended_at"))
    if started is None:
        errors["started_at"] = ["An RFC 3339 time with its offset. / Thời điểm RFC 3339 có múi giờ."]
    if ended is None:
        errors["ended_at"] = ["An RFC 3339 time with its offset. / Thời điểm RFC 3339 có múi giờ."]
    if started and ended:
        if ended <= started:
            errors["ended_at"] = ["Must be after started_at (no zero-length plays). / Phải sau started_at."]
        elif ended > now + CLOCK_SLACK:
            errors["ended_at"] = ["In the future. / Thời điểm trong tương lai."]
    if errors:
        return None, errors
    return {
        "record_id": record_id, "item_id": item_id.strip(), "item_revision": revision,
        "broadcast_class": klass or "", "trigger": trigger, "started_at": started, "ended_at": ended,
        "outcome": outcome, "language": language,
    }, {}


@transaction.atomic
def plays_record(*, device: Device, records: list, now: datetime.datetime | None = None) -> dict:
    """Store a batch of proof-of-play records in one transaction. Idempotent: a record whose
    `record_id` this device already sent is counted as a duplicate and not written again; a bad record
    is rejected alone (with its index and errors) and the others are kept."""
    if not isinstance(records, list):
        raise InvalidPayload({"records": ["A list of records. / Danh sách bản ghi."]})
    if len(records) > PLAY_BATCH_LIMIT:
        raise InvalidPayload({"records": [f"At most {PLAY_BATCH_LIMIT} records per request. / "
                                          f"Tối đa {PLAY_BATCH_LIMIT} bản ghi mỗi lần gửi."]})
    now = now or timezone.now()
    # One upload at a time per device, so two retries of the same batch count its records once.
    Device.objects.select_for_update().filter(pk=device.pk).values_list("pk").first()
    cleaned, rejected = [], []
    for index, record in enumerate(records):
        fields, errors = play_clean(record, now)
        if errors:
            raw_id = record.get("record_id") if isinstance(record, dict) else None
            rejected.append({"index": index, "record_id": raw_id if isinstance(raw_id, str) else None,
                             "errors": errors})
        else:
            cleaned.append(fields)
    known = set(Play.objects.filter(device=device, record_id__in=[f["record_id"] for f in cleaned])
                .values_list("record_id", flat=True))
    new, duplicates = {}, 0
    for fields in cleaned:
        if fields["record_id"] in known or fields["record_id"] in new:
            duplicates += 1
        else:
            new[fields["record_id"]] = Play(device=device, **fields)
    Play.objects.bulk_create(new.values(), ignore_conflicts=True)
    return {"accepted": len(new), "duplicates": duplicates, "rejected": rejected}
