"""The questions' listing in the admin: dates as dates (dd/mm/yyyy, with the time of receipt), never
"1 năm trước"; the commune column only for those who work for more than one commune."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from questions.models import Question
from tests.conftest import client_for
from tests.questions.test_dashboard_questions import make_question

pytestmark = pytest.mark.django_db
LIST = "/quan-tri/hoi-dap/cau-hoi/"


def headers(html):
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]


def test_the_listing_shows_the_received_time_and_the_deadline_as_dates_not_time_ago(district):
    question = make_question(district.a, "Hỏi về đăng ký kết hôn", days_left=4)
    received = timezone.make_aware(datetime(2025, 3, 9, 8, 5))
    Question.objects.filter(pk=question.pk).update(received_at=received)
    html = client_for(district.editor_a).get(LIST).content.decode()
    assert "09/03/2025 08:05" in html
    assert (timezone.localdate() + timedelta(days=4)).strftime("%d/%m/%Y") in html
    rows = html.split("questions-listing", 1)[1].split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "trước" not in rows and "Hỏi về đăng ký kết hôn" in rows


def test_staff_of_one_commune_get_no_commune_column_and_portal_staff_do(district):
    make_question(district.a, "Câu hỏi của Đắk La", days_left=2)
    make_question(district.b, "Câu hỏi của Hà Mòn", days_left=2)
    commune_html = client_for(district.editor_a).get(LIST).content.decode()
    assert "Xã" not in headers(commune_html) and "Hạn trả lời" in headers(commune_html)
    assert "Câu hỏi của Hà Mòn" not in commune_html
    portal_html = client_for(district.district_admin).get(LIST).content.decode()
    assert "Xã" in headers(portal_html)
    assert "Câu hỏi của Đắk La" in portal_html and "Câu hỏi của Hà Mòn" in portal_html


def test_the_listing_can_still_be_sorted_by_deadline(district):
    make_question(district.a, "Hạn muộn", days_left=9)
    make_question(district.a, "Hạn sớm", days_left=1)
    html = client_for(district.editor_a).get(LIST + "?ordering=deadline").content.decode()
    assert html.index("Hạn sớm") < html.index("Hạn muộn")
    html = client_for(district.editor_a).get(LIST + "?ordering=-deadline").content.decode()
    assert html.index("Hạn muộn") < html.index("Hạn sớm")
