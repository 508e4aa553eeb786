"""Q&A test helpers on top of the shared `district` fixture (portal, communes A and B, their staff)."""

import io

import pytest
from django.test import Client, TestCase

from questions.models import Question, QuestionField, QuestionKind
from questions.services import question_submit, question_transition

A_HOST = "dak-la.localhost"
B_HOST = "ha-mon.localhost"


@pytest.fixture(autouse=True)
def _private_attachments(settings, tmp_path):
    settings.QUESTIONS_ATTACHMENT_ROOT = str(tmp_path / "attachments")


def submit(commune, **overrides):
    data = {
        "commune": commune, "name": "Nguyễn Văn An", "title": "Hỏi về thủ tục cấp giấy chứng nhận",
        "text": "Gia đình tôi muốn làm thủ tục cấp giấy chứng nhận quyền sử dụng đất, cần những giấy tờ gì?",
        "kind": QuestionKind.QUESTION, "field": QuestionField.LAND, "email": "an@example.vn", "phone": "0912345678",
        "ip": "203.0.113.10",
    }
    data.update(overrides)
    # Notifications go out on commit; run them, as a real request's commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return question_submit(**data)


def publish(question, approver, editor=None, answer="Ông/bà chuẩn bị đơn đề nghị và giấy tờ chứng minh nguồn gốc đất."):
    editor = editor or approver
    Question.objects.filter(pk=question.pk).update(answer=answer)
    question.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        question_transition(user=editor, question=question, name="answer")
        return question_transition(user=approver, question=question, name="publish")


def form_data(**overrides):
    data = {
        "name": "Trần Thị Bình", "email": "binh@example.vn", "phone": "", "address": "",
        "kind": QuestionKind.FEEDBACK, "field": QuestionField.HEALTH,
        "title": "Phản ánh giờ làm việc của trạm y tế xã",
        "text": "Trạm y tế xã thường đóng cửa sớm hơn giờ niêm yết vào buổi chiều, người dân khó khám bệnh.",
        "consent": "on", "trang_web": "",
    }
    data.update(overrides)
    return data


def png_bytes(size=(8, 8), fmt="PNG"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def a_client():
    return Client(HTTP_HOST=A_HOST)


@pytest.fixture
def b_client():
    return Client(HTTP_HOST=B_HOST)
