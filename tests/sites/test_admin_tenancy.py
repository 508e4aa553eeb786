"""Tenancy in the Wagtail admin: commune A's staff can neither list, view, edit, publish nor upload
into commune B, in any admin view they can reach; the district administrator can do all of it.

The world: both communes have a published, locked news item, a news item submitted to their
workflow, an image and a document in their own collection. Commune B's titles are distinctive
("… của Hà Mòn") and must never appear in anything commune A's staff are shown. Commune names
themselves are public (the portal lists them) and may appear, e.g. in a report's site filter.
"""

import json
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Revision, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from communes.models import NewsIndexPage, NewsPage
from tests.conftest import client_for

ADMIN = "/quan-tri"
B_NEWS = "Tin riêng của Hà Mòn"
B_PENDING = "Tin chờ duyệt của Hà Mòn"
B_IMAGE = "Ảnh riêng của Hà Mòn"
B_DOCUMENT = "Tài liệu riêng của Hà Mòn"
B_SECRETS = [B_NEWS, B_PENDING, B_IMAGE, B_DOCUMENT]
A_NEWS = "Tin riêng của Đắk La"
A_IMAGE = "Ảnh riêng của Đắk La"
A_DOCUMENT = "Tài liệu riêng của Đắk La"

Image = get_image_model()
Document = get_document_model()


@dataclass
class Content:
    news_index: NewsIndexPage
    news: NewsPage  # published, locked by the commune's approver
    pending: NewsPage  # submitted by the commune's editor, waiting for its approver
    image: object
    document: object
    task_state: object
    workflow_state: object


def _commune_content(site, editor, approver, label):
    index = NewsIndexPage.objects.child_of(site.home).get()
    news = index.add_child(instance=NewsPage(title=f"Tin riêng của {label}", slug="tin-rieng"))
    news.save_revision(user=editor).publish(user=approver)
    news.save_revision(user=editor)  # a draft newer than the live version, for the revision views
    news.locked, news.locked_by, news.locked_at = True, approver, timezone.now()
    news.save(update_fields=["locked", "locked_by", "locked_at"])
    pending = index.add_child(instance=NewsPage(title=f"Tin chờ duyệt của {label}", slug="tin-cho-duyet", live=False))
    pending.save_revision(user=editor)
    workflow_state = site.workflow.start(pending, editor)
    image = Image.objects.create(title=f"Ảnh riêng của {label}", file=get_test_image_file(), collection=site.collection)
    document = Document.objects.create(
        title=f"Tài liệu riêng của {label}", file=ContentFile(b"%PDF-1.4 thu nghiem", name="van-ban.pdf"),
        collection=site.collection,
    )
    return Content(index, news, pending, image, document, workflow_state.current_task_state, workflow_state)


@pytest.fixture
def world(district):
    district.content_a = _commune_content(district.a, district.editor_a, district.approver_a, "Đắk La")
    district.content_b = _commune_content(district.b, district.editor_b, district.approver_b, "Hà Mòn")
    return district


def text_of(response):
    """What a person could read in a response, with JSON strings decoded (modal views answer in JSON)."""
    if response.streaming:
        return ""  # image renditions and file downloads carry no titles
    body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return body


def secrets_in(response):
    text = text_of(response)
    return [title for title in B_SECRETS if title in text]


def is_refusal(response):
    """Wagtail refuses by sending the user to the dashboard (403 for XHR), or 404 for what it hides."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == f"{ADMIN}/"


def check_refused(client, urls, method="get"):
    """Every URL must be refused and reveal none of B's titles; returns readable failures."""
    failures = []
    for url in urls:
        response = getattr(client, method)(ADMIN + url)
        if not is_refusal(response) or secrets_in(response):
            failures.append(f"{url}: {response.status_code} {response.get('Location', '')} {secrets_in(response)}")
    return failures


def check_allowed(client, urls, expect_titles=()):
    failures = []
    for url in urls:
        response = client.get(ADMIN + url)
        text = text_of(response)
        missing = [title for title in expect_titles if title not in text]
        if response.status_code != 200 or missing:
            failures.append(f"{url}: {response.status_code} {response.get('Location', '')} missing {missing}")
    return failures


