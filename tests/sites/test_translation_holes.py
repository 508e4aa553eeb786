"""Issue 7, the translation holes: wagtail-localize let a commune editor publish without the approver,
publish another commune's translations and put the portal's English home online.

Each hole is reproduced as reported, through the admin with the test client, as `bientap_dakla`
(editor of Xã Đắk La), against the tenancy rules: an English copy is created as a draft, only who may
publish the English page publishes it, commune A's staff reach nothing of commune B's translations, and
a commune's staff create no page (copy or alias) outside their commune's subtree.
"""

import pytest
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from communes.models import CommuneHomePage, NewsIndexPage, NewsPage
from home.models import PortalHomePage
from tests.conftest import client_for

ADMIN = "/quan-tri"
A_NEWS = "Tin riêng của Đắk La"
B_NEWS = "Tin riêng của Hà Mòn"
B_ENGLISH = "Private news of Ha Mon"


def english():
    return Locale.objects.get(language_code="en")


def english_pages():
    return Page.objects.filter(locale__language_code="en")


def reload(page):
    return Page.objects.get(pk=page.pk).specific


def published_news(site, editor, approver, title):
    index = NewsIndexPage.objects.child_of(site.home).get()
    news = index.add_child(instance=NewsPage(title=title, slug="tin-rieng"))
    news.save_revision(user=editor).publish(user=approver)
    return reload(news)


def submit_translation(w, user, page, include_subtree=False):
    data = {"locales": [english().pk]}
    if include_subtree:
        data["include_subtree"] = "on"
    return w.as_user(user).post(f"{ADMIN}/localize/submit/page/{page.pk}/", data)


def english_of(page):
    return Page.objects.filter(translation_key=page.translation_key, locale=english()).first()


class CommittingClient:
    """A signed-in test client whose requests run their on-commit callbacks, as a real request does:
    wagtail-localize publishes translations on commit, which a test's transaction never reaches."""

    def __init__(self, user, capture):
        self.client, self.capture = client_for(user), capture

    def __getattr__(self, method):
        def call(*args, **kwargs):
            with self.capture(execute=True):
                return getattr(self.client, method)(*args, **kwargs)

        return call


def portal_is_offline_in_english(client):
    """`/en/` serves no English portal: not found, or the Vietnamese portal said to be untranslated."""
    response = client.get("/en/")
    return response.status_code == 404 or (
        response.status_code == 200 and '<html lang="vi">' in response.content.decode()
        and "it is shown in Vietnamese." in response.content.decode())


