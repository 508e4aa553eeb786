"""The board notices admin: the form (commune, days, time windows, images, targets), the commune's
two-step workflow, the listing, previews and "turn a page into a board notice"."""

import datetime

import pytest
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from broadcasts.admin_views import plain_text
from broadcasts.models import BoardGroup, BoardNotice, BroadcastClass, Device, DeviceKind, DisplayType, NoticeTarget
from communes.models import DocumentIndexPage, LegalDocumentPage, NewsIndexPage, NewsPage
from tests.conftest import client_for

ADMIN = "/quan-tri/snippets/broadcasts/boardnotice"
Image = get_image_model()


def local(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def notice_data(commune=None, *, title="Lịch tiêm chủng tháng 9", text="Tiêm chủng mở rộng tại trạm y tế xã.",
                days=(), windows=(), images=(), target=NoticeTarget.ALL, groups=(), devices=(), communes=None,
                broadcast_class=BroadcastClass.ROUTINE, action=None, versions=()):
    now = timezone.now()
    data = {
        "title": title,
        "text": text,
        "broadcast_class": broadcast_class,
        "language": "vi",
        "images": inline_formset([{"image": image.pk} for image in images]),
        "versions": inline_formset([{"language": language, "title": title_, "text": text_}
                                    for language, title_, text_ in versions]),
        "valid_from": local(now),
        "valid_until": local(now + datetime.timedelta(days=3)),
        "duration_s": "15",
        "display_order": "0",
        "time_windows": inline_formset([{"start": start, "end": end} for start, end in windows]),
        "target": target,
    }
    form = nested_form_data(data)
    if commune is not None:
        form["commune"] = str(commune.pk)
    if days:
        form["days"] = [str(day) for day in days]
    if groups:
        form["target_groups"] = [str(group.pk) for group in groups]
    if devices:
        form["target_devices"] = [str(device.pk) for device in devices]
    if communes is not None:
        form["target_communes"] = [str(c.pk) for c in communes]
    if action:
        form[action] = "1"
    return form


def board(site, name, **extra):
    return Device.objects.create(commune=site, name=name, kind=DeviceKind.BOARD, display_type=DisplayType.LCD,
                                 width=1920, height=1080, **extra)


def test_an_editor_creates_a_notice_with_days_time_windows_and_an_image_of_their_collection(district):
    image = Image.objects.create(title="Ảnh trạm y tế", file=get_test_image_file(), collection=district.a.collection)
    client = client_for(district.editor_a)
    response = client.post(f"{ADMIN}/add/", notice_data(
        district.a, days=[5, 1, 3], windows=[("07:00", "11:00"), ("22:00", "05:00")], images=[image]))
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = BoardNotice.objects.get()
    assert notice.commune == district.a
    assert notice.days == [1, 3, 5]
    assert [(w.start.hour, w.end.hour) for w in notice.time_windows.order_by("sort_order")] == [(7, 11), (22, 5)]
    assert [row.image for row in notice.images.all()] == [image]
    assert notice.live is False


def test_the_form_preselects_the_commune_of_commune_staff_and_requires_it(district):
    client = client_for(district.editor_a)
    html = client.get(f"{ADMIN}/add/").content.decode()
    assert f'<option value="{district.a.pk}" selected>' in html
    assert "Xã Hà Mòn" not in html
    response = client.post(f"{ADMIN}/add/", notice_data(None))
    assert response.status_code == 200
    assert not BoardNotice.objects.exists()


def test_the_form_offers_days_of_the_week_as_checkboxes(district):
    html = client_for(district.editor_a).get(f"{ADMIN}/add/").content.decode()
    assert 'type="checkbox" name="days" value="1"' in html and "Chủ Nhật" in html


def test_a_commune_editor_cannot_target_another_communes_boards_even_by_posting_their_ids(district):
    other_board = board(district.b, "Bảng tin chợ Hà Mòn")
    other_group = BoardGroup.objects.create(commune=district.b, name="Nhóm chợ Hà Mòn")
    client = client_for(district.editor_a)
    add = client.get(f"{ADMIN}/add/").content.decode()
    assert "Bảng tin chợ Hà Mòn" not in add and "Nhóm chợ Hà Mòn" not in add
    for data in (notice_data(district.a, target=NoticeTarget.DEVICES, devices=[other_board]),
                 notice_data(district.a, target=NoticeTarget.GROUPS, groups=[other_group])):
        response = client.post(f"{ADMIN}/add/", data)
        assert response.status_code == 200
        assert "Bảng tin chợ Hà Mòn" not in response.content.decode()
    assert not BoardNotice.objects.exists()


def test_a_commune_editor_cannot_put_another_communes_image_on_a_notice(district):
    other = Image.objects.create(title="Ảnh riêng Hà Mòn", file=get_test_image_file(), collection=district.b.collection)
    response = client_for(district.editor_a).post(f"{ADMIN}/add/", notice_data(district.a, images=[other]))
    assert response.status_code == 200
    assert "Ảnh riêng Hà Mòn" not in response.content.decode()  # the refused choice is not shown back
    assert not BoardNotice.objects.exists()


def test_portal_staff_cannot_target_one_communes_boards_from_another_communes_notice(district):
    other_board = board(district.b, "Bảng tin chợ Hà Mòn")
    response = client_for(district.district_admin).post(
        f"{ADMIN}/add/", notice_data(district.a, target=NoticeTarget.DEVICES, devices=[other_board]))
    assert response.status_code == 200
    assert "Chỉ được chọn bảng tin của xã đã chọn" in response.content.decode()
    assert not BoardNotice.objects.exists()


def test_targets_of_the_notices_own_commune_are_kept(district):
    own_board = board(district.a, "Bảng tin trụ sở Đắk La")
    group = BoardGroup.objects.create(commune=district.a, name="Chợ và trường học")
    client = client_for(district.editor_a)
    response = client.post(f"{ADMIN}/add/", notice_data(
        district.a, target=NoticeTarget.DEVICES, devices=[own_board], groups=[group]))
    assert response.status_code == 302
    notice = BoardNotice.objects.get()
    assert list(notice.target_devices.all()) == [own_board]
    assert list(notice.target_groups.all()) == []  # not used by the chosen target


def test_a_group_target_needs_a_group(district):
    response = client_for(district.editor_a).post(f"{ADMIN}/add/", notice_data(district.a, target=NoticeTarget.GROUPS))
    assert response.status_code == 200
    assert "Hãy chọn ít nhất một nhóm bảng tin." in response.content.decode()


def test_portal_staff_write_a_portal_notice_for_several_communes(district):
    client = client_for(district.district_admin)
    response = client.post(f"{ADMIN}/add/", notice_data(None, communes=[district.a, district.b], action="action-publish"))
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = BoardNotice.objects.get()
    assert notice.commune is None and notice.live
    assert set(notice.target_communes.all()) == {district.a, district.b}


def test_commune_staff_are_not_offered_the_portals_commune_list(district):
    html = client_for(district.editor_a).get(f"{ADMIN}/add/").content.decode()
    assert 'name="target_communes"' not in html
    assert 'name="target_communes"' in client_for(district.district_admin).get(f"{ADMIN}/add/").content.decode()


def test_an_editor_submits_a_notice_and_the_communes_approver_approves_it(district):
    editor = client_for(district.editor_a)
    response = editor.post(f"{ADMIN}/add/", notice_data(district.a, action="action-submit"))
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = BoardNotice.objects.get()
    assert notice.live is False
    state = WorkflowState.objects.for_instance(notice).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == district.a.workflow

    # The editor cannot publish it directly.
    response = editor.post(f"{ADMIN}/edit/{notice.pk}/", notice_data(district.a, action="action-publish"))
    notice.refresh_from_db()
    assert notice.live is False

    # Commune B's staff see nothing of it, anywhere.
    for user in (district.editor_b, district.approver_b):
        other = client_for(user)
        assert notice.title not in other.get(f"{ADMIN}/").content.decode()
        assert other.get(f"{ADMIN}/edit/{notice.pk}/").status_code in (403, 404)
        assert notice.title not in other.get("/quan-tri/").content.decode()
        for report in ("workflow/", "workflow_tasks/", "site-history/"):
            assert notice.title not in other.get(f"/quan-tri/reports/{report}").content.decode(), report
        task_state = state.current_task_state
        url = f"{ADMIN}/workflow/action/{notice.pk}/approve/{task_state.pk}/"
        assert other.post(url).status_code in (403, 404)

    # The approver approves it: it is published and reaches devices.
    approver = client_for(district.approver_a)
    for report in ("workflow/", "site-history/"):  # their own commune's notice stays in their reports
        assert notice.title in approver.get(f"/quan-tri/reports/{report}").content.decode(), report
    task_state = WorkflowState.objects.for_instance(notice).get().current_task_state
    response = approver.post(f"{ADMIN}/workflow/action/{notice.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert response.status_code in (200, 302)
    notice.refresh_from_db()
    assert notice.live is True
    assert BoardNotice.objects.on_air().filter(pk=notice.pk).exists()


def test_the_listing_shows_state_class_validity_and_targets(district):
    notice = BoardNotice.objects.create(commune=district.a, title="Họp dân thôn 1", text="Họp lúc 19 giờ.",
                                        broadcast_class=BroadcastClass.PRIORITY, live=False)
    html = client_for(district.editor_a).get(f"{ADMIN}/").content.decode()
    assert "Họp dân thôn 1" in html and "Ưu tiên" in html and "Bản nháp" in html
    assert local(notice.valid_from) in html
    assert "Tất cả bảng tin của xã" in html


def test_portal_staff_filter_the_listing_by_commune(district):
    BoardNotice.objects.create(commune=district.a, title="Thông báo của Đắk La", text="Nội dung.")
    BoardNotice.objects.create(commune=district.b, title="Thông báo của Hà Mòn", text="Nội dung.")
    client = client_for(district.district_admin)
    html = client.get(f"{ADMIN}/?commune={district.b.pk}").content.decode()
    assert "Thông báo của Hà Mòn" in html and "Thông báo của Đắk La" not in html


def test_commune_staff_list_only_their_communes_notices(district):
    BoardNotice.objects.create(commune=district.b, title="Thông báo của Hà Mòn", text="Nội dung.")
    html = client_for(district.editor_a).get(f"{ADMIN}/").content.decode()
    assert "Thông báo của Hà Mòn" not in html


@pytest.mark.parametrize("mode", ["screen", "led"])
def test_the_preview_shows_the_notice_on_an_led_strip_and_a_1920_screen(district, mode):
    client = client_for(district.editor_a)
    data = notice_data(district.a, title="Cảnh báo lũ quét", text="Không qua suối Đắk Psi. " * 5,
                       broadcast_class=BroadcastClass.EMERGENCY)
    response = client.post(f"{ADMIN}/preview/?mode={mode}", data)
    assert response.json()["is_valid"] is True
    html = client.get(f"{ADMIN}/preview/?mode={mode}").content.decode()
    assert "Cảnh báo lũ quét" in html and "Không qua suối Đắk Psi." in html
    if mode == "led":
        assert "led--emergency" in html and "led__text--scroll" in html and "KHẨN CẤP" in html
    else:
        assert "screen--emergency" in html


def test_plain_text_strips_html_and_cuts_at_a_word_boundary():
    text = plain_text("<p>Ủy ban&nbsp;nhân dân <b>xã</b></p> " + "thông báo lịch họp " * 60)
    assert text.startswith("Ủy ban nhân dân xã thông báo")
    assert len(text) <= 500 and text.endswith("…") and "<" not in text
    assert text[:-1].split(" ")[-1] in {"thông", "báo", "lịch", "họp"}


def _published_news(site, title, **extra):
    index = NewsIndexPage.objects.child_of(site.home).get()
    page = index.add_child(instance=NewsPage(title=title, slug="tin-nuoc-sach", intro="<p>Cấp nước sạch cho thôn 2.</p>",
                                             **extra))
    page.save_revision().publish()
    return page


def test_an_editor_turns_a_published_news_item_into_a_draft_notice_in_one_step(district):
    image = Image.objects.create(title="Ảnh nước sạch", file=get_test_image_file(), collection=district.a.collection)
    news = _published_news(district.a, "Khánh thành công trình nước sạch", image=image)
    client = client_for(district.editor_a)
    edit_page = client.get(f"/quan-tri/pages/{news.pk}/edit/").content.decode()
    url = f"/quan-tri/bang-tin/thong-bao-tu-trang/{news.pk}/"
    assert url in edit_page
    assert client.get(url).status_code == 200
    response = client.post(url)
    notice = BoardNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}/edit/{notice.pk}/"
    assert (notice.commune, notice.title, notice.text) == (district.a, news.title, "Cấp nước sạch cho thôn 2.")
    assert notice.source_page_id == news.pk and notice.live is False
    assert [row.image for row in notice.images.all()] == [image]
    assert notice.latest_revision is not None


def test_a_legal_document_becomes_a_notice_with_its_number_and_summary(district):
    index = DocumentIndexPage.objects.child_of(district.a.home).get()
    document = index.add_child(instance=LegalDocumentPage(
        title="Quyết định về phòng chống thiên tai", slug="qd-pctt", document_type="quyet-dinh", number="12/QĐ-UBND",
        issuing_body="UBND xã Đắk La", issue_date=datetime.date(2025, 6, 2), summary="Về việc <em>kiện toàn</em> ban chỉ huy."))
    document.save_revision().publish()
    client_for(district.editor_a).post(f"/quan-tri/bang-tin/thong-bao-tu-trang/{document.pk}/")
    notice = BoardNotice.objects.get()
    assert notice.text == "12/QĐ-UBND: Về việc kiện toàn ban chỉ huy."


def test_another_communes_staff_cannot_turn_its_page_into_a_notice(district):
    news = _published_news(district.a, "Khánh thành công trình nước sạch")
    client = client_for(district.editor_b)
    url = f"/quan-tri/bang-tin/thong-bao-tu-trang/{news.pk}/"
    for response in (client.get(url), client.post(url)):
        # The admin's refusal: 403/404, or Wagtail's "no permission" redirect to the dashboard.
        assert response.status_code in (403, 404) or response["Location"] == "/quan-tri/"
        assert news.title not in response.content.decode()
    assert not BoardNotice.objects.exists()


def test_only_published_news_and_documents_can_become_notices(district):
    index = NewsIndexPage.objects.child_of(district.a.home).get()
    draft = index.add_child(instance=NewsPage(title="Bản nháp", slug="ban-nhap", live=False))
    client = client_for(district.editor_a)
    assert client.post(f"/quan-tri/bang-tin/thong-bao-tu-trang/{draft.pk}/").status_code == 404
    assert client.post(f"/quan-tri/bang-tin/thong-bao-tu-trang/{index.pk}/").status_code == 404
    assert not BoardNotice.objects.exists()
    assert Page.objects.filter(pk=draft.pk).exists()


def test_the_notice_chooser_lists_and_returns_only_the_users_communes_notices(district):
    own = BoardNotice.objects.create(commune=district.a, title="Thông báo của Đắk La", text="Nội dung.")
    other = BoardNotice.objects.create(commune=district.b, title="Thông báo của Hà Mòn", text="Nội dung.")
    client = client_for(district.editor_a)
    listing = client.get("/quan-tri/snippets/choose/broadcasts/boardnotice/").json()["html"]
    assert "Thông báo của Đắk La" in listing and "Thông báo của Hà Mòn" not in listing
    assert client.get(f"/quan-tri/snippets/choose/broadcasts/boardnotice/chosen/{own.pk}/").status_code == 200
    refused = client.get(f"/quan-tri/snippets/choose/broadcasts/boardnotice/chosen/{other.pk}/")
    assert refused.status_code == 404 and "Hà Mòn" not in refused.content.decode()
    several = client.get(f"/quan-tri/snippets/choose/broadcasts/boardnotice/chosen-multiple/?id={own.pk}&id={other.pk}")
    assert [item["id"] for item in several.json()["result"]] == [str(own.pk)]


def test_a_moderation_preview_refuses_another_communes_workflow_task(district):
    notice = BoardNotice.objects.create(commune=district.a, title="Thông báo của Đắk La", text="Nội dung.", live=False)
    notice.save_revision(user=district.editor_a)
    district.a.workflow.start(notice, district.editor_a)
    own_task = district.a.workflow.tasks.get()
    other_task = district.b.workflow.tasks.get()
    client = client_for(district.approver_a)
    assert client.get(f"{ADMIN}/workflow/preview/{notice.pk}/{own_task.pk}/").status_code == 200
    response = client.get(f"{ADMIN}/workflow/preview/{notice.pk}/{other_task.pk}/")
    assert response.status_code == 404 and other_task.name not in response.content.decode()
