"""Shared test set-up: a district portal with two communes and the people who work on them.

Commune B's staff must see nothing of commune A; every tenancy test leans on this fixture.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from provisioning.services import PORTAL_ADMINS_GROUP, commune_site_create, portal_create, unit_update_or_create
from sites.models import UnitKind


@pytest.fixture
def client():
    """The test client, speaking to the portal's hostname (unknown hostnames get 404 in production)."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def page_cache_off(settings):
    """Render every request (core/pagecache.py off): for tests that measure the render path itself."""
    settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": False}


@pytest.fixture(scope="session", autouse=True)
def search_counts_stay_in_the_test_database():
    """Searches made by tests are counted against the test database, which is gone at exit: forget the
    counts still waiting, so the exit flush has nothing to write to the development database."""
    yield
    from search import query_stats

    query_stats.discard()


@pytest.fixture(autouse=True)
def language_registry_read_afresh():
    """Each test reads the language registry from its own database (a rolled-back test's languages
    must not stay registered in this process: languages/registry.py)."""
    from languages import registry

    registry.reset()
    yield
    registry.reset()


@pytest.fixture(autouse=True)
def alert_banners_read_afresh():
    """Each test reads the emergency banner from its own database and cache, not the copy an earlier
    test left in this process (broadcasts/alerts.py, `BANNER_LOCAL_S`)."""
    from broadcasts import alerts

    alerts._local_banners.clear()


def client_for(user, host="localhost"):
    c = Client(HTTP_HOST=host)
    c.force_login(user)
    return c


@dataclass
class District:
    portal: object
    a: object  # CommuneSite of Xã Đắk La
    b: object  # CommuneSite of Xã Hà Mòn
    district_admin: User
    editor_a: User
    approver_a: User
    editor_b: User
    approver_b: User


def make_user(username, *groups):
    user = User.objects.create_user(username, f"{username}@example.vn", "matkhau-thu-nghiem")
    user.groups.add(*groups)
    return user


@pytest.fixture
def district(db):
    province = unit_update_or_create(code="62", name="Tỉnh Kon Tum", kind=UnitKind.PROVINCE, codename="tinh_kon_tum")
    unit = unit_update_or_create(
        code="615", name="Huyện Đắk Hà", kind=UnitKind.DISTRICT, codename="huyen_dak_ha", parent=province
    )
    portal = portal_create(unit=unit)
    dak_la = unit_update_or_create(code="23524", name="Xã Đắk La", kind=UnitKind.COMMUNE, codename="xa_dak_la", parent=unit)
    ha_mon = unit_update_or_create(code="23521", name="Xã Hà Mòn", kind=UnitKind.COMMUNE, codename="xa_ha_mon", parent=unit)
    a = commune_site_create(unit=dak_la, portal=portal)
    b = commune_site_create(unit=ha_mon, portal=portal)
    return District(
        portal=portal,
        a=a,
        b=b,
        district_admin=make_user("quantri", Group.objects.get(name=PORTAL_ADMINS_GROUP)),
        editor_a=make_user("bientap_dakla", a.editors),
        approver_a=make_user("duyet_dakla", a.approvers),
        editor_b=make_user("bientap_hamon", b.editors),
        approver_b=make_user("duyet_hamon", b.approvers),
    )


def restore_migrated_base_data():
    """What Wagtail's data migrations make (locales, root page, root collection, the translation
    permission), which a transactional test's flush leaves behind when serialized rollback is not
    restored for it: the live-server tests (tests/browser, tests/deploy) call this first."""
    from importlib import import_module

    from django.apps import apps as django_apps
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page

    create_submit_translation_permission = import_module(
        "wagtail_localize.migrations.0006_create_submit_translation_permission"
    ).create_submit_translation_permission
    ContentType.objects.clear_cache()  # a flush re-creates content types under new ids
    for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.objects.get(language_code="vi")))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    create_submit_translation_permission(django_apps, None)


def pytest_collection_modifyitems(items):
    """Run tests that commit for real (transactional: concurrency, live server) after the others, as
    Django's own runner does: their flush empties tables that migrations filled. Browser tests come
    last (`make test` runs them in a process of their own)."""

    def order(item):
        if item.get_closest_marker("browser"):
            return 2
        fixtures = getattr(item, "fixturenames", ())
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            # A plain flush makes PostgreSQL re-create the content types under new ids, and every later
            # serialized test then fails to restore (SQLite reuses the ids, so it passes there).
            raise pytest.UsageError(f"{item.nodeid}: a transactional test needs serialized_rollback=True")
        transactional = "transactional_db" in fixtures or "live_server" in fixtures or (
            marker is not None and marker.kwargs.get("transaction")
        )
        return 1 if transactional else 0

    items.sort(key=order)