def is_refusal(response):
    """Refused: 403/404, or a browser sent with an error message to the dashboard (Wagtail's way) or
    back to the form it posted (ours, to say why); never on to where success leads."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] in (f"{ADMIN}/", response.request["PATH_INFO"])


@pytest.fixture
def news(district, django_capture_on_commit_callbacks):
    """Both communes have a published news item; nothing exists in English yet (as in the demo)."""
    district.as_user = lambda user: CommittingClient(user, django_capture_on_commit_callbacks)
    district.news_a = published_news(district.a, district.editor_a, district.approver_a, A_NEWS)
    district.news_b = published_news(district.b, district.editor_b, district.approver_b, B_NEWS)
    return district


@pytest.fixture
def english_communes(news):
    """Portal staff have translated both commune homes (and so the portal home) into English."""
    for site in (news.a, news.b):
        response = submit_translation(news, news.district_admin, site.home)
        assert response.status_code == 302, response.content[:500]
        assert english_of(site.home) is not None
    return news


def title_segment(source):
    return StringSegment.objects.get(source=source, context__path="title")


def edit_string(w, user, translation, segment, value):
    return w.as_user(user).put(
        f"{ADMIN}/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        data=f"value={value}",
        content_type="application/x-www-form-urlencoded",
    )


# --- hole 1: publishing without the approver, through translation ------------------------------------


def test_an_editors_translation_is_created_as_a_draft(english_communes):
    w = english_communes
    response = submit_translation(w, w.editor_a, w.news_a)
    assert response.status_code == 302
    copy = english_of(w.news_a)
    assert copy is not None and copy.alias_of_id is None
    assert not copy.live
    # Its moderation is the commune's own two steps.
    assert copy.get_workflow() == w.a.workflow


def test_an_editor_cannot_publish_a_translation_through_the_update_view(english_communes):
    w = english_communes
    assert submit_translation(w, w.editor_a, w.news_a).status_code == 302
    source = TranslationSource.objects.get_for_instance(w.news_a)
    translation = Translation.objects.get(source=source, target_locale=english())
    # The editor prepares the English text: that is their job, and allowed.
    assert edit_string(w, w.editor_a, translation, title_segment(source), "Private news of Dak La").status_code in (200, 201)

    response = w.as_user(w.editor_a).post(
        f"{ADMIN}/localize/update/{source.pk}/", {"publish_translations": "on"}
    )
    assert is_refusal(response)
    copy = english_of(w.news_a)
    assert not copy.live
    assert copy.title != "Private news of Dak La"
    # Syncing without publishing stays theirs to do.
    assert w.as_user(w.editor_a).post(f"{ADMIN}/localize/update/{source.pk}/", {}).status_code == 302
    assert not english_of(w.news_a).live


def test_an_editor_cannot_publish_a_translation_from_the_translation_editor(english_communes):
    w = english_communes
    submit_translation(w, w.editor_a, w.news_a)
    copy = english_of(w.news_a)
    response = w.as_user(w.editor_a).post(f"{ADMIN}/pages/{copy.pk}/edit/", {"action": "publish"})
    assert is_refusal(response)
    assert not reload(copy).live


def test_an_editor_cannot_make_an_english_draft_live_by_converting_it_to_an_alias(english_communes):
    w = english_communes
    submit_translation(w, w.editor_a, w.news_a)
    copy = english_of(w.news_a)
    response = w.as_user(w.editor_a).post(f"{ADMIN}/localize/page/{copy.pk}/convert_to_alias/", {})
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}/pages/{copy.pk}/edit/"  # told why
    copy = reload(copy)
    assert not copy.live and copy.alias_of_id is None


def test_the_approver_publishes_the_translation_the_editor_prepared(english_communes):
    w = english_communes
    submit_translation(w, w.editor_a, w.news_a)
    source = TranslationSource.objects.get_for_instance(w.news_a)
    translation = Translation.objects.get(source=source, target_locale=english())
    edit_string(w, w.editor_a, translation, title_segment(source), "Private news of Dak La")

    response = w.as_user(w.approver_a).post(
        f"{ADMIN}/localize/update/{source.pk}/", {"publish_translations": "on"}
    )
    assert response.status_code == 302
    copy = english_of(w.news_a)
    assert copy.live and copy.title == "Private news of Dak La"


def test_the_approver_publishes_from_the_translation_editor(english_communes):
    w = english_communes
    submit_translation(w, w.editor_a, w.news_a)
    copy = english_of(w.news_a)
    response = w.as_user(w.approver_a).post(f"{ADMIN}/pages/{copy.pk}/edit/", {"action": "publish"})
    assert response.status_code == 302
    assert reload(copy).live


# --- hole 2: another commune's translations --------------------------------------------------------------


@pytest.fixture
def b_english_draft(english_communes):
    """Hà Mòn's editor has prepared an English version of their news item, not reviewed yet."""
    w = english_communes
    assert submit_translation(w, w.editor_b, w.news_b).status_code == 302
    source = TranslationSource.objects.get_for_instance(w.news_b)
    translation = Translation.objects.get(source=source, target_locale=english())
    assert edit_string(w, w.editor_b, translation, title_segment(source), B_ENGLISH).status_code in (200, 201)
    translation.save_target(user=w.editor_b, publish=False)
    w.b_source, w.b_translation, w.b_english = source, translation, english_of(w.news_b)
    if w.b_english.live:  # whatever submitting did (hole 1), this is about B's unreviewed draft
        w.b_english.unpublish()
        w.b_english = reload(w.b_english)
    return w


