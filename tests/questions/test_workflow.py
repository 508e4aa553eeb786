"""The question's life in the commune: states, who may move it, deadlines in working days, e-mails."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import TestCase

from questions.models import Holiday, PersonalDataAccess, Question, QuestionContact, QuestionEvent
from questions.redaction import find_personal_data, initials, redact
from questions.services import TransitionError, erase_expired_personal_data, question_transition, question_update
from questions.workdays import add_working_days
from tests.questions.conftest import publish, submit

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_question_moves_received_accepted_answered_published_and_every_step_is_logged(district, mailoutbox):
    question = submit(district.a.home)
    question_transition(user=district.editor_a, question=question, name="accept")
    question = question_update(user=district.editor_a, question=question, changes=dict(answer="Trả lời: mang theo sổ hộ khẩu.", department="Địa chính"))
    question_transition(user=district.editor_a, question=question, name="answer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        question = question_transition(user=district.approver_a, question=question, name="publish")

    events = list(QuestionEvent.objects.filter(question=question).values_list("from_state", "to_state", "actor__username"))
    assert question.state == "published" and question.published_at is not None
    assert ("received", "accepted", "bientap_dakla") in events
    assert ("accepted", "answered", "bientap_dakla") in events
    assert ("answered", "published", "duyet_dakla") in events
    assert mailoutbox[-1].to == ["an@example.vn"] and "mang theo sổ hộ khẩu" in mailoutbox[-1].body


def test_an_editor_answers_but_only_an_approver_publishes(district):
    question = submit(district.a.home)
    question_update(user=district.editor_a, question=question, changes=dict(answer="Câu trả lời dự thảo."))
    question_transition(user=district.editor_a, question=question, name="answer")

    with pytest.raises(PermissionDenied):
        question_transition(user=district.editor_a, question=question, name="publish")
    assert question_transition(user=district.approver_a, question=question, name="publish").state == "published"


def test_commune_b_staff_cannot_move_or_edit_commune_a_questions(district):
    question = submit(district.a.home)

    for user in (district.editor_b, district.approver_b):
        with pytest.raises(PermissionDenied):
            question_transition(user=user, question=question, name="accept")
        with pytest.raises(PermissionDenied):
            question_update(user=user, question=question, changes=dict(title="Sửa trái phép tiêu đề"))
    assert Question.objects.get(pk=question.pk).state == "received"


def test_the_district_administrator_may_publish_in_any_commune(district):
    question = submit(district.b.home)
    question_update(user=district.district_admin, question=question, changes=dict(answer="Trả lời của huyện."))
    question_transition(user=district.district_admin, question=question, name="answer")

    assert question_transition(user=district.district_admin, question=question, name="publish").state == "published"


def test_rejecting_and_hiding_need_a_reason_and_hiding_unpublishes(district):
    rejected = submit(district.a.home)
    with pytest.raises(TransitionError, match="lý do"):
        question_transition(user=district.approver_a, question=rejected, name="reject")
    rejected = question_transition(user=district.approver_a, question=rejected, name="reject", reason="Nội dung không thuộc thẩm quyền của xã.")
    published = publish(submit(district.a.home), district.approver_a)
    hidden = question_transition(user=district.approver_a, question=published, name="hide", reason="Người gửi đề nghị gỡ.")

    assert rejected.state == "rejected" and rejected.state_reason.startswith("Nội dung không")
    assert hidden.state == "hidden"
    assert not Question.objects.published().filter(pk=hidden.pk).exists()
    assert QuestionEvent.objects.filter(question=hidden, to_state="hidden", note="Người gửi đề nghị gỡ.").exists()


def test_a_transition_from_the_wrong_state_is_refused_in_vietnamese(district):
    question = submit(district.a.home)

    with pytest.raises(TransitionError, match="Không thể"):
        question_transition(user=district.approver_a, question=question, name="publish")


def test_publishing_is_blocked_while_the_public_text_still_shows_personal_data(district):
    question = submit(district.a.home)
    question_update(user=district.editor_a, question=question, changes=dict(public_text="Gọi tôi số 0905123456 nhé.", answer="Đã trả lời."))
    question_transition(user=district.editor_a, question=question, name="answer")

    with pytest.raises(TransitionError, match="số điện thoại"):
        question_transition(user=district.approver_a, question=question, name="publish")


def test_personal_data_is_found_masked_and_initials_are_made():
    text = "Email a.b@example.vn, ĐT +84 912 345 678, CCCD 062123456789, CMND 123456789, năm 2025."

    kinds = [kind for _, _, kind, _ in find_personal_data(text)]
    assert kinds == ["email", "phone", "id", "id"]
    assert redact(text) == "Email [đã ẩn], ĐT [đã ẩn], CCCD [đã ẩn], CMND [đã ẩn], năm 2025."
    assert initials("  nguyễn   văn  an ") == "N.V.A."
    assert initials("123") == "Ẩn danh"


def test_deadlines_skip_weekends_and_national_holidays(db):
    # Received Friday 25/4/2025: 26/4 is a make-up Saturday (a seeded row); 30/4–2/5 are days off (the package's
    # public holidays, which the seeded rows repeat).
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    assert add_working_days(date(2025, 4, 25), 3) == date(2025, 4, 29)
    assert add_working_days(date(2025, 4, 25), 4) == date(2025, 5, 5)
    # Tết Bính Ngọ 2026: 16–20/2 off (package and seeded rows alike, counted once); ten working days from
    # Friday 13/2 end on Friday 6/3.
    assert add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 6)


def test_a_communes_own_holiday_moves_only_its_own_deadlines(district):
    Holiday.objects.create(date=date(2025, 6, 2), name="Lễ hội truyền thống", commune=district.a.home)

    assert add_working_days(date(2025, 5, 30), 1, district.a.home) == date(2025, 6, 3)
    assert add_working_days(date(2025, 5, 30), 1, district.b.home) == date(2025, 6, 2)


def test_the_deadline_is_stored_and_overdue_questions_are_flagged(district):
    old = submit(district.a.home, now=datetime(2025, 3, 3, 9, tzinfo=HCM))
    answered = publish(submit(district.a.home, now=datetime(2025, 3, 3, 9, tzinfo=HCM)), district.approver_a)

    assert old.deadline == date(2025, 3, 17)
    assert old.is_overdue and not answered.is_overdue
    assert list(Question.objects.overdue()) == [old]


def test_the_retention_command_erases_contact_data_of_long_closed_questions(district, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.questions.conftest import png_bytes

    old = publish(submit(district.a.home, attachment=SimpleUploadedFile("a.png", png_bytes()), attachment_extension="png"),
                  district.approver_a)
    Question.objects.filter(pk=old.pk).update(closed_at=datetime(2024, 1, 1, tzinfo=HCM))
    recent = publish(submit(district.a.home), district.approver_a)
    still_open = submit(district.a.home)
    stored = Question.objects.get(pk=old.pk).attachment.path

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("questions_erase_personal_data", "--days", "365", stdout=open(tmp_path / "out.txt", "w"))

    erased = QuestionContact.objects.get(question=old)
    assert erased.erased_at and erased.email == "" and erased.name == "" and erased.ip_address is None
    assert Question.objects.get(pk=old.pk).original_text == "" and not Question.objects.get(pk=old.pk).attachment
    assert not (tmp_path / stored).exists()
    assert QuestionContact.objects.get(question=recent).email == "an@example.vn"
    assert QuestionContact.objects.get(question=still_open).email == "an@example.vn"
    assert PersonalDataAccess.objects.filter(question=old, action="retention", user=None).exists()
    assert Question.objects.published().filter(pk=old.pk).exists()  # the public record stays
    assert erase_expired_personal_data(days=365, dry_run=True) == 0
