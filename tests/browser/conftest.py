"""Headless Debian Chromium (never a downloaded browser) against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import restore_migrated_base_data
from tests.public.conftest import content, test_image  # noqa: F401 - the same content as the public tests

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    # Commune hostnames (dak-la.localhost) reach the live server like localhost does.
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the browser tests' database is a file, as in production (WAL, immediate transactions,
    a busy timeout: cms/settings.py), not the in-memory one the other tests share with the live server.
    Django hands a live server the test's own in-memory connection, so a test's write at the instant a
    server thread is reading for a polling player failed at once with "database table is locked"
    (CI, stops 17 and 18). With a file each thread has its own connection and waits for the lock."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "test.sqlite3")



def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API keeps an event loop in this thread while it lives, and
    # Django refuses ORM calls from a thread with a running loop; later test modules must not see it.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Playwright's sync API runs an event loop in this thread; the ORM calls of the test body and of
    the database flush after it are still synchronous, so Django's async-safety guard would be a false
    alarm. Allowed around these tests only: the deploy check rejects the variable elsewhere."""
    if item.get_closest_marker("browser") is None:
        return (yield)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        return (yield)
    finally:
        os.environ.pop(ASYNC_UNSAFE, None)


@pytest.fixture(autouse=True)
def migrated_base_data(transactional_db):
    restore_migrated_base_data()


@pytest.fixture
def live_sites(live_server, content):  # noqa: F811 - the imported fixture, requested by name
    """The district's sites, re-pointed at the live server's port so links between them work."""
    from django.core.cache import cache
    from wagtail.models import Site

    port = int(live_server.url.rsplit(":", 1)[1])
    cache.clear()  # the database cache outlives transactional tests' flushes
    for site in Site.objects.all():
        site.port = port
        site.save()
    return {"portal": f"http://localhost:{port}", "a": f"http://dak-la.localhost:{port}",
            "b": f"http://ha-mon.localhost:{port}"}
