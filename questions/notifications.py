"""E-mails about questions: recorded with the change that calls for them, sent after commit by a
background task, retried, and left visibly failed when the mail server keeps refusing.

Recording (`notification_queue`) happens inside the caller's transaction, so a question's new state and
the e-mail owed for it commit together or not at all; the task is enqueued only once that commit is
done (`transaction.on_commit`), so a worker never looks for a row that is not there yet. Sending
(`notification_send`) runs in the worker (`manage.py db_worker`), never in a citizen's or an official's
request. Each round makes up to `MAX_ATTEMPTS` attempts, spaced by `RETRY_DELAYS`, when the task backend
can defer (the database backend can); then the e-mail is "failed", shown to staff on the question's
screen and in the listing filter "Gửi thư lỗi", where "Gửi lại" starts a new round.

This lives in the questions app rather than a `notifications/` app of its own: every e-mail here is about
a question, its tenancy is the question's commune, its body is built from the question and its recipient
is erased with the question's contact data; a separate feature app could not import questions (features
never import each other) and would need a generic key that the tenancy layer cannot scope.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from questions.models import (
    NotificationKind,
    NotificationState,
    Question,
    QuestionContact,
    QuestionIndexPage,
    QuestionNotification,
    QuestionState,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # per round; after a failed round an official's "Gửi lại" starts another
RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60)  # seconds before the 2nd, 3rd, 4th and 5th attempt
ERROR_MAX = 1000


def admin_url(*, question: Question) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("questions_question:edit", args=[question.pk])


def _public_url(question: Question) -> str:
    page = QuestionIndexPage.objects.live().child_of(question.commune).first()
    base = page.get_full_url() if page is not None else None
    return base + page.reverse_subpage("detail", args=[question.pk]) if base else ""


def notification_message(*, notification: QuestionNotification) -> str:
    """The body, built from the question as it is now (the body is never stored)."""
    question = notification.question
    if notification.kind == NotificationKind.NEW_QUESTION:
        # No personal data of the sender: staff open the audited admin to see it.
        return (
            f"{question.commune.title} vừa nhận một {question.get_kind_display().lower()} mới qua trang thông tin "
            f"điện tử.\n\n"
            f"Mã tra cứu: {question.tracking_code}\n"
            f"Lĩnh vực: {question.get_field_display()}\n"
            f"Tiêu đề: {question.title}\n"
            f"Hạn trả lời: {question.deadline:%d/%m/%Y}\n\n"
            f"Xử lý tại: {admin_url(question=question)}\n"
        )
    contact = QuestionContact.objects.filter(question=question).first()
    greeting = f"Kính gửi {contact.name}," if contact and contact.name else "Kính gửi ông/bà,"
    if question.state == QuestionState.PUBLISHED and not question.private:
        return (
            f"{greeting}\n\n{question.commune.agency_name} đã trả lời câu hỏi "
            f"“{question.title}” (mã {question.tracking_code}) của bạn.\n\n"
            f"Câu trả lời:\n{question.answer}\n\nXem trên trang thông tin: {_public_url(question)}\n"
        )
    return (
        f"{greeting}\n\n{question.commune.agency_name} trả lời riêng câu hỏi "
        f"“{question.original_title or question.title}” (mã {question.tracking_code}) của bạn. "
        f"Câu hỏi và câu trả lời này không được công khai.\n\nCâu trả lời:\n{question.answer}\n\n"
        f"Bạn cũng xem được câu trả lời này trên trang tra cứu của {question.commune.title}, với mã tra cứu "
        f"và email hoặc số điện thoại đã ghi khi gửi.\n"
    )


def notification_queue(*, question: Question, kind: str, recipients: list[str], subject: str) -> QuestionNotification | None:
    """Record an e-mail in the caller's transaction; enqueue its sending once that transaction commits."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return None
    notification = QuestionNotification.objects.create(
        question=question, kind=kind, recipients=",".join(recipients), subject=subject[:255]
    )
    notification_enqueue(notification_id=notification.pk)
    return notification


def notification_enqueue(*, notification_id: int, delay: int | None = None) -> None:
    """Hand the e-mail to the task queue after the current transaction commits. A queue that cannot be
    reached is logged (robust), not raised: the row stays "queued" and staff can press "Gửi lại"."""

    def enqueue():
        if delay:
            send_question_notification.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(notification_id)
        else:
            send_question_notification.enqueue(notification_id)

    transaction.on_commit(enqueue, robust=True)


def _describe(error: BaseException, recipients: list[str]) -> str:
    """The error for staff, without the recipient's address (the citizen's e-mail is personal data)."""
    text = f"{type(error).__name__}: {error}"
    for address in recipients:
        text = text.replace(address, "[người nhận]")
    return text[:ERROR_MAX]


def notification_send(*, notification_id: int) -> str:
    """Send one recorded e-mail (the worker's job). Returns the notification's state afterwards."""
    notification = QuestionNotification.objects.select_related("question__commune").filter(pk=notification_id).first()
    if notification is None:
        return "missing"
    if notification.state != NotificationState.QUEUED:
        return notification.state  # sent already, or failed and waiting for an official's "Gửi lại"
    rows = QuestionNotification.objects.filter(pk=notification.pk)
    recipients = notification.recipient_list
    attempt = notification.attempts + 1
    try:
        if not recipients:
            raise ValueError("Không còn địa chỉ người nhận (dữ liệu cá nhân đã được xóa).")
        EmailMessage(notification.subject, notification_message(notification=notification), None, recipients).send(
            fail_silently=False
        )
    except Exception as error:  # noqa: BLE001 - any failure of a send is recorded and shown, never lost
        retry = bool(recipients) and attempt % MAX_ATTEMPTS != 0 and send_question_notification.get_backend().supports_defer
        described = _describe(error, recipients)
        rows.update(
            attempts=F("attempts") + 1, last_error=described, updated_at=timezone.now(),
            state=NotificationState.QUEUED if retry else NotificationState.FAILED,
        )
        logger.warning(
            "E-mail %s about question %s failed (attempt %s%s): %s", notification.pk, notification.question.tracking_code,
            attempt, ", will retry" if retry else "", described,
        )
        if retry:
            notification_enqueue(notification_id=notification.pk,
                                 delay=RETRY_DELAYS[(attempt - 1) % MAX_ATTEMPTS % len(RETRY_DELAYS)])
            return NotificationState.QUEUED
        return NotificationState.FAILED
    now = timezone.now()
    rows.update(attempts=F("attempts") + 1, state=NotificationState.SENT, sent_at=now, updated_at=now, last_error="")
    return NotificationState.SENT


@task()
def send_question_notification(notification_id: int) -> str:
    return notification_send(notification_id=notification_id)
