"""Reads of the broadcasts app: what a device plays (the 48-hour snapshot and the active alerts), and
the feed revisions its ETags come from.

A device's ETag is `W/"<device>.<feed revision>.<device revision>"`, read from the row the
authentication query already joined (`CommuneFeed`), so a 304 builds nothing. The revision moves when
content changes (`services.feeds_touch`, which also clears the next boundary) and, lazily, when time
does: on a read, a feed whose next boundary is unknown gets it computed and stored (a notice entering
the 48-hour window, a notice or alert ending, an alert becoming effective); a feed whose stored
boundary has passed is bumped, with a conditional UPDATE so that two workers bump it once.

Who sees what:
- notices: the commune's own live notices and the portal's live notices for it (all communes, or it
  among the chosen ones), that target all its boards, the device's group, or the device itself, and
  whose validity meets [now, now + 48 h]. Drafts and notices awaiting approval are never `live`.
- alerts: published, in force (effective, not expired, not cancelled or superseded) and affecting the
  device's commune. An alert that names villages (areas) reaches the devices in those villages and the
  devices with no village (a board at the commune office speaks to the whole commune). Exercise and
  Test alerts reach only devices in test mode. Alerts are in the snapshot too, so that an offline
  board still knows of them, and in the small alerts body polled more often.
- speaker clusters: instead of notices, the commune's live radio bulletins and enabled relays that
  target the whole commune, the cluster's village or the cluster itself, in the village's language where
  a version has ready audio, scheduled over the next 48 hours by `broadcasts.programme` (quiet hours,
  collisions, the longest broadcast, relays interrupted and resumed, the alerts' repeated plays); their
  alerts carry their radio audio.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Min, OuterRef, Prefetch, Q, Subquery, Value
from django.utils import timezone
from wagtail.images import get_image_model

from broadcasts import assets, cap, programme
from broadcasts.models import (
    ALL_DAYS,
    CLASS_RANK,
    SEVERITY_RANK,
    URGENCY_RANK,
    Alert,
    AlertMessageType,
    AlertStatus,
    Area,
    AudioState,
    BoardNotice,
    BroadcastClass,
    BulletinVersion,
    CommuneFeed,
    Device,
    DeviceKind,
    DeviceState,
    DisplayType,
    NoticeImage,
    NoticeTarget,
    NoticeVersion,
    RadioBulletin,
    RadioSettings,
    Relay,
    SpeakerTarget,
    SpeechAudio,
)
from sites.models import AdministrativeUnit, CommuneSite, Portal, UnitKind

WINDOW = datetime.timedelta(hours=48)
# A feed is refreshed at least this often even when nothing is scheduled, so the signed media URLs of a
# snapshot a device keeps revalidating (304) never outlive their signature (assets.URL_LIFETIME).
MAX_BOUNDARY = datetime.timedelta(hours=24)
DEFAULT_SCREEN = (1920, 1080)
LEVELS = {UnitKind.PROVINCE: "province", UnitKind.CITY: "province", UnitKind.DISTRICT: "district"}


def rfc3339(moment: datetime.datetime | None, *, timespec: str = "seconds") -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat(timespec=timespec)


# ------------------------------------------------------------------------------------ feed state


def commune_notices(commune_id: int):
    """Live notices reaching the commune: its own, and the portal's for all communes or for it."""
    targeted = BoardNotice.target_communes.through.objects.filter(communesite_id=commune_id)
    any_target = BoardNotice.target_communes.through.objects.values("boardnotice_id")
    return BoardNotice.objects.filter(live=True).filter(
        Q(commune_id=commune_id)
        | Q(commune__isnull=True) & (~Q(pk__in=any_target) | Q(pk__in=targeted.values("boardnotice_id")))
    )


def commune_alerts(commune_id: int, now: datetime.datetime):
    """Published alerts and updates affecting the commune that are not over (effective or not yet)."""
    return Alert.objects.published().filter(
        communes=commune_id, msg_type__in=[AlertMessageType.ALERT, AlertMessageType.UPDATE],
        superseded_at__isnull=True, expires__gt=now,
    )


def alerts_boundary(commune_id: int, now: datetime.datetime) -> datetime.datetime | None:
    found = commune_alerts(commune_id, now).aggregate(
        starts=Min("effective", filter=Q(effective__gt=now)), ends=Min("expires")
    )
    return min((m for m in found.values() if m is not None), default=None)


def _earliest(queryset, field_name: str) -> Subquery:
    return Subquery(queryset.order_by(field_name).values(field_name)[:1])


