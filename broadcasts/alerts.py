"""Emergency alerts: the services that publish them (an alert, its updates and its cancel messages) and
the selectors the public site and the banner read.

A published alert never changes (CAP 1.2): an update or a cancel is a new message that references the
original, and publishing it marks the original `superseded_at`. Only emergency publishers
(`broadcasts.publish_alert`, held by the installation's emergency-publishers group) publish, and only
for communes they work for (`sites.tenancy.commune_sites_for_user`: every commune for portal staff,
their own for a commune's staff).

Every publish bumps the device feeds of the communes it touches (`feeds_touch(..., alerts=True)`) and
forgets the cached banner of those communes and of the portal, so the banner shows the change on the
next page view in this process, within `BANNER_LOCAL_S` in the others, and within `BANNER_TTL_S` at the
latest, whatever happens to the cache.
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from broadcasts.cap import cap_document_errors, polygon_errors
from broadcasts.models import (
    SEVERITY_RANK,
    URGENCY_RANK,
    Alert,
    AlertMessageType,
    AlertStatus,
    AlertTranslation,
)
from broadcasts.services import feeds_touch
from broadcasts.speech import alert_audio_on_publish
from sites.models import CommuneSite, Portal
from sites.tenancy import commune_home_model, commune_sites_for_user, portal_home_model

PUBLISH_PERMISSION = "broadcasts.publish_alert"
# Fields an update copies from its original (and a cancel message too).
COPIED_FIELDS = [
    "issuer_id", "area_description", "polygon", "status", "category", "event", "urgency", "severity",
    "certainty", "effective", "onset", "expires", "headline", "description", "instruction", "sender_name",
    "radio_repeats", "radio_gap_min", "radio_recording",
]
CANCEL_DEFAULT_NOTE = "Cảnh báo này đã được cơ quan ban hành hủy bỏ."

# The banner's cache: one entry per commune (by its administrative unit, which a commune home page and
# its translations share) and one for the portal, each the list of alerts in force or about to be.
BANNER_TTL_S = 30
# Each process also keeps what it read for a few seconds: a cached page then costs no read of the banner
# at all (issue 12). A publish forgets this process's copy at once; the other processes' copies lapse.
BANNER_LOCAL_S = 5
_local_banners = {}  # cache key -> (rows, time.monotonic() until which they stand)
BANNER_CACHE_PREFIX = "broadcasts:alert-banner:"
PORTAL_SCOPE = "cong"


class AlertAlreadySent(ValidationError):
    """The alert was published already (a second click, or a second tab): nothing more happens."""


# ------------------------------------------------------------------------------------------ checks

def alert_check(*, alert: Alert, communes, areas, now=None) -> None:
    """Everything a message must satisfy before it is published, as one ValidationError with
    Vietnamese messages per field: CAP 1.2's required fields, times in order and in the future,
    a valid polygon, areas inside the affected communes, and an update or cancel that matches its
    original."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field, label in (("headline", "tiêu đề"), ("event", "sự kiện"), ("description", "mô tả")):
        if not (getattr(alert, field) or "").strip():
            add(field, f"Hãy nhập {label} của cảnh báo.")
    if not communes:
        add("communes", "Hãy chọn ít nhất một xã bị ảnh hưởng.")
    commune_ids = {c.pk for c in communes}
    foreign = [area for area in areas if area.commune_id not in commune_ids]
    if foreign:
        add("areas", "Các thôn, tổ dân phố sau không thuộc xã bị ảnh hưởng: " + ", ".join(a.name for a in foreign) + ".")
    if alert.issuer_id is not None and communes and alert.issuer_id not in commune_ids:
        add("issuer", "Xã ban hành phải là một trong các xã bị ảnh hưởng.")
    if alert.expires is None:
        add("expires", "Hãy nhập thời điểm hết hiệu lực (CAP yêu cầu, các thiết bị dựa vào đó để dừng cảnh báo).")
    else:
        if alert.expires <= now:
            add("expires", "Thời điểm hết hiệu lực đã qua.")
        if alert.effective and alert.expires <= alert.effective:
            add("expires", "Thời điểm hết hiệu lực phải sau thời điểm có hiệu lực.")
        if alert.onset and alert.onset >= alert.expires:
            add("onset", "Thời điểm dự kiến bắt đầu phải trước thời điểm hết hiệu lực.")
    for message in polygon_errors(alert.polygon or ""):
        add("polygon", message)
    original = alert.references
    if alert.msg_type != AlertMessageType.ALERT:
        if original is None:
            add("__all__", "Tin cập nhật hoặc hủy phải tham chiếu một cảnh báo đã phát.")
        else:
            if alert.status != original.status:
                add("status", f"Tính chất phải giữ như tin gốc ({original.get_status_display()}).")
            if original.sent is None or original.msg_type == AlertMessageType.CANCEL:
                add("__all__", "Tin gốc chưa được phát hoặc là một tin hủy.")
            elif original.superseded_at is not None:
                add("__all__", "Tin gốc đã được cập nhật hoặc hủy bởi một tin khác; hãy làm việc với tin mới nhất.")
            elif original.expires <= now:
                add("__all__", "Tin gốc đã hết hiệu lực; hãy phát một cảnh báo mới.")
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------- services


