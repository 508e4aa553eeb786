"""A commune's translator translates that commune's pages into their language, and nothing else; a
change to a source page marks its translations out of date unless its editor marks it minor; no locale's
whole tree is ever synchronised into another.

Every text "in Ba Na" here is an obviously marked test string, never invented text in the language.
"""

import pytest
from django.contrib.auth.models import User
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_localize.models import LocaleSynchronization, StringSegment, Translation, TranslationSource

from communes.models import OrganisationPage
from languages import translating
from languages.models import Language, MinorChange
from languages.services import enable_language
from tests.conftest import client_for

ADMIN = "/quan-tri"
TITLE = "[thử nghiệm bdq] Cơ cấu tổ chức"


def locale(code):
    return Locale.objects.get_or_create(language_code=code)[0]


def translator_for(site_language, username):
    site_language.refresh_from_db()
    user = User.objects.create_user(username, f"{username}@example.vn", "matkhau-thu-nghiem")
    user.groups.add(site_language.translators)
    return user


def version(page, code):
    return Page.objects.filter(translation_key=page.translation_key, locale__language_code=code).first()


def is_refusal(response):
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] in (f"{ADMIN}/", response.request["PATH_INFO"]))


@pytest.fixture
def ba_na(district, django_capture_on_commit_callbacks):
    """Ba Na is enabled on both communes; each has its translator. A's translator has translated A's
    organisation page (a draft)."""
    language = Language.objects.get(code="bdq")
    district.translator_a = translator_for(enable_language(language, district.a), "bdq_dakla")
    district.translator_b = translator_for(enable_language(language, district.b), "bdq_hamon")
    district.organisation_a = OrganisationPage.objects.child_of(district.a.home).get()
    district.organisation_b = OrganisationPage.objects.child_of(district.b.home).get()
    district.capture = django_capture_on_commit_callbacks
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(district.translator_a).post(
            f"{ADMIN}/localize/submit/page/{district.organisation_a.pk}/", {"locales": [locale("bdq").pk]})
    assert response.status_code == 302
    district.source = TranslationSource.objects.get_for_instance(district.organisation_a)
    district.translation = Translation.objects.get(source=district.source, target_locale=locale("bdq"))
    return district


# --- what a translator may translate ------------------------------------------------------------------


def test_a_translators_draft_is_not_live_and_goes_through_the_communes_workflow(ba_na):
    draft = version(ba_na.organisation_a, "bdq")
    assert not draft.live and draft.get_workflow() == ba_na.a.workflow
    assert not draft.permissions_for_user(ba_na.translator_a).can_publish()
    assert draft.permissions_for_user(ba_na.approver_a).can_publish()


def test_a_translator_cannot_translate_into_another_language(ba_na):
    enable_language(Language.objects.get(code="sed"), ba_na.a)
    translator = client_for(ba_na.translator_a)
    news_index = ba_na.a.home.get_children().get(slug="tin-tuc")
    ba_na_draft = version(ba_na.organisation_a, "bdq")
    for code in ("en", "sed"):
        response = translator.post(f"{ADMIN}/localize/submit/page/{news_index.pk}/", {"locales": [locale(code).pk]})
        assert is_refusal(response), code
        assert version(news_index, code) is None or version(news_index, code).alias_of_id is not None
        # Nor from their own Ba Na draft, as a source.
        before = set(Page.objects.values_list("pk", flat=True))
        response = translator.post(f"{ADMIN}/localize/submit/page/{ba_na_draft.pk}/", {"locales": [locale(code).pk]})
        assert is_refusal(response), code
        assert set(Page.objects.values_list("pk", flat=True)) == before


def test_a_translator_cannot_see_or_translate_another_communes_pages(ba_na):
    translator = client_for(ba_na.translator_a)
    url = f"{ADMIN}/localize/submit/page/{ba_na.organisation_b.pk}/"
    assert is_refusal(translator.get(url))
    assert is_refusal(translator.post(url, {"locales": [locale("bdq").pk]}))
    assert version(ba_na.organisation_b, "bdq") is None
    listing = translator.get(f"{ADMIN}/ngon-ngu/ban-dich/").content.decode()
    assert ba_na.organisation_b.get_url() not in listing and str(ba_na.organisation_b.pk) not in listing.split(
        "localize/submit/page/")[-1][:5]
    assert "Xã Hà Mòn" not in listing


def test_a_translator_cannot_send_another_communes_translation_to_moderation(ba_na):
    with ba_na.capture(execute=True):
        client_for(ba_na.translator_b).post(
            f"{ADMIN}/localize/submit/page/{ba_na.organisation_b.pk}/", {"locales": [locale("bdq").pk]})
    theirs = Translation.objects.get(source__object_id=ba_na.organisation_b.translation_key)
    response = client_for(ba_na.translator_a).post(f"{ADMIN}/ngon-ngu/ban-dich/{theirs.pk}/gui-duyet/")
    assert response.status_code == 404
    assert not version(ba_na.organisation_b, "bdq").workflow_in_progress


