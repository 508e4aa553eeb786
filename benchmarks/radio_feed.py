"""Speaker feed: the size of a speaker cluster's snapshot and the SQL queries it costs, for one bulletin
and for a week of bulletins.

Builds a throwaway SQLite database (in a temporary folder) with a district, a commune, its villages
(one Vietnamese-speaking, one Ba Na-speaking) and a speaker cluster in the Ba Na village; then, for each
scenario, publishes (as live rows, with ready audio made directly: no speech engine runs)

    one bulletin   1 bulletin, 2 slots, 2 plays each, a Ba Na version; 1 relay; 1 alert
    a week         --per-day bulletins for each of --days days (each valid one day, 2 slots at 06:xx and
                   17:xx, 2 plays, a Ba Na version, 90 s of audio), 2 relays a day, 1 alert

and prints, per scenario: the bulletins in the database and in the snapshot, schedule entries, assets,
the snapshot's bytes (raw and gzip level 6, as served), the SQL queries of a 200 (after a feed bump,
so the boundary is computed as on a first read after a change) and the median build time over --repeat.

    .venv/bin/python benchmarks/radio_feed.py
    .venv/bin/python benchmarks/radio_feed.py --per-day 10 --days 14
"""

import argparse
import datetime
import gzip
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--per-day", type=int, default=4, help="bulletins a day")
parser.add_argument("--days", type=int, default=7)
parser.add_argument("--repeat", type=int, default=20, help="snapshot builds timed per scenario")
args = parser.parse_args()

