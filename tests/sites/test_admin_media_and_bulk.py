"""Issue 7: commune A's staff can neither use commune B's images, documents and draft pages by id in their
own pages, nor read B's titles in bulk-action confirmations.

1. A page form names what it uses by id (a ForeignKey chooser, StreamField blocks, inline rows, rich text
   embeds and links). Choosers list only one's own collection, but an id typed into the POST was taken:
   every page form now refuses, on the field, an image or document outside the collections the user may
   use and a page of another commune that is not public and live; publishing a revision that names one is
   refused too. Portal staff are not limited.
2. Bulk actions (`/quan-tri/bulk/<app>/<model>/<action>/?id=…`) listed every object named by id — its
   title, unpublished or not — under "you do not have permission". Now objects outside the user's
   communes are dropped before anything is shown or done, and ids that name nothing are a 404.
"""

import html
import json

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from communes.models import (
    CommuneHomePage,
    CommuneProfilePage,
    DocumentIndexPage,
    LegalDocumentPage,
    NewsPage,
)
from sites.media_scoping import SitePageForm, foreign_references, rich_text_references
from tests.conftest import client_for
from tests.sites.test_admin_tenancy import (
    ADMIN,
    B_SECRETS,
    Document,
    Image,
    _commune_content,
    is_refusal,
    news_form,
    text_of,
)

REFUSED_MEDIA = "Ảnh/tài liệu này thuộc thư mục của đơn vị khác"
REFUSED_PAGE = "Trang này thuộc đơn vị khác"
B_DRAFT = "Bản nháp riêng của Hà Mòn"
B_USERS = ["bientap_hamon", "duyet_hamon"]


@pytest.fixture
def world(district):
    district.content_a = _commune_content(district.a, district.editor_a, district.approver_a, "Đắk La")
    district.content_b = _commune_content(district.b, district.editor_b, district.approver_b, "Hà Mòn")
    # A draft of commune A that A's editor works on (A's published news is locked by its approver and
    # A's pending news sits in moderation).
    district.a_draft = district.content_a.news_index.add_child(
        instance=NewsPage(title="Bản nháp của Đắk La", slug="ban-nhap", live=False)
    )
    district.a_draft.save_revision(user=district.editor_a)
    district.b_draft = district.content_b.news_index.add_child(
        instance=NewsPage(title=B_DRAFT, slug="ban-nhap-rieng", live=False)
    )
    district.b_draft.save_revision(user=district.editor_b)
    district.a_documents = DocumentIndexPage.objects.child_of(district.a.home).get()
    return district


def leaks(response, titles=B_SECRETS + [B_DRAFT]):
    """Titles readable in a response, also where they hide in JSON (StreamField block state is escaped)."""
    body = text_of(response)
    return [t for t in titles if t in body or json.dumps(t)[1:-1] in body or html.escape(t) in body]


def form_errors(response):
    """Field name → messages of the page form and its inline forms (the form re-rendered with errors)."""
    form = response.context["form"]
    errors = {name: [str(m) for m in _messages(error_list)] for name, error_list in form.errors.items()}
    for relation, formset in form.formsets.items():
        for index, child in enumerate(formset.forms):
            for name, error_list in child.errors.items():
                errors[f"{relation}-{index}-{name}"] = [str(m) for m in error_list]
    return errors


def _messages(error_list):
    for error in error_list.as_data():
        block_errors, non_block_errors = getattr(error, "block_errors", None), getattr(error, "non_block_errors", None)
        if block_errors is None and non_block_errors is None:
            yield from error.messages
            continue
        for block_error in (block_errors or {}).values():  # a StreamField's errors, per block
            yield from block_error.messages
        for non_block_error in non_block_errors.as_data() if non_block_errors else []:
            yield from non_block_error.messages


def edit(client, page, data):
    return client.post(f"{ADMIN}/pages/{page.pk}/edit/", data)


def latest(page):
    return Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