def snapshot_boundary(commune_id: int, now: datetime.datetime) -> datetime.datetime | None:
    """The next moment the commune's snapshots change by themselves: a notice, a radio bulletin or a
    relay ending, or entering the 48-hour window, or an alert's time. One query for the content (its
    earliest moments as subqueries of the commune's row), one for the alerts."""
    entering = now + WINDOW
    notices = commune_notices(commune_id).filter(valid_until__gt=now)
    bulletins = RadioBulletin.objects.filter(commune_id=commune_id, live=True, valid_until__gt=now)
    relays = Relay.objects.filter(commune_id=commune_id, enabled=True).exclude(valid_until__lte=now)
    found = CommuneSite.objects.filter(pk=commune_id).values(
        notices_end=_earliest(notices, "valid_until"),
        notices_enter=_earliest(notices.filter(valid_from__gt=entering), "valid_from"),
        bulletins_end=_earliest(bulletins, "valid_until"),
        bulletins_enter=_earliest(bulletins.filter(valid_from__gt=entering), "valid_from"),
        relays_end=_earliest(relays.filter(valid_until__isnull=False), "valid_until"),
        relays_enter=_earliest(relays.filter(valid_from__gt=entering), "valid_from"),
    ).first() or {}
    moments = [moment - WINDOW if name.endswith("_enter") else moment
               for name, moment in found.items() if moment is not None]
    moments.append(alerts_boundary(commune_id, now))
    return min((m for m in moments if m is not None), default=None)


def feed_of(device: Device) -> CommuneFeed:
    """The commune's feed row (joined by the authentication query); created when missing."""
    try:
        return device.commune.broadcast_feed
    except CommuneFeed.DoesNotExist:
        feed, _ = CommuneFeed.objects.get_or_create(commune_id=device.commune_id)
        return feed


def _settle(feed: CommuneFeed, revision: str, boundary_field: str, compute, now) -> None:
    stored = getattr(feed, boundary_field)
    if stored is not None and stored > now:
        return
    boundary = min(filter(None, [compute(feed.commune_id, now), now + MAX_BOUNDARY]))
    rows = CommuneFeed.objects.filter(pk=feed.pk, **{revision: getattr(feed, revision)})
    if stored is None:
        changed = rows.filter(**{f"{boundary_field}__isnull": True}).update(**{boundary_field: boundary})
    else:
        changed = rows.filter(**{boundary_field: stored}).update(
            **{revision: F(revision) + 1, boundary_field: boundary}
        )
        if changed:
            setattr(feed, revision, getattr(feed, revision) + 1)
    if changed:
        setattr(feed, boundary_field, boundary)
    else:  # another worker, or feeds_touch, got there first: take what it wrote
        feed.refresh_from_db(fields=[revision, boundary_field])


def snapshot_feed(device: Device, now: datetime.datetime) -> CommuneFeed:
    feed = feed_of(device)
    _settle(feed, "revision", "next_change_at", snapshot_boundary, now)
    return feed


def alerts_feed(device: Device, now: datetime.datetime) -> CommuneFeed:
    feed = feed_of(device)
    _settle(feed, "alerts_revision", "alerts_next_change_at", alerts_boundary, now)
    return feed


def snapshot_revision(device: Device, feed: CommuneFeed) -> str:
    return f"{feed.revision}.{device.revision}"


def alerts_revision(device: Device, feed: CommuneFeed) -> str:
    return f"{feed.alerts_revision}.{device.revision}"


def snapshot_etag(device: Device, feed: CommuneFeed) -> str:
    return f'W/"{device.pk}.{snapshot_revision(device, feed)}"'


def alerts_etag(device: Device, feed: CommuneFeed) -> str:
    return f'W/"{device.pk}.{alerts_revision(device, feed)}"'


# ------------------------------------------------------------------------------------ scheduling


def next_check_at(device: Device, now: datetime.datetime, boundaries=()) -> datetime.datetime:
    """When the device should call again: its own slot in the poll interval (a fixed per-device offset,
    so devices spread their polls), or sooner when a boundary comes first (spread over up to 30 s)."""
    interval = device.poll_interval_s
    offset = device.poll_offset_s
    stamp = int(now.timestamp())
    slot = stamp + ((offset - stamp) % interval or interval)  # strictly after now
    soonest = min((b for b in boundaries if b is not None and b > now), default=None)
    if soonest is not None and soonest.timestamp() + offset % 30 < slot:
        moment = soonest + datetime.timedelta(seconds=offset % 30)
        # Up to the whole second (times are sent without fractions): never before the boundary.
        return moment.replace(microsecond=0) + datetime.timedelta(seconds=1) if moment.microsecond else moment
    return datetime.datetime.fromtimestamp(slot, tz=datetime.UTC)


# ---------------------------------------------------------------------------------------- alerts


