"""Device API: requests per second and latency of the snapshot endpoint as devices poll it (mostly
304s), next to a bare Django JSON view measured in the same run, through a real gunicorn server.

Builds a throwaway database (SQLite in a temporary folder; pass a PostgreSQL URL with --database, whose
database is dropped and re-created, so use a scratch name), a district with two communes, --devices
approved boards spread over them, --notices published notices per commune and one alert; starts
gunicorn on 127.0.0.1 (--workers, --threads) with the project's settings and middleware plus one bare
view (`/bench/bare`, only in this script's own URLconf); then, --runs times, drives each scenario for
--seconds with --clients concurrent client threads (a new connection per request, as devices make):

    bare view      GET /bench/bare                       → {"ok": true}
    304 snapshot   GET devices/<id>/snapshot, If-None-Match: its current ETag, devices in turn
    200 snapshot   GET devices/<id>/snapshot without If-None-Match (the body is built)
    304 alerts     GET devices/<id>/alerts, If-None-Match: its current ETag

and prints, per scenario, the medians over the runs of requests/s, p50 and p99 (ms), then the ratio
304 snapshot / bare view (target ≥ 0.5).

    .venv/bin/python benchmarks/device_api.py
    .venv/bin/python benchmarks/device_api.py --devices 10000 --seen-interval 0   # every poll writes last_seen
    .venv/bin/python benchmarks/device_api.py --database postgres://postgres@127.0.0.1:5432/cms_device_bench

`--seen-interval` is DEVICE_API_SEEN_WRITE_INTERVAL_S (default 15): a device whose last recorded contact
is older gets one conditional UPDATE. Real devices poll every 30–300 s, so in production most polls
write; with 1000 devices polled in turn at a few hundred requests/s, few do. Run it with 0 for the
worst case. The client shares the machine with the server: compare the ratio, not absolute numbers.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--database", help="a PostgreSQL URL (default: a temporary SQLite file)")
parser.add_argument("--devices", type=int, default=1000)
parser.add_argument("--notices", type=int, default=10, help="published notices per commune")
parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
parser.add_argument("--seconds", type=float, default=8.0, help="duration of each scenario in each run")
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--seen-interval", type=int, default=15, help="DEVICE_API_SEEN_WRITE_INTERVAL_S")
args = parser.parse_args()

WORKDIR = Path(tempfile.mkdtemp(prefix="device-api-bench-"))
ENVIRONMENT = {
    "DATABASE_URL": args.database or f"sqlite:///{WORKDIR / 'db.sqlite3'}",
    "VAR_DIR": str(WORKDIR),
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    "SECRET_KEY": "device-api-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "TASKS_BACKEND": "immediate",
    "LOG_LEVEL": "ERROR",
    "BENCH_SEEN_INTERVAL": str(args.seen_interval),
    "PYTHONPATH": os.pathsep.join([str(WORKDIR), str(ROOT)]),
}
os.environ.update(ENVIRONMENT)
(WORKDIR / "static").mkdir()
# The benchmark's own settings and URLconf: the project's, plus a bare JSON view.
(WORKDIR / "bench_settings.py").write_text(textwrap.dedent("""
    import os
    from cms.settings import *  # noqa: F403

    ROOT_URLCONF = "bench_urls"
    DEVICE_API_RATE_LIMIT = "1000000/60"  # measure the API, not the limiter's refusals
    DEVICE_API_SEEN_WRITE_INTERVAL_S = int(os.environ["BENCH_SEEN_INTERVAL"])
"""))
(WORKDIR / "bench_urls.py").write_text(textwrap.dedent("""
    from django.http import JsonResponse
    from django.urls import path

    from cms.urls import urlpatterns as project_urlpatterns


    def bare(request):
        return JsonResponse({"ok": True})


    urlpatterns = [path("bench/bare", bare), *project_urlpatterns]
