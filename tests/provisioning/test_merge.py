"""Merging communes (2025 reform): content moves, old addresses redirect, history is kept."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from wagtail.models import GroupPagePermission

from communes.models import NewsIndexPage, NewsPage
from provisioning.merge import communes_merge

REFORM_DATE = datetime.date(2025, 7, 1)


def add_news(home, title, slug):
    index = NewsIndexPage.objects.child_of(home).get()
    return index.add_child(instance=NewsPage(title=title, slug=slug, intro="Tin thử nghiệm."))


@pytest.fixture
def merged(district):
    add_news(district.a.home, "Lễ hội của Đắk La", "le-hoi")
    moved = add_news(district.b.home, "Lễ hội mừng lúa mới ở Hà Mòn", "le-hoi")
    report = communes_merge(sources=[district.b.home.unit], target_unit=district.a.home.unit, portal=district.portal, effective_date=REFORM_DATE)
    moved.refresh_from_db()
    return district, report, moved


def test_merged_news_moves_under_the_new_commune_with_a_free_slug(merged):
    district, report, moved = merged
    assert moved.get_parent().specific == NewsIndexPage.objects.child_of(district.a.home).get()
    assert moved.slug == "le-hoi-2"
    assert report.moved_pages == 1
    response = Client(HTTP_HOST="dak-la.localhost").get("/tin-tuc/le-hoi-2/")
    assert response.status_code == 200
    assert "Lễ hội mừng lúa mới ở Hà Mòn" in response.content.decode()


def test_the_old_hostname_redirects_each_page_to_where_it_now_lives(merged):
    old = Client(HTTP_HOST="ha-mon.localhost")
    response = old.get("/tin-tuc/le-hoi/")
    assert response.status_code == 301
    assert response["Location"] == "http://dak-la.localhost/tin-tuc/le-hoi-2/"
    home = old.get("/")
    assert home.status_code == 301
    assert home["Location"] == "http://dak-la.localhost/"
    assert old.get("/gioi-thieu/")["Location"] == "http://dak-la.localhost/"


def test_the_old_portal_path_redirects_to_the_canonical_address(merged, client):
    response = client.get("/xa-ha-mon/tin-tuc/le-hoi/")
    assert response.status_code == 301
    assert response["Location"] == "http://dak-la.localhost/tin-tuc/le-hoi-2/"
    assert client.get("/xa-ha-mon/")["Location"] == "http://dak-la.localhost/"


def test_the_portal_directory_no_longer_lists_the_merged_commune(merged, client):
    html = client.get("/").content.decode()
    assert "Xã Đắk La" in html
    assert "Xã Hà Mòn" not in html


def test_the_registry_records_the_end_date_and_the_successor(merged):
    district, _, _ = merged
    old_unit = district.b.home.unit
    old_unit.refresh_from_db()
    assert old_unit.valid_to == REFORM_DATE
    assert list(old_unit.successors.all()) == [district.a.home.unit]


def test_the_old_communes_staff_lose_their_permissions(merged):
    district, _, moved = merged
    assert not GroupPagePermission.objects.filter(group=district.b.editors).exists()
    assert not moved.permissions_for_user(district.editor_b).can_edit()
    assert moved.permissions_for_user(district.editor_a).can_edit()


def test_merging_again_changes_nothing(merged):
    district, _, _ = merged
    again = communes_merge(sources=[district.b.home.unit], target_unit=district.a.home.unit, portal=district.portal, effective_date=REFORM_DATE)
    assert again.moved_pages == 0
    assert again.redirects == 0


def test_the_command_names_an_unknown_unit_code(district):
    with pytest.raises(CommandError, match="99999"):
        call_command("merge_communes", "--into", "23524", "--from", "99999", "--date", "01/07/2025")


def test_the_command_refuses_a_date_not_in_vietnamese_format(district):
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("merge_communes", "--into", "23524", "--from", "23521", "--date", "2025-07-01")


def test_a_renamed_unit_keeps_its_groups_collection_and_workflow_and_merging_it_still_moves_its_media(district):
    from django.contrib.auth.models import Group
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, Workflow

    from provisioning.services import commune_site_create
    from sites.models import CommuneSite

    b = district.b
    image = get_image_model().objects.create(title="Ảnh của Hà Mòn", file=get_test_image_file(), collection=b.collection)
    counts = (Group.objects.count(), Collection.objects.count(), Workflow.objects.count())
    unit = b.home.unit
    unit.name = "Xã Hà Mòn Mới"  # a reform renames the unit
    unit.save()

    again = commune_site_create(unit=unit, portal=district.portal)
    assert (again.editors, again.approvers, again.collection, again.workflow) == (
        b.editors, b.approvers, b.collection, b.workflow)
    assert (Group.objects.count(), Collection.objects.count(), Workflow.objects.count()) == counts
    assert CommuneSite.objects.get(unit=unit).collection.name == "Xã Hà Mòn Mới (23521)"

    communes_merge(sources=[unit], target_unit=district.a.home.unit, portal=district.portal,
                   effective_date=REFORM_DATE)
    image.refresh_from_db()
    assert image.collection == district.a.collection
