"""Rules of the Q&A services: keyword-only, typed signatures, the field allowlist, who may reject or hide,
and what the log says when one official answers and approves alone."""

import inspect

import pytest

from questions import services
from questions.models import Question
from questions.services import UneditableField, question_update
from tests.questions.conftest import submit

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
