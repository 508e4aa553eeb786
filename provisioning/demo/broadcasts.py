"""The demo's public e-boards and loudspeakers: each commune's villages as areas, a board group, two or
three boards and a speaker cluster (approved; their tokens are not printed: an official rotates one in
the admin to connect a real board), published board notices of each class, and the commune radio: its
settings, a village whose clusters speak the commune's main minority language, the province's news
relayed in the evening, and two approved bulletins (their audio is made by the task worker).

Built through the app's services (`device_approve`, the notice's revision and publish), like the rest of
the demo. Idempotent: rows are keyed by name (or title) in their commune and only created when missing.
No emergency alert is made: an active one would put a banner on every page of the demo.
"""

import datetime

from django.utils import timezone

from broadcasts.models import (
    Area,
    AreaKind,
    BoardGroup,
    BoardNotice,
    BroadcastClass,
    BulletinSlot,
    Device,
    DeviceKind,
    DeviceState,
    DisplayType,
    NoticeTarget,
    NoticeTimeWindow,
    RadioBulletin,
    RadioSettings,
    Relay,
    SpeakerTarget,
)
from broadcasts.services import device_approve
from sites.models import CommuneSite

AREA_KINDS = {"thon": AreaKind.VILLAGE, "lang": AreaKind.HAMLET, "to_dan_pho": AreaKind.RESIDENTIAL_GROUP}
GROUP_NAME = "Chợ và trường học"


def _capitalised(text):
    return text[:1].upper() + text[1:]


def _areas(site, facts):
    created = 0
    areas = []
    for position, (name, kind) in enumerate(facts.villages, start=1):
        area, made = Area.objects.get_or_create(
            commune=site, name=_capitalised(facts.village_label(name, kind))[:120],
            defaults={"kind": AREA_KINDS.get(kind, AreaKind.OTHER), "code": f"{facts.unit.code}-{position:02d}"},
        )
        created += made
        areas.append(area)
    return areas, created


def _devices(site, facts, areas, group, author):
    """Boards at the commune's office and market (and a school where the commune has an e-board), and a
    speaker cluster in the commune's centre; approved, so they fetch content once given a token."""
    kind, short = facts.kind, facts.short
    centre, market = areas[0], areas[min(1, len(areas) - 1)]
    specs = [
        dict(name=f"Bảng tin trụ sở UBND {kind} {short}", kind=DeviceKind.BOARD, area=centre, group=None,
             location=f"Cổng trụ sở Ủy ban nhân dân {kind}", display_type=DisplayType.LCD, width=1920, height=1080),
        dict(name=f"Bảng tin chợ {market.name.lower()}", kind=DeviceKind.BOARD, area=market, group=group,
             location=f"Chợ {market.name.lower()}", display_type=DisplayType.LED, width=192, height=64),
    ]
    if facts.facts.get("e_board"):
        specs.append(dict(name=f"Bảng tin trường tiểu học {short}", kind=DeviceKind.BOARD, area=centre, group=group,
                          location="Cổng trường tiểu học", display_type=DisplayType.LED, width=192, height=64))
    specs.append(dict(name=f"Cụm loa {centre.name.lower()}", kind=DeviceKind.SPEAKER, area=centre, group=None,
                      location="Nhà văn hóa", display_type="", width=None, height=None))
    created = 0
    for position, spec in enumerate(specs, start=1):
        device, made = Device.objects.get_or_create(
            commune=site, name=spec.pop("name"),
            defaults={**spec, "hardware_id": f"DEMO-{facts.unit.code}-{position:02d}", "model_name": "Thiết bị mẫu"},
        )
        created += made
        if device.state == DeviceState.PENDING:
            device_approve(device=device, actor=author)  # the token it returns is deliberately not kept
    return created


def _notices(site, facts, group, author):
    now = timezone.now()
    short, kind = facts.short, facts.kind
    specs = [
        dict(title=f"Lịch tiếp công dân của {kind} {short}", broadcast_class=BroadcastClass.ROUTINE,
             text=f"Chủ tịch Ủy ban nhân dân {kind} tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở. "
                  "Người dân có kiến nghị, phản ánh xin mang theo giấy tờ liên quan.",
             days=[1, 2, 3, 4, 5], windows=[(datetime.time(7, 0), datetime.time(17, 0))]),
        dict(title="Tiêm chủng mở rộng tháng này", broadcast_class=BroadcastClass.PRIORITY,
             text=f"Trạm y tế {kind} tổ chức tiêm chủng mở rộng cho trẻ em dưới 5 tuổi. Phụ huynh đưa trẻ đến "
                  "trạm y tế, mang theo sổ tiêm chủng.", target=NoticeTarget.GROUPS),
        dict(title="Phòng chống sạt lở đất mùa mưa", broadcast_class=BroadcastClass.EMERGENCY,
             text="Mưa lớn kéo dài có nguy cơ gây sạt lở đất, lũ quét. Không đi qua ngầm, tràn khi nước dâng; "
                  "hộ dân ở ven suối, sườn đồi chủ động di dời khi có thông báo của chính quyền."),
    ]
    created = 0
    for spec in specs:
        if BoardNotice.objects.filter(commune=site, title=spec["title"]).exists():
            continue
        windows = spec.pop("windows", [])
        target = spec.pop("target", NoticeTarget.ALL)
        notice = BoardNotice(commune=site, valid_from=now, valid_until=now + datetime.timedelta(days=30),
                             target=target, live=False, **spec)
        notice.time_windows = [NoticeTimeWindow(start=start, end=end) for start, end in windows]
        if target == NoticeTarget.GROUPS:
            notice.target_groups = [group]
        notice.save()
        # The author is the district administrator. Skipping the check also keeps Wagtail from making a
        # fallback permission policy for notices before the admin registers the tenancy layer's one.
        notice.save_revision(user=author, log_action=True).publish(user=author, skip_permission_checks=True)
        created += 1
    return created


