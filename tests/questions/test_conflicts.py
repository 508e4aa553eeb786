"""Two officials open the same question: the second one's stale form never silently undoes the first one's work."""

import re
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from questions.models import Question
from questions.services import EditConflict, question_transition, question_update
from tests.conftest import client_for
from tests.questions.conftest import submit

pytestmark = pytest.mark.django_db


def edit_url(question):
    return reverse("questions_question:edit", args=[question.pk])


def opened(client, question):
    """What the process screen's form holds when an official opens it: every field, and its hidden version."""
    html = client.get(edit_url(question)).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html)
    assert version, "the process form carries the question's version"
    return {
        "title": question.title, "public_text": question.public_text, "kind": question.kind, "field": question.field,
        "assignee": "", "department": question.department, "answer": question.answer, "reason": "",
        "version": version.group(1),
    }


def test_a_stale_save_is_refused_and_both_versions_are_shown(district):
    question = submit(district.a.home)
    first, second = client_for(district.approver_a), client_for(district.editor_a)
    first_form, second_form = opened(first, question), opened(second, question)

    saved = first.post(edit_url(question), {
        **first_form, "answer": "Ông/bà nộp hồ sơ tại bộ phận một cửa.", "department": "Địa chính", "action": "save",
    })
    stale = second.post(edit_url(question), {**second_form, "department": "Văn phòng - Thống kê", "action": "save"})

    assert saved.status_code == 302
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "CHƯA được lưu" in html and "Nguyễn" not in html
    assert "Đang lưu (của người khác)" in html and "Của bạn (chưa lưu)" in html
    assert "Địa chính" in html and "Văn phòng - Thống kê" in html
    assert "Ông/bà nộp hồ sơ tại bộ phận một cửa." in html
    stored = Question.objects.get(pk=question.pk)
    assert (stored.answer, stored.department) == ("Ông/bà nộp hồ sơ tại bộ phận một cửa.", "Địa chính")


def test_saving_again_from_the_conflict_screen_is_a_deliberate_overwrite(district):
    question = submit(district.a.home)
    first, second = client_for(district.approver_a), client_for(district.editor_a)
    first_form, second_form = opened(first, question), opened(second, question)
    first.post(edit_url(question), {**first_form, "department": "Địa chính", "action": "save"})

    stale = second.post(edit_url(question), {**second_form, "department": "Văn phòng - Thống kê", "action": "save"})
    version = re.search(r'name="version" value="(\d+)"', stale.content.decode()).group(1)
    again = second.post(edit_url(question), {**second_form, "department": "Văn phòng - Thống kê", "action": "save",
                                             "version": version})

    assert stale.status_code == 409 and again.status_code == 302
    assert Question.objects.get(pk=question.pk).department == "Văn phòng - Thống kê"


def test_a_transition_from_a_stale_screen_is_refused(district):
    question = submit(district.a.home)
    Question.objects.filter(pk=question.pk).update(answer="Bản trả lời đầu tiên.")
    question.refresh_from_db()
    approver, editor = client_for(district.approver_a), client_for(district.editor_a)
    approver_form = opened(approver, question)
    editor_form = opened(editor, question)

    editor.post(edit_url(question), {**editor_form, "answer": "Bản trả lời đã sửa, chưa ai duyệt.", "action": "answer"})
    published = approver.post(edit_url(question), {**approver_form, "action": "publish"})

    assert published.status_code == 409
    stored = Question.objects.get(pk=question.pk)
    assert stored.state == "answered" and stored.answer == "Bản trả lời đã sửa, chưa ai duyệt."


def test_a_form_without_its_version_is_refused(district):
    question = submit(district.a.home)
    form = opened(client_for(district.editor_a), question)
    del form["version"]

    response = client_for(district.editor_a).post(edit_url(question), {**form, "department": "Địa chính", "action": "save"})

    assert response.status_code == 200 and "tải lại trang" in response.content.decode()
    assert Question.objects.get(pk=question.pk).department == ""


def test_the_services_refuse_a_stale_version_and_name_the_current_one(district):
    question = submit(district.a.home)
    assert question.version == 1
    question = question_update(user=district.editor_a, question=question, changes={"department": "Địa chính"}, version=1)

    with pytest.raises(EditConflict) as conflict:
        question_update(user=district.editor_a, question=question, changes={"department": "Văn phòng"}, version=1)
    with pytest.raises(EditConflict):
        question_transition(user=district.editor_a, question=question, name="accept", version=1)

    assert conflict.value.current.department == "Địa chính" and conflict.value.current.version == 2
    assert question_transition(user=district.editor_a, question=question, name="accept", version=2).version == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers: run with DATABASE_URL=postgres://…")
def test_two_saves_of_the_same_version_at_once_let_exactly_one_through(district):
    question = submit(district.a.home)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(department):
        try:
            barrier.wait()
            question_update(user=district.editor_a, question=question, changes={"department": department}, version=1)
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in ("Địa chính", "Văn phòng")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "saved"]
    assert Question.objects.get(pk=question.pk).version == 2