def device_alerts(device: Device, now: datetime.datetime) -> list[Alert]:
    """The alerts in force for this device, most important first (severity, urgency, newer)."""
    alerts = Alert.objects.active(now).filter(communes=device.commune_id)
    if not device.test_mode:
        alerts = alerts.filter(status=AlertStatus.ACTUAL)
    through = Alert.areas.through.objects
    if device.area_id is not None:
        alerts = alerts.filter(
            ~Q(pk__in=through.values("alert_id")) | Q(pk__in=through.filter(area_id=device.area_id).values("alert_id"))
        )
    alerts = alerts.select_related("issuer__unit").prefetch_related("translations", "areas")
    return sorted(alerts, key=lambda a: (SEVERITY_RANK.get(a.severity, 9), URGENCY_RANK.get(a.urgency, 9),
                                         -a.sent.timestamp()))


def issuer_of(unit: AdministrativeUnit | None, level: str) -> dict | None:
    return None if unit is None else {"id": unit.code, "level": level, "name": unit.name}


def cap_links(alerts) -> dict[int, str]:
    """The canonical CAP XML URL of each alert (`broadcasts.cap.alert_urls`), at the cost of one lookup
    of the portal's home whatever the number of alerts, and none without alerts."""
    if not alerts:
        return {}
    home = cap.portal_home()
    base = home.get_full_url() if home else None
    return {alert.pk: cap.alert_urls(alert, home=home, base=base)["cap"] for alert in alerts}


def alert_item(alert: Alert, *, portal_unit, request, cap_url: str = "", audio: dict | None = None) -> dict:
    """An alert as devices get it; speakers' alerts carry their radio `audio` (`alert_audio`) when ready."""
    start = alert.effective or alert.sent
    item = {
        "id": f"alert-{alert.pk}",
        "type": "alert",
        "revision": 1,  # a sent alert never changes: an update is a new message
        "class": BroadcastClass.EMERGENCY.value,
        "rank": CLASS_RANK[BroadcastClass.EMERGENCY],
        "layout_slot": "takeover",
        "cap_identifier": alert.identifier or "",
        "cap_url": cap_url,
        "status": alert.status,
        "test": alert.status != AlertStatus.ACTUAL,
        "msg_type": alert.msg_type,
        "sent": rfc3339(alert.sent),
        "headline": alert.headline,
        "event": alert.event,
        "description": alert.description,
        "instruction": alert.instruction,
        "category": alert.category,
        "severity": alert.severity,
        "urgency": alert.urgency,
        "certainty": alert.certainty,
        "effective": rfc3339(start),
        "onset": rfc3339(alert.onset),
        "expires": rfc3339(alert.expires),
        "valid_from": rfc3339(start),
        "valid_until": rfc3339(alert.expires),
        "area_description": alert.area_description,
        "areas": [area.name for area in alert.areas.all()],
        "language": "vi",
        "translations": [
            {"language": t.language, "event": t.event, "headline": t.headline, "description": t.description,
             "instruction": t.instruction}
            for t in alert.translations.all()
        ],
        "issuer": issuer_of(alert.issuer.unit, "commune") if alert.issuer else issuer_of(portal_unit, "portal"),
    }
    if audio is not None:
        item["audio"] = audio
    return item


def portal_unit():
    portal = Portal.objects.select_related("unit").first()
    return portal.unit if portal else None


def alerts_body(*, device: Device, feed: CommuneFeed, now: datetime.datetime, request) -> dict:
    """The alerts in force for the device. A speaker's carry their radio audio, and the body lists those
    audio assets, so that the alerts call alone is enough to play them."""
    portal = portal_unit()
    active = device_alerts(device, now)
    links = cap_links(active)
    speaker = device.kind == DeviceKind.SPEAKER
    audio = ready_audio([alert.radio_audio_key for alert in active if alert.radio_repeats]) if speaker else {}
    used = {}
    items = []
    for alert in active:
        found = audio.get(alert.radio_audio_key) if alert.radio_repeats else None
        if found is not None:
            used[found.asset.sha256] = found.asset
        items.append(alert_item(alert, portal_unit=portal, request=request, cap_url=links.get(alert.pk, ""),
                                audio=alert_audio(alert, found) if found is not None else None))
    body = {
        "schema": "vn-portal-device-alerts/1",
        "device_id": device.pk,
        "revision": alerts_revision(device, feed),
        "now": rfc3339(now, timespec="milliseconds"),  # players correct their clocks by it
        "poll_interval_s": device.alerts_poll_interval_s,
        "alerts": items,
    }
    if speaker:
        body["assets"] = [audio_asset_entry(asset, request=request, now=now) for asset in used.values()]
    return body


# -------------------------------------------------------------------------------------- notices


