"""Nghị định 42/2022, Điều 7: every site's organisation page in English. `manage.py check_english_pages` and the
admin's panel list the sites without a published English version; portal staff see the panel, commune staff
never do; its queries do not grow with the number of communes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale

from communes.english import ALIAS_ONLY, DRAFT_ONLY, NO_PAGE, NO_TRANSLATION, organisation_pages_without_english
from communes.models import OrganisationPage
from communes.wagtail_hooks import MissingEnglishPagesPanel
from provisioning.demo.english import translate_page
from provisioning.services import commune_site_create, unit_update_or_create
from sites.models import UnitKind
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HOME = "/quan-tri/"


def english():
    return Locale.objects.get(language_code="en")


def organisation(site_home):
    return OrganisationPage.objects.child_of(site_home).get()


def translated(page, user):
    return translate_page(page, {page.title: "Organisation and contacts"}, user)


def listed(district):
    """{site name: (problem, edit URL)} as the check reports them."""
    return {row.site: (row.problem, row.edit_url) for row in organisation_pages_without_english()}


def portal_organisation(district):
    page = OrganisationPage(title="Cơ cấu tổ chức", slug="co-cau-to-chuc")
    district.portal.add_child(instance=page)
    return page


def run_check():
    out = StringIO()
    try:
        call_command("check_english_pages", stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_a_commune_with_a_live_english_organisation_page_is_not_listed(district):
    translated(organisation(district.a.home), district.district_admin)
    rows = listed(district)
    assert "Xã Đắk La" not in rows
    hamon = organisation(district.b.home)
    assert rows["Xã Hà Mòn"] == (NO_TRANSLATION, reverse("wagtailadmin_pages:edit", args=[hamon.pk]))
    # The district fixture's portal has no organisation page at all: it is listed, with where to add one.
    assert rows["Huyện Đắk Hà (cổng thông tin)"] == (
        NO_PAGE, reverse("wagtailadmin_pages:add_subpage", args=[district.portal.pk]))


def test_a_commune_whose_english_version_is_only_a_draft_is_listed_with_the_drafts_edit_page(district):
    draft = organisation(district.a.home).copy_for_translation(english(), copy_parents=True)
    assert not draft.live
    assert listed(district)["Xã Đắk La"] == (DRAFT_ONLY, reverse("wagtailadmin_pages:edit", args=[draft.pk]))


def test_an_english_alias_showing_the_vietnamese_text_does_not_count(district):
    alias = organisation(district.a.home).copy_for_translation(english(), copy_parents=True, alias=True)
    assert alias.live and alias.alias_of_id
    assert listed(district)["Xã Đắk La"][0] == ALIAS_ONLY


def test_a_commune_merged_away_is_not_listed(district):
    district.b.home.unpublish()
    assert "Xã Hà Mòn" not in listed(district)


def test_the_command_lists_what_is_missing_in_vietnamese_and_exits_1(district):
    translated(organisation(district.a.home), district.district_admin)
    code, output = run_check()
    assert code == 1
    hamon = organisation(district.b.home)
    assert f"  - Xã Hà Mòn: chưa có bản tiếng Anh. Sửa tại: /quan-tri/pages/{hamon.pk}/edit/" in output
    assert "Huyện Đắk Hà (cổng thông tin): chưa có trang cơ cấu tổ chức" in output
    assert "Xã Đắk La" not in output
    assert "2 đơn vị chưa có bản tiếng Anh" in output


def test_the_command_exits_0_when_every_site_has_its_english_page(district):
    for page in (portal_organisation(district), organisation(district.a.home), organisation(district.b.home)):
        translated(page, district.district_admin)
    code, output = run_check()
    assert code == 0
    assert "Mọi trang cơ cấu tổ chức đều đã có bản tiếng Anh được xuất bản" in output


# ------------------------------------------------------------------------------------------- the panel


def panel_of(response):
    html = response.content.decode()
    assert response.status_code == 200
    start = html.index('id="english-pages-section"')
    return html[start:html.index("</section>", start)]


def test_portal_staff_see_the_list_on_the_admins_home(district):
    translated(organisation(district.a.home), district.district_admin)
    panel = panel_of(client_for(district.district_admin).get(HOME))
    hamon = organisation(district.b.home)
    assert f'<a href="/quan-tri/pages/{hamon.pk}/edit/">Xã Hà Mòn</a>: chưa có bản tiếng Anh' in panel
    assert "Xã Đắk La" not in panel and "2 đơn vị" in panel


def test_commune_staff_never_get_the_panel(district):
    for user in (district.editor_a, district.approver_a, district.editor_b, district.approver_b):
        html = client_for(user).get(HOME).content.decode()
        assert 'id="english-pages-section"' not in html and "Xã Hà Mòn: " not in html, user


def test_the_panels_queries_do_not_grow_with_the_number_of_communes(district, django_assert_max_num_queries):
    # The panel alone: Wagtail's own workflow panel on the same page asks once per commune workflow.
    with CaptureQueriesContext(connection) as few:
        MissingEnglishPagesPanel().render_html({})
    budget = len(few)  # read now: the log of queries keeps the last 9,000 only, and making communes takes more
    for number in range(8):
        unit = unit_update_or_create(code=f"2360{number}", name=f"Xã Thử Nghiệm {number}", kind=UnitKind.COMMUNE,
                                     codename=f"xa_thu_nghiem_{number}", parent=district.portal.unit)
        site = commune_site_create(unit=unit, portal=district.portal)
        if number % 2:
            organisation(site.home).copy_for_translation(english(), copy_parents=True)
    with django_assert_max_num_queries(budget):
        panel = MissingEnglishPagesPanel().render_html({})
    assert budget <= 4
    assert "Xã Thử Nghiệm 7" in panel and "11 đơn vị" in panel
