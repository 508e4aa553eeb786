"""Search benchmark: a district of N communes with P pages, index rebuild time, and the latency (median,
p95) of site-scoped and portal-wide queries through search.services.site_search (what the search page runs).

Pages are bulk-inserted straight into the page tree (treebeard-compatible paths), not saved one by one:
the point is to measure search, not page creation. Use a throwaway database:

    DATABASE_URL=sqlite:////tmp/search_bench.sqlite3 .venv/bin/python benchmarks/search_benchmark.py --pages 50000
    createdb -h 127.0.0.1 -U postgres search_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench .venv/bin/python benchmarks/search_benchmark.py --pages 50000

Add --reuse to measure again a database built by an earlier run (e.g. after changing search code).

On PostgreSQL the tables are vacuumed and analysed before measuring, as autovacuum does on a live server:
the index rebuild leaves two dead rows per index entry, and a test server may run with autovacuum off.
Each query is a search as the search page runs it (its first page of results, with titles, URLs and
highlighted snippets), without counting it in the query statistics.

Figures at 50,000 pages over 100 communes, ms, on the 2-core development machine while other work kept its
load average at 3-5 (so higher than on an idle machine); ranges over interleaved runs of both versions:

                                   before (737e804)         after (perf-search)
                                   median     p95           median     p95
    PostgreSQL 15, site-scoped     53-56      67-84         41-44      53-59
    PostgreSQL 15, portal-wide     147-148    242-275       45-72      96-128
    SQLite, site-scoped            79-95      132-158       36-42      47-90
    SQLite, portal-wide            174-188    352-358       50-57      70-101

The slowest portal-wide query is the one-word `Đắk`, found in a third of the pages: the p95 is its time.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402

from communes.models import DocumentIndexPage, LegalDocumentPage, NewsIndexPage, NewsPage  # noqa: E402
from core.folding import document_number_key  # noqa: E402
from provisioning.services import commune_site_create, portal_create, unit_update_or_create  # noqa: E402
from search.services import site_search  # noqa: E402
from sites.models import UnitKind  # noqa: E402

VILLAGES = ["Kon Gung", "Kon Stiu", "Đăk Lấp", "Đăk Rơ Wang", "Thanh Trung", "Bình Minh", "1A", "1B", "Kon Klốc",
            "Đăk Mút", "Kon Rôn", "Tân Lập"]
TOPICS = ["tiêm phòng gia súc", "phòng chống dịch tả lợn châu Phi", "đường giao thông nông thôn", "lắp đặt cụm loa truyền thanh",
          "hỗ trợ giống cà phê", "xây dựng nông thôn mới", "chuyển đổi số", "đăng ký khai sinh", "bầu cử đại biểu",
          "phòng cháy chữa cháy rừng", "giảm nghèo bền vững", "thông tin cơ sở", "bảo hiểm y tế", "mùa mưa bão"]
VERBS = ["Triển khai", "Hội nghị về", "Kế hoạch", "Kết quả", "Tăng cường", "Hướng dẫn", "Thông báo về", "Ra quân"]
BODIES = ["UBND tỉnh Kon Tum", "UBND huyện Đăk Hà", "Sở Thông tin và Truyền thông", "Bộ Thông tin và Truyền thông"]
QUERIES = ["tiem phong gia suc", "Đắk", "dich ta lon", "kon gung", "1381/QĐ-BTTTT", "cum loa truyen thanh", "nong thon moi",
           "dang ky khai sinh", "ca phe", "chuyen doi so", "thong tin co so", "bao hiem y te", "phong chay rung",
           "ke hoach 45", "giam ngheo"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def child_path(parent_path, index):
    number, out = index, ""
    for _ in range(Page.steplen):
        number, digit = divmod(number, len(ALPHABET))
        out = ALPHABET[digit] + out
    return parent_path + out


def build(communes, pages, seed=7):
    rng = random.Random(seed)
    province = unit_update_or_create(code="62", name="Tỉnh Kon Tum", kind=UnitKind.PROVINCE, codename="tinh_kon_tum")
    district = unit_update_or_create(code="615", name="Huyện Đắk Hà", kind=UnitKind.DISTRICT, codename="huyen_dak_ha",
                                     parent=province)
    portal = portal_create(unit=district)
    homes = []
    for n in range(communes):
        unit = unit_update_or_create(code=f"9{n:04d}", name=f"Xã Thử Nghiệm {n + 1}", kind=UnitKind.COMMUNE,
                                     codename=f"xa_thu_nghiem_{n + 1}", parent=district)
        homes.append(commune_site_create(unit=unit, portal=portal).home)
    locale = Locale.get_default()
    news_ct = ContentType.objects.get_for_model(NewsPage)
    document_ct = ContentType.objects.get_for_model(LegalDocumentPage)
    now = timezone.now()
    per_commune = pages // communes
    for commune_number, home in enumerate(homes):
        for index_model, model, ct in ((NewsIndexPage, NewsPage, news_ct), (DocumentIndexPage, LegalDocumentPage, document_ct)):
            parent = index_model.objects.child_of(home).get()
            count = per_commune // 2
            rows, children = [], []
            for i in range(count):
                village, topic, verb = rng.choice(VILLAGES), rng.choice(TOPICS), rng.choice(VERBS)
                date = timezone.localdate() - timezone.timedelta(days=rng.randrange(1500))
                slug = f"{'tin' if model is NewsPage else 'vb'}-{i + 1}"
                if model is NewsPage:
                    title = f"{verb} {topic} tại thôn {village}"
                else:
                    number = f"{rng.randrange(1, 2000)}/{rng.choice(['QĐ-UBND', 'KH-UBND', 'QĐ-BTTTT', 'CV-UBND'])}"
                    title = f"{verb} {topic} số {number}"
                page = Page(
                    title=title, draft_title=title, slug=slug, content_type=ct, locale=locale,
                    translation_key=uuid.uuid4(), path=child_path(parent.path, i + 1), depth=parent.depth + 1,
                    numchild=0, url_path=f"{parent.url_path}{slug}/", live=True, first_published_at=now,
                    last_published_at=now,
                )
                rows.append(page)
                body = [{"type": "paragraph", "value": f"<p>Xã {home.title} {topic.lower()} tại thôn {village}, "
                                                       f"năm {date.year}. Người dân {rng.choice(TOPICS)}.</p>", "id": str(uuid.uuid4())}]
                if model is NewsPage:
                    children.append(dict(date=date, category="thoi-su", intro=f"{topic.capitalize()} ở thôn {village}.",
                                         body=body, promote_to_portal=False))
                else:
                    children.append(dict(document_type="quyet-dinh", number=number, number_key=document_number_key(number),
                                         issuing_body=rng.choice(BODIES), signer="", issue_date=date, status="con-hieu-luc",
                                         field="hanh-chinh", summary=f"Về việc {topic} trên địa bàn thôn {village}", body=body))
            with transaction.atomic():
                created = Page.objects.bulk_create(rows, batch_size=500)
                objs = []
                for page, fields in zip(created, children, strict=True):
                    obj = model(page_ptr_id=page.pk, **fields)
                    objs.append(obj)
                fields = [f for f in model._meta.local_concrete_fields]
                model._base_manager._insert(objs, fields=fields, using=connection.alias)
                Page.objects.filter(pk=parent.pk).update(numchild=count)
        if (commune_number + 1) % 10 == 0:
            print(f"  built {commune_number + 1}/{communes} communes", flush=True)
    return portal, homes


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(scopes, rounds):
    timings, found = [], []
    for _ in range(rounds):
        for query in QUERIES:
            scope = random.choice(scopes)
            start = time.perf_counter()
            outcome = site_search(scope, query, record=False)
            timings.append((time.perf_counter() - start) * 1000)
            found.append(outcome.total)
    return timings, found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=50000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4, help="passes over the query list per scope")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again a database this script already built (no build, no index rebuild)")
    args = parser.parse_args()

    print(f"database: {connection.vendor}; {args.pages} pages over {args.communes} communes")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from home.models import PortalHomePage

    logging.disable(logging.INFO)  # provisioning logs every page and task it creates

    from communes.models import CommuneHomePage

    if args.reuse:
        portal = PortalHomePage.objects.get()
        homes = list(CommuneHomePage.objects.order_by("path"))
        print(f"reusing the built district: {len(homes)} communes, {Page.objects.count()} pages in tree")
    else:
        if PortalHomePage.objects.exists():
            sys.exit("Use an empty database (or --reuse): this script builds its own district.")
        start = time.perf_counter()
        portal, homes = build(args.communes, args.pages)
        print(f"build (bulk insert): {time.perf_counter() - start:.1f} s; pages in tree: {Page.objects.count()}")

        start = time.perf_counter()
        call_command("update_index", verbosity=0)
        print(f"index rebuild (update_index): {time.perf_counter() - start:.1f} s")

    if connection.vendor == "postgresql":
        # A bulk load leaves the planner without statistics, and the index rebuild leaves dead rows, until
        # autovacuum comes round (a live server has both done); without statistics the planner nests loops
        # over every page in scope.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    measure(homes[:3], 1)  # warm up
    for name, scopes in (("site-scoped (one commune)", homes), ("portal-wide (all communes)", [portal])):
        timings, found = measure(scopes, args.rounds)
        print(f"{name}: n={len(timings)} median={statistics.median(timings):.1f} ms "
              f"p95={percentile(timings, 0.95):.1f} ms max={max(timings):.1f} ms "
              f"(median results per query: {statistics.median(found):.0f})")


if __name__ == "__main__":
    main()
