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


def pytest_collection_modifyitems(items):
    """Run tests that commit for real (transactional: concurrency, live server) after the others, as
    Django's own runner does: their flush empties tables that migrations filled. Browser tests come
    last (`make test` runs them in a process of their own)."""

    def order(item):
        if item.get_closest_marker("browser"):
            return 2
        fixtures = getattr(item, "fixturenames", ())
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in fixtures or "live_server" in fixtures or (
            marker is not None and marker.kwargs.get("transaction")
        )
        return 1 if transactional else 0

    items.sort(key=order)