def views_of_b_pages(w):
    """Admin views that show or act on one of commune B's pages (GET)."""
    b = w.content_b
    news, pending, index, home = b.news.pk, b.pending.pk, b.news_index.pk, w.b.home.pk
    revision = Revision.page_revisions.filter(object_id=str(news)).order_by("-pk").first().pk
    return [
        f"/pages/{home}/",
        f"/pages/{index}/",
        f"/pages/{index}/results/",
        f"/pages/{news}/edit/",
        f"/pages/{news}/view_draft/",
        f"/pages/{news}/history/",
        f"/pages/{news}/history/results/",
        f"/pages/{news}/revisions/{revision}/view/",
        f"/pages/{news}/revisions/compare/live...{revision}/",
        f"/pages/{news}/move/",
        f"/pages/{news}/copy/",
        f"/pages/{news}/delete/",
        f"/pages/{news}/usage/",
        f"/pages/{news}/privacy/",
        f"/pages/add/communes/newspage/{index}/",
        f"/pages/{pending}/workflow_history/",
        f"/pages/{pending}/workflow_history/detail/{b.workflow_state.pk}/",
        f"/pages/workflow/preview/{pending}/{b.task_state.task_id}/",
        f"/pages/workflow/collect_action_data/{pending}/approve/{b.task_state.pk}/",
        f"/pages/workflow/confirm_cancellation/{pending}/",
        f"/choose-page/{index}/",
        f"/choose-page/{home}/",
        f"/choose-page/chosen-multiple/?id={news}",
        f"/localize/submit/page/{news}/",
    ]


def test_commune_editor_is_refused_every_admin_view_of_another_communes_pages(world):
    urls = views_of_b_pages(world)
    for user in (world.editor_a, world.approver_a):
        assert check_refused(client_for(user), urls) == [], user.username
    # The add-subpage shortcut goes straight to the add form when only one page type fits.
    editor = client_for(world.editor_a)
    assert is_refusal(editor.get(f"{ADMIN}/pages/{world.content_b.news_index.pk}/add_subpage/"))


def test_district_admin_reaches_every_admin_view_of_both_communes_pages(world):
    admin = client_for(world.district_admin)
    urls = [u for u in views_of_b_pages(world) if "/localize/" not in u]
    assert check_allowed(admin, urls) == []
    assert check_allowed(admin, [f"/pages/{world.content_b.news_index.pk}/"], [B_NEWS, B_PENDING]) == []
    assert check_allowed(admin, [f"/pages/{world.content_a.news_index.pk}/"], [A_NEWS]) == []


