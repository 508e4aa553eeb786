#!/usr/bin/env python3
"""Upgrade check: an installation made by an older release migrates to this code without losing data.

For each database (SQLite always; PostgreSQL too when one listens on 127.0.0.1:5432):

1. check out the old release (`--old`, default the last main before the layer split) in a throw-away git
   worktree, give it a fresh database, run its `migrate`, `createcachetable` and `load_demo` (what
   `make run` did), and take a snapshot: row counts of every table, every page (title, url_path, type,
   live), every question's tracking code and state, group/collection/workflow names, and each commune's
   groups, collection and workflow found by the names the old provisioning gave them;
2. run this checkout's `migrate`, `createcachetable` and `load_demo` against the same database and take
   the snapshot again, plus the new site records and a sample of admin and public pages through Django's
   test client;
3. compare: every count equal (tables this code adds are listed, not compared), every page and question
   identical, one `sites.CommuneSite` per commune home pointing at the very groups, collection and workflow
   it had, one `sites.Portal`, nothing duplicated, the second `load_demo` created nothing, and each sampled
   page answers as expected.

It prints a short report and exits 1 naming every difference (2 when it cannot run, e.g. the old commit is
missing from a shallow clone). The worktree is removed at the end, even on failure.

    .venv/bin/python scripts/check_upgrade.py                 # SQLite, and PostgreSQL when reachable
    .venv/bin/python scripts/check_upgrade.py --database sqlite
    .venv/bin/python scripts/check_upgrade.py --database postgres --postgres postgres://postgres@127.0.0.1:5432/cms_upgrade_check

Uses only the standard library here; the Django work runs in subprocesses with the project's virtualenv.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
# The last main before the layer split (ac87b4d: provisioning out of sites/, CommuneSite and Portal records).
DEFAULT_OLD = "b85f066"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/cms_upgrade_check"

# Tables whose row counts legitimately change on upgrade: compared another way, or not at all.
NOT_COUNTED = {
    "django_migrations": "the new migrations are recorded",
    "django_content_type": "new models add content types (the old ones must all remain: checked below)",
    "auth_permission": "new models add permissions (the old ones must all remain: checked below)",
    "auth_group_permissions": "the new code may grant roles new permissions (none may be lost: checked below)",
    "wagtailcore_grouppagepermission": "as above",
    "wagtailcore_groupcollectionpermission": "as above",
    "cms_cache": "cache",
    "django_session": "sessions",
}
# Tables shared by every model (Wagtail's revisions and log entries): compared per content type, and only for
# the models the old code had; rows of the new code's models (a new feature's demo content) are new data.
PER_CONTENT_TYPE = {
    "wagtailcore_revision": ("wagtailcore", "Revision", "base_content_type"),
    "wagtailcore_modellogentry": ("wagtailcore", "ModelLogEntry", "content_type"),
}

# Environment variables that would point either run at something other than the throw-away database.
SCRUBBED = ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "VAR_DIR", "MEDIA_ROOT", "STATIC_ROOT",
            "QUESTIONS_ATTACHMENT_ROOT", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_DOMAIN",
            "SITE_PORT", "STRICT_HOSTNAMES", "STATIC_MANIFEST", "PYTEST_ADDOPTS")


class CannotRun(Exception):
    """The check cannot be carried out (as opposed to: it ran and found a difference)."""


# --- the snapshot, run inside the old and the new checkout (models looked up by label only) -------------

PROBE = r'''
import json, sys
from collections import Counter

import django

django.setup()

from django.apps import apps
from django.conf import settings
from django.db import connection

mode, out = sys.argv[1], sys.argv[2]
M = apps.get_model
PER_CONTENT_TYPE = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
snap = {}

with connection.cursor() as cursor:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
snap["tables"] = counts

snap["per_content_type"] = {
    table: dict(Counter(
        f"{a}.{m}" for a, m in M(app, model)._base_manager.values_list(f"{field}__app_label", f"{field}__model")
    ))
    for table, (app, model, field) in PER_CONTENT_TYPE.items()
}

Page = M("wagtailcore", "Page")
pages = list(
    Page.objects.order_by("path").values_list(
        "id", "content_type__app_label", "content_type__model", "title", "url_path", "live", "locale__language_code"
    )
)
snap["pages"] = {str(p[0]): [f"{p[1]}.{p[2]}", p[3], p[4], p[5], p[6]] for p in pages}
picks = sorted({round(i * (len(pages) - 1) / 19) for i in range(20)}) if pages else []
snap["sample"] = [str(pages[i][0]) for i in picks]

by_type = Counter(f"{p[1]}.{p[2]}" for p in pages)
Question = M("questions", "Question")
figures = {f"pages: {name}": count for name, count in sorted(by_type.items())}
figures["pages (all)"] = len(pages)
figures["pages live"] = sum(1 for p in pages if p[5])
for state, count in sorted(Counter(Question.objects.values_list("state", flat=True)).items()):
    figures[f"questions: {state}"] = count
for label, model in [
    ("images", ("wagtailimages", "Image")), ("documents", ("wagtaildocs", "Document")), ("users", ("auth", "User")),
    ("groups", ("auth", "Group")), ("collections", ("wagtailcore", "Collection")),
    ("workflows", ("wagtailcore", "Workflow")), ("workflow tasks", ("wagtailcore", "Task")),
    ("sites", ("wagtailcore", "Site")), ("redirects", ("wagtailredirects", "Redirect")),
    ("search promotions", ("search", "SearchPromotion")), ("holidays", ("questions", "Holiday")),
    ("revisions", ("wagtailcore", "Revision")), ("administrative units", ("sites", "AdministrativeUnit")),
]:
    figures[label] = M(*model)._base_manager.count()
snap["figures"] = figures

snap["questions"] = dict(Question.objects.values_list("tracking_code", "state"))
Group, Collection, Workflow, Task = M("auth", "Group"), M("wagtailcore", "Collection"), M("wagtailcore", "Workflow"), M("wagtailcore", "Task")
snap["groups"] = dict((name, pk) for pk, name in Group.objects.values_list("pk", "name"))
collections = list(Collection.objects.values_list("pk", "path", "name"))
snap["collections"] = sorted(f"{path[:-4]}/{name}" for pk, path, name in collections)
snap["workflows"] = sorted(Workflow.objects.values_list("name", flat=True))
snap["tasks"] = sorted(Task.objects.values_list("name", flat=True))
snap["content_types"] = sorted(f"{a}.{m}" for a, m in M("contenttypes", "ContentType").objects.values_list("app_label", "model"))
snap["permissions"] = sorted(f"{a}.{c}" for a, c in M("auth", "Permission").objects.values_list("content_type__app_label", "codename"))
snap["memberships"] = sorted(f"{u} ∈ {g}" for u, g in M("auth", "User").groups.through.objects.values_list("user__username", "group__name"))
snap["group_permissions"] = sorted(
    f"{g}: {a}.{c}" for g, a, c in Group.permissions.through.objects.values_list(
        "group__name", "permission__content_type__app_label", "permission__codename"))
snap["page_permissions"] = sorted(
    f"{g}: page {p}: {c}" for g, p, c in M("wagtailcore", "GroupPagePermission").objects.values_list(
        "group__name", "page_id", "permission__codename"))
snap["collection_permissions"] = sorted(
    f"{g}: collection {n}: {c}" for g, n, c in M("wagtailcore", "GroupCollectionPermission").objects.values_list(
        "group__name", "collection__name", "permission__codename"))

# Each commune's pieces as the old provisioning named them (sites.services.commune_site_create at b85f066).
Site, WorkflowPage = M("wagtailcore", "Site"), M("wagtailcore", "WorkflowPage")
communes = {}
for home in M("communes", "CommuneHomePage").objects.filter(locale__language_code=settings.LANGUAGE_CODE).select_related("unit"):
    label = f"{home.unit.name} ({home.unit.code})"
    group = lambda name: Group.objects.filter(name=name).values_list("pk", flat=True).first()
    communes[home.unit.code] = {
        "home": home.pk,
        "site": Site.objects.filter(root_page_id=home.pk).values_list("pk", flat=True).first(),
        "editors": group(f"{label} – Biên tập viên"),
        "approvers": group(f"{label} – Người duyệt"),
        "collection": Collection.objects.filter(name=label).values_list("pk", flat=True).first(),
        "workflow": WorkflowPage.objects.filter(page_id=home.pk).values_list("workflow_id", flat=True).first(),
        "workflow_by_name": Workflow.objects.filter(name=f"Duyệt nội dung – {label}").values_list("pk", flat=True).first(),
    }
snap["communes"] = communes
portal = M("home", "PortalHomePage").objects.filter(locale__language_code=settings.LANGUAGE_CODE).select_related("unit").first()
snap["portal"] = portal and {"unit": portal.unit.code, "home": portal.pk,
                             "staff": Group.objects.filter(name="Quản trị cổng thông tin").values_list("pk", flat=True).first()}

if mode in ("migrated", "new"):
    snap["commune_sites"] = [
        {"unit": r.unit.code, "home": r.home_id, "site": r.site_id, "editors": r.editors_id, "approvers": r.approvers_id,
         "collection": r.collection_id, "workflow": r.workflow_id}
        for r in M("sites", "CommuneSite").objects.select_related("unit")
    ]
    snap["portals"] = [{"unit": r.unit.code, "home": r.home_id, "staff": r.staff_id}
                       for r in M("sites", "Portal").objects.select_related("unit")]

if mode == "new":

    # A sample of pages through the test client: public (the sampled live pages on their own hostnames,
    # search, a question) and admin (a superuser, and a commune editor inside and outside her commune).
    from urllib.parse import urlsplit

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    User = get_user_model()
    answers = []

    def fetch(label, url, user=None, expect=200):
        parts = urlsplit(url if "://" in url else f"http://localhost{url}")
        client = Client(HTTP_HOST=parts.hostname, raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        status = response.status_code
        ok = status == expect if expect != "refused" else status in (302, 403, 404)
        error = getattr(response, "exc_info", None)
        answers.append({"label": label, "url": f"{parts.hostname}{parts.path}" + (f"?{parts.query}" if parts.query else ""),
                        "status": status, "expect": expect, "ok": ok, "who": user.username if user else "anonymous",
                        "error": f"{error[0].__name__}: {error[1]}"[:300] if error else ""})

    sample = Page.objects.filter(pk__in=[int(pk) for pk in snap["sample"]], live=True).specific().order_by("path")
    for page in sample:
        parts = page.get_url_parts()
        if parts is not None:  # the tree's root has no URL
            fetch(f"public: {page.title}", f"{parts[1]}{parts[2]}")
    fetch("public: healthz", "/healthz")
    fetch("public: sitemap", "/sitemap.xml")
    fetch("public: portal search", "/tim-kiem/?q=dak+la")
    dak_la = M("communes", "CommuneHomePage").objects.get(unit__code="23524", locale__language_code=settings.LANGUAGE_CODE)
    ha_mon = M("communes", "CommuneHomePage").objects.get(unit__code="23521", locale__language_code=settings.LANGUAGE_CODE)
    site_id, root_url, path = dak_la.get_url_parts()
    fetch("public: commune home on its hostname", root_url + "/")
    fetch("public: commune home under the portal", dak_la.url_path[len(portal.url_path) - 1:] if portal else "/xa-dak-la/")
    fetch("public: commune search", root_url + "/tim-kiem/?q=van+ban")
    published = Question.objects.filter(state="published", private=False, commune_id=dak_la.pk).first()
    index = M("questions", "QuestionIndexPage").objects.child_of(dak_la).first()
    if published and index:
        site_id, index_root, index_path = index.get_url_parts()
        fetch("public: published question", f"{index_root}{index_path}{published.pk}/")

    admin = User.objects.get(username="admin")
    editor = User.objects.get(username="bientap_dakla")
    news = M("communes", "NewsPage").objects.descendant_of(dak_la).first()
    document = M("communes", "LegalDocumentPage").objects.descendant_of(dak_la).first()
    question = Question.objects.filter(commune_id=dak_la.pk).first()
    fetch("admin: dashboard", reverse("wagtailadmin_home"), admin)
    fetch("admin: explorer (root)", reverse("wagtailadmin_explore_root"), admin)
    fetch("admin: explorer (portal)", reverse("wagtailadmin_explore", args=[portal.pk]), admin)
    for page in (portal, dak_la, news, document):
        fetch(f"admin: edit {page.title}", reverse("wagtailadmin_pages:edit", args=[page.pk]), admin)
    for name in ("wagtailimages:index", "wagtaildocs:index", "wagtailusers_users:index", "wagtailusers_groups:index",
                 "wagtailadmin_workflows:index", "wagtailsites:index", "wagtailredirects:index",
                 "questions_question:index", "questions_holiday:index"):
        fetch(f"admin: {name}", reverse(name), admin)
    fetch("admin: a question", reverse("questions_question:edit", args=[question.pk]), admin)
    fetch("admin (commune editor): dashboard", reverse("wagtailadmin_home"), editor)
    fetch("admin (commune editor): own commune", reverse("wagtailadmin_explore", args=[dak_la.pk]), editor)
    fetch("admin (commune editor): edit own news", reverse("wagtailadmin_pages:edit", args=[news.pk]), editor)
    fetch("admin (commune editor): own questions", reverse("questions_question:index"), editor)
    fetch("admin (commune editor): own question", reverse("questions_question:edit", args=[question.pk]), editor)
    fetch("admin (commune editor): other commune refused", reverse("wagtailadmin_pages:edit", args=[ha_mon.pk]),
          editor, expect="refused")
    snap["http"] = answers

with open(out, "w", encoding="utf-8") as f:
    json.dump(snap, f, ensure_ascii=False, indent=1)
'''

# --- running the two checkouts ------------------------------------------------------------------------


def git(*args, check=True):
    result = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise CannotRun(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result


def resolve_old(rev):
    found = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    if found.returncode != 0:
        shallow = git("rev-parse", "--is-shallow-repository", check=False).stdout.strip() == "true"
        hint = (" This clone is shallow: fetch the history (`git fetch --unshallow`, or `fetch-depth: 0` in CI)."
                if shallow else " Is this the right repository?")
        raise CannotRun(f"The old commit {rev} is not in this repository's history, so the upgrade cannot be "
                        f"checked.{hint}")
    return found.stdout.strip()


def postgres_reachable(url):
    parts = urlsplit(url)
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((parts.hostname or "127.0.0.1", parts.port or 5432)) == 0


class Run:
    """One database's check: its log, timings and differences."""

    def __init__(self, name, database_url, workdir, python, old_tree):
        self.name, self.database_url, self.workdir = name, database_url, workdir
        self.python, self.old_tree = python, old_tree
        self.timings, self.problems, self.notes = [], [], {}
        self.stage = ""
        self.log = workdir / "log.txt"
        self.env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
        self.env.update({"DEBUG": "1", "VAR_DIR": str(workdir / "var"), "DATABASE_URL": database_url,
                         "DJANGO_SETTINGS_MODULE": "cms.settings", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"})

    def step(self, label, tree, *args):
        started = time.monotonic()
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"\n$ ({label}) python {' '.join(args)}\n")
        result = subprocess.run([self.python, *args], cwd=tree, env=self.env, capture_output=True, text=True)
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(result.stdout + result.stderr)
        self.timings.append((label, time.monotonic() - started))
        if result.returncode != 0:
            tail = "\n      ".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise CannotRun(f"{label} failed (exit {result.returncode}):\n      {tail}")
        return result.stdout

    def snapshot(self, label, tree, mode):
        out = self.workdir / f"{mode}.json"
        self.step(label, tree, "-c", PROBE, mode, str(out), json.dumps(PER_CONTENT_TYPE))
        return json.loads(out.read_text(encoding="utf-8"))

    def run(self):
        old_tree = self.old_tree
        self.step("old: migrate", old_tree, "manage.py", "migrate", "--noinput")
        self.step("old: createcachetable", old_tree, "manage.py", "createcachetable")
        self.step("old: load_demo", old_tree, "manage.py", "load_demo")
        before = self.snapshot("old: snapshot", old_tree, "old")
        migrate = self.step("new: migrate", REPO, "manage.py", "migrate", "--noinput")
        self.step("new: createcachetable", REPO, "manage.py", "createcachetable")
        # Compared right after migrate as well: a production upgrade runs no load_demo, which could
        # otherwise hide a data migration's gap by completing the records itself.
        self.stage = "after migrate"
        self.compare(before, self.snapshot("new: snapshot", REPO, "migrated"))
        for line in migrate.splitlines():
            if "Chưa đủ thông tin" in line:
                self.problem(f"the data migration left communes without a record: {line.strip()}")
        self.stage = "after load_demo"
        demo = self.step("new: load_demo", REPO, "manage.py", "load_demo")
        self.compare_demo_output(demo)
        self.compare(before, self.snapshot("new: snapshot and pages", REPO, "new"))

    # --- the comparison ---

    def problem(self, text):
        self.problems.append(f"{self.stage}: {text}" if self.stage else text)

    def note(self, key, text):
        """A remark, not a difference; a later stage's remark on the same subject replaces the earlier one."""
        self.notes[key] = text

    def compare_demo_output(self, demo):
        created = re.search(r"(\d+) trang nội dung mới tạo", demo)
        if created is None:
            self.problem("the new load_demo's output has no “… trang nội dung mới tạo” line")
        elif created.group(1) != "0":
            self.problem(f"the new load_demo created pages again: “{created.group(0)}”")
        users = demo.split("Tài khoản trình diễn", 1)[-1].splitlines()[1:]
        recreated = [line.split()[0] for line in users if line.strip() and "(đã có" not in line]
        if recreated:
            self.problem(f"the new load_demo created demo users again: {', '.join(recreated)}")

    def compare(self, before, after):
        old_tables, new_tables = before["tables"], after["tables"]
        for table in sorted(old_tables):
            if table in NOT_COUNTED:
                continue
            if table not in new_tables:
                self.problem(f"table {table} is gone ({old_tables[table]} rows before)")
            elif table in PER_CONTENT_TYPE:
                self.compare_per_content_type(table, before, after)
            elif old_tables[table] != new_tables[table]:
                self.problem(f"table {table}: {old_tables[table]} rows before, {new_tables[table]} after")
        added = sorted(set(new_tables) - set(old_tables))
        self.note("tables", "new tables: " + ", ".join(f"{t} ({new_tables[t]} rows)" for t in added) if added
                  else "no new tables")

        for key in sorted(set(before["figures"]) | set(after["figures"])):
            a, b = before["figures"].get(key), after["figures"].get(key)
            if key == "revisions":  # compared per content type with its table
                continue
            if a != b:
                self.problem(f"{key}: {a} before, {b} after")

        self.compare_mapping("page", before["pages"], after["pages"])
        self.compare_mapping("question", before["questions"], after["questions"])
        for key, what in [("collections", "collection"), ("workflows", "workflow"), ("tasks", "workflow task"),
                          ("memberships", "group membership")]:
            self.compare_lists(what, before[key], after[key])
        if sorted(before["groups"]) != sorted(after["groups"]):
            self.compare_lists("group", sorted(before["groups"]), sorted(after["groups"]))
        for key, what in [("content_types", "content type"), ("permissions", "permission"),
                          ("group_permissions", "group's permission"), ("page_permissions", "page permission"),
                          ("collection_permissions", "collection permission")]:
            lost = sorted(set(before[key]) - set(after[key]))
            if lost:
                self.problem(f"{len(lost)} {what}(s) lost: {'; '.join(lost[:5])}")
            gained = sorted(set(after[key]) - set(before[key]))
            if gained and key.endswith("_permissions"):
                kinds = sorted({grant.rsplit(": ", 1)[-1] for grant in gained})
                shown = ", ".join(kinds[:6]) + (f" and {len(kinds) - 6} more" if len(kinds) > 6 else "")
                self.note(key, f"{len(gained)} {what}s granted to roles by the new code ({shown})")
        for key in ("collections", "workflows", "tasks"):
            doubles = sorted({name for name in after[key] if after[key].count(name) > 1})
            if doubles:
                self.problem(f"duplicated {key}: {', '.join(doubles)}")

        self.check_records(before, after)
        for answer in after.get("http", []):
            if not answer["ok"]:
                expected = "a refusal" if answer["expect"] == "refused" else answer["expect"]
                self.problem(f"{answer['label']} ({answer['who']}): GET {answer['url']} answered "
                             f"{answer['status']}, expected {expected}"
                             + (f" ({answer['error']})" if answer.get("error") else ""))

    def compare_per_content_type(self, table, before, after):
        old_types = set(before["content_types"])
        rows_before, rows_after = before["per_content_type"][table], after["per_content_type"][table]
        for kind in sorted(set(rows_before) | set(rows_after)):
            a, b = rows_before.get(kind, 0), rows_after.get(kind, 0)
            if a != b and kind in old_types:
                self.problem(f"table {table}, rows of {kind}: {a} before, {b} after")
        new_rows = {kind: n for kind, n in rows_after.items() if kind not in old_types}
        if new_rows:
            self.note(f"{table} new", f"{table}: rows of the new code's models "
                      + ", ".join(f"{kind} ({n})" for kind, n in sorted(new_rows.items())))

    def compare_mapping(self, what, before, after):
        lost = [k for k in before if k not in after]
        changed = [k for k in before if k in after and before[k] != after[k]]
        added = [k for k in after if k not in before]
        for k in lost[:5]:
            self.problem(f"{what} {k} is gone: {before[k]}")
        for k in changed[:5]:
            self.problem(f"{what} {k} changed: {before[k]} → {after[k]}")
        for k in added[:5]:
            self.problem(f"{what} {k} was added: {after[k]}")
        more = len(lost) + len(changed) + len(added) - len(lost[:5]) - len(changed[:5]) - len(added[:5])
        if more > 0:
            self.problem(f"… and {more} more {what} differences")

    def compare_lists(self, what, before, after):
        lost = sorted(set(before) - set(after))
        added = sorted(set(after) - set(before))
        if lost:
            self.problem(f"{len(lost)} {what}(s) gone: {'; '.join(lost[:5])}")
        if added:
            self.problem(f"{len(added)} {what}(s) added: {'; '.join(added[:5])}")

    def check_records(self, before, after):
        records = {}
        for record in after["commune_sites"]:
            records.setdefault(record["unit"], []).append(record)
        for code, old in sorted(before["communes"].items()):
            found = records.pop(code, [])
            if len(found) != 1:
                self.problem(f"commune {code}: {len(found)} CommuneSite records, expected exactly one")
                continue
            record = found[0]
            if old["workflow"] != old["workflow_by_name"]:
                self.note(f"workflow {code}", f"commune {code}: its home's workflow is not the one named after it")
            for field in ("home", "site", "editors", "approvers", "collection", "workflow"):
                if record[field] != old[field] or old[field] is None:
                    self.problem(f"commune {code}: CommuneSite.{field} is {record[field]}, the old installation's "
                                 f"is {old[field]}")
        for code in sorted(records):
            self.problem(f"CommuneSite records for a unit that had no commune home before: {code}")
        portals = after["portals"]
        if len(portals) != 1:
            self.problem(f"{len(portals)} Portal records, expected exactly one")
        elif before["portal"] is None or portals[0] != before["portal"]:
            self.problem(f"the Portal record {portals[0]} does not match the old portal {before['portal']}")


def reset_postgres(python, url):
    """Drop and recreate the check's own database (never any other)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name) or "check" not in name:
        raise CannotRun(f"refusing to drop the database {name!r}: its name must contain “check”")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(f'DROP DATABASE IF EXISTS {sys.argv[2]} WITH (FORCE)')\n"
        "    if sys.argv[3] == 'create': c.execute(f'CREATE DATABASE {sys.argv[2]}')\n"
    )
    return lambda action: subprocess.run([python, "-c", code, admin_url, name, action], check=True,
                                         capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default=DEFAULT_OLD, help=f"the old release's commit (default {DEFAULT_OLD})")
    parser.add_argument("--database", choices=["sqlite", "postgres", "all"], default="all",
                        help="all (default): SQLite, and PostgreSQL when reachable; postgres: fail if it is not")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="a database the check may drop and recreate (its name must contain “check”)")
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"),
                        help="the virtualenv's python that runs both checkouts")
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs (the worktree is removed)")
    args = parser.parse_args()

    started = time.monotonic()
    if not Path(args.python).exists():
        print(f"check_upgrade: no python at {args.python}; run `make install` first", file=sys.stderr)
        return 2
    try:
        old = resolve_old(args.old)
    except CannotRun as error:
        print(f"check_upgrade: FAILED: {error}", file=sys.stderr)
        return 2
    head = git("rev-parse", "--short", "HEAD").stdout.strip()
    dirty = bool(git("status", "--porcelain", "--untracked-files=no").stdout.strip())
    print(f"== Upgrade check: {old[:7]} (old main) → this checkout ({head}{', with uncommitted changes' if dirty else ''})")
    changed = [line for line in git("diff", "-U0", old, "--", "requirements.txt").stdout.splitlines()
               if line[:1] in "+-" and line[:3] not in ("+++", "---") and line[1:2] not in ("#", "")]
    if changed:
        print(f"   note: requirements.txt changed since {old[:7]} ({', '.join(changed)}); the old code runs with "
              "this checkout's packages")

    databases = [("SQLite", None)] if args.database in ("sqlite", "all") else []
    if args.database in ("postgres", "all"):
        if postgres_reachable(args.postgres):
            databases.append(("PostgreSQL", args.postgres))
        elif args.database == "postgres":
            print(f"check_upgrade: FAILED: PostgreSQL is not reachable at {urlsplit(args.postgres).netloc}",
                  file=sys.stderr)
            return 2
        else:
            print(f"   PostgreSQL not reachable at {urlsplit(args.postgres).netloc}: SQLite only")

    scratch = Path(tempfile.mkdtemp(prefix="check-upgrade-"))
    tree = scratch / "old"
    runs, failures = [], []
    lock = threading.Lock()
    try:
        git("worktree", "add", "--detach", str(tree), old)
        for name, url in databases:
            workdir = scratch / name.lower()
            workdir.mkdir()
            if url is None:
                url = f"sqlite:///{workdir / 'db.sqlite3'}"
            else:
                reset = reset_postgres(args.python, url)
                try:
                    reset("create")
                except subprocess.CalledProcessError as error:
                    failures.append(f"{name}: could not recreate the database: {error.stderr.strip()}")
                    continue
            runs.append(Run(name, url, workdir, args.python, tree))

        def work(run):
            try:
                run.run()
            except CannotRun as error:
                with lock:
                    run.problem(f"could not finish: {error}")

        # The databases are independent: check them side by side (each is mostly one busy process).
        with ThreadPoolExecutor(max_workers=len(runs) or 1) as pool:
            list(pool.map(work, runs))
    except CannotRun as error:
        failures.append(str(error))
    finally:
        git("worktree", "remove", "--force", str(tree), check=False)
        git("worktree", "prune", check=False)
        for run in runs:
            if run.database_url.startswith("postgres") and not args.keep:
                try:
                    reset_postgres(args.python, run.database_url)("drop")
                except subprocess.CalledProcessError:
                    pass

    for run in runs:
        report(run)
    for failure in failures:
        print(f"   FAILED: {failure}")
    elapsed = time.monotonic() - started
    ok = not failures and runs and all(not run.problems for run in runs)
    if args.keep or not ok:
        print(f"   logs{' and SQLite databases' if args.keep else ''}: {scratch}")
        if not args.keep:
            for run in runs:
                (run.workdir / "var").exists() and shutil.rmtree(run.workdir / "var")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"== Upgrade check {'passed' if ok else 'FAILED'} in {elapsed:.0f} s")
    return 0 if ok else 1


def report(run):
    timings = ", ".join(f"{label} {seconds:.0f} s" for label, seconds in run.timings)
    print(f"-- {run.name}: {timings}")
    before = run.workdir / "old.json"
    if before.exists():
        figures = json.loads(before.read_text(encoding="utf-8"))["figures"]
        shown = [f"{k} {v}" for k, v in figures.items() if not k.startswith("pages: ")]
        print(f"   before: {', '.join(shown)}")
    after = run.workdir / "new.json"
    if after.exists():
        snap = json.loads(after.read_text(encoding="utf-8"))
        http = snap.get("http", [])
        print(f"   compared one by one: {len(snap['pages'])} pages (type, title, url_path, live, locale; "
              f"sample: {', '.join(snap['pages'][pk][2] for pk in snap['sample'][1:4])} …), "
              f"{len(snap['questions'])} questions (tracking code, state)")
        print(f"   after: {len(snap['commune_sites'])} CommuneSite records, {len(snap['portals'])} Portal; "
              f"{sum(a['ok'] for a in http)}/{len(http)} sampled pages answered as expected")
    for note in run.notes.values():
        print(f"   note: {note}")
    if run.problems:
        for problem in run.problems:
            print(f"   DIFFERENCE: {problem}")
    else:
        print("   no difference")


if __name__ == "__main__":
    sys.exit(main())
