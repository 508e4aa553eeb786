"""The editor's guide inside the admin: a menu item "Hướng dẫn sử dụng", one short Vietnamese page per task,
with the screenshots the script takes; a missing screenshot leaves a note, never a broken page."""

import json
import unicodedata

import pytest
from django.contrib.auth.models import User

from guide import views
from guide.topics import TOPICS, screenshot_names
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
GUIDE = "/quan-tri/huong-dan/"


def test_the_admin_menu_offers_the_guide_to_a_commune_editor(district):
    html = client_for(district.editor_a).get("/quan-tri/").content.decode()
    # The sidebar's menu is JSON for its script: the label comes \u-escaped.
    assert json.dumps("Hướng dẫn sử dụng") in html and f'"url": "{GUIDE}"' in html


def test_the_guide_lists_news_documents_questions_and_broadcasting(district):
    response = client_for(district.editor_a).get(GUIDE)
    html = response.content.decode()
    assert response.status_code == 200
    for title in ("Viết và đăng tin bài", "Đăng văn bản pháp luật", "Trả lời câu hỏi, phản ánh của người dân",
                  "Bảng tin, truyền thanh và cảnh báo khẩn cấp"):
        assert title in html


@pytest.mark.parametrize("topic", TOPICS, ids=lambda topic: topic.slug)
def test_every_guide_page_renders_with_its_steps(district, topic):
    response = client_for(district.editor_a).get(f"{GUIDE}{topic.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    for step in topic.steps:
        assert step.heading in html


def test_a_missing_screenshot_gives_a_note_instead_of_a_broken_picture(district, monkeypatch):
    monkeypatch.setattr(views, "screenshot_exists", lambda name: False)
    html = client_for(district.editor_a).get(f"{GUIDE}tra-loi-hoi-dap/").content.decode()
    assert "Chưa có ảnh minh hoạ cho bước này" in html
    assert "guide/screenshots/" not in html


def test_a_present_screenshot_is_shown_with_its_description(district, monkeypatch):
    monkeypatch.setattr(views, "screenshot_exists", lambda name: True)
    html = client_for(district.editor_a).get(f"{GUIDE}tra-loi-hoi-dap/").content.decode()
    assert "guide/screenshots/danh-sach-cau-hoi.webp" in html
    assert 'alt="Danh sách câu hỏi, phản ánh với hạn trả lời"' in html


def test_an_unknown_guide_page_is_a_404_and_anonymous_visitors_are_sent_to_sign_in(district, client):
    assert client_for(district.editor_a).get(f"{GUIDE}khong-co-trang-nay/").status_code == 404
    response = client.get(GUIDE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_user_without_admin_access_cannot_read_the_guide(district):
    user = User.objects.create_user("nguoi_dan", "dan@example.vn", "matkhau-thu-nghiem")
    assert client_for(user).get(GUIDE).status_code in (302, 403)


def test_the_guides_text_is_vietnamese_in_nfc_and_names_its_screenshots_once():
    for topic in TOPICS:
        for text in (topic.title, topic.summary, *(step.text for step in topic.steps)):
            assert unicodedata.normalize("NFC", text) == text
    names = screenshot_names()
    assert len(names) == len(set(names)) and all(name.endswith(".webp") for name in names)