def test_commune_editor_lands_on_own_commune_in_the_page_explorer(world):
    editor = client_for(world.editor_a)
    response = editor.get(f"{ADMIN}/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}/pages/{world.a.home.pk}/"
    # Asking for the portal (above the commune) sends the editor back to their commune; asking
    # for commune B is refused outright.
    assert editor.get(f"{ADMIN}/pages/{world.portal.pk}/")["Location"] == f"{ADMIN}/pages/{world.a.home.pk}/"
    assert is_refusal(editor.get(f"{ADMIN}/pages/{world.b.home.pk}/"))
    listing = editor.get(f"{ADMIN}/pages/{world.content_a.news_index.pk}/")
    assert A_NEWS in text_of(listing) and secrets_in(listing) == []


LISTINGS = [
    "/",
    "/pages/search/?q=riêng",
    "/pages/search/results/?q=riêng",
    "/pages/usage/communes/newspage/",
    "/pages/usage/communes/newspage/results/",
    "/choose-page/",
    "/choose-page/search/?q=riêng",
    "/images/",
    "/images/results/?q=riêng",
    "/images/chooser/",
    "/images/chooser/results/?q=riêng",
    "/documents/",
    "/documents/results/?q=riêng",
    "/documents/chooser/",
    "/documents/chooser/results/?q=riêng",
    "/reports/aging-pages/",
    "/reports/site-history/",
    "/reports/workflow/",
    "/reports/workflow_tasks/",
    "/api/main/pages/?search=riêng",
    "/api/main/images/",
    "/api/main/documents/",
]


def test_commune_staff_listings_and_searches_show_nothing_of_another_commune(world):
    world_choose_portal = f"/choose-page/{world.portal.pk}/"
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        failures = []
        for url in LISTINGS + [world_choose_portal]:
            response = client.get(ADMIN + url)
            if response.status_code != 200 or secrets_in(response):
                failures.append(f"{url}: {response.status_code} {secrets_in(response)}")
        assert failures == [], user.username


def test_commune_staff_listings_still_show_their_own_communes_content(world):
    editor = client_for(world.editor_a)
    expectations = {
        "/pages/search/?q=riêng": [A_NEWS],
        "/choose-page/search/?q=riêng": [A_NEWS],
        f"/choose-page/{world.content_a.news_index.pk}/": [A_NEWS],
        f"/choose-page/{world.portal.pk}/": ["Xã Đắk La"],
        "/images/": [A_IMAGE],
        "/images/chooser/": [A_IMAGE],
        "/documents/": [A_DOCUMENT],
        "/documents/chooser/": [A_DOCUMENT],
        "/api/main/images/": [A_IMAGE],
        "/api/main/documents/": [A_DOCUMENT],
    }
    for url, titles in expectations.items():
        assert check_allowed(editor, [url], titles) == [], url
    # The approver's dashboard shows their own commune's submission awaiting moderation.
    assert "Tin chờ duyệt của Đắk La" in text_of(client_for(world.approver_a).get(f"{ADMIN}/"))


def test_district_admin_listings_show_every_commune(world):
    admin = client_for(world.district_admin)
    expectations = {
        "/": [B_PENDING, "Tin chờ duyệt của Đắk La"],  # awaiting moderation: they approve too
        "/pages/search/?q=riêng": [A_NEWS, B_NEWS],
        "/choose-page/search/?q=riêng": [A_NEWS, B_NEWS],
        f"/choose-page/{world.content_b.news_index.pk}/": [B_NEWS],
        "/images/": [A_IMAGE, B_IMAGE],
        "/documents/": [A_DOCUMENT, B_DOCUMENT],
        "/reports/locked/": [A_NEWS, B_NEWS],
        "/reports/aging-pages/": [B_NEWS],
        "/reports/site-history/": [B_NEWS],
        "/reports/workflow/": [B_PENDING],
        "/reports/workflow_tasks/": [B_PENDING],
        "/reports/page-types-usage/": [],
        "/localize/reports/translations/": [],
        "/api/main/images/": [A_IMAGE, B_IMAGE],
        "/api/main/documents/": [A_DOCUMENT, B_DOCUMENT],
        "/api/main/pages/?search=riêng": [B_NEWS],
    }
    for url, titles in expectations.items():
        assert check_allowed(admin, [url], titles) == [], url


def test_whole_tree_reports_are_refused_and_hidden_for_commune_staff(world):
    approver = client_for(world.approver_a)
    urls = [
        "/reports/page-types-usage/",
        "/reports/page-types-usage/results/",
        "/localize/reports/translations/",
        "/localize/reports/translations/results/",
    ]
    assert check_refused(approver, urls) == []
    menu = text_of(approver.get(f"{ADMIN}/"))
    assert f"{ADMIN}/reports/page-types-usage/" not in menu
    assert f"{ADMIN}/localize/reports/translations/" not in menu
    assert f"{ADMIN}/reports/site-history/" in menu  # filtered per page by Wagtail, so it stays
    # The locked-pages report needs unlock permission: approvers see their own commune's only.
    locked = approver.get(f"{ADMIN}/reports/locked/")
    assert A_NEWS in text_of(locked) and secrets_in(locked) == []


def test_other_communes_images_and_documents_are_refused(world):
    b = world.content_b
    urls = [
        f"/images/{b.image.pk}/",
        f"/images/{b.image.pk}/delete/",
        f"/images/{b.image.pk}/preview/original/",
        f"/images/usage/{b.image.pk}/",
        f"/images/chooser/chosen/{b.image.pk}/",
        f"/images/chooser/{b.image.pk}/select_format/",
        f"/api/main/images/{b.image.pk}/",
        f"/documents/edit/{b.document.pk}/",
        f"/documents/delete/{b.document.pk}/",
        f"/documents/usage/{b.document.pk}/",
        f"/documents/chooser/chosen/{b.document.pk}/",
        f"/api/main/documents/{b.document.pk}/",
    ]
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        assert check_refused(client, urls) == [], user.username
        # Choosing several at once silently drops what the user may not choose.
        for kind, obj in (("images", b.image), ("documents", b.document)):
            response = client.get(f"{ADMIN}/{kind}/chooser/chosen-multiple/?id={obj.pk}")
            assert secrets_in(response) == []
    admin = client_for(world.district_admin)
    assert check_allowed(admin, [u for u in urls if "preview" not in u]) == []
    assert admin.get(f"{ADMIN}/images/{b.image.pk}/preview/original/").status_code == 200


def test_commune_staff_are_refused_district_wide_management(world):
    b = world.b
    urls = [
        "/users/",
        f"/users/edit/{world.editor_b.pk}/",
        "/groups/",
        f"/groups/edit/{b.editors.pk}/",
        "/sites/",
        f"/sites/edit/{b.site.pk}/",
        "/collections/",
        f"/collections/{b.collection.pk}/",
        "/collections/add/",
        "/workflows/list/",
        f"/workflows/edit/{b.workflow.pk}/",
        "/workflows/tasks/index/",
        "/locales/",
        "/redirects/",
        "/snippets/",
    ]
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        # An XHR gets a plain 403; a browser gets sent to the dashboard with Wagtail's error message.
        client.defaults["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
        failures = [url for url in urls if client.get(ADMIN + url).status_code != 403]
        assert failures == [], user.username


# --- actions (POST): nothing of commune B changes when commune A's staff try -------------------


def news_form(title, slug, **actions):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": "15/01/2025",
            "category": "thoi-su",
            "tags": "",
            "intro": "",
            "image_alt": "Ảnh minh họa",  # required with an image (NewsPage.editor_errors)
            "body": streamfield([]),
            "comments": inline_formset([]),
            **actions,
        }
    )


