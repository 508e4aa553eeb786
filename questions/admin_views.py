"""Admin screens for processing questions. Every question is found through the tenancy layer
(`commune_object_view`), so a question of a commune the user does not work for is a 404, whatever the
user's model permissions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from core.http import client_ip
from questions.forms import DataRequestForm, ProcessForm
from questions.models import CLOSED_STATES, Question, QuestionNotification, QuestionState
from questions.redaction import highlight
from questions.services import (
    EDITABLE_FIELDS,
    EditConflict,
    TransitionError,
    attachment_open,
    available_transitions,
    commune_staff,
    contact_view,
    notification_retry,
    personal_data_erase,
    personal_data_export,
    public_text_warnings,
    question_transition,
    question_update,
    questions_for_data_request,
)
from sites.scoping import commune_object_view, portal_staff_view

# Fields every official with the change permission edits; the answer also needs the answer permission.
EDITABLE = tuple(name for name in EDITABLE_FIELDS if name != "answer")


def _require(user, *perms):
    if not any(user.has_perm(p) for p in perms):
        raise PermissionDenied


scoped_question = commune_object_view(
    Question, action="view", permissions=("questions.view_question", "questions.change_question"),
    select_related=("commune", "assignee"),
)


def _can_edit(user, question):
    return user.has_perm("questions.change_question") and (
        question.state not in CLOSED_STATES
        or (question.state == QuestionState.PUBLISHED and user.has_perm("questions.publish_question"))
    )


def _shown(question, name, value):
    """A field's value as the process screen names it (choices by label, people by name)."""
    if name == "assignee":
        return (value.get_full_name() or value.get_username()) if value else "—"
    if name in ("kind", "field"):
        return dict(question._meta.get_field(name).choices).get(value, value)
    return value or "—"


def _conflict_rows(current, data, fields):
    """(label, what is saved now, what this official tried to save) for each field the two disagree on."""
    return [
        (str(ProcessForm.base_fields[name].label), _shown(current, name, getattr(current, name)),
         _shown(current, name, data[name]))
        for name in fields if data[name] != getattr(current, name)
    ]


CONFLICT_MESSAGE = (
    "Câu hỏi này vừa được {who} thay đổi{when} trong lúc bạn đang sửa, nên thay đổi của bạn CHƯA được lưu "
    "(để không ghi đè lên phần việc của người khác). Hãy so sánh hai phiên bản bên dưới: biểu mẫu đang giữ "
    "nội dung của bạn; sửa lại nếu cần rồi bấm lại nút để lưu."
)