def test_a_translator_cannot_publish_their_translation(ba_na):
    translator = client_for(ba_na.translator_a)
    draft = version(ba_na.organisation_a, "bdq")
    translator.post(f"{ADMIN}/pages/{draft.pk}/edit/", {"action": "publish"})
    response = translator.post(f"{ADMIN}/localize/update/{ba_na.source.pk}/", {"publish_translations": "on"})
    assert is_refusal(response)
    assert not Page.objects.get(pk=draft.pk).live


def test_a_translator_creates_nothing_at_the_portal(ba_na):
    before = set(Page.objects.values_list("pk", flat=True))
    translator = client_for(ba_na.translator_a)
    portal_home = ba_na.a.home.get_parent()
    response = translator.post(f"{ADMIN}/localize/submit/page/{portal_home.pk}/", {"locales": [locale("bdq").pk]})
    assert is_refusal(response)
    assert set(Page.objects.values_list("pk", flat=True)) == before


def test_the_translation_editor_offers_moderation_not_publication(ba_na):
    draft = version(ba_na.organisation_a, "bdq")
    text = client_for(ba_na.translator_a).get(f"{ADMIN}/pages/{draft.pk}/edit/").content.decode()
    assert f"/ngon-ngu/ban-dich/{ba_na.translation.pk}/gui-duyet/" in text and "Gửi duyệt bản dịch" in text


def test_the_wagtail_explorer_shows_a_translator_their_language_only(ba_na):
    translator = client_for(ba_na.translator_a)
    explorer = translator.get(f"{ADMIN}/pages/{ba_na.a.home.pk}/", follow=True)
    assert explorer.status_code == 200
    ba_na_home = version(ba_na.a.home, "bdq")
    assert explorer.redirect_chain[-1][0].rstrip("/").endswith(f"pages/{ba_na_home.pk}")
    search = translator.get(f"{ADMIN}/pages/search/", {"q": "Cơ cấu tổ chức"}).content.decode()
    assert f"/pages/{ba_na.organisation_b.pk}/" not in search
    assert f"/pages/{ba_na.organisation_a.pk}/edit/" not in search


# --- out of date --------------------------------------------------------------------------------------


def translate_and_publish(w):
    title = StringSegment.objects.get(source=w.source, context__path="title")
    client_for(w.translator_a).put(
        f"{ADMIN}/localize/translate/{w.translation.pk}/strings/{title.pk}/edit/",
        data=f"value={TITLE}", content_type="application/x-www-form-urlencoded")
    w.translation.save_target(user=w.approver_a, publish=True)