RELAY_NAME = "Chương trình thời sự Đài Phát thanh và Truyền hình tỉnh"
# A placeholder on a reserved domain: the demo's speakers relay nothing real.
RELAY_STREAM_URL = "https://phat-thanh-tinh.example/thoi-su.mp3"
MINORITY_LANGUAGES = (("Xơ Đăng", "sed"), ("Ba Na", "bdq"), ("Gia Rai", "jra"))


def _minority_language(facts):
    """The code of the first minority language the commune's people speak (of those the radio knows)."""
    groups = facts.facts.get("ethnic_groups", "")
    return next((code for name, code in MINORITY_LANGUAGES if name in groups), None)


def _radio(site, facts, areas, author):
    """The commune radio's settings, the cluster's village speaking the minority language, the province's news
    relayed at 18:00, and two approved bulletins (routine, and priority with repeats in one village)."""
    settings, made = RadioSettings.objects.get_or_create(
        commune=site, defaults={"max_slot_min": 15 if facts.kind == "thị trấn" else 30})
    created = int(made)
    # Where the commune is led by its minority people, the cluster's village listens in their language.
    village, language = areas[0], _minority_language(facts)
    if made and facts.facts.get("minority_led") and language and village.language == "vi":
        village.language = language
        village.save(update_fields=["language"])
    now = timezone.now()
    _relay, made = Relay.objects.get_or_create(
        commune=site, name=RELAY_NAME,
        defaults={"stream_url": RELAY_STREAM_URL, "start": datetime.time(18, 0), "end": datetime.time(18, 30),
                  "valid_from": now},
    )
    created += made
    kind = facts.kind
    specs = [
        dict(title=f"Lịch tiêm chủng mở rộng của trạm y tế {kind}", broadcast_class=BroadcastClass.ROUTINE,
             text=f"Trạm y tế {kind} {facts.short} tổ chức tiêm chủng mở rộng cho trẻ em dưới 5 tuổi vào sáng "
                  "thứ Năm tuần này. Phụ huynh đưa trẻ đến trạm y tế, nhớ mang theo sổ tiêm chủng.",
             days=[1, 2, 3, 4, 5], slots=[datetime.time(6, 30), datetime.time(17, 0)], display_order=0),
        dict(title="Phòng cháy, chữa cháy rừng mùa khô", broadcast_class=BroadcastClass.PRIORITY,
             text=f"Mùa khô đang đến. Người dân {facts.village_label(*facts.villages[0][:2])} và các thôn lân cận "
                  "không đốt nương rẫy khi trời nắng gió; khi phát hiện cháy rừng, báo ngay cho Ủy ban nhân dân "
                  f"{kind} và lực lượng kiểm lâm.",
             days=[], slots=[datetime.time(6, 0), datetime.time(11, 30)], repeats=2, repeat_gap_min=5,
             target=SpeakerTarget.AREAS, areas=[areas[0]]),
    ]
    for spec in specs:
        if RadioBulletin.objects.filter(commune=site, title=spec["title"]).exists():
            continue
        slots, areas_chosen = spec.pop("slots"), spec.pop("areas", [])
        bulletin = RadioBulletin(commune=site, valid_from=now, valid_until=now + datetime.timedelta(days=30),
                                 live=False, source_label="Dữ liệu trình diễn", **spec)
        bulletin.slots = [BulletinSlot(time=time) for time in slots]
        bulletin.target_areas = areas_chosen
        bulletin.save()
        # As the commune's approver would: a revision, then its publication (see `_notices`).
        bulletin.save_revision(user=author, log_action=True).publish(user=author, skip_permission_checks=True)
        created += 1
    return created


def load_broadcasts(commune_facts, homes, author):
    """Areas, a board group, devices, notices and the radio for every commune; returns how many rows were created."""
    created = 0
    for code in sorted(commune_facts):
        site = CommuneSite.objects.get(home=homes[code])
        facts = commune_facts[code]
        areas, made = _areas(site, facts)
        created += made
        group, made = BoardGroup.objects.get_or_create(
            commune=site, name=GROUP_NAME, defaults={"description": "Bảng tin ở chợ và cổng trường học"})
        created += made
        created += _devices(site, facts, areas, group, author)
        created += _notices(site, facts, group, author)
        created += _radio(site, facts, areas, author)
    return created
