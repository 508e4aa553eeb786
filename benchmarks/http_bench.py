"""HTTP benchmark of the public pages, served the way production serves them.

    .venv/bin/python benchmarks/http_bench.py --rounds 3 --duration 10
    .venv/bin/python benchmarks/http_bench.py --compare-scale 2000             # demo size, then 2,000 communes
    .venv/bin/python benchmarks/http_bench.py --compare-scale registry         # ... then the whole registry
    .venv/bin/python benchmarks/http_bench.py --communes 500 --rounds 2 --duration 3

Builds a throwaway installation in a temporary VAR_DIR (SQLite, database cache, media): migrate,
createcachetable, collectstatic, the Đắk Hà demo (`manage.py load_demo`: a district portal and 11 communes)
and its search index; `--communes N` provisions N more communes from the bundled post-2025 registry
(vietnam_provinces, 3,321 units; `registry` for all of them) through provisioning.services, under the same
portal. Then starts, as production does (gunicorn -c cms/gunicorn.conf.py, 2 sync workers, DEBUG=0):

  (a) the application, page cache on;  (b) the application with PAGE_CACHE=0 (every page rendered);
  (c) the ceiling: a bare Django view returning a small fixed JSON body, no middleware
      (benchmarks/ceiling_settings.py, benchmarks/ceiling_urls.py);
and, when Debian's nginx with the cache-purge module is installed, one nginx with the project's
deploy/nginx/templates/cms.conf.template (TLS, wildcard certificate made here) in front of (a), for
  (d) a saved copy of the commune home page, served from the media root as a static file, and
  (e) the commune home page through the microcache.

Each target is warmed, then driven by `wrk -t2 -c4 --latency` in interleaved rounds (every target once
per round). Prints median requests/s, p50/p99 latency, the ratio to the ceiling, rounds that disagree by
more than 15 %, the SQL queries of each page (Django's test client in-process, page cache off), and the
issue's targets as PASS/FAIL lines. `--compare-scale N` measures at the demo size, provisions up to N
communes in all, measures again and prints the ratios (target: within 10 %).

Direct requests to gunicorn carry `X-Forwarded-Proto: https`, as nginx's do (production redirects plain
http). No Accept-Encoding is sent (no gzip) unless --gzip. wrk talks TLS to nginx with the URL host
`localhost` (its SNI; *.localhost names do not resolve here) and the commune's Host header. The machine's
other load shows in the figures: read ratios, and repeat before believing a small difference.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.self_signed_certificate import wildcard_certificate  # noqa: E402

sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "cms.conf.template"
DOMAIN = "localhost"
DEMO_COMMUNE = "23524"  # Xã Đắk La, the demo's commune with the most content
STATIC_COPY = "bench/commune-home.html"  # under the media root: nginx serves it at /media/…
UNSTABLE = 0.15  # (max - min) / median of a target's rounds above this is flagged
SCALE_TOLERANCE = 0.10  # large/small requests per second must stay above 1 - this
PAGES = [  # the public page types; child_inspect finds each one in the demo commune
    "portal home", "commune home", "commune profile", "organisation", "news index", "news item",
    "documents index", "legal document", "Q&A list", "Q&A item", "search results",
]


# ------------------------------------------------------------------------------------ children (Django)


def django_child():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    import django

    django.setup()


def child_inspect(search_query):
    """The demo commune's real URLs and each page's SQL queries (uncached: the parent sets PAGE_CACHE=0)."""
    django_child()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Locale, Site

    from communes.models import (
        CommuneHomePage,
        CommuneProfilePage,
        DocumentIndexPage,
        LegalDocumentPage,
        NewsIndexPage,
        NewsPage,
        OrganisationPage,
    )
    from questions.models import Question, QuestionIndexPage

    locale = Locale.get_default()
    home = CommuneHomePage.objects.get(unit__code=DEMO_COMMUNE, locale=locale)
    host = home.get_site().hostname
    portal_host = Site.objects.get(is_default_site=True).hostname

    def relative(model, descendant=False):
        pages = model.objects.live().filter(locale=locale)
        page = (pages.descendant_of(home) if descendant else pages.child_of(home)).order_by("path").first()
        return page.url_path[len(home.url_path) - 1:], page

    qa_path, qa_index = relative(QuestionIndexPage)
    question = Question.objects.published().filter(commune=home).order_by("pk").first()
    urls = {
        "portal home": (portal_host, "/"),
        "commune home": (host, "/"),
        "commune profile": (host, relative(CommuneProfilePage)[0]),
        "organisation": (host, relative(OrganisationPage)[0]),
        "news index": (host, relative(NewsIndexPage)[0]),
        "news item": (host, relative(NewsPage, descendant=True)[0]),
        "documents index": (host, relative(DocumentIndexPage)[0]),
        "legal document": (host, relative(LegalDocumentPage, descendant=True)[0]),
        "Q&A list": (host, qa_path),
        "Q&A item": (host, qa_path + qa_index.reverse_subpage("detail", args=[question.pk]).lstrip("/")),
        "search results": (host, "/tim-kiem/?q=" + quote(search_query)),
    }
    pages = {}
    for name, (page_host, path) in urls.items():
        client = Client(HTTP_HOST=page_host)
        client.get(path, secure=True)  # warm: renditions made, small caches filled
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        body = response.content.decode("utf-8", "replace")
        pages[name] = {"host": page_host, "path": path, "status": response.status_code, "queries": len(queries),
                       "bytes": len(response.content), "search_hits": body.count('class="result-title"')}
    from communes.models import CommuneHomePage as Homes

    print(json.dumps({"pages": pages, "communes": Homes.objects.filter(locale=locale).count(),
                      "commune_host": host, "portal_host": portal_host}))


def child_provision(count):
    """Provision `count` more communes (0: every registry unit not yet there) under the demo's portal."""
    django_child()
    from collections import Counter

    from vietnam_provinces import Ward

    from home.models import PortalHomePage
    from provisioning.importers import WARD_KINDS
    from provisioning.management.commands.provision import quiet_logs
    from provisioning.services import ProvisioningError, commune_site_create, unit_update_or_create
    from sites.models import AdministrativeUnit

    portal = PortalHomePage.objects.select_related("unit").get(locale__language_code="vi")
    wards = sorted(Ward.iter_all(), key=lambda ward: int(ward.code))
    codenames = Counter(ward.codename for ward in wards)
    existing = set(AdministrativeUnit.objects.values_list("code", flat=True))
    todo = [ward for ward in wards if f"{int(ward.code):05d}" not in existing]
    todo = todo[:count] if count else todo
    started, done = time.perf_counter(), 0
    with quiet_logs():
        for ward in todo:
            code = f"{int(ward.code):05d}"
            codename = ward.codename if codenames[ward.codename] == 1 else f"{ward.codename}_{code}"
            fields = {"code": code, "name": ward.name, "kind": WARD_KINDS[ward.division_type.value]}
            unit = unit_update_or_create(codename=codename, parent=portal.unit, **fields)
            try:
                commune_site_create(unit=unit, portal=portal)
            except ProvisioningError:  # its path is taken (a demo commune of the same name): add the code
                unit = unit_update_or_create(codename=f"{codename}_{code}", parent=portal.unit, **fields)
                commune_site_create(unit=unit, portal=portal)
            done += 1
            if done % 100 == 0 or done == len(todo):
                elapsed = time.perf_counter() - started
                print(f"  provisioned {done}/{len(todo)} communes ({elapsed:.0f} s, "
                      f"{elapsed / done * 1000:.0f} ms each)", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------- processes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Every process this benchmark starts, in a process group of its own, stopped on exit."""

    def __init__(self):
        self.running = []

    def start(self, name, command, env, log):
        with open(log, "ab") as out:
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.running.append((name, process))
        return process

    def stop(self, process):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.running = [(name, p) for name, p in self.running if p is not process]

    def stop_all(self):
        for _, process in reversed(self.running):
            self.stop(process)


def run(command, env, what):
    started = time.perf_counter()
    child = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if child.returncode:
        sys.exit(f"{what} failed ({child.returncode}):\n{child.stdout[-2000:]}\n{child.stderr[-4000:]}")
    print(f"  {what}: {time.perf_counter() - started:.0f} s", flush=True)
    return child.stdout


def manage(env, *arguments):
    return run([sys.executable, "manage.py", *arguments], env, "manage.py " + " ".join(arguments))


def http_get(port, host, path, *, tls=None):
    """(status, headers, body) of one GET to 127.0.0.1:port with `host` as Host (and SNI over TLS)."""
    if tls is not None:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=tls)
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        connection.sock = tls.wrap_socket(raw, server_hostname=host)
        headers = {"Host": host}
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": host, "X-Forwarded-Proto": "https"}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def tail(path, size=4000):
    path = Path(path)
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


def wait_for(port, process, log, *, host=DOMAIN, path="/healthz", tls=None, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"a server exited ({process.returncode}); its log:\n{tail(log)}")
        try:
            http_get(port, host, path, tls=tls)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"no answer on port {port} after {seconds} s; log:\n{tail(log)}")


def gunicorn(processes, env, work, name, max_requests=None, **extra):
    port = free_port()
    metrics = work / f"metrics-{name}"
    env = {**env, "PORT": str(port), "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "1",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics), **extra}
    log = work / f"gunicorn-{name}.log"
    command = [str(BIN / "gunicorn"), "-c", "cms/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "cms.wsgi"]
    if max_requests is not None:
        command[-1:-1] = ["--max-requests", str(max_requests)]
    process = processes.start(name, command, env, log)
    wait_for(port, process, log, path="/healthz")
    return port, log


class Restarts:
    """gunicorn's "Autorestarting worker" lines (max_requests) written to a log since the last look."""

    def __init__(self, log):
        self.log, self.offset = Path(log), 0

    def since_last(self):
        with self.log.open("rb") as lines:
            lines.seek(self.offset)
            new = lines.read()
        self.offset += len(new)
        return new.count(b"Autorestarting worker")


def nginx_available():
    return Path(NGINX).exists() and PURGE_MODULE.exists() and TEMPLATE.exists()


def nginx(processes, work, name, upstream_port, media_root):
    """The project's nginx site (the template rendered as tests/deploy/test_nginx.py does) on loopback."""
    workdir = work / f"nginx-{name}"
    shutil.rmtree(workdir, ignore_errors=True)  # an empty microcache (and a --reuse'd directory)
    workdir.mkdir()
    ca = wildcard_certificate(DOMAIN, work / "certs")
    https_port = free_port()
    values = {
        "SITE_DOMAIN": DOMAIN, "NGINX_UPSTREAM": f"127.0.0.1:{upstream_port}",
        "NGINX_HTTPS_PORT": f"127.0.0.1:{https_port}", "NGINX_HTTP_PORT": f"127.0.0.1:{free_port()}",
        "NGINX_CERT_DIR": work / "certs", "NGINX_MEDIA_ROOT": media_root, "NGINX_CACHE_DIR": workdir / "cache",
        "NGINX_MAX_BODY_SIZE": "6m", "NGINX_ADMIN_MAX_BODY_SIZE": "50m",
        "NGINX_PURGE_LISTEN": f"127.0.0.1:{free_port()}",
    }
    template = TEMPLATE.read_text()
    missing = set(re.findall(r"\$\{([A-Z_]+)\}", template)) - set(values)
    if missing:
        sys.exit(f"{TEMPLATE} has new variables: {sorted(missing)}; update benchmarks/http_bench.py")
    site = re.sub(r"\$\{([A-Z_]+)\}", lambda match: str(values[match.group(1)]), template)
    (workdir / "cms.conf").write_text(site.replace("/var/log/nginx/access.log", str(workdir / "access.log")))
    temp = "".join(f"  {kind}_temp_path {workdir / kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                          "uwsgi", "scgi"))
    (workdir / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"load_module {PURGE_MODULE};\n"
        + f"daemon off;\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log warn;\nworker_processes auto;\n"
        + "events { worker_connections 1024; }\nhttp {\n  include /etc/nginx/mime.types;\n"
        + "  default_type application/octet-stream;\n  sendfile on;\n" + temp
        + f"  include {workdir}/cms.conf;\n}}\n"
    )
    command = [NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf")]
    check = subprocess.run([*command[:1], "-t", *command[1:]], capture_output=True, text=True, check=False)
    if check.returncode:
        sys.exit(f"nginx -t failed:\n{check.stderr}")
    log = workdir / "stderr.log"
    process = processes.start(f"nginx-{name}", command, os.environ.copy(), log)
    context = ssl.create_default_context(cafile=str(ca))
    context.check_hostname = False  # OpenSSL matches no name against "*.localhost" (a wildcard over one label)
    wait_for(https_port, process, workdir / "error.log", path="/healthz", tls=context)
    return https_port, context


# ------------------------------------------------------------------------------------------------- wrk


class Target:
    def __init__(self, name, port, host, path, *, tls=None, page=None, restarts=None):
        self.name, self.port, self.host, self.path, self.tls = name, port, host, path, tls
        self.page, self.restarts = page, restarts  # restarts: the gunicorn behind it, if one is
        self.runs = []  # (requests/s, p50 ms, p99 ms, errors, worker restarts during the run)
        self.cache_state = ""

    def wrk_command(self, seconds, gzip):
        headers = ["-H", f"Host: {self.host}"]
        if self.tls is None:
            url = f"http://127.0.0.1:{self.port}{self.path}"
            headers += ["-H", "X-Forwarded-Proto: https"]
        else:
            url = f"https://{DOMAIN}:{self.port}{self.path}"  # SNI "localhost"; Host says which site
        if gzip:
            headers += ["-H", "Accept-Encoding: gzip"]
        return [WRK, "-t2", "-c4", f"-d{seconds}s", "--latency", *headers, url]


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        return float(match.group(1)) * UNITS_MS[match.group(2)] if match else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return (float(rate.group(1)) if rate else 0.0), latency(50), latency(99), errors


def drive(target, seconds, gzip):
    if target.restarts:
        target.restarts.since_last()
    child = subprocess.run(target.wrk_command(seconds, gzip), capture_output=True, text=True,
                           timeout=seconds + 60, check=False)
    if child.returncode:
        sys.exit(f"wrk failed on {target.name}: {child.stderr or child.stdout}")
    return (*parse_wrk(child.stdout), target.restarts.since_last() if target.restarts else 0)


def check_target(target):
    """One request: 200, and what the caches said (X-Cache of the page cache, X-Cache-Status of nginx)."""
    status, headers, body = http_get(target.port, target.host, target.path, tls=target.tls)
    if status != 200:
        sys.exit(f"{target.name}: http{'s' if target.tls else ''} {target.host}{target.path} answered {status}:\n"
                 f"{body[:500]!r}")
    states = [headers.get(name, "") for name in ("x-cache-status", "x-cache")]
    target.cache_state = "/".join(state for state in states if state) or "-"
    return body


def measure(targets, rounds, seconds, warmup, gzip):
    print(f"\nwarming {len(targets)} targets ({warmup} s each)…", flush=True)
    for target in targets:
        check_target(target)
        if warmup:
            drive(target, warmup, gzip)
        check_target(target)
    for number in range(1, rounds + 1):
        print(f"round {number}/{rounds}: {len(targets)} targets × {seconds} s", flush=True)
        for target in targets:
            target.runs.append(drive(target, seconds, gzip))


# ------------------------------------------------------------------------------------------- reporting


def summary(target):
    rates = [run[0] for run in target.runs]
    median = statistics.median(rates)
    spread = (max(rates) - min(rates)) / median if median else float("inf")
    return {
        "rps": median, "p50": statistics.median(run[1] for run in target.runs),
        "p99": statistics.median(run[2] for run in target.runs), "spread": spread,
        "errors": sum(run[3] for run in target.runs), "restarts": sum(run[4] for run in target.runs),
        "rounds": rates,
    }


def print_table(title, targets, queries):
    results = {target.name: summary(target) for target in targets}
    ceiling = results["ceiling"]["rps"]
    static = results.get("nginx static", {}).get("rps")
    print(f"\n{title}")
    header = (f"{'target':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'×ceiling':>9} {'spread':>7} "
              f"{'SQL':>4} {'cache':>10}  notes")
    print(header)
    print("-" * len(header))
    for target in targets:
        result = results[target.name]
        notes = []
        if result["spread"] > UNSTABLE:
            notes.append(f"UNSTABLE rounds {'/'.join(f'{r:.0f}' for r in result['rounds'])}")
        if result["errors"]:
            notes.append(f"{result['errors']} errors/non-2xx")
        if result["restarts"]:
            notes.append(f"{result['restarts']} worker restarts (max_requests) during its runs")
        if target.name == "nginx microcache" and static:
            notes.append(f"×nginx static {result['rps'] / static:.2f}")
        sql = str(queries[target.page]["queries"]) if target.page and target.name.startswith("uncached") else ""
        print(f"{target.name:32} {result['rps']:8.1f} {result['p50']:8.2f} {result['p99']:8.2f} "
              f"{result['rps'] / ceiling:9.3f} {result['spread']:6.0%} {sql:>4} {target.cache_state:>10}  "
              + "; ".join(notes))
    restarts = sum(result["restarts"] for result in results.values())
    if restarts:
        print(f"({restarts} gunicorn worker restarts by cms/gunicorn.conf.py's max_requests during the runs: a "
              "restarted worker serves nothing until Django has loaded again, so the runs during and after one "
              "read low. --max-requests 0 measures the steady state.)")
    return results


def print_targets(results):
    ceiling = results["ceiling"]["rps"]
    checks = [("cached commune home", "ceiling", 0.5), ("uncached commune home", "ceiling", 0.075)]
    if "nginx microcache" in results:
        checks.insert(1, ("nginx microcache", "nginx static", 0.5))
    print("\ntargets (provisional: a busy 2-core machine)")
    for name, base, factor in checks:
        rps, base_rps = results[name]["rps"], (ceiling if base == "ceiling" else results[base]["rps"])
        ratio = rps / base_rps if base_rps else 0.0
        verdict = "PASS" if ratio >= factor else "FAIL"
        print(f"  {verdict}  {name} ≥ {factor} × {base}: {ratio:.3f} ({rps:.0f} vs {base_rps:.0f} req/s)")


def print_scale(small, large, small_info, large_info):
    print(f"\nscale: {small_info['communes']} → {large_info['communes']} communes "
          f"(target: large ≥ {1 - SCALE_TOLERANCE:.2f} × small; 'norm' divides each by its own ceiling run)")
    header = f"{'target':32} {'small':>8} {'large':>8} {'ratio':>6} {'norm':>6}  {'SQL small→large':>16}  verdict"
    print(header)
    print("-" * len(header))
    ceilings = small["ceiling"]["rps"], large["ceiling"]["rps"]
    for name, result in small.items():
        if name not in large:
            continue
        ratio = large[name]["rps"] / result["rps"] if result["rps"] else 0.0
        norm = ratio * ceilings[0] / ceilings[1] if ceilings[1] else 0.0
        verdict = "PASS" if ratio >= 1 - SCALE_TOLERANCE else "FAIL"
        page = name.split(" ", 1)[1] if name.startswith(("cached ", "uncached ")) else None
        sql = ""
        if page in small_info["pages"]:
            before, after = small_info["pages"][page]["queries"], large_info["pages"][page]["queries"]
            sql = f"{before}→{after}" + (" GREW" if after > before else "")
        print(f"{name:32} {result['rps']:8.1f} {large[name]['rps']:8.1f} {ratio:6.2f} {norm:6.2f}  {sql:>16}  "
              f"{verdict}")


# ------------------------------------------------------------------------------------------------ main


def parse_count(value):
    return 0 if value == "registry" else int(value)


def installation_env(var_dir, log_level):
    """Production-like settings, and nothing from this shell's environment that would reach a real system."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if name in os.environ}
    return {
        **keep, "DJANGO_SETTINGS_MODULE": "cms.settings", "VAR_DIR": str(var_dir), "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": f".{DOMAIN},{DOMAIN}", "SITE_DOMAIN": DOMAIN,
        "SITE_PORT": "443", "STRICT_HOSTNAMES": "1", "TRUSTED_PROXY_COUNT": "1", "PORT": "443",
        "WAGTAILADMIN_BASE_URL": f"https://{DOMAIN}", "LOG_LEVEL": log_level, "PYTHONWARNINGS": "ignore",
    }


def inspect(env, search_query):
    out = run([sys.executable, __file__, "--child", "inspect", "--search", search_query],
              {**env, "PAGE_CACHE": "0", "LOG_LEVEL": "WARNING"}, "pages and SQL queries (in-process, uncached)")
    info = json.loads(out.strip().splitlines()[-1])
    for name, page in info["pages"].items():
        if page["status"] != 200:
            sys.exit(f"{name} ({page['host']}{page['path']}) answered {page['status']} in-process")
    return info


def provision(env, count):
    what = "every registry unit" if count == 0 else f"{count} more communes"
    print(f"provisioning {what} (provisioning.services, ~0.3 s each here)…", flush=True)
    child = subprocess.run([sys.executable, __file__, "--child", "provision", "--count", str(count)],
                           env={**env, "LOG_LEVEL": "WARNING"}, cwd=ROOT, check=False)
    if child.returncode:
        sys.exit("provisioning failed")
    manage({**env, "LOG_LEVEL": "WARNING"}, "update_index")


def measure_installation(args, env, work, label, info):
    """Start the servers, run every target, stop them; returns the summaries."""
    processes = Processes()
    try:
        print(f"\nstarting servers ({label})…", flush=True)
        limit = args.max_requests
        cached, cached_log = gunicorn(processes, env, work, f"cached-{label}", limit)
        uncached, uncached_log = gunicorn(processes, env, work, f"uncached-{label}", limit, PAGE_CACHE="0")
        ceiling_port, ceiling_log = gunicorn(processes, env, work, f"ceiling-{label}", limit,
                                             DJANGO_SETTINGS_MODULE="benchmarks.ceiling_settings")
        cached_restarts, uncached_restarts = Restarts(cached_log), Restarts(uncached_log)
        targets = [Target("ceiling", ceiling_port, DOMAIN, "/", restarts=Restarts(ceiling_log))]
        for page in PAGES:
            where = info["pages"][page]
            targets.append(Target(f"cached {page}", cached, where["host"], where["path"], page=page,
                                  restarts=cached_restarts))
        for page in PAGES:
            where = info["pages"][page]
            targets.append(Target(f"uncached {page}", uncached, where["host"], where["path"], page=page,
                                  restarts=uncached_restarts))
        if not args.no_nginx and nginx_available():
            media_root = Path(env["VAR_DIR"]) / "media"
            copy = media_root / STATIC_COPY
            copy.parent.mkdir(parents=True, exist_ok=True)
            commune = info["pages"]["commune home"]
            copy.write_bytes(http_get(cached, commune["host"], "/")[2])
            https_port, context = nginx(processes, work, label, cached, media_root)
            targets.append(Target("nginx static", https_port, commune["host"], "/media/" + STATIC_COPY,
                                  tls=context))
            targets.append(Target("nginx microcache", https_port, commune["host"], "/", tls=context,
                                  page="commune home", restarts=cached_restarts))
        elif not args.no_nginx:
            print("nginx or its cache-purge module is missing: no nginx targets", flush=True)
        measure(targets, args.rounds, args.duration, args.warmup, args.gzip)
        return print_table(f"{label}: {info['communes']} communes, {args.rounds} rounds × {args.duration} s, "
                           f"wrk -t2 -c4 (median of rounds)", targets, info["pages"])
    finally:
        processes.stop_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk per target before round 1")
    parser.add_argument("--communes", type=parse_count, default=None, metavar="N|registry",
                        help="provision N more communes (or the whole registry) before measuring")
    parser.add_argument("--compare-scale", type=parse_count, default=None, metavar="N|registry",
                        help="measure at the demo size, provision up to N communes in all, measure again")
    parser.add_argument("--search", default="đắk la", help="the search results page's query")
    parser.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip, as browsers do")
    parser.add_argument("--no-nginx", action="store_true", help="skip the nginx targets")
    parser.add_argument("--log-level", default="INFO", help="the servers' LOG_LEVEL (production: INFO)")
    parser.add_argument("--max-requests", type=int, metavar="N",
                        help="override gunicorn.conf.py's max_requests (0: workers never restart)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (its path is printed)")
    parser.add_argument("--reuse", metavar="DIR", help="measure again the installation a --keep run left in DIR")
    parser.add_argument("--child", choices=("inspect", "provision"), help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "inspect":
        return child_inspect(args.search)
    if args.child == "provision":
        return child_provision(args.count)
    if not shutil.which(WRK):
        sys.exit("wrk is not installed (apt-get install wrk)")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    work = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="http-bench-"))
    keep = args.keep or args.reuse
    try:
        var_dir = work / "var"
        env = installation_env(var_dir, args.log_level)
        setup_env = {**env, "LOG_LEVEL": "WARNING"}
        if args.reuse:
            print(f"reusing the installation in {work}", flush=True)
        else:
            print(f"throwaway installation in {work}", flush=True)
            manage(setup_env, "migrate", "--noinput", "-v0")
            manage(setup_env, "createcachetable")
            manage(setup_env, "collectstatic", "--noinput", "-v0")
            manage(setup_env, "load_demo")
            # Publishing queues index updates for the worker (none runs here): index now, as the worker would.
            manage(setup_env, "update_index")
        if args.communes is not None:
            provision(env, args.communes)
        info = inspect(env, args.search)
        small = measure_installation(args, env, work, "demo" if args.communes is None else "provisioned", info)
        print_targets(small)
        if args.compare_scale is not None:
            more = 0 if args.compare_scale == 0 else args.compare_scale - info["communes"]
            if args.compare_scale and more <= 0:
                sys.exit(f"--compare-scale {args.compare_scale}: there are already {info['communes']} communes")
            provision(env, more)
            large_info = inspect(env, args.search)
            large = measure_installation(args, env, work, "large", large_info)
            print_targets(large)
            print_scale(small, large, info, large_info)
    except KeyboardInterrupt:
        sys.exit("interrupted")
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