def test_an_editor_cannot_publish_another_communes_translations(b_english_draft):
    w = b_english_draft
    editor = w.as_user(w.editor_a)
    response = editor.get(f"{ADMIN}/localize/update/{w.b_source.pk}/")
    assert is_refusal(response)
    assert B_NEWS not in response.content.decode()
    response = editor.post(f"{ADMIN}/localize/update/{w.b_source.pk}/", {"publish_translations": "on"})
    assert is_refusal(response)
    assert not reload(w.b_english).live


def b_translation_urls(w):
    """Every wagtail-localize admin URL that names one of commune B's objects."""
    source, translation, page = w.b_source, w.b_translation, w.b_english
    segment = title_segment(source)
    return [
        ("get", f"/localize/update/{source.pk}/", {}),
        ("post", f"/localize/update/{source.pk}/", {"publish_translations": "on"}),
        ("post", f"/localize/update/{source.pk}/", {}),
        ("get", f"/localize/submit/page/{w.news_b.pk}/", {}),
        ("post", f"/localize/submit/page/{w.news_b.pk}/", {"locales": [english().pk]}),
        ("get", f"/localize/translate/{translation.pk}/pofile/download/", {}),
        ("post", f"/localize/translate/{translation.pk}/pofile/upload/", {}),
        ("post", f"/localize/translate/{translation.pk}/machine_translate/", {}),
        ("get", f"/localize/translate/{translation.pk}/preview/", {}),
        ("get", f"/localize/translate/{translation.pk}/preview/default/", {}),
        ("post", f"/localize/translate/{translation.pk}/disable/", {}),
        ("put", f"/localize/translate/{translation.pk}/strings/{segment.pk}/edit/", "value=Defaced"),
        ("delete", f"/localize/translate/{translation.pk}/strings/{segment.pk}/edit/", {}),
        ("put", f"/localize/translate/{translation.pk}/overrides/{segment.pk}/edit/", "value=Defaced"),
        ("get", f"/localize/page/{page.pk}/convert_to_alias/", {}),
        ("post", f"/localize/page/{page.pk}/convert_to_alias/", {}),
        ("get", f"/pages/{page.pk}/edit/", {}),
        ("post", f"/pages/{page.pk}/edit/", {"action": "publish"}),
    ]


def test_every_localize_url_naming_another_communes_objects_is_refused(b_english_draft):
    w = b_english_draft
    for user in (w.editor_a, w.approver_a):
        client = w.as_user(user)
        failures = []
        for method, url, data in b_translation_urls(w):
            if isinstance(data, str):
                response = getattr(client, method)(ADMIN + url, data=data, content_type="application/x-www-form-urlencoded")
            else:
                response = getattr(client, method)(ADMIN + url, data)
            body = response.content.decode("utf-8", "replace") if not response.streaming else ""
            leaked = [title for title in (B_NEWS, B_ENGLISH) if title in body]
            if response.status_code not in (403, 404) and not (
                response.status_code == 302 and response["Location"] == f"{ADMIN}/"
            ) or leaked:
                failures.append(f"{method.upper()} {url}: {response.status_code} {leaked}")
        assert failures == [], user.username
    # Nothing of B's changed: still a draft, still B's text, translation still enabled.
    assert not reload(w.b_english).live
    assert Translation.objects.get(pk=w.b_translation.pk).enabled
    assert title_segment(w.b_source).string.translations.get(locale=english()).data == B_ENGLISH


def test_the_translations_report_and_locales_are_refused_to_commune_staff(b_english_draft):
    w = b_english_draft
    client = client_for(w.editor_a)
    client.defaults["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    for url in ("/localize/reports/translations/", "/localize/reports/translations/results/", "/locales/",
                "/locales/new/", f"/locales/edit/{english().pk}/", f"/locales/delete/{english().pk}/"):
        assert client.get(ADMIN + url).status_code == 403, url