"""))
sys.path.insert(0, str(WORKDIR))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

API = "/api/devices/v1"


def prepare_database():
    if connection.vendor == "postgresql":
        name = settings.DATABASES["default"]["NAME"]
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def build():
    """A district, two communes, N approved boards (tokens bench-<i>), notices and an alert."""
    from django.urls import get_resolver

    from broadcasts import services
    from broadcasts.models import Alert, BoardNotice, Device, DeviceState, DisplayType, token_digest
    from provisioning.services import commune_site_create, portal_create, unit_update_or_create
    from sites.models import UnitKind

    get_resolver().url_patterns  # the admin's viewsets register their permission policies first  # noqa: B018
    province = unit_update_or_create(code="62", name="Tỉnh Kon Tum", kind=UnitKind.PROVINCE, codename="tinh_kon_tum")
    district = unit_update_or_create(code="615", name="Huyện Đắk Hà", kind=UnitKind.DISTRICT, codename="huyen_dak_ha",
                                     parent=province)
    portal = portal_create(unit=district)
    communes = []
    for code, name, codename in [("23524", "Xã Đắk La", "xa_dak_la"), ("23521", "Xã Hà Mòn", "xa_ha_mon")]:
        unit = unit_update_or_create(code=code, name=name, kind=UnitKind.COMMUNE, codename=codename, parent=district)
        communes.append(commune_site_create(unit=unit, portal=portal))
    now = timezone.now()
    Device.objects.bulk_create([
        Device(commune=communes[i % 2], name=f"Bảng tin {i}", display_type=DisplayType.LCD if i % 3 else DisplayType.LED,
               width=1920, height=1080, hardware_id=f"BENCH-{i}", state=DeviceState.ACTIVE,
               token_hash=token_digest(f"bench-{i}"), approved_at=now)
        for i in range(args.devices)
    ], batch_size=500)
    for commune in communes:
        for n in range(args.notices):
            notice = BoardNotice(commune=commune, title=f"Thông báo số {n}", text="Lịch tiêm chủng mở rộng. " * 4,
                                 live=False, valid_from=now - timezone.timedelta(hours=1),
                                 valid_until=now + timezone.timedelta(days=3))
            notice.save()
            notice.save_revision().publish()
    alert = Alert.objects.create(headline="Cảnh báo lũ quét", event="Lũ quét", description="Mưa lớn kéo dài.",
                                 expires=now + timezone.timedelta(days=2), sent=now, effective=now,
                                 identifier="bench.1")
    alert.communes.set(communes)
    services.feeds_touch(communes=None, alerts=True)
    return list(Device.objects.order_by("pk").values_list("pk", "hardware_id"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port):
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "cms.wsgi:application", "-c", "/dev/null",
               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads),
               "--log-level", "error"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/bench/bare")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def request(port, method, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers={"Host": "localhost", **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        return response.status, response.getheader("ETag"), body
    finally:
        conn.close()


def drive(port, make_request, seconds, clients):
    """Run `clients` threads for `seconds`; returns (requests/s, latencies in ms, status counts)."""
    stop = time.monotonic() + seconds
    latencies, statuses, lock = [], {}, threading.Lock()
    counter = iter(range(10**12))

    def worker():
        mine, codes = [], {}
        while time.monotonic() < stop:
            method, path, headers = make_request(next(counter))
            started = time.perf_counter()
            status, _, _ = request(port, method, path, headers)
            mine.append((time.perf_counter() - started) * 1000)
            codes[status] = codes.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - began), sorted(latencies), statuses


def percentile(values, share):
    return values[min(len(values) - 1, int(len(values) * share))] if values else float("nan")


def main():
    started = time.monotonic()
    prepare_database()
    devices = build()
    print(f"database {connection.vendor}, {len(devices)} devices, {args.notices} notices per commune, "
          f"set up in {time.monotonic() - started:.0f} s")
    connection.close()
    port = free_port()
    server = start_server(port)
    try:
        tokens = {pk: f"bench-{hardware.removeprefix('BENCH-')}" for pk, hardware in devices}
        etags = {"snapshot": {}, "alerts": {}}
        for kind in etags:
            for pk, token in tokens.items():
                status, etag, body = request(port, "GET", f"{API}/devices/{pk}/{kind}", {"Authorization": f"Bearer {token}"})
                assert status == 200, (status, body[:300])
                etags[kind][pk] = etag
        sample = json.loads(request(port, "GET", f"{API}/devices/{devices[1][0]}/snapshot",
                                    {"Authorization": f"Bearer {tokens[devices[1][0]]}"})[2])
        print(f"snapshot: {len(sample['items'])} items, {len(json.dumps(sample, ensure_ascii=False).encode())} bytes")
        ids = [pk for pk, _ in devices]

        def polling(kind, conditional):
            def make(n):
                pk = ids[n % len(ids)]
                headers = {"Authorization": f"Bearer {tokens[pk]}"}
                if conditional:
                    headers["If-None-Match"] = etags[kind][pk]
                return "GET", f"{API}/devices/{pk}/{kind}", headers
            return make

        scenarios = {
            "bare view": lambda n: ("GET", "/bench/bare", {}),
            "304 snapshot": polling("snapshot", True),
            "200 snapshot": polling("snapshot", False),
            "304 alerts": polling("alerts", True),
        }
        results = {name: [] for name in scenarios}
        for run in range(args.runs):
            for name, make in scenarios.items():
                rps, latencies, statuses = drive(port, make, args.seconds, args.clients)
                results[name].append((rps, percentile(latencies, 0.5), percentile(latencies, 0.99)))
                print(f"  run {run + 1} {name:<13} {rps:8.0f} req/s  statuses {dict(sorted(statuses.items()))}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"\n{args.workers} gunicorn workers × {args.threads} threads, {args.clients} clients, "
          f"{args.seconds:.0f} s × {args.runs} runs, last_seen written at most every {args.seen_interval} s per device")
    print(f"{'scenario':<14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}   (medians over runs)")
    medians = {}
    for name, rows in results.items():
        medians[name] = [statistics.median(column) for column in zip(*rows, strict=True)]
        rps, p50, p99 = medians[name]
        print(f"{name:<14} {rps:8.0f} {p50:8.1f} {p99:8.1f}")
    ratio = medians["304 snapshot"][0] / medians["bare view"][0]
    print(f"\n304 snapshot / bare view: {ratio:.2f} (target ≥ 0.5)")


if __name__ == "__main__":
    main()
