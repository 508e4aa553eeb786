"""Ethnic-minority languages are data: a row of the registry, enabled per site, live without a restart."""

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale, Page

from communes.models import CommuneHomePage
from languages import registry
from languages.models import Language, SiteLanguage
from languages.services import enable_language
from tests.conftest import client_for

SEEDED = {"bdq", "sed", "jra", "rad", "blt", "twh", "hnj", "km", "tyz", "mtq", "cjm"}


def site_state(district):
    """Locales and every page outside commune A's subtree (and its siblings in other languages)."""
    a_key = district.a.home.translation_key
    others = Page.objects.exclude(path__startswith=district.a.home.path).exclude(translation_key=a_key)
    return set(Locale.objects.values_list("language_code", flat=True)), set(others.values_list("pk", "locale_id"))


@pytest.mark.django_db
def test_the_registry_holds_the_languages_of_the_seed_plans_with_their_native_names():
    languages = {language.code: language for language in Language.objects.all()}
    assert SEEDED <= set(languages)
    assert languages["bdq"].name == "Tiếng Ba Na" and languages["bdq"].native_name == "Bahnar"
    assert languages["km"].native_name == "ខ្មែរ" and languages["blt"].script == "Tavt"
    codes = {code for code, _name in settings.LANGUAGES}
    registry.current()
    assert SEEDED <= {code for code, _name in settings.LANGUAGES} and {"vi", "en"} <= codes


@pytest.mark.django_db
def test_a_language_added_in_the_registry_is_a_content_language_at_once_without_a_restart():
    Language.objects.create(code="kpm", name="Tiếng Cơ Ho", native_name="Cơ Ho")
    assert ("kpm", "Tiếng Cơ Ho") in settings.LANGUAGES
    assert translation.get_supported_language_variant("kpm") == "kpm"  # Django routes /kpm/
    locale = Locale.objects.create(language_code="kpm")
    assert locale.get_display_name() == "Tiếng Cơ Ho"


@pytest.mark.django_db
def test_another_process_sees_a_new_language_within_the_refresh_interval(monkeypatch):
    registry.current()
    Language.objects.bulk_create([Language(code="kpm", name="Tiếng Cơ Ho", native_name="Cơ Ho")])  # no signal
    assert not registry.is_registry_language("kpm")  # read less than REFRESH_S ago: not yet
    clock = registry.time.monotonic() + registry.REFRESH_S + 1
    monkeypatch.setattr(registry.time, "monotonic", lambda: clock)
    assert registry.is_registry_language("kpm")
    assert translation.get_supported_language_variant("kpm") == "kpm"


@pytest.mark.django_db
def test_a_language_switched_off_is_no_longer_a_language_of_the_site():
    Language.objects.filter(code="bdq").update(is_active=False)
    registry.current(force=True)
    assert "bdq" not in dict(settings.LANGUAGES)
    with pytest.raises(LookupError):
        translation.get_supported_language_variant("bdq", strict=True)


@pytest.mark.django_db
def test_vietnamese_and_english_cannot_be_added_again():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Language(code="en", name="Tiếng Anh", native_name="English").full_clean()
    with pytest.raises(ValidationError):
        Language(code="Ba Na", name="Tiếng Ba Na", native_name="Bahnar").full_clean()


def test_enabling_ba_na_on_one_commune_prepares_its_home_and_creates_nothing_elsewhere(district):
    registry.current()
    Locale.objects.get_or_create(language_code="bdq")
    before = site_state(district)
    enable_language(Language.objects.get(code="bdq"), district.a)
    enable_language(Language.objects.get(code="bdq"), district.a)  # idempotent
    assert site_state(district) == before
    home = district.a.home.specific
    ba_na = CommuneHomePage.objects.get(translation_key=home.translation_key, locale__language_code="bdq")
    assert ba_na.alias_of_id == home.pk and ba_na.get_parent().pk == home.get_parent().pk and ba_na.live
    assert registry.enabled_codes(district.a.pk) == ["vi", "en", "bdq"]
    assert registry.enabled_codes(district.b.pk) == ["vi", "en"]
    assert registry.enabled_codes(None) == ["vi", "en"]