def test_district_admin_manages_every_communes_translations(b_english_draft):
    w = b_english_draft
    admin = w.as_user(w.district_admin)
    assert admin.get(f"{ADMIN}/localize/update/{w.b_source.pk}/").status_code == 200
    response = admin.post(f"{ADMIN}/localize/update/{w.b_source.pk}/", {"publish_translations": "on"})
    assert response.status_code == 302
    assert reload(w.b_english).live and reload(w.b_english).title == B_ENGLISH


# --- hole 3: pages outside the commune, created by its editor ------------------------------------------


def test_an_editors_first_translation_creates_no_page_outside_the_commune(news, client):
    response = submit_translation(news, news.editor_a, news.news_a)
    assert is_refusal(response)
    assert list(english_pages()) == []
    # The portal's English version is not online.
    assert portal_is_offline_in_english(client)


def test_the_editor_is_told_why_and_sent_back_to_the_form(news):
    response = news.as_user(news.editor_a).post(
        f"{ADMIN}/localize/submit/page/{news.news_a.pk}/", {"locales": [english().pk]}, follow=True
    )
    assert response.status_code == 200, response.redirect_chain
    assert response.redirect_chain[0][0] == f"{ADMIN}/localize/submit/page/{news.news_a.pk}/"
    text = response.content.decode()
    assert "chưa có bản tiếng Anh" in text and "do cán bộ quản trị cổng tạo" in text


def test_an_editor_cannot_translate_a_commune_home_as_a_side_effect(news):
    """With the portal in English but not the commune, the commune home would be a side effect."""
    portal = news.portal  # the portal home page
    assert submit_translation(news, news.district_admin, portal).status_code == 302
    before = set(english_pages().values_list("pk", flat=True))
    assert is_refusal(submit_translation(news, news.editor_a, news.news_a))
    assert set(english_pages().values_list("pk", flat=True)) == before
    assert english_of(news.a.home) is None


def test_an_editor_cannot_translate_the_portal_home(news, client):
    portal = news.portal  # the portal home page
    assert is_refusal(submit_translation(news, news.editor_a, portal))
    assert list(english_pages()) == []
    assert portal_is_offline_in_english(client)


def test_an_editor_may_translate_their_commune_home_once_the_portal_is_in_english(news):
    portal = news.portal  # the portal home page
    assert submit_translation(news, news.district_admin, portal).status_code == 302
    assert submit_translation(news, news.editor_a, news.a.home).status_code == 302
    home = english_of(news.a.home)
    assert isinstance(home.specific, CommuneHomePage) and home.alias_of_id is None and not home.live
    assert home.permissions_for_user(news.editor_a).can_edit()
    assert not home.permissions_for_user(news.editor_b).can_edit()


def test_an_editor_may_translate_when_the_missing_parents_are_inside_the_commune(english_communes):
    w = english_communes
    index = NewsIndexPage.objects.child_of(w.a.home).get()
    assert english_of(index) is None
    assert submit_translation(w, w.editor_a, w.news_a).status_code == 302
    english_index = english_of(index)
    assert english_index is not None and english_index.get_parent().pk == english_of(w.a.home).pk
    assert not english_of(w.news_a).live


def test_portal_staff_may_put_the_portal_into_english_as_a_side_effect(news, client):
    assert submit_translation(news, news.district_admin, news.news_a).status_code == 302
    assert PortalHomePage.objects.filter(locale=english()).exists()
    assert english_of(news.a.home) is not None
    assert not english_of(news.news_a).live
    # The portal's English home mirrors the Vietnamese one (an alias): online, by portal staff's choice,
    # and shown as what it is, the Vietnamese home (languages/wagtail_hooks.py).
    response = client.get("/en/")
    assert response.status_code == 200 and "it is shown in Vietnamese." in response.content.decode()


def test_the_editors_translation_of_a_subtree_stays_inside_the_commune(english_communes):
    w = english_communes
    index = NewsIndexPage.objects.child_of(w.a.home).get()
    assert submit_translation(w, w.editor_a, index, include_subtree=True).status_code == 302
    copy = english_of(w.news_a)
    assert copy is not None and not copy.live
    assert english_of(w.news_b) is None
