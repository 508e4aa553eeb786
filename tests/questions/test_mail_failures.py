"""Nothing is lost when mail fails: every e-mail is recorded with the change that calls for it, sent after
commit by a background task, retried, shown to staff when it fails, and a private answer still reaches
the citizen on the lookup page.

The mail server is real: an SMTP server on 127.0.0.1 (aiosmtpd) that refuses every recipient with 554, or
that accepts and keeps what it receives; or no server at all (port 1, connection refused).
"""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import TestCase
from django.urls import reverse

from questions.models import NotificationState, Question, QuestionNotification
from questions.notifications import MAX_ATTEMPTS, RETRY_DELAYS, send_question_notification
from questions.services import erase_personal_data, question_transition, question_update
from tests.conftest import client_for
from tests.questions.conftest import form_data, submit

pytestmark = pytest.mark.django_db
LIST = "/quan-tri/hoi-dap/cau-hoi/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Refusing:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "554 5.7.1 Relay access denied"


class Keeping:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


def smtp_settings(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(settings):
    """Start a real SMTP server with the given handler and point Django's SMTP backend at it."""
    started = []

    def start(handler):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        smtp_settings(settings, controller.port)
        return handler

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def no_mail_server(settings):
    smtp_settings(settings, 1)  # EMAIL_HOST=127.0.0.1 EMAIL_PORT=1: connection refused


def private_question(district):
    question = submit(district.a.home, private=True, title="Hỏi riêng về hồ sơ đất của gia đình")
    question_update(user=district.editor_a, question=question, changes={"answer": "Hồ sơ của ông đã được chuyển lên huyện."})
    question_transition(user=district.editor_a, question=question, name="answer")
    return question


def publish(question, approver):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return question_transition(user=approver, question=question, name="publish")


def test_a_private_answer_is_recorded_as_failed_when_the_mail_server_refuses(district, smtp_server):
    smtp_server(Refusing())
    question = private_question(district)

    question = publish(question, district.approver_a)

    assert Question.objects.get(pk=question.pk).state == "answered_privately"
    mail = QuestionNotification.objects.get(question=question, kind="answer")
    assert mail.state == NotificationState.FAILED and mail.attempts == 1
    assert "554" in mail.last_error and "an@example.vn" not in mail.last_error
    assert mail.recipients == "an@example.vn" and mail.subject == f"Trả lời câu hỏi {question.tracking_code}"


def test_the_staff_alert_about_a_new_question_is_recorded_when_no_mail_server_answers(district, no_mail_server, a_client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = a_client.post("/hoi-dap/gui-cau-hoi/", form_data())

    assert response.status_code == 302
    question = Question.objects.get()
    alert = QuestionNotification.objects.get(question=question)
    assert alert.kind == "new_question" and alert.state == NotificationState.FAILED
    assert "ConnectionRefusedError" in alert.last_error
    assert set(alert.recipient_list) >= {district.editor_a.email, district.approver_a.email} - {""}


def test_the_record_commits_with_the_state_and_the_mail_leaves_only_after_commit(district, mailoutbox):
    question = private_question(district)
    mailoutbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        question_transition(user=district.approver_a, question=question, name="publish")
        assert QuestionNotification.objects.get(question=question, kind="answer").state == NotificationState.QUEUED
        assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert QuestionNotification.objects.get(question=question, kind="answer").state == NotificationState.SENT
    assert mailoutbox[-1].to == ["an@example.vn"] and "chuyển lên huyện" in mailoutbox[-1].body


def test_a_refused_transition_records_no_mail(district):
    question = submit(district.a.home)
    question_update(user=district.editor_a, question=question,
                    changes={"public_text": "Gọi tôi số 0905123456.", "answer": "Đã trả lời."})
    question_transition(user=district.editor_a, question=question, name="answer")

    with pytest.raises(Exception, match="số điện thoại"):
        publish(question, district.approver_a)

    assert not QuestionNotification.objects.filter(question=question, kind="answer").exists()
    assert Question.objects.get(pk=question.pk).state == "answered"


def test_a_failed_send_is_retried_later_by_a_backend_that_can_defer(district, settings, no_mail_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    question = private_question(district)
    publish(question, district.approver_a)
    mail = QuestionNotification.objects.get(question=question, kind="answer")
    backend = send_question_notification.get_backend()
    assert [result.args for result in backend.results][-1] == [mail.pk]

    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker runs outside any transaction
        outcomes = [send_question_notification.call(mail.pk) for _ in range(MAX_ATTEMPTS)]

    assert outcomes == ["queued"] * (MAX_ATTEMPTS - 1) + ["failed"]
    mail.refresh_from_db()
    assert mail.attempts == MAX_ATTEMPTS and mail.state == NotificationState.FAILED
    retries = [r for r in backend.results if r.args == [mail.pk] and r.task.run_after is not None]
    assert len(retries) == MAX_ATTEMPTS - 1
    first_delay = (retries[0].task.run_after - mail.created_at).total_seconds()
    assert RETRY_DELAYS[0] - 5 <= first_delay <= RETRY_DELAYS[0] + 60


def test_staff_see_the_failure_filter_it_and_retry_once_mail_works(district, smtp_server):
    fine = submit(district.a.home, title="Câu hỏi không có thư lỗi nào")  # its staff alert leaves (locmem)
    smtp_server(Refusing())
    failed = publish(private_question(district), district.approver_a)
    approver = client_for(district.approver_a)

    screen = approver.get(reverse("questions_question:edit", args=[failed.pk])).content.decode()
    listing = approver.get(LIST, {"mail_failed": "true"}).content.decode()
    kept = smtp_server(Keeping())
    mail = QuestionNotification.objects.get(question=failed, kind="answer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        retried = approver.post(reverse("questions_question:notification_retry", args=[failed.pk, mail.pk]))

    assert "Gửi lỗi" in screen and "554" in screen and "Gửi lại" in screen
    assert "an@example.vn" not in screen
    assert failed.title in listing and fine.title not in listing
    assert retried.status_code == 302
    mail.refresh_from_db()
    assert mail.state == NotificationState.SENT and mail.attempts == 2 and mail.last_error == ""
    assert kept.messages and kept.messages[0][0] == ["an@example.vn"]


def test_another_communes_staff_can_neither_see_nor_retry_the_mail(district, no_mail_server):
    failed = publish(private_question(district), district.approver_a)
    mail = QuestionNotification.objects.get(question=failed, kind="answer")

    listing = client_for(district.approver_b).get(LIST, {"mail_failed": "true"}).content.decode()
    retried = client_for(district.approver_b).post(
        reverse("questions_question:notification_retry", args=[failed.pk, mail.pk])
    )

    assert failed.title not in listing
    assert retried.status_code == 404
    assert not QuestionNotification.objects.for_user(district.approver_b).exists()
    assert QuestionNotification.objects.for_user(district.approver_a).filter(pk=mail.pk).exists()
    mail.refresh_from_db()
    assert mail.state == NotificationState.FAILED and mail.attempts == 1


def test_the_citizen_reads_the_private_answer_on_the_lookup_page_with_code_and_email_or_phone(
    district, no_mail_server, a_client,
):
    question = publish(private_question(district), district.approver_a)
    assert QuestionNotification.objects.get(question=question, kind="answer").state == NotificationState.FAILED
    url = "/hoi-dap/tra-cuu/"

    code_only = a_client.post(url, {"code": question.tracking_code}).content.decode()
    wrong = a_client.post(url, {"code": question.tracking_code, "proof": "ai-do@example.vn"}).content.decode()
    by_email = a_client.post(url, {"code": question.tracking_code, "proof": "AN@example.vn "})
    by_phone = a_client.post(url, {"code": question.tracking_code, "proof": "+84 912 345 678"}).content.decode()

    answer = "Hồ sơ của ông đã được chuyển lên huyện."
    assert "Đã trả lời riêng" in code_only and answer not in code_only
    assert answer not in wrong and "không khớp" in wrong
    assert answer in by_email.content.decode() and by_email["Cache-Control"] == "private, no-store"
    assert answer in by_phone


def test_erasing_personal_data_blanks_the_recipients_and_a_queued_mail_then_fails_without_sending(
    district, settings, mailoutbox,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    question = publish(private_question(district), district.approver_a)
    mail = QuestionNotification.objects.get(question=question, kind="answer")

    erase_personal_data(question=question)
    outcome = send_question_notification.call(mail.pk)

    mail.refresh_from_db()
    assert QuestionNotification.objects.filter(question=question).exclude(recipients="").count() == 0
    assert outcome == "failed" and "đã được xóa" in mail.last_error
    assert not any("an@example.vn" in message.to for message in mailoutbox)