def test_a_commune_home_in_ba_na_is_served_only_where_ba_na_is_enabled(district):
    enable_language(Language.objects.get(code="bdq"), district.a)
    client = client_for(district.district_admin, "dak-la.localhost")
    client.logout()
    assert client.get("/bdq/").status_code == 200
    assert client.get("/bdq/", HTTP_HOST="ha-mon.localhost").status_code == 404
    SiteLanguage.objects.filter(commune=district.a).delete()
    assert client.get("/bdq/").status_code == 404


def test_commune_staff_see_their_communes_languages_and_portal_staff_enable_them(district):
    enable_language(Language.objects.get(code="bdq"), district.b)
    enable_language(Language.objects.get(code="jra"), district.a)
    approver = client_for(district.approver_a)
    listing = approver.get("/quan-tri/ngon-ngu/trang/")
    assert listing.status_code == 200
    assert "Tiếng Gia Rai" in listing.content.decode() and "Tiếng Ba Na" not in listing.content.decode()
    sed = Language.objects.get(code="sed")
    response = approver.post("/quan-tri/ngon-ngu/trang/new/", {"language": sed.pk, "commune": district.a.pk})
    assert response.status_code in (302, 403)
    assert not SiteLanguage.objects.filter(language=sed).exists()
    other = SiteLanguage.objects.get(commune=district.b)
    assert approver.post(f"/quan-tri/ngon-ngu/trang/{other.pk}/delete/").status_code in (302, 403, 404)
    assert SiteLanguage.objects.filter(pk=other.pk).exists()
    assert approver.get("/quan-tri/ngon-ngu/danh-muc/new/").status_code in (302, 403)

    admin = client_for(district.district_admin)
    response = admin.post("/quan-tri/ngon-ngu/trang/new/", {"language": sed.pk, "commune": district.a.pk})
    assert response.status_code == 302
    assert SiteLanguage.objects.filter(commune=district.a, language=sed).exists()
    assert district.a.home.get_translations().filter(locale__language_code="sed").exists()


def test_enabling_a_language_makes_the_translators_group_of_that_commune_and_language(district):
    site_language = enable_language(Language.objects.get(code="bdq"), district.a)
    site_language.refresh_from_db()
    group = site_language.translators
    assert group.name == "Biên dịch viên Tiếng Ba Na – Xã Đắk La"
    ba_na_home = district.a.home.get_translations().get(locale__language_code="bdq")
    granted = set(group.page_permissions.values_list("page_id", "permission__codename"))
    assert granted == {(ba_na_home.pk, "add_page"), (ba_na_home.pk, "change_page")}
    assert {"wagtailadmin.access_admin", "wagtail_localize.submit_translation"} <= {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_each_commune_publishes_in_its_own_set_of_languages(district):
    """A Kon Tum commune in Vietnamese, Ba Na and Xơ Đăng; a Sơn La one in Vietnamese, Thái and H'Mông."""
    for code in ("bdq", "sed"):
        enable_language(Language.objects.get(code=code), district.a)
    for code in ("blt", "hnj"):
        enable_language(Language.objects.get(code=code), district.b)
    assert registry.enabled_codes(district.a.pk) == ["vi", "en", "bdq", "sed"]
    assert registry.enabled_codes(district.b.pk) == ["vi", "en", "hnj", "blt"]  # by name: H'Mông, Thái Đen
    assert registry.native_name("blt") == "Tai Dam" and registry.script("blt") == "Tavt"
    homes = {(page.translation_key, page.locale.language_code)
             for page in Page.objects.exclude(locale__language_code__in=["vi", "en"]).select_related("locale")}
    assert homes == {(district.a.home.translation_key, "bdq"), (district.a.home.translation_key, "sed"),
                     (district.b.home.translation_key, "blt"), (district.b.home.translation_key, "hnj")}