def device_notices(device: Device, now: datetime.datetime, *, rendition_spec: str | None) -> list[BoardNotice]:
    """The live notices this device shows in the coming 48 hours."""
    targets = Q(target=NoticeTarget.ALL) | Q(
        target=NoticeTarget.DEVICES,
        pk__in=BoardNotice.target_devices.through.objects.filter(device_id=device.pk).values("boardnotice_id"),
    )
    if device.group_id is not None:
        targets |= Q(
            target=NoticeTarget.GROUPS,
            pk__in=BoardNotice.target_groups.through.objects.filter(boardgroup_id=device.group_id)
            .values("boardnotice_id"),
        )
    notices = (
        commune_notices(device.commune_id)
        .filter(targets, valid_until__gt=now, valid_from__lt=now + WINDOW)
        .select_related("source_page")
        .prefetch_related("time_windows")
    )
    if device.area_id is not None:
        notices = with_preferred_version(notices, device.area_id)
    if rendition_spec:
        images = get_image_model().objects.prefetch_renditions(rendition_spec)
        notices = notices.prefetch_related(
            Prefetch("images", queryset=NoticeImage.objects.prefetch_related(Prefetch("image", queryset=images)))
        )
    return list(notices)


def with_preferred_version(notices, area_id: int):
    """Each notice with its version in the language of the board's village, if it has one
    (`version_language`, `version_title`, `version_text`; None otherwise): subqueries of the notices'
    own query, so a board with a preferred language costs no more queries than one without."""
    preferred = Area.objects.filter(pk=area_id).values("language")[:1]
    version = NoticeVersion.objects.filter(notice=OuterRef("pk"), language=Subquery(preferred))
    return notices.annotate(**{f"version_{name}": Subquery(version.values(name)[:1])
                               for name in ("language", "title", "text")})


def rendition_spec_for(device: Device) -> str | None:
    """LCD boards get each image fitted inside their screen; LED boards show text only."""
    if device.display_type != DisplayType.LCD:
        return None
    width, height = (device.width, device.height) if device.width and device.height else DEFAULT_SCREEN
    return f"max-{width}x{height}"


def notice_item(notice: BoardNotice, *, issuer: dict | None, renditions: list[dict], request) -> dict:
    klass = notice.broadcast_class
    source = notice.source_page
    # The version in the board's language where there is one (`with_preferred_version`), else its own text.
    language = getattr(notice, "version_language", None)
    title, text = (notice.version_title, notice.version_text) if language else (notice.title, notice.text)
    return {
        "id": f"notice-{notice.pk}",
        "type": "notice",
        "revision": notice.live_revision_id or 0,
        "class": klass,
        "rank": CLASS_RANK[klass],
        "display_order": notice.display_order,
        "kind": "image" if renditions else "text",
        "title": title,
        "text": text,
        "language": language or notice.language,
        "duration_s": notice.duration_s,
        "valid_from": rfc3339(notice.valid_from),
        "valid_until": rfc3339(notice.valid_until),
        "recurrence": {
            "days": sorted(notice.days) if notice.days else list(ALL_DAYS),
            "time_windows": [
                {"from": window.start.strftime("%H:%M"), "to": window.end.strftime("%H:%M")}
                for window in notice.time_windows.all()
            ],
        },
        "layout_slot": "takeover" if klass == BroadcastClass.EMERGENCY else "main",
        "renditions": renditions,
        "issuer": issuer,
        "source_url": source.get_full_url(request=request) if source is not None and source.live else None,
    }


def issuer_tree(unit_id: int) -> list[dict]:
    """Province → (district) → commune, from the registry's parent chain (one query, 4 levels)."""
    unit = AdministrativeUnit.objects.select_related("parent__parent__parent").get(pk=unit_id)
    chain = []
    while unit is not None:
        chain.append({"id": unit.code, "level": LEVELS.get(unit.kind, "commune"), "name": unit.name})
        unit = unit.parent
    return chain[::-1]


def committee_title(name: str) -> str:
    """"Xã Đắk La" → "Ủy ban nhân dân xã Đắk La"."""
    return "Ủy ban nhân dân " + name[:1].lower() + name[1:]


def snapshot_body(*, device: Device, feed: CommuneFeed, now: datetime.datetime, request) -> dict:
    if device.kind == DeviceKind.SPEAKER:
        return speaker_snapshot_body(device=device, feed=feed, now=now, request=request)
    spec = rendition_spec_for(device)
    notices = device_notices(device, now, rendition_spec=spec)
    alerts = device_alerts(device, now)
    tree = issuer_tree(device.commune.unit_id)
    commune_unit = tree[-1]
    portal = portal_unit()

    images = [(notice, link.image) for notice in notices for link in notice.images.all()] if spec else []
    made = assets.rendition_assets([image for _, image in images], spec) if spec else {}
    renditions, used = {}, {}
    for notice, image in images:
        asset = made.get(image.pk)
        if asset is not None:
            used[asset.sha256] = asset
            renditions.setdefault(notice.pk, []).append(
                {"asset_id": f"sha256:{asset.sha256}", "width": asset.width, "height": asset.height}
            )

    commune_issuer = {**commune_unit, "level": "commune"}
    portal_issuer = issuer_of(portal, "portal")
    links = cap_links(alerts)
    items = [alert_item(alert, portal_unit=portal, request=request, cap_url=links.get(alert.pk, "")) for alert in alerts]
    items += sorted(
        (
            notice_item(notice, issuer=commune_issuer if notice.commune_id else portal_issuer,
                        renditions=renditions.get(notice.pk, []), request=request)
            for notice in notices
        ),
        key=lambda item: (item["rank"], item["display_order"], item["valid_from"]),
    )
    items.sort(key=lambda item: item["rank"])  # stable: alerts first among emergencies, in their order

    boundaries = [feed.next_change_at]
    for notice in notices:
        boundaries += [notice.valid_from, notice.valid_until]
    for alert in alerts:
        boundaries += [alert.expires]
    return {
        **envelope(device, feed, now, boundaries, tree=tree,
                   default_text=f"Bảng tin điện tử công cộng – {commune_unit['name']}"),
        "quiet_hours": [],
        "items": items,
        "assets": [assets.asset_entry(asset, request=request, now=now) for asset in used.values()],
        "purge": [],
    }


