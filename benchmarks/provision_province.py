"""How long `manage.py provision --province CODE` takes on a fresh database, and again (idempotent re-run).

    .venv/bin/python benchmarks/provision_province.py                       # SQLite, province 79, 3 runs
    .venv/bin/python benchmarks/provision_province.py --database postgres://postgres@127.0.0.1:5432/bench_provision
    .venv/bin/python benchmarks/provision_province.py --province 51 --runs 5

Each run gets a brand-new database (a temporary SQLite file, or the PostgreSQL database named in the URL,
dropped and re-created: never point it at a database you care about), migrated, then provisioned twice
in a child process so Django starts clean. Prints the median and worst of the first (creating) run and of
the second (checking) run, in total and per unit.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(province):
    """Runs in the child: migrate, then time two provision runs in-process."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from provisioning.management.commands.provision import quiet_logs

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    timings = []
    with open(os.devnull, "w") as devnull, quiet_logs():
        for _ in range(2):
            started = time.perf_counter()
            call_command("provision", province=province, stdout=devnull)
            timings.append(time.perf_counter() - started)
    from communes.models import CommuneHomePage

    print(json.dumps({"first": timings[0], "second": timings[1], "units": CommuneHomePage.objects.count()}))


def fresh_database(url):
    """A URL to an empty database; SQLite gets a temporary file, PostgreSQL a re-created database."""
    if url is None:
        handle, path = tempfile.mkstemp(suffix=".sqlite3", prefix="bench-provision-")
        os.close(handle)
        os.unlink(path)
        return f"sqlite:///{path}", lambda: Path(path).unlink(missing_ok=True)
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url, lambda: None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--province", default="79", help="province code (79 Hồ Chí Minh City has the most units)")
    parser.add_argument("--database", help="postgres://… URL of a scratch database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.province)

    results = []
    for run in range(args.runs):
        url, cleanup = fresh_database(args.database)
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore"}
        env.pop("REDIS_URL", None)
        try:
            child = subprocess.run(
                [sys.executable, __file__, "--worker", "--province", args.province],
                env=env, cwd=ROOT, capture_output=True, text=True, check=False,
            )
        finally:
            cleanup()
        if child.returncode:
            sys.exit(f"run {run + 1} failed:\n{child.stderr[-3000:]}")
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(f"run {run + 1}: first {results[-1]['first']:.2f} s, second {results[-1]['second']:.2f} s", flush=True)

    units = results[0]["units"]
    engine = "PostgreSQL" if args.database else "SQLite"
    print(f"\nprovision --province {args.province} on {engine}: {units} units, {args.runs} fresh databases")
    for key, label in (("first", "create (first run)"), ("second", "re-run (idempotent)")):
        values = sorted(result[key] for result in results)
        median = statistics.median(values)
        print(f"  {label:22} median {median:6.2f} s ({median / units * 1000:5.0f} ms/unit), worst {values[-1]:6.2f} s")


if __name__ == "__main__":
    main()