@scoped_question
def question_process(request, question):
    """One screen for reading, redacting, assigning, answering and moving a question on."""
    user = request.user
    can_edit = _can_edit(user, question)
    can_answer = can_edit and user.has_perm("questions.answer_question")
    initial = {name: getattr(question, name) for name in EDITABLE + ("answer",)} | {"version": question.version}
    staff = commune_staff(commune=question.commune)
    conflict, status = [], 200

    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ProcessForm(request.POST, staff=staff, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            changes = {name: data[name] for name in EDITABLE if data[name] != getattr(question, name)}
            if can_answer and data["answer"] != question.answer:
                changes["answer"] = data["answer"]
            action = request.POST.get("action", "save")
            version = data["version"]
            try:
                if changes:
                    question = question_update(user=user, question=question, changes=changes, version=version)
                    version = question.version
                if action != "save":
                    question = question_transition(
                        user=user, question=question, name=action, reason=data["reason"], version=version,
                    )
                    messages.success(request, f"Đã cập nhật: {question.get_state_display()}.")
                elif changes:
                    messages.success(request, "Đã lưu thay đổi.")
                return redirect("questions_question:edit", question.pk)
            except EditConflict as error:
                question = error.current
                can_edit = _can_edit(user, question)
                can_answer = can_edit and user.has_perm("questions.answer_question")
                conflict = _conflict_rows(question, data, EDITABLE + (("answer",) if can_answer else ()))
                last = question.events.exclude(actor=user).order_by("-at", "-pk").first()
                # The official's own text stays in the form; the form now carries the current version,
                # so saving it again is a deliberate choice made with both versions in view.
                resubmitted = request.POST.copy()
                resubmitted["version"] = str(question.version)
                form = ProcessForm(resubmitted, staff=staff, initial=initial)
                form.is_valid()
                form.add_error(None, CONFLICT_MESSAGE.format(
                    who=(last.actor_name or "người khác") if last else "người khác",
                    when=f" lúc {timezone.localtime(last.at):%H:%M %d/%m/%Y}" if last else "",
                ))
                status = 409
            except TransitionError as error:
                form.add_error(None, str(error))
            except PermissionDenied:
                form.add_error(None, "Bạn không có quyền thực hiện thao tác này (ví dụ: chỉ người duyệt được công bố).")
        messages.error(request, "Chưa thực hiện được. Vui lòng xem các lỗi bên dưới.")
    else:
        form = ProcessForm(initial=initial, staff=staff)

    if not can_answer:
        form.fields["answer"].disabled = True
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True

    notifications = list(question.notifications.all())
    return TemplateResponse(request, "questions/admin/process.html", {
        "question": question,
        "form": form,
        "conflict": conflict,
        "conflict_shown": status == 409,
        "can_edit": can_edit,
        "transitions": available_transitions(user=user, question=question) if can_edit else [],
        "events": question.events.select_related("actor").all(),
        "notifications": notifications,
        "can_edit_mail": user.has_perm("questions.change_question"),
        "has_failed_answer_mail": any(n.state == "failed" and n.kind == "answer" for n in notifications),
        "highlighted_title": highlight(question.title),
        "highlighted_text": highlight(question.public_text),
        "highlighted_original": highlight(question.original_text),
        "highlighted_answer": highlight(question.answer),
        "warnings": public_text_warnings(question=question),
        "can_view_contact": user.has_perm("questions.view_personal_data"),
    }, status=status)


@scoped_question
def notification_retry_view(request, question, notification_pk):
    """"Gửi lại" on the question's screen: POST only; the e-mail must be this question's."""
    if request.method != "POST":
        return redirect("questions_question:edit", question.pk)
    notification = get_object_or_404(QuestionNotification, pk=notification_pk, question=question)
    try:
        notification_retry(user=request.user, notification=notification)
        messages.success(request, "Đã đưa thư vào hàng đợi gửi lại.")
    except TransitionError as error:
        messages.error(request, str(error))
    return redirect("questions_question:edit", question.pk)


@scoped_question
def question_contact(request, question):
    contact = contact_view(user=request.user, question=question, ip=client_ip(request))
    return TemplateResponse(request, "questions/admin/contact.html", {"question": question, "contact": contact})


@scoped_question
def question_attachment(request, question):
    if not question.attachment:
        raise PermissionDenied
    handle = attachment_open(user=request.user, question=question, ip=client_ip(request))
    extension = question.attachment.name.rsplit(".", 1)[-1]
    content_types = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
    response = FileResponse(handle, content_type=content_types.get(extension, "application/octet-stream"),
                            as_attachment=True, filename=f"{question.tracking_code}.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response


@portal_staff_view
def data_request(request):
    """A citizen's request about their data: find their submissions, export them, or erase them."""
    _require(request.user, "questions.export_personal_data")
    form = DataRequestForm(request.POST or request.GET or None)
    questions = []
    if form.is_bound and form.is_valid():
        questions = list(questions_for_data_request(user=request.user, query=form.cleaned_data["query"]))
        if request.method == "POST" and questions:
            action = request.POST.get("action")
            if action == "export":
                payload = personal_data_export(user=request.user, questions=questions, ip=client_ip(request))
                response = HttpResponse(payload, content_type="application/json; charset=utf-8")
                response["Content-Disposition"] = 'attachment; filename="du-lieu-ca-nhan.json"'
                response["Cache-Control"] = "private, no-store"
                return response
            if action == "erase" and request.POST.get("confirm") == "1":
                count = personal_data_erase(user=request.user, questions=questions, ip=client_ip(request))
                messages.success(request, f"Đã xóa dữ liệu cá nhân của {count} câu hỏi.")
                return redirect(reverse("questions_data_request") + "?" + urlencode({"query": form.cleaned_data["query"]}))
            if action == "erase":
                messages.error(request, "Vui lòng đánh dấu ô xác nhận trước khi xóa.")
        elif request.method == "POST":
            messages.error(request, "Không tìm thấy câu hỏi nào khớp.")
    return TemplateResponse(request, "questions/admin/data_request.html", {"form": form, "questions": questions})