def envelope(device: Device, feed: CommuneFeed, now: datetime.datetime, boundaries, *, tree, default_text) -> dict:
    """The head of every snapshot, a board's or a speaker's: who and when, when to call again, the issuers."""
    return {
        "schema": "vn-portal-device-feed/1",
        "device_id": device.pk,
        "revision": snapshot_revision(device, feed),
        "generated_at": rfc3339(timezone.now()),
        "now": rfc3339(now, timespec="milliseconds"),  # players correct their clocks by it
        "window": {"from": rfc3339(now), "to": rfc3339(now + WINDOW)},
        "next_check_at": rfc3339(next_check_at(device, now, boundaries)),
        "poll_interval_s": device.poll_interval_s,
        "alerts_poll_interval_s": device.alerts_poll_interval_s,
        "timezone": "Asia/Ho_Chi_Minh",
        "device": {
            "kind": device.kind, "display_type": device.display_type or None, "width": device.width,
            "height": device.height, "test_mode": device.test_mode, "name": device.name,
        },
        "issuer_tree": tree,
        "defaults": {"title": committee_title(tree[-1]["name"]), "text": default_text},
    }


# ------------------------------------------------------------------------------------ commune radio
#
# A speaker cluster's snapshot is its programme (`broadcasts.programme`) over the next 48 hours, built
# from the commune's radio settings, its live bulletins (slots, language versions), its enabled relays,
# the alerts in force for the device and the ready audio of all of them: a constant number of queries
# whatever their number (settings, village language, bulletins, slots, versions, up to four target
# tables, relays, one audio lookup, and the alerts' as for boards).

# The programme is simulated from two days before its start (a repeat or a move begun earlier lands
# where it would have): the content is read from then.
RADIO_LOOKBACK = datetime.timedelta(days=2)
AUDIO_PROFILE = {"codec": "mp3", "bitrate_kbps": 64, "channels": 1}
BITS_PER_SECOND = 64_000  # the speech profile, for audio whose duration was not measured


def ready_audio(keys) -> dict[str, SpeechAudio]:
    """{key: SpeechAudio} of the keys whose audio is ready (with its asset), in one query (none for no
    keys): `broadcasts.speech.audio_for_keys`, keeping the ready rows."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    try:
        from broadcasts.speech import audio_for_keys
    except ImportError:  # the speech module is not there: the same lookup
        found = {row.key: row for row in SpeechAudio.objects.filter(key__in=keys).select_related("asset")}
    else:
        found = audio_for_keys(keys)
    return {key: row for key, row in found.items() if row.state == AudioState.READY and row.asset_id is not None}


def audio_duration_s(asset) -> float:
    if asset.duration_ms:
        return asset.duration_ms / 1000
    return round(asset.size_bytes * 8 / BITS_PER_SECOND, 3)


def audio_of(row: SpeechAudio | None, language: str) -> programme.Audio | None:
    if row is None:
        return None
    return programme.Audio(f"sha256:{row.asset.sha256}", audio_duration_s(row.asset), language or row.language)


def audio_asset_entry(asset, *, request, now: datetime.datetime) -> dict:
    return {**assets.asset_entry(asset, request=request, now=now), "duration_s": audio_duration_s(asset),
            **AUDIO_PROFILE}


def alert_audio(alert: Alert, row: SpeechAudio) -> dict:
    return {"asset_id": f"sha256:{row.asset.sha256}", "duration_s": audio_duration_s(row.asset),
            "repeats": alert.radio_repeats, "gap_s": alert.radio_gap_min * 60, "language": row.language}


def radio_settings(commune_id: int) -> tuple[programme.Rules, RadioSettings | None]:
    found = RadioSettings.objects.filter(commune_id=commune_id).first()
    if found is None:
        return programme.DEFAULT_RULES, None
    return programme.Rules(found.quiet_from, found.quiet_until, found.max_slot_min), found


def device_language(device: Device) -> str:
    """The radio language of the device's village ("vi" without one)."""
    if device.area_id is None:
        return "vi"
    found = Area.objects.filter(pk=device.area_id).order_by().values_list("language", flat=True)[:1]
    return next(iter(found), None) or "vi"


