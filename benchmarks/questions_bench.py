"""Q&A: SQL queries and render times of the public list, detail and submission pages, and how many
simultaneous submissions are all stored exactly once.

By default it builds a throwaway SQLite database; pass a PostgreSQL URL to measure there (the
database named in the URL is dropped and re-created, so use a scratch name):

    .venv/bin/python benchmarks/questions_bench.py
    .venv/bin/python benchmarks/questions_bench.py --database postgres://postgres@127.0.0.1:5432/cms_qa_bench

Prints medians and p95 over --repeat requests, and, for the burst, the wall time and the count
check (submissions fired = rows stored = distinct tracking codes).
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--database", help="a PostgreSQL URL (default: a temporary SQLite file)")
parser.add_argument("--questions", type=int, default=300, help="published questions per commune")
parser.add_argument("--repeat", type=int, default=30)
parser.add_argument("--burst", type=int, default=50, help="simultaneous submissions")
args = parser.parse_args()

WORKDIR = Path(tempfile.mkdtemp(prefix="questions-bench-"))
os.environ["DATABASE_URL"] = args.database or f"sqlite:///{WORKDIR / 'db.sqlite3'}"
os.environ["VAR_DIR"] = str(WORKDIR)
(WORKDIR / "static").mkdir()  # STATIC_ROOT; files are read from the source folders
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.test_settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")  # keep the table readable

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def prepare_database():
    if connection.vendor == "postgresql":
        name = settings.DATABASES["default"]["NAME"]
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def build_district():
    from provisioning.services import commune_site_create, portal_create, unit_update_or_create
    from sites.models import UnitKind

    province = unit_update_or_create(code="62", name="Tỉnh Kon Tum", kind=UnitKind.PROVINCE, codename="tinh_kon_tum")
    district = unit_update_or_create(code="615", name="Huyện Đắk Hà", kind=UnitKind.DISTRICT, codename="huyen_dak_ha",
                                     parent=province)
    portal = portal_create(unit=district)
    communes = []
    for code, name, codename in [("23524", "Xã Đắk La", "xa_dak_la"), ("23521", "Xã Hà Mòn", "xa_ha_mon")]:
        unit = unit_update_or_create(code=code, name=name, kind=UnitKind.COMMUNE, codename=codename, parent=district)
        communes.append(commune_site_create(unit=unit, portal=portal).home)
    return portal, communes


def publish_many(communes, count):
    from questions.models import Question, QuestionField, QuestionState

    fields = QuestionField.values
    now = timezone.now()
    rows = []
    for commune in communes:
        for n in range(count):
            rows.append(Question(
                commune=commune, tracking_code=f"HD-B{commune.pk:04d}-{n:05d}", field=fields[n % len(fields)],
                title=f"Câu hỏi về thủ tục đất đai số {n}", public_text="Nội dung câu hỏi đã che thông tin. " * 8,
                answer="Câu trả lời của Ủy ban nhân dân xã. " * 12, public_name="N.V.A.",
                state=QuestionState.PUBLISHED, published_at=now - timezone.timedelta(minutes=n), deadline=now.date(),
                search_key="cau hoi ve thu tuc dat dai",
            ))
    Question.objects.bulk_create(rows, batch_size=500)
    return Question.objects.published().filter(commune=communes[0]).first()


def form(n):
    return {
        "name": "Trần Thị Bình", "email": f"nguoi{n}@example.vn", "phone": "", "address": "",
        "kind": "phan-anh", "field": "y-te", "title": f"Phản ánh giờ làm việc số {n:04d}",
        "text": "Trạm y tế xã thường đóng cửa sớm hơn giờ niêm yết vào buổi chiều.", "consent": "on", "trang_web": "",
    }


def measure(label, request):
    request()  # warm caches (site roots, hostnames)
    with CaptureQueriesContext(connection) as queries:
        status = request().status_code
    count = len(queries.captured_queries)  # read now: the next request empties the log
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        request()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"{label:<38} {status:>4} {count:>8} {statistics.median(timings):>10.1f} {p95:>9.1f}")


def burst(count):
    from questions.models import Question

    before = Question.objects.count()
    barrier = threading.Barrier(count)
    statuses = [None] * count

    def worker(n):
        client = Client(HTTP_HOST="dak-la.localhost")
        barrier.wait()
        statuses[n] = client.post("/hoi-dap/gui-cau-hoi/", form(10_000 + n), REMOTE_ADDR=f"10.9.{n // 250}.{n % 250 + 1}").status_code
        connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    new = Question.objects.filter(title__startswith="Phản ánh giờ làm việc số 1")
    stored = new.count()
    codes = new.values("tracking_code").distinct().count()
    ok = statuses.count(302)
    print(f"\nburst of {count} simultaneous submissions on {connection.vendor}: {ok} accepted, {stored} stored, "
          f"{codes} distinct tracking codes, total rows {before} → {Question.objects.count()}, "
          f"{elapsed:.2f} s wall ({count / elapsed:.1f} submissions/s)")
    print("ALL STORED EXACTLY ONCE" if ok == stored == codes == count else "MISMATCH")


def main():
    logging.disable(logging.WARNING)  # 400s of the invalid-form case are expected
    setup_test_environment()
    settings.QUESTIONS_RATE_LIMITS = {"submit-ip-hour": (10_000, 3600), "submit-ip-day": (10_000, 86400)}
    settings.QUESTIONS_ATTACHMENT_ROOT = str(WORKDIR / "attachments")
    prepare_database()
    portal, communes = build_district()
    question = publish_many(communes, args.questions)
    commune = Client(HTTP_HOST="dak-la.localhost")
    portal_client = Client(HTTP_HOST="localhost")
    submitter = iter(range(1_000_000))

    print(f"database: {connection.vendor}; {args.questions} published questions per commune, 2 communes; "
          f"{args.repeat} requests each\n")
    print(f"{'page':<38} {'code':>4} {'queries':>8} {'median ms':>10} {'p95 ms':>9}")
    measure("commune list /hoi-dap/", lambda: commune.get("/hoi-dap/"))
    measure("commune list, page 5 + filters", lambda: commune.get("/hoi-dap/", {"trang": 5, "linh-vuc": "dat-dai",
                                                                               "q": "thu tuc"}))
    measure("portal list /hoi-dap/ (all communes)", lambda: portal_client.get("/hoi-dap/"))
    measure("detail /hoi-dap/<id>/", lambda: commune.get(f"/hoi-dap/{question.pk}/"))
    measure("submit form (GET)", lambda: commune.get("/hoi-dap/gui-cau-hoi/"))
    measure("submit (POST, valid)", lambda: commune.post("/hoi-dap/gui-cau-hoi/", form(next(submitter))))
    measure("submit (POST, invalid)", lambda: commune.post("/hoi-dap/gui-cau-hoi/", {**form(0), "title": "x"}))
    if connection.vendor == "postgresql":
        burst(args.burst)
    else:
        print("\n(the simultaneous-submission burst runs on PostgreSQL only: pass --database postgres://…)")


if __name__ == "__main__":
    main()