# --- 1. references by id in page forms ---------------------------------------------------------


def test_it_refuses_another_communes_image_in_a_news_pages_image_field_on_create_and_edit(world):
    b_image = world.content_b.image
    index = world.content_a.news_index
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        response = client.post(
            f"{ADMIN}/pages/add/communes/newspage/{index.pk}/", news_form("Tin có ảnh lạ", "tin-anh-la", image=b_image.pk)
        )
        assert response.status_code == 200, user.username
        assert any(REFUSED_MEDIA in m for m in form_errors(response)["image"])
        assert not NewsPage.objects.filter(slug="tin-anh-la").exists()
        # The refused chooser is emptied: the form does not show B's image back, title and all.
        assert leaks(response) == []

        response = edit(client, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", image=b_image.pk))
        assert response.status_code == 200
        assert any(REFUSED_MEDIA in m for m in form_errors(response)["image"])
        assert latest(world.a_draft).image is None
        assert leaks(response) == []


def test_it_refuses_another_communes_image_and_document_blocks_in_a_streamfield(world):
    b = world.content_b
    editor = client_for(world.editor_a)
    body = streamfield([
        ("paragraph", rich_text("<p>Mở đầu</p>")),
        ("image", {"image": b.image.pk, "decorative": "", "alt_text": "Ảnh minh họa"}),
        ("document", b.document.pk),
    ])
    response = edit(editor, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", body=body))
    assert response.status_code == 200
    errors = form_errors(response)["body"]
    assert len([m for m in errors if REFUSED_MEDIA in m]) == 2, errors  # on the image block and on the document block
    assert list(latest(world.a_draft).body) == []
    assert leaks(response) == []


def test_it_refuses_another_communes_document_link_and_draft_page_link_in_rich_text(world):
    b = world.content_b
    editor = client_for(world.editor_a)
    features = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "document-link"]
    paragraph = rich_text(
        f'<p>Xem <a linktype="document" id="{b.document.pk}">văn bản</a> và '
        f'<a linktype="page" id="{world.b_draft.pk}">tin</a>.</p>',
        features=features,
    )
    response = edit(editor, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap",
                                                     body=streamfield([("paragraph", paragraph)])))
    assert response.status_code == 200
    errors = form_errors(response)["body"]
    assert any(REFUSED_MEDIA in m for m in errors) and any(REFUSED_PAGE in m for m in errors), errors
    assert list(latest(world.a_draft).body) == []
    assert leaks(response) == []

    # A RichTextField (not a block) is checked the same way.
    profile = CommuneProfilePage.objects.child_of(world.a.home).get()
    data = nested_form_data({
        "title": profile.title, "slug": profile.slug, "intro": "", "area_km2": "", "population": "",
        "households": "", "statistics_year": "", "ethnic_groups": "",
        "location": rich_text(f'<p><a linktype="page" id="{world.b_draft.pk}">Hà Mòn</a></p>', features=["link"]),
        "natural_conditions": rich_text(""), "economy": rich_text(""),
        "villages": inline_formset([]), "comments": inline_formset([]),
    })
    response = edit(editor, profile, data)
    assert response.status_code == 200
    assert any(REFUSED_PAGE in m for m in form_errors(response)["location"])