def _require_publisher(user, communes) -> None:
    if not (user.is_authenticated and user.is_active and user.has_perm(PUBLISH_PERMISSION)):
        raise PermissionDenied("Chỉ người có vai trò phát cảnh báo khẩn cấp mới được phát cảnh báo.")
    allowed = set(commune_sites_for_user(user).filter(pk__in=[c.pk for c in communes]).values_list("pk", flat=True))
    refused = [c for c in communes if c.pk not in allowed]
    if refused:
        names = ", ".join(c.name for c in refused)
        raise PermissionDenied(f"Bạn không được phát cảnh báo cho: {names}.")


def _sender_name(alert: Alert) -> str:
    """The issuing authority as citizens know it: the agency name of the issuing commune or of the portal."""
    if alert.issuer_id is not None:
        site = CommuneSite.objects.select_related("unit").get(pk=alert.issuer_id)
        home_id, unit = site.home_id, site.unit
    else:
        portal = Portal.objects.select_related("unit").first()
        if portal is None:
            return ""
        home_id, unit = portal.home_id, portal.unit
    home_model = commune_home_model() if alert.issuer_id is not None else portal_home_model()
    name = home_model.objects.filter(pk=home_id).values_list("agency_name", flat=True).first()
    return name or f"Ủy ban nhân dân {unit.name}"


def cap_identifier(alert: Alert) -> str:
    """`<portal domain>.<UTC yyyymmddHHMMSS>.<pk>`, on the MET Norway pattern (DEVICES.md §8.10)."""
    sent = alert.sent.astimezone(datetime.UTC)
    return f"{settings.SITE_DOMAIN}.{sent:%Y%m%d%H%M%S}.{alert.pk}"


@transaction.atomic
def alert_publish(*, alert: Alert, user) -> Alert:
    """Publish a draft message (an alert, an update or a cancel): it gets its `sent` time, its CAP
    identifier and its sender, and an update or cancel supersedes its original. The row is locked
    first, so a double click publishes once (the second call raises `AlertAlreadySent`).

    Raises PermissionDenied (not a publisher, or a commune the user does not work for) and
    ValidationError (Vietnamese messages per field); nothing is written then."""
    if not Alert.objects.editable_by(user).filter(pk=alert.pk).exists():
        raise PermissionDenied("Bạn không có quyền với cảnh báo này.")
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.sent is not None:
        raise AlertAlreadySent("Cảnh báo này đã được phát lúc "
                               f"{timezone.localtime(locked.sent):%H:%M:%S %d/%m/%Y}.", code="already_sent")
    communes = list(locked.communes.select_related("unit"))
    areas = list(locked.areas.all())
    _require_publisher(user, communes)
    original = None
    if locked.references_id is not None:
        original = Alert.objects.select_for_update().get(pk=locked.references_id)
        locked.references = original
    now = timezone.now().replace(microsecond=0)
    alert_check(alert=locked, communes=communes, areas=areas, now=now)

    locked.sent = now
    locked.sent_by = user
    locked.effective = locked.effective or now
    locked.sender_name = locked.sender_name or _sender_name(locked)
    locked.save(update_fields=["sent", "sent_by", "effective", "sender_name"])
    locked.identifier = cap_identifier(locked)
    locked.save(update_fields=["identifier"])
    touched = {c.pk for c in communes}
    if original is not None:
        original.superseded_at = now
        original.save(update_fields=["superseded_at"])
        touched |= set(original.communes.values_list("pk", flat=True))

    problems = cap_document_errors(locked)
    if problems:
        raise ValidationError("Không tạo được bản tin CAP hợp lệ: " + "; ".join(problems))

    feeds_touch(communes=touched, alerts=True)
    alert_audio_on_publish(alert=locked)  # read out on the radio: its audio is made once this commits
    banner_forget(communes=touched)
    transaction.on_commit(lambda: banner_forget(communes=touched))  # a reader may have refilled it meanwhile
    alert.refresh_from_db()
    return locked


