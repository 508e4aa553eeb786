"""The "Hỏi đáp" admin: each commune's staff see and act on their own commune's questions only."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questions.models import Holiday, PersonalDataAccess, Question, QuestionContact
from tests.conftest import client_for
from tests.questions.conftest import png_bytes, submit

pytestmark = pytest.mark.django_db
LIST = "/quan-tri/hoi-dap/cau-hoi/"


def denied(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/quan-tri/")


def edit_url(question):
    return reverse("questions_question:edit", args=[question.pk])


def test_the_listing_shows_only_the_users_communes(district):
    a = submit(district.a.home, title="Câu hỏi thuộc xã Đắk La")
    b = submit(district.b.home, title="Câu hỏi thuộc xã Hà Mòn")

    editor_a = client_for(district.editor_a).get(LIST).content.decode()
    approver_b = client_for(district.approver_b).get(LIST).content.decode()
    district_admin = client_for(district.district_admin).get(LIST).content.decode()

    assert a.title in editor_a and b.title not in editor_a
    assert b.title in approver_b and a.title not in approver_b
    assert a.title in district_admin and b.title in district_admin


def test_searching_the_listing_never_reaches_another_commune(district):
    submit(district.a.home, title="Đất nông nghiệp xã Đắk La")
    b = submit(district.b.home, title="Đất nông nghiệp xã Hà Mòn")

    html = client_for(district.editor_a).get(LIST, {"q": "nông nghiệp"}).content.decode()
    by_code = client_for(district.editor_a).get(LIST, {"q": b.tracking_code}).content.decode()

    assert "xã Đắk La" in html and "Đất nông nghiệp xã Hà Mòn" not in html
    assert b.title not in by_code


def test_the_listing_filters_by_state_field_kind_and_overdue(district):
    overdue = submit(district.a.home, title="Câu hỏi đã quá hạn trả lời")
    Question.objects.filter(pk=overdue.pk).update(deadline=date(2025, 1, 2))
    fresh = submit(district.a.home, title="Câu hỏi mới gửi hôm nay", field="y-te")
    c = client_for(district.editor_a)

    only_overdue = c.get(LIST, {"overdue": "true"}).content.decode()
    only_health = c.get(LIST, {"field": "y-te"}).content.decode()
    only_published = c.get(LIST, {"state": "published"}).content.decode()

    assert overdue.title in only_overdue and fresh.title not in only_overdue
    assert "Quá hạn" in only_overdue
    assert fresh.title in only_health and overdue.title not in only_health
    assert fresh.title not in only_published


def test_the_commune_filter_offers_only_the_users_communes(district):
    html = client_for(district.editor_a).get(LIST).content.decode()

    assert "Xã Hà Mòn" not in html


@pytest.mark.parametrize("view", ["edit", "contact", "attachment"])
def test_commune_b_staff_get_404_for_every_commune_a_question_screen(district, view):
    question = submit(district.a.home, attachment=SimpleUploadedFile("a.png", png_bytes()), attachment_extension="png")
    url = reverse(f"questions_question:{view}", args=[question.pk])

    for user in (district.editor_b, district.approver_b):
        assert client_for(user).get(url).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_commune_b_staff_cannot_answer_or_publish_commune_a_questions_by_post(district):
    question = submit(district.a.home)
    before = Question.objects.get(pk=question.pk)

    for user, action in ((district.editor_b, "answer"), (district.approver_b, "publish"), (district.approver_b, "save")):
        response = client_for(user).post(edit_url(question), {
            "title": "Bị sửa", "public_text": "Bị sửa", "kind": "hoi-dap", "field": "khac", "answer": "Trả lời giả",
            "action": action,
        })
        assert response.status_code == 404
    after = Question.objects.get(pk=question.pk)
    assert (after.title, after.answer, after.state) == (before.title, before.answer, before.state)


def test_an_official_answers_and_an_approver_publishes_through_the_admin(district, mailoutbox, django_capture_on_commit_callbacks):
    question = submit(district.a.home)
    form = {"title": question.title, "public_text": question.public_text, "kind": question.kind, "field": question.field,
            "assignee": district.editor_a.pk, "department": "Văn phòng", "answer": "Câu trả lời của xã.", "reason": ""}

    def post(user, action):
        # Each screen is opened at the question's current version (the hidden field of the form).
        version = Question.objects.get(pk=question.pk).version
        return client_for(user).post(edit_url(question), {**form, "action": action, "version": version})

    accepted = post(district.editor_a, "accept")
    answered = post(district.editor_a, "answer")
    editor_publish = post(district.editor_a, "publish")
    with django_capture_on_commit_callbacks(execute=True):
        published = post(district.approver_a, "publish")

    assert accepted.status_code == answered.status_code == published.status_code == 302
    assert editor_publish.status_code == 200 and "Bạn không có quyền" in editor_publish.content.decode()
    question.refresh_from_db()
    assert question.state == "published" and question.assignee == district.editor_a
    assert mailoutbox[-1].to == ["an@example.vn"]


def test_the_process_screen_highlights_personal_data_and_renders_payloads_inert(district):
    question = submit(district.a.home, title='<script>alert("t")</script> tiêu đề',
                      text="Số của tôi 0912345678 <img src=x onerror=alert(1)>")
    Question.objects.filter(pk=question.pk).update(public_text=question.original_text)

    html = client_for(district.editor_a).get(edit_url(question)).content.decode()

    assert '<mark class="pii" title="Có thể là số điện thoại">0912345678</mark>' in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "còn chứa: số điện thoại" in html


def test_the_listing_renders_payloads_inert(district):
    submit(district.a.home, title='<script>alert("t")</script> tiêu đề dài')

    html = client_for(district.editor_a).get(LIST).content.decode()

    assert '<script>alert("t")' not in html and "&lt;script&gt;" in html


def test_viewing_contact_data_needs_the_permission_and_is_audited(district):
    question = submit(district.a.home)
    url = reverse("questions_question:contact", args=[question.pk])

    assert denied(client_for(district.editor_a).get(url))
    html = client_for(district.approver_a).get(url).content.decode()

    assert "an@example.vn" in html and "0912345678" in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.question) == (district.approver_a, "view", question)


def test_attachments_are_served_only_through_the_audited_admin_view(district):
    question = submit(district.a.home, attachment=SimpleUploadedFile("a.png", png_bytes()), attachment_extension="png")

    response = client_for(district.approver_a).get(reverse("questions_question:attachment", args=[question.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert PersonalDataAccess.objects.filter(action="attachment", user=district.approver_a).count() == 1


def test_an_administrator_exports_and_erases_a_citizens_data_on_request(district):
    mine = submit(district.a.home, email="dan@example.vn")
    other = submit(district.b.home, email="dan@example.vn")
    admin = client_for(district.district_admin)
    url = reverse("questions_data_request")

    export = admin.post(url, {"query": "dan@example.vn", "action": "export"})
    payload = json.loads(export.content)
    erase = admin.post(url, {"query": "dan@example.vn", "action": "erase", "confirm": "1"})

    assert export["Content-Disposition"].startswith("attachment")
    assert {item["ma_tra_cuu"] for item in payload["cau_hoi"]} == {mine.tracking_code, other.tracking_code}
    assert erase.status_code == 302
    assert all(c.erased_at and c.email == "" for c in QuestionContact.objects.all())
    assert PersonalDataAccess.objects.filter(action="export").count() == 2
    assert PersonalDataAccess.objects.filter(action="erase").count() == 2


def test_commune_staff_cannot_export_or_erase(district):
    submit(district.a.home, email="dan@example.vn")
    url = reverse("questions_data_request")

    for user in (district.editor_a, district.approver_a, district.approver_b):
        assert denied(client_for(user).post(url, {"query": "dan@example.vn", "action": "export"}))
    assert QuestionContact.objects.get().email == "dan@example.vn"


def test_the_audit_log_shows_each_commune_only_its_own_entries(district):
    a = submit(district.a.home)
    b = submit(district.b.home)
    client_for(district.approver_a).get(reverse("questions_question:contact", args=[a.pk]))
    client_for(district.approver_b).get(reverse("questions_question:contact", args=[b.pk]))

    html = client_for(district.approver_a).get("/quan-tri/hoi-dap/nhat-ky-du-lieu/").content.decode()

    assert a.tracking_code in html and b.tracking_code not in html


def test_commune_staff_keep_their_own_holidays_and_cannot_touch_national_ones(district):
    national = Holiday.objects.get(date=date(2025, 9, 2), commune=None)
    theirs = Holiday.objects.create(date=date(2025, 6, 5), name="Lễ hội Hà Mòn", commune=district.b.home)
    c = client_for(district.editor_a)

    listing = c.get("/quan-tri/hoi-dap/ngay-nghi/").content.decode()
    created = c.post("/quan-tri/hoi-dap/ngay-nghi/new/", {"date": "2025-06-02", "name": "Lễ hội Đắk La",
                                                          "commune": district.a.home.pk})
    national_refused = c.post("/quan-tri/hoi-dap/ngay-nghi/new/", {"date": "2025-06-03", "name": "Ngày giả", "commune": ""})
    smuggled = c.post("/quan-tri/hoi-dap/ngay-nghi/new/", {"date": "2025-06-04", "name": "Ngày giả",
                                                          "commune": district.b.home.pk})

    assert "Quốc khánh" in listing and "Lễ hội Hà Mòn" not in listing
    assert created.status_code == 302 and Holiday.objects.filter(name="Lễ hội Đắk La", commune=district.a.home).exists()
    assert national_refused.status_code == 200 and smuggled.status_code == 200
    assert not Holiday.objects.filter(name="Ngày giả").exists()
    assert c.get(f"/quan-tri/hoi-dap/ngay-nghi/edit/{national.pk}/").status_code == 404
    assert c.get(f"/quan-tri/hoi-dap/ngay-nghi/edit/{theirs.pk}/").status_code == 404
    assert c.post(f"/quan-tri/hoi-dap/ngay-nghi/delete/{national.pk}/").status_code == 404
    assert Holiday.objects.filter(pk=national.pk).exists()


def test_portal_staff_maintain_national_holidays(district):
    c = client_for(district.district_admin)

    response = c.post("/quan-tri/hoi-dap/ngay-nghi/new/", {"date": "2026-11-24", "name": "Ngày Văn hóa Việt Nam", "commune": ""})

    assert response.status_code == 302
    assert Holiday.objects.filter(date=date(2026, 11, 24), commune=None).exists()


def test_the_admin_listing_has_bounded_queries(district, django_assert_max_num_queries):
    for n in range(15):
        submit(district.a.home, title=f"Câu hỏi số {n} cần trả lời")
    c = client_for(district.editor_a)
    c.get(LIST)

    with django_assert_max_num_queries(40):
        assert c.get(LIST).status_code == 200