def test_it_refuses_another_communes_document_in_a_legal_documents_attachment_rows(world):
    b = world.content_b
    editor = client_for(world.editor_a)
    data = nested_form_data({
        "title": "Quyết định 12", "slug": "quyet-dinh-12", "document_type": "quyet-dinh", "number": "12/QĐ-UBND",
        "issuing_body": "UBND xã Đắk La", "signer": "", "issue_date": "15/01/2025", "effective_date": "",
        "expiry_date": "", "status": "con-hieu-luc", "field": "hanh-chinh", "summary": "Về việc thử nghiệm",
        "body": streamfield([]),
        "attachments": inline_formset([{"document": b.document.pk, "title": "Tệp"}]),
        "comments": inline_formset([]),
    })
    response = editor.post(f"{ADMIN}/pages/add/communes/legaldocumentpage/{world.a_documents.pk}/", data)
    assert response.status_code == 200
    assert any(REFUSED_MEDIA in m for m in form_errors(response)["attachments-0-document"])
    assert not LegalDocumentPage.objects.filter(slug="quyet-dinh-12").exists()
    assert leaks(response) == []

    data["attachments-0-document"] = world.content_a.document.pk
    response = editor.post(f"{ADMIN}/pages/add/communes/legaldocumentpage/{world.a_documents.pk}/", data)
    assert response.status_code == 302, form_errors(response)
    assert LegalDocumentPage.objects.get(slug="quyet-dinh-12").attachments.get().document == world.content_a.document


def home_form(home, **changes):
    data = {
        "title": home.title, "slug": home.slug, "intro": home.intro, "agency_name": home.agency_name,
        "address": "", "phone": "", "email": "", "logo": "",
        "leaders": streamfield([]), "focal_points": streamfield([]),
        "seo_title": "", "search_description": "", "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def test_it_refuses_another_communes_image_as_the_communes_logo(world):
    home = world.a.home.specific
    approver = client_for(world.approver_a)
    response = edit(approver, home, home_form(home, logo=world.content_b.image.pk, **{"action-publish": "1"}))
    assert response.status_code == 200
    assert any(REFUSED_MEDIA in m for m in form_errors(response)["logo"])
    assert CommuneHomePage.objects.get(pk=home.pk).logo is None
    assert leaks(response) == []

    response = edit(approver, home, home_form(home, logo=world.content_a.image.pk, logo_alt="Biểu trưng xã Đắk La",
                                              **{"action-publish": "1"}))
    assert response.status_code == 302, form_errors(response)
    assert CommuneHomePage.objects.get(pk=home.pk).logo == world.content_a.image


def test_it_refuses_on_submit_and_on_publish_from_the_editor(world):
    b_image = world.content_b.image
    editor, approver = client_for(world.editor_a), client_for(world.approver_a)
    response = edit(editor, world.a_draft,
                    news_form("Bản nháp của Đắk La", "ban-nhap", image=b_image.pk, **{"action-submit": "1"}))
    assert response.status_code == 200 and "image" in form_errors(response)
    assert latest(world.a_draft).image is None
    assert world.a_draft.current_workflow_state is None

    response = edit(approver, world.a_draft,
                    news_form("Bản nháp của Đắk La", "ban-nhap", image=b_image.pk, **{"action-publish": "1"}))
    assert response.status_code == 200 and "image" in form_errors(response)
    assert not Page.objects.get(pk=world.a_draft.pk).live


def test_own_communes_images_documents_and_pages_and_public_pages_elsewhere_are_accepted(world):
    a, b = world.content_a, world.content_b
    editor = client_for(world.editor_a)
    features = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "document-link"]
    paragraph = rich_text(
        f'<p><a linktype="document" id="{a.document.pk}">văn bản</a>, '
        f'<a linktype="page" id="{a.pending.pk}">tin chờ duyệt của xã mình</a>, '
        f'<a linktype="page" id="{b.news.pk}">tin đã đăng của Hà Mòn</a>, '
        f'<a linktype="page" id="{world.portal.pk}">cổng huyện</a></p>',
        features=features,
    )
    body = streamfield([
        ("paragraph", paragraph),
        ("image", {"image": a.image.pk, "decorative": "", "alt_text": "Ảnh"}),
        ("document", a.document.pk),
    ])
    response = edit(editor, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", image=a.image.pk, body=body,
                                                     **{"action-submit": "1"}))
    assert response.status_code == 302, form_errors(response)
    draft = latest(world.a_draft)
    assert draft.image == a.image and [block.block_type for block in draft.body] == ["paragraph", "image", "document"]