def _reload(page):
    return Page.objects.get(pk=page.pk).specific


def test_commune_staff_cannot_change_publish_or_remove_another_communes_pages(world):
    a, b = world.content_a, world.content_b
    b.news.locked = False  # so that only tenancy, not the lock, stands in the way
    b.news.save(update_fields=["locked"])
    revision = b.news.latest_revision
    attempts = [
        (f"/pages/{b.news.pk}/edit/", news_form("Đã bị sửa", "tin-rieng")),
        (f"/pages/{b.news.pk}/edit/", news_form("Đã bị sửa", "tin-rieng", **{"action-publish": "1"})),
        (f"/pages/{b.news.pk}/lock/", {}),
        (f"/pages/{b.news.pk}/unpublish/", {}),
        (f"/pages/{b.news.pk}/delete/", {}),
        (f"/pages/{b.news.pk}/copy/", {"new_title": "Bản sao", "new_slug": "ban-sao", "new_parent_page": a.news_index.pk}),
        (f"/pages/{b.news.pk}/move/{a.news_index.pk}/confirm/", {}),
        (f"/pages/{a.news.pk}/move/{b.news_index.pk}/confirm/", {}),
        (f"/pages/{b.news.pk}/revisions/{revision.pk}/revert/", {}),
        (f"/pages/{b.news.pk}/privacy/", {"restriction_type": "login"}),
        (f"/pages/add/communes/newspage/{b.news_index.pk}/", news_form("Tin cài vào", "tin-cai-vao")),
        (f"/pages/workflow/action/{b.pending.pk}/approve/{b.task_state.pk}/", {"comment": ""}),
        (f"/pages/workflow/action/{b.pending.pk}/reject/{b.task_state.pk}/", {"comment": ""}),
        (f"/bulk/wagtailcore/page/delete/?id={b.news.pk}&next=/quan-tri/", {}),
        (f"/bulk/wagtailcore/page/unpublish/?id={b.news.pk}&next=/quan-tri/", {}),
        (f"/bulk/wagtailcore/page/move/?id={b.news.pk}&next=/quan-tri/", {"chooser": a.news_index.pk}),
    ]
    before = Page.objects.count()
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        for url, data in attempts:
            response = client.post(ADMIN + url, data)
            assert response.status_code in (200, 302, 403, 404), url
            assert secrets_in(response) == [] or response.status_code == 200 and "/bulk/" in url, url
    news = _reload(b.news)
    assert (news.title, news.live, news.locked, news.get_parent().pk) == (B_NEWS, True, False, b.news_index.pk)
    assert news.latest_revision == revision and news.get_view_restrictions().count() == 0
    assert _reload(a.news).get_parent().pk == a.news_index.pk
    assert Page.objects.count() == before
    assert WorkflowState.objects.get(pk=b.workflow_state.pk).status == WorkflowState.STATUS_IN_PROGRESS
    assert not _reload(b.pending).live