WORKDIR = Path(tempfile.mkdtemp(prefix="radio-feed-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'db.sqlite3'}"
os.environ["VAR_DIR"] = str(WORKDIR)
(WORKDIR / "static").mkdir()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.test_settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

API = "/api/devices/v1"
TZ = datetime.timezone(datetime.timedelta(hours=7))


def ready(key, seconds, language):
    from broadcasts.models import Asset, AudioState, SpeechAudio

    sha = hashlib.sha256(key.encode()).hexdigest()
    asset = Asset.objects.create(sha256=sha, file=f"device-media/{sha}.mp3", size_bytes=int(seconds * 8000),
                                 mime="audio/mpeg", duration_ms=int(seconds * 1000))
    SpeechAudio.objects.create(key=key, state=AudioState.READY, asset=asset, language=language, engine="espeak")


def build_place():
    """A district, one commune, two villages, an approved speaker cluster in the Ba Na one."""
    from django.urls import get_resolver

    from broadcasts import services
    from broadcasts.models import Area, Device, DeviceKind
    from provisioning.services import commune_site_create, portal_create, unit_update_or_create
    from sites.models import UnitKind

    get_resolver().url_patterns  # the admin's viewsets register their permission policies first  # noqa: B018
    province = unit_update_or_create(code="62", name="Tỉnh Kon Tum", kind=UnitKind.PROVINCE, codename="tinh_kon_tum")
    district = unit_update_or_create(code="615", name="Huyện Đắk Hà", kind=UnitKind.DISTRICT, codename="huyen_dak_ha",
                                     parent=province)
    portal = portal_create(unit=district)
    unit = unit_update_or_create(code="23524", name="Xã Đắk La", kind=UnitKind.COMMUNE, codename="xa_dak_la",
                                 parent=district)
    commune = commune_site_create(unit=unit, portal=portal)
    Area.objects.create(commune=commune, name="Thôn 1")
    village = Area.objects.create(commune=commune, name="Làng Kon Gung", language="bdq")
    device = Device.objects.create(commune=commune, name="Cụm loa Kon Gung", kind=DeviceKind.SPEAKER, area=village)
    token = services.device_approve(device=device, actor=None)
    return commune, device, token


def clear(commune):
    from broadcasts.models import Alert, Asset, RadioBulletin, Relay, SpeechAudio

    RadioBulletin.objects.filter(commune=commune).delete()
    Relay.objects.filter(commune=commune).delete()
    Alert.objects.all().delete()
    SpeechAudio.objects.all().delete()
    Asset.objects.all().delete()


def publish(commune, *, days, per_day, relays_per_day):
    """Live bulletins (bulk-created: no speech signals run), their slots, Ba Na versions and audio;
    relays; one alert on the radio."""
    from broadcasts import services
    from broadcasts.models import Alert, BulletinSlot, BulletinVersion, RadioBulletin, Relay

    today = timezone.localdate()
    bulletins = []
    for day in range(days):
        starts = datetime.datetime.combine(today + datetime.timedelta(days=day), datetime.time(0), tzinfo=TZ)
        for n in range(per_day):
            bulletins.append(RadioBulletin(
                commune=commune, title=f"Bản tin ngày {day + 1} số {n + 1}: lịch tiêm chủng, thu hoạch cà phê",
                text="Thông báo của Ủy ban nhân dân xã. " * 20, live=True, valid_from=starts,
                valid_until=starts + datetime.timedelta(days=1), repeats=2, repeat_gap_min=2,
                display_order=n, audio_key=f"bulletin-{day}-{n}",
            ))
    bulletins = RadioBulletin.objects.bulk_create(bulletins)
    slots, versions = [], []
    for index, bulletin in enumerate(bulletins):
        minute = (index % per_day) * 10 % 60
        slots += [BulletinSlot(bulletin=bulletin, time=datetime.time(6, minute), sort_order=0),
                  BulletinSlot(bulletin=bulletin, time=datetime.time(17, minute), sort_order=1)]
        versions.append(BulletinVersion(bulletin=bulletin, language="bdq", text="Bản dịch.", sort_order=0,
                                        recording="radio-recordings/bdq.mp3", audio_key=f"version-{bulletin.pk}"))
        ready(bulletin.audio_key, 90, "vi")
        ready(f"version-{bulletin.pk}", 100, "bdq")
    BulletinSlot.objects.bulk_create(slots)
    BulletinVersion.objects.bulk_create(versions)
    windows = [((5, 30), (6, 0)), ((18, 0), (19, 0))][:relays_per_day]
    Relay.objects.bulk_create([
        Relay(commune=commune, name=f"Thời sự {start[0]} giờ", stream_url="https://radio.kontum.gov.vn/live.mp3",
              start=datetime.time(*start), end=datetime.time(*end),
              valid_from=timezone.now() - datetime.timedelta(days=1))
        for start, end in windows
    ])
    now = timezone.now().replace(microsecond=0)
    alert = Alert.objects.create(headline="Cảnh báo lũ quét", event="Lũ quét", description="Mưa lớn kéo dài.",
                                 expires=now + datetime.timedelta(hours=12), sent=now, effective=now,
                                 identifier="bench.radio.1", radio_repeats=3, radio_gap_min=10,
                                 radio_audio_key="alert-1")
    Alert.objects.filter(pk=alert.pk).update(radio_audio_key="alert-1")  # whatever a speech signal set
    alert.communes.set([commune])
    ready("alert-1", 45, "vi")
    services.feeds_touch(communes=None, alerts=True)


def measure(device, token):
    from broadcasts import services

    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    path = f"{API}/devices/{device.pk}/snapshot"
    services.feeds_touch(communes=None)
    client.get(path)  # the boundary is computed once after a touch
    services.feeds_touch(communes=None)
    reset_queries()  # (a request resets the log when it starts: count from an empty one)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    count = len(queries)  # now: the next request clears the log
    assert response.status_code == 200, response.content[:300]
    raw = response.content
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return json.loads(raw), len(raw), len(gzip.compress(raw, compresslevel=6)), count, statistics.median(timings)


def main():
    from broadcasts.models import RadioBulletin

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    commune, device, token = build_place()
    print(f"{'scenario':<14} {'bulletins':>9} {'in feed':>7} {'entries':>7} {'assets':>6} {'bytes':>7} "
          f"{'gzip':>6} {'queries':>7} {'ms':>6}")
    for name, days, per_day, relays in [("one bulletin", 1, 1, 1), ("a week", args.days, args.per_day, 2)]:
        clear(commune)
        publish(commune, days=days, per_day=per_day, relays_per_day=relays)
        body, raw, packed, queries, ms = measure(device, token)
        in_feed = sum(1 for item in body["items"] if item["type"] == "bulletin")
        print(f"{name:<14} {RadioBulletin.objects.count():>9} {in_feed:>7} {len(body['schedule']):>7} "
              f"{len(body['assets']):>6} {raw:>7} {packed:>6} {queries:>7} {ms:>6.1f}")


if __name__ == "__main__":
    main()