def organisation_form(page, **changes):
    data = {
        "title": page.title, "slug": page.slug, "functions": rich_text(page.functions or ""),
        "structure": rich_text(page.structure or ""), "leaders": streamfield([]), "focal_points": streamfield([]),
        "seo_title": "", "search_description": "", "show_in_menus": "on", "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def out_of_date(w):
    return translating.out_of_date_pages([OrganisationPage.objects.get(pk=w.organisation_a.pk)]) != set()


def listing_says_out_of_date(w, user):
    text = client_for(user).get(f"{ADMIN}/ngon-ngu/ban-dich/", {"trang-thai": "can-cap-nhat"}).content.decode()
    return "Cần cập nhật" in text and w.organisation_a.title in text


def test_a_translation_is_out_of_date_once_its_source_is_published_with_a_change(ba_na):
    translate_and_publish(ba_na)
    assert not out_of_date(ba_na)
    assert not listing_says_out_of_date(ba_na, ba_na.translator_a)
    approver = client_for(ba_na.approver_a)
    response = approver.post(f"{ADMIN}/pages/{ba_na.organisation_a.pk}/edit/", organisation_form(
        ba_na.organisation_a, functions=rich_text("<p>Chức năng mới của xã</p>"), **{"action-publish": "1"}))
    assert response.status_code == 302
    assert out_of_date(ba_na)
    assert listing_says_out_of_date(ba_na, ba_na.translator_a)
    assert listing_says_out_of_date(ba_na, ba_na.approver_a)
    assert not listing_says_out_of_date(ba_na, ba_na.translator_b)
    # The translator syncs (wagtail-localize's "sync translated pages", without publishing): up to date
    # again, with the new text to translate; the published translation is untouched.
    response = client_for(ba_na.translator_a).post(f"{ADMIN}/localize/update/{ba_na.source.pk}/", {})
    assert response.status_code == 302
    assert not out_of_date(ba_na)
    assert version(ba_na.organisation_a, "bdq").title == TITLE


def test_a_change_marked_minor_leaves_translations_up_to_date(ba_na):
    translate_and_publish(ba_na)
    approver = client_for(ba_na.approver_a)
    edit_url = f"{ADMIN}/pages/{ba_na.organisation_a.pk}/edit/"
    assert 'name="minor_change"' in approver.get(edit_url).content.decode()
    response = approver.post(edit_url, organisation_form(
        ba_na.organisation_a, functions=rich_text("<p>Chức năng của xã, sửa lỗi chính tả</p>"),
        minor_change="1", **{"action-publish": "1"}))
    assert response.status_code == 302
    assert MinorChange.objects.filter(revision=Page.objects.get(pk=ba_na.organisation_a.pk).live_revision).exists()
    assert not out_of_date(ba_na)
    # A draft saved as a major change, then published with a minor one, brings the major change.
    editor = client_for(ba_na.editor_a)
    editor.post(edit_url, organisation_form(ba_na.organisation_a, functions=rich_text("<p>Chức năng đổi hẳn</p>")))
    response = approver.post(edit_url, organisation_form(
        ba_na.organisation_a, functions=rich_text("<p>Chức năng đổi hẳn.</p>"), minor_change="1",
        **{"action-publish": "1"}))
    assert response.status_code == 302
    assert out_of_date(ba_na)


def test_a_page_without_translations_offers_no_minor_change_checkbox(district):
    page = OrganisationPage.objects.child_of(district.a.home).get()
    assert 'name="minor_change"' not in client_for(district.approver_a).get(
        f"{ADMIN}/pages/{page.pk}/edit/").content.decode()


# --- never live on creation; no synchronised trees ----------------------------------------------------


def test_new_translations_never_go_live_on_creation(settings):
    assert settings.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE is False


@pytest.mark.django_db
def test_no_locale_synchronises_its_whole_tree_from_another():
    from wagtail_localize.locales.components import get_locale_components

    assert LocaleSynchronization not in [component["model"] for component in get_locale_components()]
    assert not LocaleSynchronization.objects.exists()
    with pytest.raises(translating.TreeSynchronisationRefused):
        LocaleSynchronization.objects.create(locale=locale("bdq"), sync_from=Locale.get_default())
    assert not LocaleSynchronization.objects.exists()


@pytest.mark.django_db
def test_nobody_is_offered_a_tree_synchronisation_on_a_locale():
    admin = client_for(User.objects.create_superuser("sieuquantri", "sieu@example.vn", "matkhau-thu-nghiem"))
    response = admin.get(f"{ADMIN}/locales/edit/{locale('bdq').pk}/")
    assert response.status_code == 200
    assert "sync_from" not in response.content.decode()
    admin.post(f"{ADMIN}/locales/edit/{locale('bdq').pk}/", {
        "language_code": "bdq", "component-wagtail_localize_localesynchronization-enabled": "on",
        "component-wagtail_localize_localesynchronization-sync_from": Locale.get_default().pk})
    assert not LocaleSynchronization.objects.exists()


# --- moderation ---------------------------------------------------------------------------------------


def test_a_translation_sent_back_by_the_approver_is_resubmitted_by_its_translator(ba_na):
    from wagtail.models import WorkflowState

    translator = client_for(ba_na.translator_a)
    submit = f"{ADMIN}/ngon-ngu/ban-dich/{ba_na.translation.pk}/gui-duyet/"
    assert translator.post(submit).status_code == 302
    draft = version(ba_na.organisation_a, "bdq")
    state = draft.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert translator.post(submit, follow=True).content.decode().count("đang chờ duyệt") >= 1  # told, not resent
    response = client_for(ba_na.approver_a).post(
        f"{ADMIN}/pages/workflow/action/{draft.pk}/reject/{state.current_task_state.pk}/", {"comment": "Sửa lại"})
    assert response.status_code in (200, 302)
    assert "Người duyệt yêu cầu sửa" in translator.get(f"{ADMIN}/ngon-ngu/ban-dich/").content.decode()
    assert translator.post(submit).status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and not Page.objects.get(pk=draft.pk).live


def test_the_translators_list_costs_the_same_few_queries_however_many_pages(ba_na):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communes.models import NewsPage

    translator = client_for(ba_na.translator_a)
    translator.get(f"{ADMIN}/ngon-ngu/ban-dich/")  # sessions, caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = translator.get(f"{ADMIN}/ngon-ngu/ban-dich/")
        assert response.status_code == 200
        return len(captured), response.content.decode()

    few, _ = queries()
    index = ba_na.a.home.get_children().get(slug="tin-tuc").specific
    for number in range(15):
        index.add_child(instance=NewsPage(title=f"Tin số {number}", slug=f"tin-so-{number}"))
    many, text = queries()
    assert "Tin số 14" in text
    print(f"translators' list: {few} queries with {Page.objects.filter(path__startswith=ba_na.a.home.path).count() - 15} "
          f"pages, {many} with 15 more")
    assert many == few <= 40
