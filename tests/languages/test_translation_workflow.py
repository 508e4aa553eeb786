"""Issue 13, human translation, end to end: portal staff enable Ba Na on Xã Đắk La; its Ba Na translator
translates its organisation page through wagtail-localize's admin views and sends it to the commune's
moderation; its approver publishes it; nothing is created at the portal or on Xã Hà Mòn.

Every text "in Ba Na" here is an obviously marked test string, never invented text in the language.
"""

import polib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Locale, Page, WorkflowState
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from communes.models import OrganisationPage
from languages.models import Language, SiteLanguage
from tests.conftest import client_for

ADMIN = "/quan-tri"
TITLE = "[thử nghiệm bdq] Cơ cấu tổ chức"
FUNCTIONS = "[thử nghiệm bdq] chức năng, nhiệm vụ"


def site_state(district):
    """The locales, and every page outside commune A: its home's subtree in every language."""
    others = Page.objects.all()
    for home in Page.objects.filter(translation_key=district.a.home.translation_key):
        others = others.exclude(path__startswith=home.path)
    return set(Locale.objects.values_list("language_code", flat=True)), set(others.values_list("pk", "locale_id", "path"))


def bdq():
    return Locale.objects.get(language_code="bdq")


def translator_of(site_language, username="bdq_dakla"):
    user = User.objects.create_user(username, f"{username}@example.vn", "matkhau-thu-nghiem")
    user.groups.add(site_language.translators)
    return user


def edit_string(client, translation, segment, value):
    return client.put(
        f"{ADMIN}/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        data=f"value={value}", content_type="application/x-www-form-urlencoded",
    )


def test_a_page_is_translated_into_ba_na_and_published_through_the_communes_workflow(district, django_capture_on_commit_callbacks):
    organisation = OrganisationPage.objects.child_of(district.a.home).get()
    organisation.functions = "<p>Chức năng của xã</p>"
    organisation.save_revision(user=district.editor_a).publish(user=district.approver_a)
    locales_before, pages_before = site_state(district)

    # Portal staff enable Ba Na on commune A, in the admin.
    admin = client_for(district.district_admin)
    language = Language.objects.get(code="bdq")
    assert admin.post(f"{ADMIN}/ngon-ngu/trang/new/", {"language": language.pk, "commune": district.a.pk}).status_code == 302
    site_language = SiteLanguage.objects.get(commune=district.a, language=language)
    translator = client_for(translator_of(site_language))

    # The translator finds the commune's pages in their list, and translates the organisation page.
    listing = translator.get(f"{ADMIN}/ngon-ngu/ban-dich/")
    assert listing.status_code == 200
    assert "Cơ cấu tổ chức" in listing.content.decode()
    submit_url = f"{ADMIN}/localize/submit/page/{organisation.pk}/"
    assert submit_url in listing.content.decode()
    assert translator.get(submit_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = translator.post(submit_url, {"locales": [bdq().pk]})
    assert response.status_code == 302, response.content[:300]
    draft = Page.objects.get(translation_key=organisation.translation_key, locale=bdq())
    ba_na_home = district.a.home.get_translations().get(locale=bdq())
    assert draft.get_parent().pk == ba_na_home.pk and draft.alias_of_id is None
    assert not draft.live  # never live on creation

    # It is edited in wagtail-localize's translation editor, and through a PO file.
    assert translator.get(f"{ADMIN}/pages/{draft.pk}/edit/").status_code == 200
    source = TranslationSource.objects.get_for_instance(organisation)
    translation = Translation.objects.get(source=source, target_locale=bdq())
    title = StringSegment.objects.get(source=source, context__path="title")
    assert edit_string(translator, translation, title, TITLE).status_code in (200, 201)
    po = polib.pofile(translator.get(f"{ADMIN}/localize/translate/{translation.pk}/pofile/download/").content.decode())
    for entry in po:
        if entry.msgid == "Chức năng của xã":
            entry.msgstr = FUNCTIONS
    upload = SimpleUploadedFile("bdq.po", str(po).encode(), content_type="text/x-gettext-translation")
    assert translator.post(f"{ADMIN}/localize/translate/{translation.pk}/pofile/upload/", {"file": upload}).status_code == 302

    # The translator may not publish it, only send it to the commune's moderation.
    translator.post(f"{ADMIN}/pages/{draft.pk}/edit/", {"action": "publish"})
    assert not Page.objects.get(pk=draft.pk).live
    response = translator.post(f"{ADMIN}/ngon-ngu/ban-dich/{translation.pk}/gui-duyet/")
    assert response.status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(draft.pk), status="in_progress")
    assert state.workflow_id == district.a.workflow_id
    assert not Page.objects.get(pk=draft.pk).live

    # The commune's approver approves; the page is live at its Ba Na address.
    task_state = state.current_task_state
    approver = client_for(district.approver_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = approver.post(f"{ADMIN}/pages/workflow/action/{draft.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert response.status_code in (200, 302)
    published = Page.objects.get(pk=draft.pk).specific
    assert published.live and published.title == TITLE and FUNCTIONS in published.functions

    public = client_for(district.district_admin, "dak-la.localhost")
    public.logout()
    response = public.get(f"/bdq/{published.slug}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="bdq"' in text and TITLE in text

    # Nothing was created at the portal or on another commune, and no locale besides Ba Na's.
    assert site_state(district) == (locales_before | {"bdq"}, pages_before)
