"""Public Q&A pages, served by QuestionIndexPage's routes. Plain HTML forms: no JavaScript needed."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect

from core.http import client_ip
from core.numbers import INT_MAX, parse_int
from core.pagination import paginate
from questions import ratelimit
from questions.forms import HONEYPOT_FIELD, TEXT_MAX, TITLE_MAX, LookupForm, QuestionForm
from questions.models import (
    PRIVACY_NOTICE_VERSION,
    Question,
    QuestionField,
    QuestionKind,
    QuestionState,
)
from questions.selectors import filter_public_questions, index_urls, public_questions
from questions.services import RateLimited, check_submission_rate, question_submit, sender_proof_matches

SESSION_KEY = "questions:submitted"



def _scope_urls(request, page):
    if page.commune is not None:
        return {page.commune.pk: page.get_url(request)}
    return index_urls(page.scope_communes, request)


def question_list(request, page):
    communes = page.scope_communes
    field = request.GET.get("linh-vuc", "")
    kind = request.GET.get("loai", "")
    # PostgreSQL refuses NUL in text: a NUL typed into the search box must not reach the query.
    words = request.GET.get("q", "").replace("\x00", " ").strip()[:200]
    commune_id = parse_int(request.GET.get("xa"), minimum=1, maximum=INT_MAX)
    field = field if field in QuestionField.values else ""
    kind = kind if kind in QuestionKind.values else ""
    commune_ids = {c.pk for c in communes}
    commune_id = str(commune_id) if commune_id in commune_ids and len(communes) > 1 else ""
    questions = filter_public_questions(
        public_questions(communes).select_related("commune"), words=words, field=field, kind=kind,
        commune_id=commune_id or None,
    )
    page_obj = paginate(request, questions)
    urls = _scope_urls(request, page)
    for question in page_obj:
        base = urls.get(question.commune_id)
        # Every Q&A page has the same routes: reverse the detail route on this one, under that one's URL.
        question.public_url = base + page.reverse_subpage("detail", args=[question.pk]) if base else ""
    return page.render(
        request,
        context_overrides={
            "questions": page_obj,
            "filters": {"q": words, "field": field, "kind": kind, "commune": commune_id},
            "fields": QuestionField.choices,
            "kinds": QuestionKind.choices,
            "communes": communes if len(communes) > 1 else [],
            "is_filtering": bool(words or field or kind or commune_id),
        },
    )


def question_detail(request, page, pk):
    question = (
        public_questions(page.scope_communes).select_related("commune").filter(pk=pk).first()
    )
    if question is None:
        raise Http404("Không tìm thấy câu hỏi")
    if page.commune is None:
        # The portal lists every commune's questions; each lives at its commune's own address.
        url = question.get_url(request)
        if url:
            return HttpResponseRedirect(url)
        raise Http404("Không tìm thấy câu hỏi")
    return page.render(request, template="questions/question_detail.html", context_overrides={"question": question})


def _form_context(form, page):
    return {
        "form": form,
        "honeypot_field": form[HONEYPOT_FIELD],
        "title_max": TITLE_MAX,
        "text_max": TEXT_MAX,
        "notice_version": PRIVACY_NOTICE_VERSION,
    }


def question_submit_view(request, page):
    communes = page.scope_communes
    if not communes:
        raise Http404("Chưa có xã nào nhận câu hỏi")
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST, request.FILES, communes=communes)
        if form.is_valid():
            data = form.cleaned_data
            ip = client_ip(request)
            try:
                check_submission_rate(ip=ip, email=data["email"], phone=data["phone"])
            except RateLimited as error:
                form.add_error(None, str(error))
                status = 429
            else:
                question = question_submit(
                    commune=data["commune"], name=data["name"], title=data["title"], text=data["text"],
                    kind=data["kind"], field=data["field"], email=data["email"], phone=data["phone"],
                    address=data["address"], private=data["private"], attachment=data["attachment"],
                    attachment_extension=getattr(form, "attachment_extension", ""), ip=ip,
                )
                request.session[SESSION_KEY] = question.tracking_code
                return redirect(page.get_url(request) + page.reverse_subpage("submitted"))
        else:
            status = 400
        if form.errors.get("attachment") is None and request.FILES.get("attachment") and form.errors:
            # Browsers cannot refill a file input; say so instead of silently dropping the file.
            form.add_error("attachment", "Vui lòng chọn lại tệp đính kèm (trình duyệt không giữ tệp khi gửi lại).")
    else:
        initial = {}
        commune_id = parse_int(request.GET.get("xa"), minimum=1, maximum=INT_MAX)
        if commune_id is not None:
            initial["commune"] = commune_id
        form = QuestionForm(communes=communes, initial=initial)
    response = page.render(request, template="questions/question_form.html", context_overrides=_form_context(form, page))
    response.status_code = status
    return response


def question_submitted(request, page):
    code = request.session.get(SESSION_KEY)
    if not code:
        return redirect(page.get_url(request) + page.reverse_subpage("submit"))
    question = Question.objects.filter(tracking_code=code).select_related("commune").only(
        "tracking_code", "deadline", "private", "commune__title", "commune__agency_name"
    ).first()
    return page.render(request, template="questions/question_submitted.html", context_overrides={"question": question})


def question_lookup(request, page):
    """Status by tracking code. POST, so codes stay out of addresses, history and server logs."""
    question, not_found, status, private_answer = None, False, 200, ""
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            if not ratelimit.hit("lookup-ip-hour", client_ip(request) or "unknown"):
                form.add_error(None, "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")
                status = 429
            else:
                question = (
                    Question.objects.filter(
                        tracking_code=form.cleaned_data["code"], commune__in=[c.pk for c in page.scope_communes]
                    ).select_related("commune").defer("original_title", "original_text", "search_key").first()
                )
                not_found = question is None
                if question is not None and question.state == QuestionState.PUBLISHED and not question.private:
                    question.public_url = question.get_url(request)
                proof = form.cleaned_data["proof"]
                if question is not None and question.state == QuestionState.ANSWERED_PRIVATELY and proof:
                    if not ratelimit.hit("lookup-proof-day", question.tracking_code):
                        form.add_error("proof", "Đã thử quá nhiều lần với mã này. Vui lòng thử lại vào ngày mai.")
                        status = 429
                    elif sender_proof_matches(question=question, proof=proof):
                        private_answer = question.answer
                    else:
                        form.add_error("proof", "Email hoặc số điện thoại không khớp với thông tin đã ghi khi gửi câu hỏi.")
        else:
            status = 400
    else:
        form = LookupForm()
    response = page.render(
        request, template="questions/question_lookup.html",
        context_overrides={"form": form, "question": question, "not_found": not_found, "private_answer": private_answer},
    )
    response.status_code = status
    if private_answer:
        response["Cache-Control"] = "private, no-store"
    return response


def privacy_notice(request, page):
    return page.render(
        request, template="questions/privacy_notice.html",
        context_overrides={"notice_version": PRIVACY_NOTICE_VERSION,
                           "retention_days": settings.QUESTIONS_RETENTION_DAYS},
    )
