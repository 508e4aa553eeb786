"""Commune radio for the tests: speaker clusters in villages of commune A (one Vietnamese-speaking, one Ba
Na-speaking, one at the commune office with no village) and one in commune B, a frozen clock, and helpers
that publish bulletins, relays and alerts with ready audio made directly (an `Asset` and its `SpeechAudio`
under the key the row names), as `broadcasts.speech` leaves them once the audio is made."""

import datetime
import hashlib
from dataclasses import dataclass
from unittest import mock

import pytest
from django.utils import timezone

from broadcasts.models import (
    Alert,
    Area,
    Asset,
    AudioState,
    BroadcastClass,
    BulletinSlot,
    BulletinVersion,
    Device,
    DeviceKind,
    RadioBulletin,
    Relay,
    SpeakerTarget,
    SpeechAudio,
)
from tests.broadcasts.conftest import make_device, publish_alert

TZ = datetime.timezone(datetime.timedelta(hours=7))


def monday_8am():
    """Next Monday, 08:00 local: outside the default quiet hours (21:30–05:30), weekday known."""
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime.datetime.combine(monday, datetime.time(8), tzinfo=TZ)


@pytest.fixture
def clock():
    """`timezone.now()` frozen at next Monday 08:00 local; `clock.move(delta)` moves it on."""
    moment = monday_8am()
    patcher = mock.patch("django.utils.timezone.now", return_value=moment)
    frozen = patcher.start()

    class Clock:
        now = moment

        def move(self, delta):
            self.now = self.now + delta
            frozen.return_value = self.now

        def at(self, hour, minute=0, day=0):
            """Today (or `day` days on) at this local time."""
            return datetime.datetime.combine(moment.date() + datetime.timedelta(days=day),
                                             datetime.time(hour, minute), tzinfo=TZ)

    yield Clock()
    patcher.stop()


def make_speaker(commune, name, **fields):
    return make_device(commune, name, kind=DeviceKind.SPEAKER, display_type="", width=None, height=None, **fields)


@dataclass
class Speakers:
    village: Area  # Thôn 1, Vietnamese
    ba_na: Area  # Làng Kon Gung, Ba Na
    jrai: Area  # Làng Klâu, Jrai (no bulletin has a Jrai version)
    thon1: Device
    thon1_token: str
    kon_gung: Device
    kon_gung_token: str
    office: Device  # no village
    office_token: str
    other: Device  # commune B
    other_token: str


@pytest.fixture
def speakers(district):
    village = Area.objects.create(commune=district.a, name="Thôn 1")
    ba_na = Area.objects.create(commune=district.a, name="Làng Kon Gung", language="bdq")
    jrai = Area.objects.create(commune=district.a, name="Làng Klâu", language="jra")
    thon1, thon1_token = make_speaker(district.a, "Cụm loa Thôn 1", area=village)
    kon_gung, kon_gung_token = make_speaker(district.a, "Cụm loa Kon Gung", area=ba_na)
    office, office_token = make_speaker(district.a, "Cụm loa trụ sở UBND xã")
    other, other_token = make_speaker(district.b, "Cụm loa Hà Mòn")
    return Speakers(village, ba_na, jrai, thon1, thon1_token, kon_gung, kon_gung_token, office, office_token,
                    other, other_token)


def ready_audio(key, *, seconds=60.0, language="vi"):
    """A ready MP3 (64 kbps) of `seconds` under `key`, as the speech task stores it."""
    sha = hashlib.sha256(key.encode()).hexdigest()
    asset, _ = Asset.objects.get_or_create(
        sha256=sha, defaults={"file": f"device-media/{sha}.mp3", "size_bytes": int(seconds * 8000),
                              "mime": "audio/mpeg", "duration_ms": int(seconds * 1000)},
    )
    SpeechAudio.objects.update_or_create(key=key, defaults={"state": AudioState.READY, "asset": asset,
                                                            "language": language, "engine": "espeak"})
    return asset


def publish_bulletin(commune, *, slots=((9, 0),), title="Lịch tiêm chủng tháng 9", seconds=60.0, audio=True,
                     versions=(), starts=None, ends=None, areas=(), devices=(), target=None, **fields):
    """A bulletin saved as a draft and published through its revision (as the workflow's approval does),
    then its audio (and each version's, `versions`: [(language, seconds)]) made ready under its key."""
    now = timezone.now()
    bulletin = RadioBulletin(
        commune=commune, title=title, text=fields.pop("text", "Tiêm chủng mở rộng tại trạm y tế xã."), live=False,
        valid_from=starts or now - datetime.timedelta(days=1), valid_until=ends or now + datetime.timedelta(days=7),
        target=target or (SpeakerTarget.AREAS if areas else SpeakerTarget.DEVICES if devices else SpeakerTarget.ALL),
        **fields,
    )
    bulletin.slots = [BulletinSlot(time=datetime.time(*slot)) for slot in slots]
    bulletin.versions = [BulletinVersion(language=language, text="Bản dịch.", recording=f"radio-recordings/{language}.mp3")
                         for language, _ in versions]
    bulletin.target_areas = list(areas)
    bulletin.target_devices = list(devices)
    bulletin.save()
    bulletin.save_revision().publish()
    bulletin.refresh_from_db()
    if audio:
        give_audio(bulletin, seconds=seconds, versions=dict(versions))
    return bulletin


def give_audio(bulletin, *, seconds=60.0, versions=None):
    """Keys of our own (whatever the speech signals computed) with ready audio behind them."""
    key = f"test-bulletin-{bulletin.pk}"
    RadioBulletin.objects.filter(pk=bulletin.pk).update(audio_key=key)
    bulletin.audio_key = key
    ready_audio(key, seconds=seconds, language=bulletin.language)
    for version in BulletinVersion.objects.filter(bulletin=bulletin):
        if versions and version.language in versions:
            version_key = f"test-version-{version.pk}"
            BulletinVersion.objects.filter(pk=version.pk).update(audio_key=version_key)
            ready_audio(version_key, seconds=versions[version.language], language=version.language)


def make_relay(commune, *, start=(17, 0), end=(18, 0), name="Thời sự Đài Phát thanh tỉnh",
               klass=BroadcastClass.ROUTINE, areas=(), devices=(), **fields):
    relay = Relay(commune=commune, name=name, stream_url="https://radio.kontum.gov.vn/live.mp3",
                  broadcast_class=klass, start=datetime.time(*start), end=datetime.time(*end),
                  valid_from=fields.pop("valid_from", timezone.now() - datetime.timedelta(days=1)),
                  target=SpeakerTarget.AREAS if areas else SpeakerTarget.DEVICES if devices else SpeakerTarget.ALL,
                  **fields)
    relay.target_areas = list(areas)
    relay.target_devices = list(devices)
    relay.save()
    return relay


def publish_radio_alert(*, communes, seconds=45.0, repeats=3, gap_min=10, **fields):
    """A sent alert read out on the radio, its audio ready."""
    alert = publish_alert(communes=communes, radio_repeats=repeats, radio_gap_min=gap_min, **fields)
    key = f"test-alert-{alert.pk}"
    Alert.objects.filter(pk=alert.pk).update(radio_audio_key=key)
    alert.radio_audio_key = key
    ready_audio(key, seconds=seconds)
    return alert