def _copy(original: Alert, *, msg_type: str, user) -> Alert:
    message = Alert(msg_type=msg_type, references=original, created_by=user,
                    **{name: getattr(original, name) for name in COPIED_FIELDS})
    message.save()
    message.communes.set(original.communes.all())
    message.areas.set(original.areas.all())
    return message


@transaction.atomic
def alert_update_draft(*, original: Alert, user) -> Alert:
    """A draft Update of a published alert in force, prefilled from it (with its translations), to be
    edited and then published by an emergency publisher."""
    if not user.has_perm("broadcasts.add_alert") or not Alert.objects.editable_by(user).filter(pk=original.pk).exists():
        raise PermissionDenied("Bạn không có quyền soạn bản cập nhật cho cảnh báo này.")
    original = Alert.objects.select_for_update().get(pk=original.pk)
    if not is_in_force(original):
        raise ValidationError("Chỉ cập nhật được cảnh báo đã phát, đang hoặc sắp có hiệu lực, chưa bị thay thế hay hủy.")
    draft = _copy(original, msg_type=AlertMessageType.UPDATE, user=user)
    draft.effective = None  # the update takes effect when it is sent, unless the publisher says otherwise
    draft.save(update_fields=["effective"])
    AlertTranslation.objects.bulk_create([
        AlertTranslation(alert=draft, language=t.language, event=t.event, headline=t.headline,
                         description=t.description, instruction=t.instruction, sort_order=t.sort_order)
        for t in original.translations.all()
    ])
    return draft


@transaction.atomic
def alert_cancel(*, original: Alert, user, note: str = "") -> Alert:
    """Cancel a published alert: a Cancel message referencing it is created and published at once.
    Its devices return to their rotation and the banner goes on the next page view."""
    if not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("Chỉ người có vai trò phát cảnh báo khẩn cấp mới được hủy cảnh báo.")
    if not Alert.objects.editable_by(user).filter(pk=original.pk).exists():
        raise PermissionDenied("Bạn không có quyền với cảnh báo này.")
    note = " ".join((note or "").split())[:1000]
    cancel = _copy(original, msg_type=AlertMessageType.CANCEL, user=user)
    cancel.headline = f"HỦY: {original.headline}"[:100]
    cancel.description = note or CANCEL_DEFAULT_NOTE
    cancel.instruction = ""
    cancel.effective = None
    # Not read out on the radio: speakers stop the alert's repeats when it leaves their alerts list.
    cancel.radio_repeats = 0
    cancel.radio_recording = ""
    cancel.save(update_fields=["headline", "description", "instruction", "effective", "radio_repeats", "radio_recording"])
    return alert_publish(alert=cancel, user=user)


# --------------------------------------------------------------------------------------- selectors


def in_force_q(now=None) -> Q:
    """Published alerts and updates, not superseded, not expired (whether or not yet effective)."""
    now = now or timezone.now()
    return Q(sent__isnull=False, superseded_at__isnull=True, expires__gt=now,
             msg_type__in=[AlertMessageType.ALERT, AlertMessageType.UPDATE])


def is_in_force(alert: Alert, now=None) -> bool:
    """Published, not a cancel, not superseded, not expired: what an update or a cancel may follow."""
    now = now or timezone.now()
    return (alert.sent is not None and alert.msg_type != AlertMessageType.CANCEL
            and alert.superseded_at is None and alert.expires > now)


def by_priority(alerts):
    """Several active alerts: the more severe first, then the more urgent, then the newer."""
    return sorted(alerts, key=lambda a: (SEVERITY_RANK.get(a.severity, 9), URGENCY_RANK.get(a.urgency, 9),
                                         -a.sent.timestamp()))


def active_alerts_for_site(*, commune: CommuneSite | None = None, now=None, statuses=(AlertStatus.ACTUAL,)) -> list[Alert]:
    """The alerts in force now on a commune's site (those affecting it) or on the portal (commune None:
    every commune's), most important first. Public pages and the banner show `Actual` alerts only;
    the Atom index passes every status (CAP consumers filter by `status` themselves)."""
    now = now or timezone.now()
    alerts = Alert.objects.active(now).filter(status__in=statuses)
    if commune is not None:
        alerts = alerts.filter(communes=commune)
    return by_priority(alerts.prefetch_related("communes__unit", "areas").distinct())


