"""Multi-step Q&A business logic: submission, the state machine, notifications, personal data.

Views call these; they never change a question's state themselves, so every transition is
checked and logged in one place.
"""

import hmac
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from wagtail.search import index

from questions import ratelimit
from questions.models import (
    CLOSED_STATES,
    PRIVACY_NOTICE_VERSION,
    NotificationKind,
    NotificationState,
    PersonalDataAccess,
    PersonalDataAction,
    Question,
    QuestionContact,
    QuestionEvent,
    QuestionNotification,
    QuestionState,
    new_tracking_code,
    normalize_tracking_code,
)
from questions.notifications import notification_enqueue, notification_queue
from questions.redaction import find_personal_data, initials, redact
from questions.workdays import add_working_days, answer_working_days
from sites.tenancy import communes_for_user

logger = logging.getLogger(__name__)
S = QuestionState


class RateLimited(Exception):
    """Too many submissions from one address or one contact; the message is for the citizen."""


class TransitionError(Exception):
    """A transition that the question's state or the user's role does not allow."""


class EditConflict(Exception):
    """The question changed since the official's form was opened (its version moved on)."""

    def __init__(self, current: Question):
        super().__init__("Câu hỏi đã được người khác thay đổi trong lúc bạn đang sửa.")
        self.current = current


def _claim_version(question: Question, expected: int | None) -> None:
    """Move the question to its next version, atomically: `UPDATE … SET version = version + 1 WHERE
    version = expected`. No row updated means someone saved in between: EditConflict with what they saved."""
    rows = Question.objects.filter(pk=question.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F("version") + 1):
        raise EditConflict(Question.objects.select_related("commune", "assignee").get(pk=question.pk))
    question.version = Question.objects.filter(pk=question.pk).values_list("version", flat=True).get()


class UneditableField(ValueError):
    """`question_update` was asked to write a field outside `EDITABLE_FIELDS` (a programming error)."""


# What an official may edit on a question. State, dates, contact data, the original text and the
# tracking code change only through the transitions and personal-data services below.
EDITABLE_FIELDS = ("title", "public_text", "kind", "field", "assignee", "department", "answer")


# ----------------------------------------------------------------------------------------- submission


def check_submission_rate(*, ip: str | None, email: str = "", phone: str = "") -> None:
    """Count this attempt against the sender's address and contact; raise RateLimited past a limit."""
    ip = ip or "unknown"
    if not (ratelimit.hit("submit-ip-hour", ip) and ratelimit.hit("submit-ip-day", ip)):
        raise RateLimited(
            "Bạn đã gửi nhiều câu hỏi trong thời gian ngắn. Vui lòng thử lại sau ít phút; "
            "nội dung bạn đã nhập vẫn được giữ nguyên."
        )
    for contact in filter(None, [email, phone]):
        if not ratelimit.hit("submit-contact-day", ratelimit.contact_key(contact)):
            raise RateLimited(
                "Email hoặc số điện thoại này đã gửi nhiều câu hỏi trong hôm nay. Vui lòng thử lại vào ngày mai."
            )