def _target_sets(bulletins, relays) -> dict[str, dict[int, set[int]]]:
    """{"bulletin-areas": {bulletin pk: area pks}, "bulletin-devices": …, "relay-areas": …, "relay-devices": …}
    of the rows that target villages or clusters, from their four ParentalManyToMany tables in one query
    (a UNION; none when no row targets so)."""
    parts = []
    for kind, model, rows in (("bulletin", RadioBulletin, bulletins), ("relay", Relay, relays)):
        for target in ("areas", "devices"):
            owners = [row.pk for row in rows if row.target == target]
            if not owners:
                continue
            relation = model._meta.get_field(f"target_{target}")
            owner, chosen = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            parts.append(
                relation.remote_field.through.objects.filter(**{f"{owner}_id__in": owners})
                .annotate(kind=Value(f"{kind}-{target}"), owner=F(f"{owner}_id"), chosen=F(f"{chosen}_id"))
                .values_list("kind", "owner", "chosen")
            )
    found: dict[str, dict[int, set[int]]] = {f"{k}-{t}": {} for k in ("bulletin", "relay") for t in ("areas", "devices")}
    if parts:
        for kind, owner_id, target_id in parts[0].union(*parts[1:], all=True):
            found[kind].setdefault(owner_id, set()).add(target_id)
    return found


@dataclass
class RadioContent:
    """What a commune's speakers may play between two moments, read once for any number of clusters."""

    rules: programme.Rules
    settings: RadioSettings | None
    bulletins: list[RadioBulletin]
    relays: list[Relay]
    targets: dict[str, dict[int, set[int]]] = field(default_factory=dict)  # "bulletin-areas" → {pk: area pks}…
    audio: dict[str, SpeechAudio] = field(default_factory=dict)

    def reaches(self, row, kind: str, device: Device) -> bool:
        """Whether a bulletin or relay (`kind`) targets this cluster: all, its village, or it."""
        if row.target == SpeakerTarget.AREAS:
            return device.area_id is not None and device.area_id in self.targets[f"{kind}-areas"].get(row.pk, ())
        if row.target == SpeakerTarget.DEVICES:
            return device.pk in self.targets[f"{kind}-devices"].get(row.pk, ())
        return True


def radio_content(commune_id: int, start: datetime.datetime, end: datetime.datetime, *, extra_keys=(),
                  exclude_bulletin: int | None = None) -> RadioContent:
    """The commune's live bulletins and enabled relays that may sound in [start, end) (read from two days
    before), which clusters each targets, and the ready audio of them and of `extra_keys`."""
    rules, settings = radio_settings(commune_id)
    since = start - RADIO_LOOKBACK
    bulletins = list(
        RadioBulletin.objects.filter(commune_id=commune_id, live=True, valid_until__gt=since, valid_from__lt=end)
        .exclude(pk=exclude_bulletin)
        .defer("text")
        .order_by("pk")
        .prefetch_related(
            "slots",
            Prefetch("versions", queryset=BulletinVersion.objects.only("id", "bulletin_id", "language", "audio_key")),
        )
    )
    relays = list(
        Relay.objects.filter(commune_id=commune_id, enabled=True, valid_from__lt=end)
        .exclude(valid_until__lte=since)
        .order_by("pk")
    )
    targets = _target_sets(bulletins, relays)
    keys = [*extra_keys]
    for bulletin in bulletins:
        keys += [bulletin.audio_key, *(version.audio_key for version in bulletin.versions.all())]
    return RadioContent(rules, settings, bulletins, relays, targets, ready_audio(keys))


def programme_bulletin(bulletin: RadioBulletin, audio: dict[str, SpeechAudio],
                       own: programme.Audio | None = None) -> programme.Bulletin:
    versions = {}
    for version in bulletin.versions.all():
        found = audio_of(audio.get(version.audio_key), version.language)
        if found is not None:
            versions[version.language] = found
    return programme.Bulletin(
        pk=bulletin.pk or 0, title=bulletin.title, klass=bulletin.broadcast_class,
        slots=tuple(slot.time for slot in bulletin.slots.all()), valid_from=bulletin.valid_from,
        valid_until=bulletin.valid_until, audio=own or audio_of(audio.get(bulletin.audio_key), bulletin.language),
        versions=versions, days=tuple(bulletin.days or ()), display_order=bulletin.display_order,
        repeats=bulletin.repeats, gap_min=bulletin.repeat_gap_min,
    )


def programme_relay(relay: Relay) -> programme.Relay:
    return programme.Relay(
        pk=relay.pk, name=relay.name, stream_url=relay.stream_url, start=relay.start, end=relay.end,
        valid_from=relay.valid_from, valid_until=relay.valid_until, klass=relay.broadcast_class,
        days=tuple(relay.days or ()),
    )