def ended_alerts_for_site(*, commune: CommuneSite | None = None, now=None, days: int = 30, limit: int = 20) -> list[Alert]:
    """Alerts of the last `days` that have ended (expired or cancelled; an alert replaced by an update
    lives on in its update), newest first, for the public list."""
    now = now or timezone.now()
    updated = Alert.objects.filter(references=OuterRef("pk"), msg_type=AlertMessageType.UPDATE, sent__isnull=False)
    alerts = (
        Alert.objects.published()
        .filter(status=AlertStatus.ACTUAL, msg_type__in=[AlertMessageType.ALERT, AlertMessageType.UPDATE],
                sent__gte=now - datetime.timedelta(days=days))
        .filter(Q(expires__lte=now) | Q(superseded_at__isnull=False))
        .exclude(Exists(updated))
    )
    if commune is not None:
        alerts = alerts.filter(communes=commune)
    return list(alerts.prefetch_related("communes__unit").distinct().order_by("-sent")[:limit])


def alert_state(alert: Alert, now=None) -> tuple[str, str]:
    """(code, Vietnamese label) of a message's state, as the admin and the public pages show it."""
    now = now or timezone.now()
    if alert.sent is None:
        return "draft", "Bản nháp"
    if alert.msg_type == AlertMessageType.CANCEL:
        return "cancel", "Tin hủy"
    if alert.superseded_at is not None:
        cancelled = getattr(alert, "was_cancelled", None)
        if cancelled is None:
            cancelled = alert.followups.filter(msg_type=AlertMessageType.CANCEL, sent__isnull=False).exists()
        return ("cancelled", "Đã hủy") if cancelled else ("superseded", "Đã được cập nhật")
    if alert.expires <= now:
        return "expired", "Hết hiệu lực"
    if alert.effective and alert.effective > now:
        return "pending", "Chờ hiệu lực"
    return "active", "Đang hiệu lực"


def successor(alert: Alert) -> Alert | None:
    """The published message that superseded this one (its update or its cancel)."""
    if alert.superseded_at is None:
        return None
    return alert.followups.filter(sent__isnull=False).order_by("-sent").first()


# ------------------------------------------------------------------------------------------ banner


@dataclass(frozen=True)
class BannerAlert:
    """What the banner shows of an alert: small, so a cached list stays cheap to read."""

    pk: int
    headline: str
    event: str
    severity: str
    severity_label: str
    urgency: str
    instruction: str
    sent: float
    effective: float
    expires: float


def banner_cache_key(unit_id: int | None) -> str:
    return f"{BANNER_CACHE_PREFIX}{unit_id if unit_id else PORTAL_SCOPE}"


def _banner_rows(unit_id: int | None, now) -> list[BannerAlert]:
    alerts = Alert.objects.filter(in_force_q(now), status=AlertStatus.ACTUAL)
    if unit_id:
        alerts = alerts.filter(communes__unit_id=unit_id)
    rows = []
    for alert in alerts.distinct():
        instruction = " ".join((alert.instruction or alert.description).split())
        if len(instruction) > 220:
            instruction = instruction[:219].rsplit(" ", 1)[0] + "…"
        rows.append(BannerAlert(
            pk=alert.pk, headline=alert.headline, event=alert.event, severity=alert.severity,
            severity_label=alert.get_severity_display(), urgency=alert.urgency, instruction=instruction,
            sent=alert.sent.timestamp(), effective=(alert.effective or alert.sent).timestamp(),
            expires=alert.expires.timestamp(),
        ))
    return rows


def banner_alerts(*, unit_id: int | None, now=None) -> list[BannerAlert]:
    """The alerts a site's banner shows now: those affecting the commune of this administrative unit
    (None: the portal, every commune's), `Actual` only, most important first. One cache read when
    warm; the cached list holds alerts not yet effective too, and the times are checked on every read,
    so an alert appears when it takes effect and goes the second it expires, whatever the cache holds."""
    now = now or timezone.now()
    key = banner_cache_key(unit_id)
    rows, until = _local_banners.get(key, (None, 0.0))
    if until <= time.monotonic():
        rows = cache.get(key)
        if rows is None:
            rows = _banner_rows(unit_id, now)
            cache.set(key, rows, BANNER_TTL_S)
        _local_banners[key] = (rows, time.monotonic() + BANNER_LOCAL_S)
    stamp = now.timestamp()
    current = [row for row in rows if row.effective <= stamp < row.expires]
    return sorted(current, key=lambda r: (SEVERITY_RANK.get(r.severity, 9), URGENCY_RANK.get(r.urgency, 9), -r.sent))


def banner_forget(*, communes=None) -> None:
    """Forget the cached banners of these communes (ids or `CommuneSite`s) and of the portal."""
    _local_banners.clear()
    ids = {getattr(c, "pk", c) for c in communes or ()}
    unit_ids = CommuneSite.objects.filter(pk__in=ids).values_list("unit_id", flat=True) if ids else []
    cache.delete_many([banner_cache_key(None), *(banner_cache_key(unit_id) for unit_id in unit_ids)])
