"""Who the tenancy layer counts as portal staff (the one-query list agrees with the per-user check), and
which commune a translator works for."""

from django.contrib.auth.models import User
from wagtail.models import Page

from sites.tenancy import (
    commune_sites_for_user,
    own_pages_q,
    permitted_root_paths,
    portal_staff_users,
    user_is_portal_staff,
)


def test_the_portal_staff_list_agrees_with_the_per_user_check(district):
    User.objects.create_superuser("sieuquantri", "sieu@example.vn", "matkhau-thu-nghiem")
    User.objects.create_user("nghiviec", "nghi@example.vn", "x", is_active=False, is_superuser=True)
    listed = set(portal_staff_users().values_list("username", flat=True))
    assert listed == {"quantri", "sieuquantri"}
    assert listed == {user.username for user in User.objects.all() if user_is_portal_staff(user)}


# --- translators: permissions on a commune's home in their language only --------------------------------


def translator_of(site, code, username):
    from languages.models import Language
    from languages.services import enable_language

    site_language = enable_language(Language.objects.get(code=code), site)
    site_language.refresh_from_db()
    user = User.objects.create_user(username, f"{username}@example.vn", "matkhau-thu-nghiem")
    user.groups.add(site_language.translators)
    return User.objects.get(pk=user.pk)


def test_a_translator_works_for_the_commune_whose_home_in_their_language_they_hold(district):
    translator = translator_of(district.a, "bdq", "bdq_dakla")
    assert list(commune_sites_for_user(translator)) == [district.a]
    assert not user_is_portal_staff(translator)
    assert translator not in portal_staff_users()


def test_a_translator_of_one_commune_is_not_a_member_of_another(district):
    translator_a = translator_of(district.a, "bdq", "bdq_dakla")
    translator_b = translator_of(district.b, "bdq", "bdq_hamon")
    assert district.b not in commune_sites_for_user(translator_a)
    assert district.a not in commune_sites_for_user(translator_b)
    assert not Page.objects.filter(own_pages_q(translator_a), pk=district.b.home.pk).exists()
    assert not Page.objects.filter(own_pages_q(translator_a), path__startswith=district.b.home.path).exists()


def test_a_translator_reaches_their_communes_pages_but_holds_no_permission_on_them(district):
    translator = translator_of(district.a, "bdq", "bdq_dakla")
    vietnamese = Page.objects.filter(path__startswith=district.a.home.path)
    assert vietnamese.count() == vietnamese.filter(own_pages_q(translator)).count() > 1
    assert not any(page.permissions_for_user(translator).can_edit() for page in vietnamese.specific())
    ba_na_home = district.a.home.get_translations().get(locale__language_code="bdq")
    assert ba_na_home.permissions_for_user(translator).can_edit()
    assert not ba_na_home.permissions_for_user(translator).can_publish()


def test_commune_staff_and_portal_staff_work_where_they_did(district):
    translator_of(district.a, "bdq", "bdq_dakla")  # A's home now has a Ba Na version, with A's staff's grants
    assert list(commune_sites_for_user(district.editor_a)) == [district.a]
    assert list(commune_sites_for_user(district.approver_b)) == [district.b]
    assert set(commune_sites_for_user(district.district_admin)) == {district.a, district.b}


def test_a_user_counts_as_working_for_a_commune_in_one_query(district, django_assert_num_queries):
    translator = translator_of(district.a, "bdq", "bdq_dakla")
    with django_assert_num_queries(1):
        assert permitted_root_paths(translator)
