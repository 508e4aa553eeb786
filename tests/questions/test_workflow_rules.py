"""Rules of the Q&A services: keyword-only, typed signatures, the field allowlist, who may reject or hide,
and what the log says when one official answers and approves alone."""

import inspect

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from provisioning.services import roles_sync
from questions import services
from questions.models import Question, QuestionEvent
from questions.services import SELF_APPROVED_NOTE, UneditableField, question_transition, question_update
from tests.conftest import client_for
from tests.questions.conftest import publish, submit

pytestmark = pytest.mark.django_db


def public_services():
    return [
        (name, function) for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    ]


def test_every_public_service_takes_keyword_arguments_only_and_is_annotated():
    loose, untyped = [], []
    for name, function in public_services():
        signature = inspect.signature(function)
        for parameter in signature.parameters.values():
            if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD, parameter.VAR_POSITIONAL):
                loose.append(f"{name}({parameter.name})")
            if parameter.annotation is inspect.Parameter.empty and parameter.kind != parameter.VAR_KEYWORD:
                untyped.append(f"{name}({parameter.name})")
        if signature.return_annotation is inspect.Signature.empty:
            untyped.append(f"{name} -> ?")

    assert len(public_services()) > 10
    assert loose == [] and untyped == []


@pytest.mark.parametrize("changes", [
    {"state": "published"},
    {"tracking_code": "HD-AAAAA-BBBBB"},
    {"original_text": "Viết lại nội dung gốc của người gửi"},
    {"title": "Tiêu đề mới hợp lệ", "closed_at": None},
])
def test_question_update_refuses_fields_outside_its_allowlist(district, changes):
    question = submit(district.a.home)

    with pytest.raises(UneditableField):
        question_update(user=district.approver_a, question=question, changes=changes)

    stored = Question.objects.get(pk=question.pk)
    assert (stored.state, stored.tracking_code, stored.title) == (question.state, question.tracking_code, question.title)
    assert stored.original_text == question.original_text


def test_question_update_writes_the_allowed_fields(district):
    question = submit(district.a.home)

    question_update(user=district.editor_a, question=question, changes={"department": "Địa chính", "answer": "Dự thảo."})

    stored = Question.objects.get(pk=question.pk)
    assert (stored.department, stored.answer) == ("Địa chính", "Dự thảo.")


# ------------------------------------------------------------------------------- rejecting and hiding


@pytest.mark.parametrize("name", ["reject", "hide"])
def test_it_refuses_an_editor_alone_rejecting_or_hiding_a_citizens_question(district, name):
    question = submit(district.a.home)

    with pytest.raises(PermissionDenied):
        question_transition(user=district.editor_a, question=question, name=name, reason="Không thuộc thẩm quyền.")

    assert Question.objects.get(pk=question.pk).state == "received"


def test_the_editor_is_not_offered_the_reject_button_and_a_forged_post_changes_nothing(district):
    question = submit(district.a.home)
    url = reverse("questions_question:edit", args=[question.pk])
    editor = client_for(district.editor_a)

    screen = editor.get(url).content.decode()
    forged = editor.post(url, {
        "title": question.title, "public_text": question.public_text, "kind": question.kind, "field": question.field,
        "assignee": "", "department": "", "answer": "", "reason": "Không thuộc thẩm quyền.", "version": question.version,
        "action": "reject",
    })

    assert 'value="reject"' not in screen and 'value="accept"' in screen
    assert forged.status_code == 200 and "Bạn không có quyền" in forged.content.decode()
    assert Question.objects.get(pk=question.pk).state == "received"


def test_an_approver_rejects_with_a_reason_the_citizen_reads_on_the_lookup_page(district, a_client):
    question = submit(district.a.home)
    question_transition(user=district.approver_a, question=question, name="reject",
                        reason="Nội dung thuộc thẩm quyền của Văn phòng đăng ký đất đai huyện.")

    html = a_client.post("/hoi-dap/tra-cuu/", {"code": question.tracking_code}).content.decode()

    assert "Không tiếp nhận" in html and "Văn phòng đăng ký đất đai huyện" in html


def test_a_hidden_question_shows_the_citizen_why(district, a_client):
    question = publish(submit(district.a.home), district.approver_a, editor=district.editor_a)
    question_transition(user=district.approver_a, question=question, name="hide",
                        reason="Người gửi đề nghị gỡ câu hỏi khỏi trang.")

    html = a_client.post("/hoi-dap/tra-cuu/", {"code": question.tracking_code}).content.decode()

    assert "Đã đóng" in html and "Người gửi đề nghị gỡ câu hỏi khỏi trang." in html


def test_existing_approver_groups_get_the_reject_permission_from_roles_sync(district):
    permission = Permission.objects.get(content_type__app_label="questions", codename="reject_question")
    district.a.approvers.permissions.remove(permission)

    assert roles_sync() >= 1

    assert district.a.approvers.permissions.filter(pk=permission.pk).exists()
    assert not district.a.editors.permissions.filter(pk=permission.pk).exists()


# ------------------------------------------------------------------------------------- self-approval


def test_an_approver_publishing_their_own_answer_is_allowed_and_marked_in_the_history(district):
    question = submit(district.a.home)
    question_update(user=district.approver_a, question=question, changes={"answer": "Trả lời của chính người duyệt."})
    question_transition(user=district.approver_a, question=question, name="answer")

    published = question_transition(user=district.approver_a, question=question, name="publish")

    assert published.state == "published"
    event = QuestionEvent.objects.get(question=question, to_state="published")
    assert event.note == SELF_APPROVED_NOTE
    html = client_for(district.approver_a).get(reverse("questions_question:edit", args=[question.pk])).content.decode()
    assert "Tự duyệt" in html


def test_publishing_an_editors_answer_is_not_marked_as_self_approved(district):
    question = publish(submit(district.a.home), district.approver_a, editor=district.editor_a)

    assert question.state == "published"
    assert QuestionEvent.objects.get(question=question, to_state="published").note == ""


def test_an_approver_who_rewrites_a_submitted_answer_and_publishes_it_is_marked_too(district):
    question = submit(district.a.home)
    question_update(user=district.editor_a, question=question, changes={"answer": "Bản dự thảo của cán bộ."})
    question_transition(user=district.editor_a, question=question, name="answer")
    question_update(user=district.approver_a, question=question, changes={"answer": "Bản người duyệt viết lại."})

    question_transition(user=district.approver_a, question=question, name="publish")

    assert QuestionEvent.objects.get(question=question, to_state="published").note == SELF_APPROVED_NOTE