def programme_alert(alert: Alert, audio: dict[str, SpeechAudio]) -> programme.Alert:
    row = audio.get(alert.radio_audio_key)
    return programme.Alert(
        pk=alert.pk, title=alert.headline, start=alert.effective or alert.sent, expires=alert.expires,
        audio=audio_of(row, row.language if row else "vi"), repeats=alert.radio_repeats,
        gap_min=alert.radio_gap_min,
    )


@dataclass
class SpeakerPlan:
    """A cluster's programme and the rows it came from (for the snapshot's items and assets)."""

    programme: programme.Programme
    content: RadioContent
    language: str
    bulletins: dict[str, tuple[RadioBulletin, programme.Bulletin]]
    relays: dict[str, Relay]
    alerts: list[Alert]


def speaker_plan(device: Device, start: datetime.datetime, end: datetime.datetime,
                 now: datetime.datetime) -> SpeakerPlan:
    alerts = device_alerts(device, now)
    content = radio_content(device.commune_id, start, end,
                            extra_keys=[alert.radio_audio_key for alert in alerts if alert.radio_repeats])
    language = device_language(device)
    bulletins = {
        f"bulletin-{row.pk}": (row, programme_bulletin(row, content.audio))
        for row in content.bulletins if content.reaches(row, "bulletin", device)
    }
    relays = {f"relay-{row.pk}": row for row in content.relays if content.reaches(row, "relay", device)}
    result = programme.programme(
        bulletins=[made for _, made in bulletins.values()], relays=[programme_relay(row) for row in relays.values()],
        alerts=[programme_alert(alert, content.audio) for alert in alerts], rules=content.rules,
        language=language, start=start, end=end, now=now,
    )
    return SpeakerPlan(result, content, language, bulletins, relays, alerts)


def device_programme(device: Device, start: datetime.datetime, end: datetime.datetime,
                     now: datetime.datetime | None = None) -> programme.Programme:
    """What this speaker cluster plays in [start, end), and the warnings about it (for the admin's
    timeline of a day): its bulletins, relays and the alerts in force `now`."""
    return speaker_plan(device, start, end, now or timezone.now()).programme


def bulletin_warnings(bulletin: RadioBulletin, day: datetime.date) -> list[programme.Warning]:
    """The warnings `bulletin` (as edited, perhaps unsaved: its slots, versions and targets are read from
    the instance) would cause or suffer on each of its commune's active speaker clusters it targets on
    the local `day`, as if it were live in place of its live version. Without ready audio its length is
    estimated from its text (and a "no_audio" warning says so). Alerts are left out: they cannot be
    planned. A constant number of queries whatever the number of clusters."""
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=programme.TZ)
    end = start + programme.DAY
    devices = list(
        Device.objects.filter(commune_id=bulletin.commune_id, kind=DeviceKind.SPEAKER, state=DeviceState.ACTIVE)
        .select_related("area").order_by("name", "pk")
    )
    if not devices:
        return []
    content = radio_content(bulletin.commune_id, start, end, exclude_bulletin=bulletin.pk,
                            extra_keys=[bulletin.audio_key, *(v.audio_key for v in bulletin.versions.all())])
    item_id = f"bulletin-{bulletin.pk or 0}"  # (an unsaved one)
    warnings = []
    own = audio_of(content.audio.get(bulletin.audio_key), bulletin.language)
    if own is None:
        speed = float(content.settings.speed) if content.settings is not None else 1.0
        own = programme.Audio("", programme.estimate_duration_s(bulletin.text, speed), bulletin.language,
                              estimated=True)
        warnings.append(programme.Warning(
            "no_audio", item_id, start,
            f"Âm thanh của bản tin chưa sẵn sàng: thời lượng ước tính khoảng {max(1, round(own.duration_s / 60))} "
            "phút theo độ dài văn bản.",
        ))
    candidate = programme_bulletin(bulletin, content.audio, own=own)
    areas = {area.pk for area in bulletin.target_areas.all()}
    chosen = {device.pk for device in bulletin.target_devices.all()}
    for device in devices:
        if bulletin.target == SpeakerTarget.AREAS and device.area_id not in areas:
            continue
        if bulletin.target == SpeakerTarget.DEVICES and device.pk not in chosen:
            continue
        language = device.area.language if device.area is not None else "vi"
        others = [programme_bulletin(row, content.audio) for row in content.bulletins
                  if content.reaches(row, "bulletin", device)]
        result = programme.programme(
            bulletins=[*others, candidate], relays=[programme_relay(row) for row in content.relays
                                                    if content.reaches(row, "relay", device)],
            rules=content.rules, language=language, start=start, end=end, now=start,
        )
        for warning in result.warnings:
            if item_id in (warning.item_id, warning.other_id) and warning.kind != "no_audio":
                warnings.append(programme.Warning(
                    warning.kind, warning.item_id, warning.at, warning.message, other_id=warning.other_id,
                    device_id=device.pk, device_name=device.name,
                ))
    return warnings