def test_district_admin_can_edit_publish_approve_and_remove_in_any_commune(world):
    b = world.content_b
    admin = client_for(world.district_admin)
    assert admin.post(f"{ADMIN}/pages/{b.news.pk}/unlock/").status_code == 302
    response = admin.post(
        f"{ADMIN}/pages/{b.news.pk}/edit/", news_form("Tin đã sửa của Hà Mòn", "tin-rieng", **{"action-publish": "1"})
    )
    assert response.status_code == 302, text_of(response)[:2000]
    news = _reload(b.news)
    assert news.title == "Tin đã sửa của Hà Mòn" and news.live and not news.has_unpublished_changes

    response = admin.post(f"{ADMIN}/pages/workflow/action/{b.pending.pk}/approve/{b.task_state.pk}/", {"comment": ""})
    assert response.status_code in (200, 302)
    assert _reload(b.pending).live

    response = admin.post(f"{ADMIN}/pages/add/communes/newspage/{b.news_index.pk}/",
                          news_form("Tin huyện đăng cho Hà Mòn", "tin-huyen", **{"action-publish": "1"}))
    assert response.status_code == 302
    added = NewsPage.objects.child_of(b.news_index).get(slug="tin-huyen")
    assert added.live

    assert admin.post(f"{ADMIN}/pages/{added.pk}/unpublish/").status_code == 302
    assert not _reload(added).live
    assert admin.post(f"{ADMIN}/pages/{added.pk}/delete/").status_code == 302
    assert not Page.objects.filter(pk=added.pk).exists()


def _image_upload(name="anh.png"):
    return SimpleUploadedFile(name, get_test_image_file().file.getvalue(), content_type="image/png")


def _document_upload(name="van-ban.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 thu nghiem", content_type="application/pdf")


