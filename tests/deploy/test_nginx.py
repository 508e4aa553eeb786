"""deploy/nginx's configuration, run for real: Debian's nginx on loopback high ports, with a wildcard
certificate made here, in front of the running application (pytest-django's live server)."""

import http.client
import io
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_started

from core.http import client_ip
from scripts.self_signed_certificate import wildcard_certificate

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "cms.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DOMAIN = "example.gov.vn"
COMMUNE = f"dak-la.{DOMAIN}"
MAX_BODY = "6m"  # QUESTIONS_ATTACHMENT_MAX_SIZE (5 MiB) plus the form around it, as docker-compose.yml sets

PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")

pytestmark = [
    pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian's nginx is not installed (apt-get install nginx; .ci/run does)"),
    pytest.mark.skipif(not PURGE_MODULE.exists(), reason="nginx's cache-purge module is not installed "
                       "(apt-get install libnginx-mod-http-cache-purge; .ci/run does)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def template_variables() -> set[str]:
    return set(re.findall(r"\$\{([A-Z_]+)\}", TEMPLATE.read_text()))


def render(values: dict) -> str:
    assert template_variables() == set(values), "the template's variables changed"
    return re.sub(r"\$\{([A-Z_]+)\}", lambda match: str(values[match.group(1)]), TEMPLATE.read_text())


class Nginx:
    def __init__(self, workdir: Path, upstream: str):
        self.workdir = workdir
        self.https_port, self.http_port, self.purge_port = free_port(), free_port(), free_port()
        self.media = workdir / "media"
        self.media.mkdir()
        certs = workdir / "certs"
        certs.mkdir()
        self.ca = wildcard_certificate(DOMAIN, certs)
        site = render({
            "SITE_DOMAIN": DOMAIN, "NGINX_UPSTREAM": upstream, "NGINX_HTTPS_PORT": f"127.0.0.1:{self.https_port}",
            "NGINX_HTTP_PORT": f"127.0.0.1:{self.http_port}", "NGINX_CERT_DIR": certs, "NGINX_MEDIA_ROOT": self.media,
            "NGINX_CACHE_DIR": workdir / "cache", "NGINX_MAX_BODY_SIZE": MAX_BODY, "NGINX_ADMIN_MAX_BODY_SIZE": "50m",
            "NGINX_PURGE_LISTEN": f"127.0.0.1:{self.purge_port}",
        }).replace("/var/log/nginx/access.log", str(workdir / "access.log"))
        (workdir / "cms.conf").write_text(site)
        temp = {kind: workdir / kind for kind in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        (workdir / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"load_module {PURGE_MODULE};\n"
            + f"daemon off;\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log warn;\nworker_processes 1;\n"
            + "events { worker_connections 64; }\nhttp {\n  include /etc/nginx/mime.types;\n"
            + "  default_type application/octet-stream;\n"
            + "".join(f"  {kind}_temp_path {path};\n" for kind, path in (
                ("client_body", temp["body"]), ("proxy", temp["proxy"]), ("fastcgi", temp["fastcgi"]),
                ("uwsgi", temp["uwsgi"]), ("scgi", temp["scgi"])))
            + f"  include {workdir}/cms.conf;\n}}\n"
        )
        check = subprocess.run([NGINX, "-t", "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.https_port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise AssertionError((workdir / "error.log").read_text())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def request(self, method, host, path, *, headers=None, body=None, tls=True):
        context = ssl.create_default_context(cafile=str(self.ca))
        port = self.https_port if tls else self.http_port

        class Loopback(http.client.HTTPSConnection if tls else http.client.HTTPConnection):
            def connect(self):
                # Resolve every name to 127.0.0.1, but speak TLS (SNI, certificate check) for `host`.
                sock = socket.create_connection(("127.0.0.1", port), timeout=20)
                self.sock = context.wrap_socket(sock, server_hostname=host) if tls else sock

        connection = Loopback(host, port, timeout=20, **({"context": context} if tls else {}))
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except (ConnectionResetError, BrokenPipeError):
            # nginx may answer 413 and close before a large body is fully sent.
            return None, {}, b""
        finally:
            connection.close()


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, live_server):
    upstream = live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1")
    proxy = Nginx(tmp_path_factory.mktemp("nginx"), upstream)
    yield proxy
    proxy.stop()


@pytest.fixture
def sites(settings, nginx, migrated_base_data, request):
    """The district on DOMAIN (portal) and <commune>.DOMAIN, behind one proxy (TRUSTED_PROXY_COUNT=1)."""
    settings.SITE_DOMAIN = DOMAIN
    settings.ALLOWED_HOSTS = [f".{DOMAIN}", "localhost", "127.0.0.1"]
    settings.TRUSTED_PROXY_COUNT = 1
    settings.MEDIA_ROOT = nginx.media
    from django.core.cache import cache

    cache.clear()
    return request.getfixturevalue("district")


@pytest.fixture
def django_saw():
    """The WSGI environ of every request that reached Django (the live server runs in this process)."""
    seen = []

    def record(sender, environ, **kwargs):
        seen.append(dict(environ))

    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


def test_a_commune_host_and_a_portal_path_answer_through_nginx_over_tls(nginx, sites):
    status, headers, body = nginx.request("GET", COMMUNE, "/")
    assert status == 200, body[:500]
    assert "Xã Đắk La" in body.decode()
    status, _, body = nginx.request("GET", DOMAIN, "/xa-dak-la/")
    assert status == 200
    assert "Xã Đắk La" in body.decode()
    status, headers, _ = nginx.request("GET", COMMUNE, "/tin-tuc/", tls=False)
    assert status == 301 and headers["Location"] == f"https://{COMMUNE}/tin-tuc/"


def test_a_hostname_outside_the_wildcard_is_refused_at_the_tls_handshake(nginx, sites):
    with pytest.raises(ssl.SSLError):
        nginx.request("GET", "example.org", "/")


def test_media_files_are_served_by_nginx_itself_not_by_django(nginx, sites, django_saw, live_server):
    picture = nginx.media / "original_images" / "tru-so.png"
    picture.parent.mkdir(exist_ok=True)
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    status, headers, body = nginx.request("GET", COMMUNE, "/media/original_images/tru-so.png")
    assert status == 200 and body == picture.read_bytes()
    assert headers["Content-Type"] == "image/png"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert django_saw == []  # Django never saw the request
    status, _, _ = nginx.request("GET", COMMUNE, "/media/original_images/khong-co.png")
    assert status == 404 and django_saw == []


def test_an_upload_larger_than_the_attachment_limit_gets_413_from_nginx(nginx, sites, django_saw, settings):
    assert 6 * 1024 * 1024 > settings.QUESTIONS_ATTACHMENT_MAX_SIZE  # the 6m leaves room for the form
    oversized = b"x" * (settings.QUESTIONS_ATTACHMENT_MAX_SIZE + 1024 * 1024 + 1)
    headers = {"Content-Type": "multipart/form-data; boundary=ranh-gioi"}
    status, _, body = nginx.request("POST", COMMUNE, "/hoi-dap/gui-cau-hoi/", headers=headers, body=oversized)
    assert status in (413, None), body[:200]  # None: nginx closed the connection after its 413
    assert django_saw == []
    # An upload within the limit (plus the form) is passed on to Django.
    within = b"x" * settings.QUESTIONS_ATTACHMENT_MAX_SIZE
    status, _, _ = nginx.request("POST", COMMUNE, "/hoi-dap/gui-cau-hoi/", headers=headers, body=within)
    assert status != 413 and len(django_saw) == 1


def test_monitoring_endpoints_are_refused_to_the_public_side_while_healthz_answers(nginx, sites, django_saw):
    for path in ("/metrics", "/readyz"):
        status, _, _ = nginx.request("GET", COMMUNE, path)
        assert status == 403, path
    assert django_saw == []
    status, _, body = nginx.request("GET", DOMAIN, "/healthz")
    assert status == 200 and b'"ok"' in body


def test_django_sees_the_client_address_and_https_through_the_proxy_whatever_the_client_claims(
    nginx, sites, django_saw
):
    headers = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "http"}
    status, _, _ = nginx.request("GET", COMMUNE, "/gioi-thieu/", headers=headers)
    assert status == 200
    environ = django_saw[-1]
    request = WSGIRequest({**environ, "wsgi.input": io.BytesIO()})
    assert environ["HTTP_X_FORWARDED_FOR"] == "198.51.100.7, 127.0.0.1"
    assert client_ip(request) == "127.0.0.1"  # the address nginx saw, not the forged one
    assert request.is_secure() and environ["HTTP_X_FORWARDED_PROTO"] == "https"
    assert request.get_host() == COMMUNE
    assert len(environ["HTTP_X_REQUEST_ID"]) == 32


def test_anonymous_public_pages_are_microcached_but_never_with_a_session_the_admin_or_the_device_api(
    nginx, sites, django_saw
):
    first = nginx.request("GET", COMMUNE, "/van-ban/")
    second = nginx.request("GET", COMMUNE, "/van-ban/")
    assert first[0] == second[0] == 200
    assert first[1]["X-Cache-Status"] == "MISS" and second[1]["X-Cache-Status"] == "HIT"
    assert len(django_saw) == 1

    signed_in = nginx.request("GET", COMMUNE, "/van-ban/", headers={"Cookie": "sessionid=abc"})
    assert signed_in[1]["X-Cache-Status"] == "BYPASS"
    for _ in range(2):
        admin = nginx.request("GET", COMMUNE, "/quan-tri/login/")
        assert admin[1].get("X-Cache-Status", "") == ""
    for _ in range(2):
        device = nginx.request("GET", COMMUNE, "/api/devices/v1/devices/1/snapshot",
                               headers={"Authorization": "Bearer khong-hop-le", "If-None-Match": 'W/"1"'})
        assert device[1].get("X-Cache-Status", "") == ""
    assert len(django_saw) == 1 + 1 + 2 + 2
    assert django_saw[-1]["HTTP_AUTHORIZATION"] == "Bearer khong-hop-le"
    assert django_saw[-1]["HTTP_IF_NONE_MATCH"] == 'W/"1"'


def test_a_published_change_purges_the_pages_it_affects_from_the_microcache(nginx, sites, settings):
    from tests.public.conftest import add_document

    settings.WAGTAILFRONTENDCACHE = {"nginx": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": f"http://127.0.0.1:{nginx.purge_port}",
    }}
    for _ in range(2):
        status, headers, _ = nginx.request("GET", COMMUNE, "/van-ban/")
    assert (status, headers["X-Cache-Status"]) == (200, "HIT")

    add_document(sites.a.home, "77/QĐ-UBND", "Kế hoạch phòng chống lụt bão năm 2025")

    status, headers, body = nginx.request("GET", COMMUNE, "/van-ban/")
    assert (status, headers["X-Cache-Status"]) == (200, "MISS")
    assert "77/QĐ-UBND" in body.decode()


def test_purges_are_refused_on_the_public_ports(nginx, sites):
    for _ in range(2):
        nginx.request("GET", COMMUNE, "/van-ban/")
    status, _, _ = nginx.request("PURGE", COMMUNE, "/van-ban/")
    assert status in (301, 405, 403)
    assert nginx.request("GET", COMMUNE, "/van-ban/")[1]["X-Cache-Status"] == "HIT"


def test_the_microcache_serves_the_last_good_copy_while_the_application_fails(nginx, sites, settings, monkeypatch):
    from django.http import HttpResponseServerError

    from core import pagecache

    settings.PAGE_CACHE = {**settings.PAGE_CACHE, "PROXY_MAX_AGE": 1}
    # (A URL no other test asked for: its first copy is made here, to live one second.)
    status, headers, body = nginx.request("GET", COMMUNE, "/van-ban/?ban=moi")
    assert status == 200
    time.sleep(2.2)  # the copy is stale now (nginx counts whole seconds)
    monkeypatch.setattr(pagecache.PageCacheMiddleware, "__call__", lambda self, request: HttpResponseServerError("hỏng"))
    status, headers, stale = nginx.request("GET", COMMUNE, "/van-ban/?ban=moi")
    assert (status, headers["X-Cache-Status"]) == (200, "STALE")
    assert stale == body