def question_submit(*, commune: Any, name: str, title: str, text: str, kind: str, field: str, email: str = "",
                    phone: str = "", address: str = "", private: bool = False, attachment: File | None = None,
                    attachment_extension: str = "", ip: str | None = None, now: datetime | None = None) -> Question:
    """Store a citizen's question with its contact data and consent, then tell the commune's staff.

    The tracking code is random; on the (astronomically rare) collision the insert is retried.
    """
    now = now or timezone.now()
    deadline = add_working_days(timezone.localdate(now), answer_working_days(), commune)
    for attempt in range(5):
        try:
            with transaction.atomic():
                question = Question(
                    commune=commune,
                    tracking_code=new_tracking_code(),
                    kind=kind,
                    field=field,
                    title=redact(title)[:200],
                    public_text=redact(text),
                    original_title=title,
                    original_text=text,
                    public_name=initials(name),
                    private=private,
                    received_at=now,
                    deadline=deadline,
                )
                if attachment is not None:
                    question.attachment_name = attachment.name[-120:]
                    # The stored name carries the extension the content check found, not the sender's claim.
                    attachment.name = f"tep.{attachment_extension or 'bin'}"
                    question.attachment = attachment
                question.save()
                QuestionContact.objects.create(
                    question=question, name=name, email=email, phone=phone, address=address, ip_address=ip,
                    consent_at=now, consent_notice_version=PRIVACY_NOTICE_VERSION,
                )
                QuestionEvent.objects.create(
                    question=question, to_state=S.RECEIVED, at=now, actor_name="Công dân gửi qua trang thông tin"
                )
                # The staff alert is recorded with the question and sent after commit, by the worker.
                notification_queue(
                    question=question, kind=NotificationKind.NEW_QUESTION,
                    recipients=list(commune_staff(commune=commune).exclude(email="").values_list("email", flat=True)),
                    subject=f"[Hỏi đáp] {question.tracking_code}: {question.title[:80]}",
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
            logger.warning("Tracking code collision, retrying")
    return question


def commune_staff(*, commune: Any) -> QuerySet:
    """Active users whose groups hold permissions on this commune's home page (its editors and approvers)."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, groups__page_permissions__page=commune)
        .distinct().order_by("first_name", "username")
    )


# --------------------------------------------------------------------------------------- state machine


SELF_APPROVED_NOTE = "Tự duyệt: người duyệt cũng là người viết câu trả lời (không có người thứ hai kiểm tra)."


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    permission: str
    needs_reason: bool = False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("accept", "Thụ lý, phân công xử lý", (S.RECEIVED,), "questions.change_question"),
        Transition("answer", "Gửi câu trả lời để duyệt", (S.RECEIVED, S.ACCEPTED), "questions.answer_question"),
        Transition("publish", "Duyệt và công bố", (S.ANSWERED,), "questions.publish_question"),
        Transition("return", "Trả lại để sửa câu trả lời", (S.ANSWERED,), "questions.publish_question"),
        # Turning a citizen away is the approver's decision, with a reason the citizen reads on the lookup page.
        Transition("reject", "Từ chối", (S.RECEIVED, S.ACCEPTED, S.ANSWERED), "questions.reject_question", True),
        Transition("hide", "Ẩn", (S.RECEIVED, S.ACCEPTED, S.ANSWERED, S.PUBLISHED), "questions.reject_question", True),
    ]
}


def user_can_access(*, user: Any, question: Question) -> bool:
    return communes_for_user(user).filter(pk=question.commune_id).exists()


def available_transitions(*, user: Any, question: Question) -> list[Transition]:
    return [
        t for t in TRANSITIONS.values()
        if question.state in t.sources and user.has_perm(t.permission)
    ]


def _log(question, from_state, user, note=""):
    QuestionEvent.objects.create(
        question=question, from_state=from_state, to_state=question.state, actor=user,
        actor_name=user.get_full_name() or user.get_username() if user else "", note=note,
    )


@transaction.atomic
def question_update(*, user: Any, question: Question, changes: Mapping[str, Any],
                    version: int | None = None) -> Question:
    """Save an official's edits (redaction, classification, assignment, draft answer).

    Only `EDITABLE_FIELDS` may be written. The row is re-read under a lock and only the edited fields
    are written, so an edit never undoes a transition someone else made meanwhile. `version` is the
    question's version the official's form showed: when it has moved on, nothing is written and
    EditConflict carries the current question.
    """
    refused = sorted(set(changes) - set(EDITABLE_FIELDS))
    if refused:
        raise UneditableField(f"question_update cannot write {', '.join(refused)}")
    changes = dict(changes)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not user_can_access(user=user, question=question) or not user.has_perm("questions.change_question"):
        raise PermissionDenied
    if question.state in CLOSED_STATES and question.state != S.PUBLISHED:
        raise TransitionError("Câu hỏi đã kết thúc xử lý, không sửa được nữa.")
    if "answer" in changes and changes["answer"] != question.answer and not user.has_perm("questions.answer_question"):
        raise PermissionDenied
    if question.state == S.PUBLISHED and not user.has_perm("questions.publish_question"):
        raise TransitionError("Câu hỏi đã công bố; chỉ người duyệt được sửa.")
    _claim_version(question, version)
    for name, value in changes.items():
        setattr(question, name, value)
    written = [*changes, "search_key"]
    if "answer" in changes and question.state in (S.ANSWERED, S.PUBLISHED):
        # Rewriting a submitted answer makes this official its author: publishing it is then self-approval.
        question.answered_by = user
        written.append("answered_by")
    question.save(update_fields=written)
    _log(question, question.state, user, "Cập nhật nội dung: " + ", ".join(
        str(Question._meta.get_field(name).verbose_name) for name in changes
    ))
    return question


def public_text_warnings(*, question: Question) -> list[str]:
    """Personal data still visible in what would be published (title and public text)."""
    found = find_personal_data(question.title) + find_personal_data(question.public_text)
    return sorted({label for *_, label in found})


@transaction.atomic
def question_transition(*, user: Any, question: Question, name: str, reason: str = "",
                        version: int | None = None) -> Question:
    """Move a question along its workflow, checking tenancy, role and state, and log who did it.

    With `version`, the move is refused (EditConflict) when the question changed since that version.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionError("Thao tác không hợp lệ.")
    # Lock the row so two officials clicking at once cannot both move it.
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not user_can_access(user=user, question=question) or not user.has_perm(transition.permission):
        raise PermissionDenied
    # A stale screen first: its state and answer are not what the official decided on.
    _claim_version(question, version)
    if question.state not in transition.sources:
        raise TransitionError(
            f"Không thể “{transition.label.lower()}” khi câu hỏi ở trạng thái “{question.get_state_display()}”."
        )
    if transition.needs_reason and not reason.strip():
        raise TransitionError("Vui lòng ghi lý do.")
    from_state = question.state
    now = timezone.now()
    if name == "accept":
        question.state = S.ACCEPTED
    elif name == "answer":
        if not question.answer.strip():
            raise TransitionError("Vui lòng viết câu trả lời trước khi gửi duyệt.")
        question.state = S.ANSWERED
        question.answered_by = user
        question.answered_at = now
    elif name == "publish":
        if not question.answer.strip():
            raise TransitionError("Câu hỏi chưa có câu trả lời.")
        if not question.private:
            warnings = public_text_warnings(question=question)
            if warnings:
                raise TransitionError(
                    "Tiêu đề hoặc nội dung công khai còn chứa " + ", ".join(warnings)
                    + ". Vui lòng che thông tin cá nhân trước khi công bố."
                )
        question.state = S.ANSWERED_PRIVATELY if question.private else S.PUBLISHED
        question.published_by = user
        question.published_at = None if question.private else now
        question.closed_at = now
    elif name == "return":
        question.state = S.ACCEPTED
    elif name in ("reject", "hide"):
        question.state = S.REJECTED if name == "reject" else S.HIDDEN
        question.closed_at = now
    question.state_reason = reason.strip() if transition.needs_reason else question.state_reason
    question.save()
    note = reason.strip()
    if name == "publish" and question.answered_by_id == user.pk:
        # Allowed (a small commune may have one official) but never unseen: the log says so.
        note = SELF_APPROVED_NOTE
    _log(question, from_state, user, note)
    if from_state == S.PUBLISHED and question.state != S.PUBLISHED:
        transaction.on_commit(lambda: index.remove_object(question))
    if name == "publish":
        # Recorded with the new state (one commit); a private answer is also shown on the lookup page to
        # whoever holds the tracking code and the sender's e-mail or phone, so it reaches them without mail.
        contact = QuestionContact.objects.filter(question=question).first()
        if contact is not None and contact.email and not contact.is_erased:
            notification_queue(
                question=question, kind=NotificationKind.ANSWER, recipients=[contact.email],
                subject=f"Trả lời câu hỏi {question.tracking_code}",
            )
    return question


# ------------------------------------------------------------------------------------ citizen's lookup


def _phone_key(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit() or c == "+")
    if digits.startswith("+84"):
        return "0" + digits[3:]
    if digits.startswith("84") and len(digits) >= 11:
        return "0" + digits[2:]
    return digits


def sender_proof_matches(*, question: Question, proof: str) -> bool:
    """Whether `proof` is the e-mail or phone number the sender gave with this question: with the tracking
    code, what lets a citizen read a private answer on the lookup page even if no e-mail ever reached them."""
    proof = proof.strip()
    contact = QuestionContact.objects.filter(question=question).first()
    if not proof or contact is None or contact.is_erased:
        return False
    if "@" in proof:
        return bool(contact.email) and hmac.compare_digest(contact.email.casefold(), proof.casefold())
    given = _phone_key(proof)
    return len(given) >= 9 and bool(contact.phone) and hmac.compare_digest(_phone_key(contact.phone), given)


# -------------------------------------------------------------------------------------- notifications


def notification_retry(*, user: Any, notification: QuestionNotification) -> QuestionNotification:
    """An official's "Gửi lại": a new round of attempts for an e-mail that was not sent."""
    question = notification.question
    if not user_can_access(user=user, question=question) or not user.has_perm("questions.change_question"):
        raise PermissionDenied
    with transaction.atomic():
        updated = QuestionNotification.objects.filter(pk=notification.pk).exclude(state=NotificationState.SENT).update(
            state=NotificationState.QUEUED, updated_at=timezone.now()
        )
        if not updated:
            raise TransitionError("Thư này đã được gửi.")
        _log(question, question.state, user, f"Gửi lại thư: {notification.get_kind_display().lower()}.")
        notification_enqueue(notification_id=notification.pk)
    notification.refresh_from_db()
    return notification


# -------------------------------------------------------------------------------------- personal data


def _audit(user, question, action, ip=None, note=""):
    PersonalDataAccess.objects.create(
        commune_id=question.commune_id, question=question, tracking_code=question.tracking_code,
        user=user, username=user.get_username() if user else "", action=action, ip_address=ip, note=note,
    )


def contact_view(*, user: Any, question: Question, ip: str | None = None) -> QuestionContact | None:
    """The sender's contact data for an official who needs it; the read is recorded."""
    if not user_can_access(user=user, question=question) or not user.has_perm("questions.view_personal_data"):
        raise PermissionDenied
    contact = QuestionContact.objects.filter(question=question).first()
    _audit(user, question, PersonalDataAction.VIEW, ip)
    return contact


def attachment_open(*, user: Any, question: Question, ip: str | None = None) -> IO[bytes]:
    if not user_can_access(user=user, question=question) or not user.has_perm("questions.view_personal_data"):
        raise PermissionDenied
    _audit(user, question, PersonalDataAction.ATTACHMENT, ip)
    return question.attachment.open("rb")


def questions_for_data_request(*, user: Any, query: str) -> QuerySet:
    """The user's communes' submissions whose sender matches an email, phone or tracking code."""
    if not user.has_perm("questions.export_personal_data"):
        raise PermissionDenied
    query = query.strip()
    scoped = Question.objects.filter(commune__in=communes_for_user(user)).select_related("contact", "commune")
    code = normalize_tracking_code(query)
    if code:
        return scoped.filter(tracking_code=code)
    if "@" in query:
        return scoped.filter(contact__email__iexact=query)
    digits = "".join(c for c in query if c.isdigit() or c == "+")
    if len(digits) >= 9:
        return scoped.filter(contact__phone=digits)
    return scoped.none()


def personal_data_export(*, user: Any, questions: Iterable[Question], ip: str | None = None) -> str:
    """A JSON document of everything stored about the sender in these submissions (the citizen's copy)."""
    if not user.has_perm("questions.export_personal_data"):
        raise PermissionDenied
    allowed = set(communes_for_user(user).values_list("pk", flat=True))
    items = []
    for question in questions:
        if question.commune_id not in allowed:
            raise PermissionDenied
        contact = getattr(question, "contact", None)
        items.append({
            "ma_tra_cuu": question.tracking_code,
            "xa": question.commune.title,
            "ngay_gui": question.received_at,
            "loai": question.get_kind_display(),
            "linh_vuc": question.get_field_display(),
            "tieu_de": question.original_title or question.title,
            "noi_dung": question.original_text or question.public_text,
            "trang_thai": question.get_state_display(),
            "cau_tra_loi": question.answer,
            "ho_ten": contact.name if contact else "",
            "email": contact.email if contact else "",
            "dien_thoai": contact.phone if contact else "",
            "dia_chi": contact.address if contact else "",
            "dia_chi_ip": contact.ip_address if contact else None,
            "dong_y_luc": contact.consent_at if contact else None,
            "phien_ban_thong_bao": contact.consent_notice_version if contact else "",
            "da_xoa_du_lieu_luc": contact.erased_at if contact else None,
        })
        _audit(user, question, PersonalDataAction.EXPORT, ip)
    return json.dumps({"xuat_luc": timezone.now(), "cau_hoi": items}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def erase_personal_data(*, question: Question, user: Any = None, action: str = PersonalDataAction.ERASE,
                        ip: str | None = None) -> None:
    """Blank the sender's contact data, original text and attachment; keep the redacted public record."""
    with transaction.atomic():
        QuestionContact.objects.filter(question=question).update(
            name="", email="", phone="", address="", ip_address=None, erased_at=timezone.now()
        )
        attachment = question.attachment.name if question.attachment else ""
        Question.objects.filter(pk=question.pk).update(original_title="", original_text="", attachment="", attachment_name="")
        QuestionNotification.objects.filter(question=question).update(recipients="")
        _audit(user, question, action, ip)
    if attachment:
        transaction.on_commit(lambda: question.attachment.storage.delete(attachment))


def personal_data_erase(*, user: Any, questions: Iterable[Question], ip: str | None = None) -> int:
    if not user.has_perm("questions.export_personal_data"):
        raise PermissionDenied
    allowed = set(communes_for_user(user).values_list("pk", flat=True))
    questions = list(questions)
    if any(q.commune_id not in allowed for q in questions):
        raise PermissionDenied
    for question in questions:
        erase_personal_data(question=question, user=user, ip=ip)
    return len(questions)


def retention_days() -> int:
    return settings.QUESTIONS_RETENTION_DAYS


def erase_expired_personal_data(*, now: datetime | None = None, days: int | None = None, dry_run: bool = False) -> int:
    """Erase contact data of questions closed more than `days` ago. Returns how many were (or would be) erased."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=retention_days() if days is None else days)
    due = Question.objects.filter(
        state__in=CLOSED_STATES, closed_at__lt=cutoff, contact__erased_at__isnull=True
    ).select_related("commune")
    if dry_run:
        return due.count()
    count = 0
    for question in due.iterator():
        erase_personal_data(question=question, action=PersonalDataAction.RETENTION)
        count += 1
    ratelimit.purge_expired(now)
    return count
