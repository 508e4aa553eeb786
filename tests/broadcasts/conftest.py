"""Devices and content for the broadcasts tests: approved boards of commune A (an LCD board in a
group, an LED strip), a board of commune B, and helpers to publish notices and alerts as the admin does."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from broadcasts import services
from broadcasts.api import ratelimit
from broadcasts.models import (
    Alert,
    AlertStatus,
    BoardGroup,
    BoardNotice,
    Device,
    DeviceKind,
    DisplayType,
    NoticeTarget,
    NoticeTimeWindow,
)

API = "/api/devices/v1"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The limiter counts in process memory: each test starts with none of another's requests."""
    ratelimit.devices.clear()
    ratelimit.addresses.clear()
    yield
    ratelimit.devices.clear()
    ratelimit.addresses.clear()


def make_device(commune, name, *, actor=None, display_type=DisplayType.LCD, width=1920, height=1080, **fields):
    """An approved board and its token (created by an official, as room D's admin does)."""
    device = Device.objects.create(
        commune=commune, name=name, kind=fields.pop("kind", DeviceKind.BOARD), display_type=display_type,
        width=width, height=height, **fields,
    )
    token = services.device_approve(device=device, actor=actor)
    device.refresh_from_db()
    return device, token


@dataclass
class Boards:
    group: BoardGroup
    lcd: Device  # commune A, in `group`
    lcd_token: str
    led: Device  # commune A, no group
    led_token: str
    other: Device  # commune B
    other_token: str


@pytest.fixture
def boards(district):
    group = BoardGroup.objects.create(commune=district.a, name="Chợ và trường học")
    lcd, lcd_token = make_device(district.a, "Bảng tin chợ Đắk La", group=group)
    led, led_token = make_device(district.a, "Bảng LED trụ sở", display_type=DisplayType.LED, width=192, height=64)
    other, other_token = make_device(district.b, "Bảng tin Hà Mòn")
    return Boards(group, lcd, lcd_token, led, led_token, other, other_token)


class DeviceClient:
    """Speaks to the API as a device: bearer token, JSON bodies."""

    def __init__(self, token=None, **extra):
        self.client = Client(HTTP_HOST="localhost")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        self.headers |= extra

    def get(self, path, **extra):
        return self.client.get(API + path, **self.headers, **extra)

    def head(self, path, **extra):
        return self.client.head(API + path, **self.headers, **extra)

    def post(self, path, data=None, *, raw=None, **extra):
        import json

        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(API + path, body, content_type="application/json", **self.headers, **extra)


def as_device(token=None, **extra):
    return DeviceClient(token, **extra)


def publish_notice(commune=None, *, title="Lịch tiêm chủng mở rộng tháng 9", text="Tiêm chủng tại trạm y tế xã.",
                   starts=None, ends=None, windows=(), images=(), target=NoticeTarget.ALL, groups=(), devices=(),
                   communes=(), **fields):
    """A notice saved as a draft, then published through its revision (as the workflow's approval does)."""
    from broadcasts.models import NoticeImage

    now = timezone.now()
    notice = BoardNotice(
        commune=commune, title=title, text=text, live=False,
        valid_from=starts or now - datetime.timedelta(hours=1),
        valid_until=ends or now + datetime.timedelta(days=3), target=target, **fields,
    )
    notice.time_windows = [NoticeTimeWindow(start=start, end=end) for start, end in windows]
    notice.images = [NoticeImage(image=image) for image in images]
    notice.target_groups = list(groups)
    notice.target_devices = list(devices)
    notice.target_communes = list(communes)
    notice.save()
    notice.save_revision().publish()
    notice.refresh_from_db()
    return notice


def publish_alert(*, communes, issuer=None, status=AlertStatus.ACTUAL, areas=(), effective=None, expires=None,
                  **fields):
    """A sent alert (the fields `alerts.alert_publish` sets), and the feed bump publishing does."""
    now = timezone.now().replace(microsecond=0)
    alert = Alert.objects.create(
        issuer=issuer, status=status, event=fields.pop("event", "Lũ quét"),
        headline=fields.pop("headline", "Cảnh báo lũ quét trên sông Đắk Psi"),
        description=fields.pop("description", "Mưa lớn kéo dài, nguy cơ lũ quét ở các thôn ven sông."),
        instruction=fields.pop("instruction", "Không qua ngầm tràn; di chuyển đến nơi cao."),
        expires=expires or now + datetime.timedelta(hours=12), effective=effective or now, sent=now, **fields,
    )
    alert.identifier = f"localhost.{now:%Y%m%d%H%M%S}.{alert.pk}"
    alert.save(update_fields=["identifier"])
    alert.communes.set(communes)
    alert.areas.set(areas)
    services.feeds_touch(communes=communes, alerts=True)
    return alert