def test_commune_staff_cannot_upload_into_or_change_another_communes_collection(world):
    b = world.content_b
    collection_b = world.b.collection
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        client.post(f"{ADMIN}/images/add/", {"title": "Ảnh cài vào", "file": _image_upload(), "collection": collection_b.pk})
        client.post(f"{ADMIN}/images/multiple/add/", {"files[]": _image_upload(), "collection": collection_b.pk},
                    HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        client.post(f"{ADMIN}/images/chooser/create/",
                    {"image-chooser-upload-title": "Ảnh cài vào", "image-chooser-upload-file": _image_upload(),
                     "image-chooser-upload-collection": collection_b.pk})
        client.post(f"{ADMIN}/documents/add/", {"title": "Tài liệu cài vào", "file": _document_upload(),
                                                "collection": collection_b.pk})
        client.post(f"{ADMIN}/documents/multiple/add/", {"files[]": _document_upload(), "collection": collection_b.pk},
                    HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        client.post(f"{ADMIN}/documents/chooser/create/",
                    {"document-chooser-upload-title": "Tài liệu cài vào",
                     "document-chooser-upload-file": _document_upload(),
                     "document-chooser-upload-collection": collection_b.pk})
        for url in (f"/images/{b.image.pk}/", f"/documents/edit/{b.document.pk}/"):
            client.post(ADMIN + url, {"title": "Đã bị sửa", "collection": world.a.collection.pk})
        for url in (f"/images/{b.image.pk}/delete/", f"/documents/delete/{b.document.pk}/",
                    f"/images/multiple/{b.image.pk}/delete/", f"/documents/multiple/{b.document.pk}/delete/"):
            client.post(ADMIN + url, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert list(Image.objects.filter(collection=collection_b).values_list("title", flat=True)) == [B_IMAGE]
    assert list(Document.objects.filter(collection=collection_b).values_list("title", flat=True)) == [B_DOCUMENT]
    # What they could upload went into their own collection, never B's.
    assert not Image.objects.filter(title="Đã bị sửa").exists()
    assert not Document.objects.filter(title="Đã bị sửa").exists()


def test_commune_editor_uploads_into_own_collection(world):
    editor = client_for(world.editor_a)
    response = editor.post(f"{ADMIN}/images/add/", {"title": "Ảnh hội nghị", "file": _image_upload(),
                                                     "collection": world.a.collection.pk})
    assert response.status_code == 302
    assert Image.objects.get(title="Ảnh hội nghị").collection == world.a.collection
    response = editor.post(f"{ADMIN}/documents/add/", {"title": "Kế hoạch 2025", "file": _document_upload(),
                                                        "collection": world.a.collection.pk})
    assert response.status_code == 302
    assert Document.objects.get(title="Kế hoạch 2025").collection == world.a.collection


def test_district_admin_uploads_into_and_manages_any_communes_collection(world):
    b = world.content_b
    admin = client_for(world.district_admin)
    response = admin.post(f"{ADMIN}/images/add/", {"title": "Ảnh huyện cho Hà Mòn", "file": _image_upload(),
                                                    "collection": world.b.collection.pk})
    assert response.status_code == 302
    assert Image.objects.get(title="Ảnh huyện cho Hà Mòn").collection == world.b.collection
    response = admin.post(f"{ADMIN}/documents/add/", {"title": "Văn bản huyện cho Hà Mòn", "file": _document_upload(),
                                                       "collection": world.b.collection.pk})
    assert response.status_code == 302
    assert Document.objects.get(title="Văn bản huyện cho Hà Mòn").collection == world.b.collection
    assert admin.post(f"{ADMIN}/images/{b.image.pk}/delete/").status_code == 302
    assert admin.post(f"{ADMIN}/documents/delete/{b.document.pk}/").status_code == 302
    assert not Image.objects.filter(pk=b.image.pk).exists()
    assert not Document.objects.filter(pk=b.document.pk).exists()


# --- two-step moderation ------------------------------------------------------------------------


def test_editor_submits_and_only_the_approver_publishes(world):
    index = world.content_a.news_index
    editor = client_for(world.editor_a)
    response = editor.post(f"{ADMIN}/pages/add/communes/newspage/{index.pk}/",
                           news_form("Họp dân thôn Kon Klốc", "hop-dan", **{"action-submit": "1"}))
    assert response.status_code == 302
    page = NewsPage.objects.child_of(index).get(slug="hop-dan")
    state = page.current_workflow_state
    assert not page.live and state.status == WorkflowState.STATUS_IN_PROGRESS

    # The editor has no publish permission: asking to publish saves a draft at most.
    editor.post(f"{ADMIN}/pages/{page.pk}/edit/", news_form("Họp dân thôn Kon Klốc", "hop-dan", **{"action-publish": "1"}))
    assert not _reload(page).live
    # Nor can the editor approve their own submission.
    task_state = state.current_task_state
    editor.post(f"{ADMIN}/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert not _reload(page).live
    # Commune B's approver cannot approve it either.
    client_for(world.approver_b).post(f"{ADMIN}/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
                                      {"comment": ""})
    assert not _reload(page).live

    approver = client_for(world.approver_a)
    assert "Họp dân thôn Kon Klốc" in text_of(approver.get(f"{ADMIN}/"))  # awaiting moderation
    response = approver.post(f"{ADMIN}/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"comment": "Đồng ý"})
    assert response.status_code in (200, 302)
    page = _reload(page)
    assert page.live
    assert WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_APPROVED
