"""English versions of a commune's pages belong to that commune's staff, and to nobody else's."""

from wagtail.models import Locale

from communes.models import OrganisationPage


def english_organisation(district):
    organisation = OrganisationPage.objects.child_of(district.a.home).get()
    english = organisation.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    return organisation, english


def test_a_communes_editors_can_edit_its_english_pages(district):
    _, english = english_organisation(district)
    assert english.permissions_for_user(district.editor_a).can_edit()
    assert english.permissions_for_user(district.approver_a).can_publish()


def test_another_communes_editors_cannot_touch_those_english_pages(district):
    _, english = english_organisation(district)
    assert not english.permissions_for_user(district.editor_b).can_edit()
    assert not english.permissions_for_user(district.approver_b).can_publish()


def test_the_english_home_keeps_the_two_step_workflow(district):
    _, english = english_organisation(district)
    assert english.get_workflow() == district.a.workflow


def test_commune_staff_may_submit_translations(district):
    assert district.editor_a.has_perm("wagtail_localize.submit_translation")
