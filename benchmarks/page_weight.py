"""Page weight: the bytes a visitor downloads for key pages of a demo commune, images excluded.

Builds the Đắk Hà demo (the same `load_demo` that `make run` uses) in a throwaway SQLite database,
renders each page through Django, adds the stylesheets and scripts the page links, and prints raw
and gzip sizes (gzip level 6, as nginx and WhiteNoise serve them) plus the median render time.
The budget: a commune home page under 200 KB transferred without images.

    .venv/bin/python benchmarks/page_weight.py
"""

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="page-weight-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'db.sqlite3'}"
os.environ["VAR_DIR"] = str(WORKDIR)
(WORKDIR / "static").mkdir()  # STATIC_ROOT; files are read from the source folders
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

BUDGET = 200 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def gz(data):
    return len(gzip.compress(data, compresslevel=6))


def measure(client, path, repeat):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content
    assets = {}
    for url in ASSET.findall(html.decode()):
        found = finders.find(url.removeprefix("/static/"))
        assets[url] = Path(found).read_bytes()
    return html, assets, statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="renders per page for the median time")
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))

    from communes.models import CommuneHomePage, LegalDocumentPage, NewsPage

    home = CommuneHomePage.objects.get(unit__code="23524", locale__language_code="vi")  # Xã Đắk La
    host = home.get_site().hostname
    under = lambda page: page.url_path[len(home.url_path) - 1:]  # noqa: E731
    news = NewsPage.objects.live().descendant_of(home).order_by("-date").first()
    document = LegalDocumentPage.objects.live().descendant_of(home).order_by("-issue_date").first()
    pages = [
        ("commune home", host, "/"),
        ("profile", host, "/gioi-thieu/"),
        ("organisation", host, "/co-cau-to-chuc/"),
        ("news index", host, "/tin-tuc/"),
        ("news item", host, under(news)),
        ("document index", host, "/van-ban/"),
        ("document", host, under(document)),
        ("portal home", "localhost", "/"),
    ]

    print(f"Page weight of the demo commune {home.title} ({host}), images excluded; gzip level 6.\n")
    print(f"{'page':<16}{'HTML':>9}{'HTML gz':>9}{'CSS+JS':>9}{'CSS+JS gz':>11}{'total':>9}{'total gz':>10}{'render':>9}")
    results = {}
    for name, hostname, path in pages:
        client = Client(HTTP_HOST=hostname)
        html, assets, median = measure(client, path, args.repeat)
        asset_raw = sum(len(b) for b in assets.values())
        asset_gz = sum(gz(b) for b in assets.values())
        total, total_gz = len(html) + asset_raw, gz(html) + asset_gz
        results[name] = total_gz
        print(f"{name:<16}{len(html):>9,}{gz(html):>9,}{asset_raw:>9,}{asset_gz:>11,}{total:>9,}{total_gz:>10,}"
              f"{median * 1000:>7.1f}ms")
    print("\nAssets:", ", ".join(f"{url} {len(b):,} B" for url, b in assets.items()))
    verdict = "within" if results["commune home"] < BUDGET else "OVER"
    print(f"Commune home transferred (gzip): {results['commune home']:,} B, {verdict} the {BUDGET // 1024} KB budget.")
    return 0 if results["commune home"] < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