def bulletin_item(row: RadioBulletin, audio: programme.Audio, *, issuer: dict) -> dict:
    klass = row.broadcast_class
    return {
        "id": f"bulletin-{row.pk}",
        "type": "bulletin",
        "kind": "audio",
        "revision": row.live_revision_id or 0,
        "class": klass,
        "rank": CLASS_RANK[klass],
        "display_order": row.display_order,
        "title": row.title,
        "language": audio.language,
        "valid_from": rfc3339(row.valid_from),
        "valid_until": rfc3339(row.valid_until),
        "asset_id": audio.asset_id,
        "duration_s": audio.duration_s,
        "repeats": row.repeats,
        "gap_s": row.repeat_gap_min * 60,
        "issuer": issuer,
    }


def relay_item(row: Relay) -> dict:
    return {
        "id": f"relay-{row.pk}",
        "type": "relay",
        "kind": "relay",
        "class": row.broadcast_class,
        "name": row.name,
        "stream_url": row.stream_url,
        "valid_from": rfc3339(row.valid_from),
        "valid_until": rfc3339(row.valid_until),
    }


def schedule_entry(entry: programme.Entry) -> dict:
    found = {"item_id": entry.item_id, "start_at": rfc3339(entry.start), "end_at": rfc3339(entry.end),
             "kind": entry.kind}
    if entry.kind == "audio":
        found |= {"asset_id": entry.asset_id, "class": entry.klass, "language": entry.language,
                  "repeat": entry.repeat, "of": entry.of, "resumes": False}
    else:
        found |= {"stream_url": entry.stream_url, "class": entry.klass, "language": None,
                  "resumes": entry.resumes}
    return found


def speaker_snapshot_body(*, device: Device, feed: CommuneFeed, now: datetime.datetime, request) -> dict:
    """A speaker cluster's snapshot: the envelope of boards, its quiet hours and longest broadcast, the
    alerts (with their radio audio), the bulletins and relays it plays, the schedule of the next 48
    hours (quiet hours, collisions, runs and interruptions already applied) and the audio to download."""
    plan = speaker_plan(device, now, now + WINDOW, now)
    tree = issuer_tree(device.commune.unit_id)
    commune_unit = tree[-1]
    portal = portal_unit()
    commune_issuer = {**commune_unit, "level": "commune"}
    audio = plan.content.audio
    files = {f"sha256:{row.asset.sha256}": row.asset for row in audio.values()}
    used = {}

    links = cap_links(plan.alerts)
    items = []
    for alert in plan.alerts:
        found = audio.get(alert.radio_audio_key) if alert.radio_repeats else None
        if found is not None:
            used[f"sha256:{found.asset.sha256}"] = found.asset
        items.append(alert_item(alert, portal_unit=portal, request=request, cap_url=links.get(alert.pk, ""),
                                audio=alert_audio(alert, found) if found is not None else None))
    scheduled = {entry.item_id for entry in plan.programme.entries}
    bulletins = []
    for item_id, (row, made) in plan.bulletins.items():
        if item_id in scheduled:
            chosen = made.audio_for(plan.language)
            used[chosen.asset_id] = files[chosen.asset_id]
            bulletins.append(bulletin_item(row, chosen, issuer=commune_issuer))
    bulletins.sort(key=lambda item: (item["rank"], item["display_order"], item["valid_from"], item["id"]))
    relays = [relay_item(row) for item_id, row in plan.relays.items() if item_id in scheduled]
    relays.sort(key=lambda item: (CLASS_RANK[item["class"]], item["name"], item["id"]))
    items += bulletins + relays
    items.sort(key=lambda item: item.get("rank", CLASS_RANK.get(item["class"], 2)))  # stable: alerts first

    boundaries = [feed.next_change_at]
    boundaries += [alert.expires for alert in plan.alerts]
    for row, _ in plan.bulletins.values():
        boundaries += [row.valid_from, row.valid_until]
    for row in plan.relays.values():
        boundaries += [row.valid_from, row.valid_until]
    rules = plan.content.rules
    name = tree[-1]["name"]
    return {
        **envelope(device, feed, now, boundaries, tree=tree,
                   default_text="Đài truyền thanh " + name[:1].lower() + name[1:]),
        "quiet_hours": [{"from": rules.quiet_from.strftime("%H:%M"), "to": rules.quiet_until.strftime("%H:%M")}],
        "max_slot_s": rules.max_slot_min * 60,
        "items": items,
        "schedule": [schedule_entry(entry) for entry in plan.programme.entries],
        "assets": [audio_asset_entry(asset, request=request, now=now) for asset in used.values()],
        "purge": [],
    }
