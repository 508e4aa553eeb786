#!/usr/bin/env python3
"""Screenshots for the editor's guide and the README, taken from the running product.

    .venv/bin/python scripts/guide_screenshots.py [--port 8765] [--keep]

Builds a fresh demo database in a temporary directory (`migrate`, `load_demo`), starts `runserver` on it
(DEBUG=1, so two-factor sign-in is off as in development: the demo's users sign in with their password),
signs in with Playwright and the Debian chromium as the demo's editor of Xã Đắk La, and saves:

- every screenshot the guide names (guide/topics.py) under guide/static/guide/screenshots/,
- the README's pictures under docs/screenshots/ (the portal's home, a commune's home at 360 px, the
  admin's home).

Pictures are WebP (smaller than an optimised PNG), 1280 px wide at most. Never touches var/ or the
development database: everything lives in the temporary directory, removed at the end (unless --keep).
"""

import argparse
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE_DIR = ROOT / "guide" / "static" / "guide" / "screenshots"
DOCS_DIR = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
EDITOR = "bientap_dakla"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
WEBP_QUALITY = 72

# What the script asks the fresh demo for (run inside it, with its settings): ids and admin URLs.
PROBE = r'''
import json
import django
django.setup()
from django.urls import reverse
from communes.models import CommuneHomePage, DocumentIndexPage, NewsIndexPage
from questions.models import Question
from provisioning.demo.data import DEMO_PASSWORD
home = CommuneHomePage.objects.get(unit__code="23524", locale__language_code="vi")
news = NewsIndexPage.objects.child_of(home).first()
documents = DocumentIndexPage.objects.child_of(home).first()
question = Question.objects.filter(commune=home).order_by("state", "-received_at").first()

def url(name, *args):
    try:
        return reverse(name, args=args)
    except Exception:
        return ""

print(json.dumps({
    "password": DEMO_PASSWORD,
    "commune_host": home.get_site().hostname,
    "add_news": url("wagtailadmin_pages:add", "communes", "newspage", news.pk) if news else "",
    "add_document": url("wagtailadmin_pages:add", "communes", "legaldocumentpage", documents.pk) if documents else "",
    "questions": url("questions_question:index"),
    "question": url("questions_question:edit", question.pk) if question else "",
    "notices": url("wagtailsnippets_broadcasts_boardnotice:list"),
    "bulletins": url("wagtailsnippets_broadcasts_radiobulletin:list"),
    "alerts": url("broadcasts_alert:add"),
}))
'''


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir, port):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "MEDIA_ROOT", "STATIC_ROOT",
                          "SITE_PORT", "SITE_DOMAIN", "WAGTAILADMIN_BASE_URL", "PYTEST_ADDOPTS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "cms.settings", "DEBUG": "1", "VAR_DIR": str(var_dir), "PORT": str(port),
                "TWO_FACTOR_REQUIRED": "0", "LOG_LEVEL": "WARNING"})
    return env


def manage(env, *args, capture=False):
    print("→ manage.py", " ".join(args), flush=True)
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                            capture_output=capture, text=True)
    return result.stdout if capture else ""


def wait_until_up(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the http:// URL made above
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"The server did not answer at {url}")


def save_webp(png_bytes, path):
    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    if image.width > 1280:
        image = image.resize((1280, round(image.height * 1280 / image.width)))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "WEBP", quality=WEBP_QUALITY, method=6)
    print(f"  {path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB", flush=True)


def log_in(context, base, username, password):
    page = context.new_page()
    page.goto(f"{base}/quan-tri/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/login/" in page.url:
        raise SystemExit(f"Could not sign in as {username}: {page.url}")
    return page


def shoot(page, url, path, *, settle="networkidle"):
    response = page.goto(url, wait_until=settle)
    if response is None or response.status >= 400:
        print(f"  skipped {path.name}: {url} answered {response.status if response else 'nothing'}", flush=True)
        return
    save_webp(page.screenshot(), path)


def take_screenshots(port, urls):
    from playwright.sync_api import sync_playwright

    portal = f"http://localhost:{port}"
    commune = f"http://{urls['commune_host']}:{port}"
    guide = {
        "trang-chu-quan-tri.webp": "/quan-tri/",
        "them-tin-bai.webp": urls["add_news"],
        "them-van-ban.webp": urls["add_document"],
        "danh-sach-cau-hoi.webp": urls["questions"],
        "xu-ly-cau-hoi.webp": urls["question"],
        "thong-bao-bang-tin.webp": urls["notices"],
        "ban-tin-phat-thanh.webp": urls["bulletins"],
        "canh-bao-khan-cap.webp": urls["alerts"],
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--host-resolver-rules=MAP *.localhost 127.0.0.1"]
        )
        # The public pages, as a visitor sees them.
        visitor = browser.new_context(viewport=DESKTOP, locale="vi-VN")
        shoot(visitor.new_page(), portal + "/", DOCS_DIR / "cong-thong-tin.webp")
        phone = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
        shoot(phone.new_page(), commune + "/", DOCS_DIR / "trang-xa-360.webp")
        # The admin, as the commune's editor.
        editor = browser.new_context(viewport=DESKTOP, locale="vi-VN")
        page = log_in(editor, portal, EDITOR, urls["password"])
        for name, path in guide.items():
            if path:
                shoot(page, portal + path, GUIDE_DIR / name)
            else:
                print(f"  skipped {name}: no such screen in this demo", flush=True)
        shutil.copyfile(GUIDE_DIR / "trang-chu-quan-tri.webp", DOCS_DIR / "trang-quan-tri.webp")
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port for the temporary server (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary demo directory")
    options = parser.parse_args()
    port = options.port or free_port()
    var_dir = Path(tempfile.mkdtemp(prefix="guide-demo-"))
    env = environment(var_dir, port)
    server = None
    try:
        manage(env, "migrate", "--noinput", capture=True)
        manage(env, "createcachetable")
        manage(env, "load_demo", capture=True)
        probe = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True, capture_output=True,
                               text=True)
        urls = json.loads(probe.stdout.strip().splitlines()[-1])
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(f"http://localhost:{port}/healthz")
        take_screenshots(port, urls)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if options.keep:
            print(f"Demo kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    total = sum(path.stat().st_size for folder in (GUIDE_DIR, DOCS_DIR) for path in folder.glob("*.webp"))
    print(f"Done: {total // 1024} KB of screenshots.")


if __name__ == "__main__":
    main()