def test_district_admin_may_use_any_communes_images_and_documents(world):
    admin = client_for(world.district_admin)
    body = streamfield([("document", world.content_b.document.pk)])
    response = edit(admin, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", image=world.content_b.image.pk,
                                                    body=body, **{"action-publish": "1"}))
    assert response.status_code == 302, form_errors(response)
    page = NewsPage.objects.get(pk=world.a_draft.pk)
    assert page.live and page.image == world.content_b.image


def test_what_the_district_put_live_on_a_communes_page_does_not_block_its_editors(world):
    """An image the district chose (from any collection) stays when the commune's editor edits the page."""
    admin = client_for(world.district_admin)
    response = edit(admin, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", image=world.content_b.image.pk,
                                                    **{"action-publish": "1"}))
    assert response.status_code == 302
    editor = client_for(world.editor_a)
    response = edit(editor, world.a_draft, news_form("Bản nháp đã sửa", "ban-nhap", image=world.content_b.image.pk,
                                                     intro="Thêm tóm tắt"))
    assert response.status_code == 302, form_errors(response)
    assert latest(world.a_draft).intro == "Thêm tóm tắt"


def test_an_approver_cannot_publish_a_revision_that_names_another_communes_image(world):
    """A revision saved past the form (an import, an old draft) is refused when it is published."""
    page = latest(world.a_draft)
    page.image = world.content_b.image
    revision = page.save_revision(user=world.editor_a)
    workflow_state = world.a.workflow.start(page, world.editor_a)
    task_state = workflow_state.current_task_state

    approver = client_for(world.approver_a)
    response = approver.post(f"{ADMIN}/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert is_refusal(response)
    assert not Page.objects.get(pk=page.pk).live
    assert WorkflowState.objects.get(pk=workflow_state.pk).status == WorkflowState.STATUS_IN_PROGRESS

    response = approver.post(f"{ADMIN}/bulk/wagtailcore/page/publish/?id={page.pk}&next={ADMIN}/", {})
    assert is_refusal(response)
    assert not Page.objects.get(pk=page.pk).live

    with pytest.raises(Exception) as refused:
        revision.publish(user=world.approver_a)
    assert REFUSED_MEDIA in str(refused.value)
    revision.publish(user=world.district_admin)
    assert Page.objects.get(pk=page.pk).live


def test_every_page_type_edits_through_the_scoped_page_form():
    page_models = [m for m in apps.get_models() if issubclass(m, Page) and m is not Page]
    assert page_models
    unscoped = [
        m.__name__ for m in page_models if not issubclass(m.get_edit_handler().get_form_class(), SitePageForm)
    ]
    assert unscoped == []


def test_rich_text_references_find_image_embeds_and_document_links(world):
    b = world.content_b
    html = (
        f'<p><embed alt="x" embedtype="image" format="fullwidth" id="{b.image.pk}"/>'
        f'<a linktype="document" id="{b.document.pk}">tệp</a></p>'
    )
    found = set(rich_text_references(html))
    assert (Image, str(b.image.pk)) in found and (Document, str(b.document.pk)) in found
    assert foreign_references(world.editor_a, found) == found
    assert foreign_references(world.district_admin, found) == set()
    # An id spelt otherwise (rich text keeps ids as written) is still recognised, and reported as written.
    spelt = {(Image, f" {b.image.pk}"), (Image, "²"), (Image, "999999")}
    assert foreign_references(world.editor_a, spelt) == {(Image, f" {b.image.pk}")}


# --- 2. bulk actions ------------------------------------------------------------------------------


def bulk_url_names():
    """Names of the bulk-action URL patterns, from the resolver (not a hand list)."""
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and (pattern.name or "").startswith("wagtail_bulk_action"):
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def bulk_actions():
    """(url name, app label, model name, action) for every bulk action registered for any model."""
    names = bulk_url_names()
    assert names
    found = []
    for name in sorted(names):
        for model in apps.get_models():
            for action in bulk_action_registry.get_bulk_actions_for_model(model._meta.app_label, model._meta.model_name):
                found.append((name, model, action.action_type))
    return found


def b_objects(w, model):
    """Commune B's objects of a model a bulk action takes, and what must not be read of them."""
    b = w.content_b
    if issubclass(model, Page):
        return [w.b_draft, b.pending, b.news, b.news_index, w.b.home], B_SECRETS + [B_DRAFT]
    if model is Image:
        return [b.image], B_SECRETS
    if model is Document:
        return [b.document], B_SECRETS
    if model is w.editor_b.__class__:
        return [w.editor_b, w.approver_b], B_USERS
    if model._meta.label == "broadcasts.BoardNotice":
        notice, _ = model.objects.get_or_create(
            commune=w.b, title="Thông báo bảng tin riêng của Hà Mòn", defaults={"text": "Nội dung.", "live": False}
        )
        return [notice], B_SECRETS + [notice.title]
    if model._meta.label == "broadcasts.RadioBulletin":
        bulletin, _ = model.objects.get_or_create(
            commune=w.b, title="Bản tin phát thanh riêng của Hà Mòn",
            defaults={"text": "Nội dung bản tin riêng của Hà Mòn.", "live": False},
        )
        return [bulletin], B_SECRETS + [bulletin.title, bulletin.text]
    raise AssertionError(f"No commune B objects for the bulk actions of {model.__name__}: add them here")


def bulk_url(name, model, action, **query):
    url = reverse(name, kwargs={"app_label": model._meta.app_label, "model_name": model._meta.model_name,
                                "action": action})
    return f"{url}?{urlencode(query, doseq=True)}"


def test_every_bulk_action_shows_nothing_of_another_commune_to_its_staff(world):
    actions = bulk_actions()
    assert {(m._meta.label, a) for _, m, a in actions} >= {
        ("wagtailcore.Page", "delete"), ("wagtailcore.Page", "move"), ("wagtailcore.Page", "publish"),
        ("wagtailcore.Page", "unpublish"), ("wagtailimages.Image", "add_tags"),
        ("wagtailimages.Image", "add_to_collection"), ("wagtailimages.Image", "delete"),
        ("wagtaildocs.Document", "add_tags"), ("wagtaildocs.Document", "add_to_collection"),
        ("wagtaildocs.Document", "delete"),
    }
    failures = []
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        for name, model, action in actions:
            objects, secrets = b_objects(world, model)
            ids = [obj.pk for obj in objects]
            queries = [{"id": [pk]} for pk in ids] + [{"id": ids}, {"id": "all"}]
            if issubclass(model, Page):
                queries += [{"id": "all", "childOf": world.content_b.news_index.pk},
                            {"id": "all", "childOf": world.portal.pk},
                            {"id": "all", "childOf": world.content_b.news_index.pk, "q": "riêng"}]
            for query in queries:
                url = bulk_url(name, model, action, **query)
                response = client.get(url)
                shown = leaks(response, secrets)
                # Naming only B's objects is refused; "all" answers with one's own objects, if any.
                refused = is_refusal(response) or query["id"] == "all" and response.status_code == 200
                if not refused or shown:
                    failures.append(f"{user.username} GET {url}: {response.status_code} {shown}")
    assert failures == []


def test_bulk_actions_on_own_and_other_communes_objects_keep_only_ones_own(world):
    a, b = world.content_a, world.content_b
    editor = client_for(world.editor_a)
    url = bulk_url("wagtail_bulk_action", Page, "delete", id=[world.a_draft.pk, world.b_draft.pk, b.pending.pk])
    response = editor.get(url)
    assert response.status_code == 200
    assert "Bản nháp của Đắk La" in text_of(response) and B_DRAFT not in text_of(response)
    assert leaks(response) == []
    for model, own, other in ((Image, a.image, b.image), (Document, a.document, b.document)):
        for action in ("add_tags", "add_to_collection", "delete"):
            response = editor.get(bulk_url("wagtail_bulk_action", model, action, id=[own.pk, other.pk]))
            assert response.status_code == 200, (model, action)
            assert own.title in text_of(response) and leaks(response) == [], (model, action)
    # Selecting everything in one's own news index lists one's own news only.
    response = editor.get(bulk_url("wagtail_bulk_action", Page, "unpublish", id="all", childOf=a.news_index.pk))
    assert response.status_code == 200 and "Tin riêng của Đắk La" in text_of(response)


def test_bulk_action_posts_change_nothing_of_another_commune(world):
    a, b = world.content_a, world.content_b
    for user in (world.editor_a, world.approver_a):
        client = client_for(user)
        for model, obj in ((Image, b.image), (Document, b.document)):
            client.post(bulk_url("wagtail_bulk_action", model, "add_tags", id=[obj.pk], next=f"{ADMIN}/"),
                        {"tags": "bị gắn"})
            client.post(bulk_url("wagtail_bulk_action", model, "add_to_collection", id=[obj.pk], next=f"{ADMIN}/"),
                        {"collection": world.a.collection.pk})
            client.post(bulk_url("wagtail_bulk_action", model, "delete", id=[obj.pk], next=f"{ADMIN}/"))
        # Moving one's own page under another commune's draft is refused without naming the draft.
        response = client.post(bulk_url("wagtail_bulk_action", Page, "move", id=[world.a_draft.pk], next=f"{ADMIN}/"),
                               {"chooser": b.news_index.pk})
        assert B_DRAFT not in text_of(response) and leaks(response) == []
    for model, obj in ((Image, b.image), (Document, b.document)):
        obj = model.objects.get(pk=obj.pk)
        assert obj.collection == world.b.collection and list(obj.tags.names()) == []
    assert Page.objects.get(pk=world.a_draft.pk).get_parent().pk == a.news_index.pk


def test_district_admin_bulk_actions_list_every_communes_objects(world):
    a, b = world.content_a, world.content_b
    admin = client_for(world.district_admin)
    response = admin.get(bulk_url("wagtail_bulk_action", Page, "delete", id=[world.a_draft.pk, world.b_draft.pk]))
    assert response.status_code == 200 and B_DRAFT in text_of(response) and "Bản nháp của Đắk La" in text_of(response)
    response = admin.get(bulk_url("wagtail_bulk_action", Image, "add_tags", id=[a.image.pk, b.image.pk]))
    assert response.status_code == 200 and b.image.title in text_of(response)
    response = admin.post(bulk_url("wagtail_bulk_action", Document, "add_tags", id=[b.document.pk], next=f"{ADMIN}/"),
                          {"tags": "huyện"})
    assert response.status_code == 302
    assert list(Document.objects.get(pk=b.document.pk).tags.names()) == ["huyện"]


# --- malformed ids -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["²", "abc", "99999999999999999999999", "-1", "1.5", "", "999999"])
def test_malformed_or_unknown_ids_are_refused_rather_than_a_server_error(world, bad):
    urls = [
        bulk_url("wagtail_bulk_action", Page, "delete", id=[bad])[len(ADMIN):],
        bulk_url("wagtail_bulk_action", Page, "delete", id="all", childOf=bad)[len(ADMIN):],
        bulk_url("wagtail_bulk_action", Image, "delete", id=[bad])[len(ADMIN):],
        bulk_url("wagtail_bulk_action", Image, "add_tags", id="all", childOf=bad)[len(ADMIN):],
        f"/choose-page/chosen-multiple/?{urlencode({'id': bad})}",
    ]
    for user in (world.editor_a, world.district_admin):
        client = client_for(user)
        client.raise_request_exception = False
        for url in urls:
            response = client.get(ADMIN + url)
            assert response.status_code in (200, 400, 404), (user.username, url, response.status_code)
