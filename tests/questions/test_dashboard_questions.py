"""The admin's home shows each official the questions waiting for their communes, the overdue first, with
their deadlines as dd/mm/yyyy; never another commune's; in a number of queries that does not grow."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.models import Question, QuestionState
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HOME = "/quan-tri/"
codes = itertools.count(1)


def make_question(commune_site, title, *, days_left, state=QuestionState.RECEIVED):
    return Question.objects.create(
        commune_id=commune_site.home_id, tracking_code=f"DASH{next(codes):06d}", title=title,
        public_text="Nội dung câu hỏi của người dân.", state=state,
        deadline=timezone.localdate() + timedelta(days=days_left),
    )


def panel_of(response):
    html = response.content.decode()
    assert response.status_code == 200
    start = html.index('id="questions-to-answer-section"')
    return html[start:html.index("</section>", start)]


def test_a_commune_editor_sees_their_overdue_question_with_its_deadline_as_a_date(district):
    late = make_question(district.a, "Hỏi về cấp sổ đỏ quá hạn", days_left=-3)
    make_question(district.a, "Hỏi về học bổng", days_left=5)
    panel = panel_of(client_for(district.editor_a).get(HOME))
    assert "Hỏi về cấp sổ đỏ quá hạn" in panel and "Hỏi về học bổng" in panel
    assert late.deadline.strftime("%d/%m/%Y") in panel
    assert "Quá hạn" in panel and "1 quá hạn trả lời" in panel
    assert panel.index("Hỏi về cấp sổ đỏ quá hạn") < panel.index("Hỏi về học bổng")  # the overdue first


def test_a_commune_editor_never_sees_another_communes_questions_on_the_dashboard(district):
    make_question(district.a, "Câu hỏi của Đắk La", days_left=-1)
    make_question(district.b, "Câu hỏi của Hà Mòn", days_left=-1)
    for user, own, other in ((district.editor_a, "Đắk La", "Hà Mòn"), (district.approver_b, "Hà Mòn", "Đắk La")):
        panel = panel_of(client_for(user).get(HOME))
        assert f"Câu hỏi của {own}" in panel
        assert f"Câu hỏi của {other}" not in panel
        assert "1 câu hỏi, phản ánh đang chờ xử lý" in panel


def test_staff_of_one_commune_get_no_commune_name_but_portal_staff_see_every_commune(district):
    make_question(district.a, "Câu hỏi của Đắk La", days_left=2)
    make_question(district.b, "Câu hỏi của Hà Mòn", days_left=2)
    assert "Xã Đắk La" not in panel_of(client_for(district.editor_a).get(HOME))
    portal = panel_of(client_for(district.district_admin).get(HOME))
    assert "Câu hỏi của Đắk La" in portal and "Câu hỏi của Hà Mòn" in portal
    assert "Xã Đắk La" in portal and "Xã Hà Mòn" in portal


def test_answered_and_closed_questions_leave_the_dashboard(district):
    make_question(district.a, "Đã công khai rồi", days_left=-5, state=QuestionState.PUBLISHED)
    make_question(district.a, "Đang chờ duyệt câu trả lời", days_left=1, state=QuestionState.ANSWERED)
    panel = panel_of(client_for(district.editor_a).get(HOME))
    assert "Đã công khai rồi" not in panel
    assert "Đang chờ duyệt câu trả lời" in panel


def test_the_dashboard_says_so_when_nothing_waits(district):
    assert "Không có câu hỏi, phản ánh nào đang chờ xử lý." in panel_of(client_for(district.editor_a).get(HOME))


def test_the_dashboards_queries_do_not_grow_with_the_number_of_questions(district, django_assert_max_num_queries):
    make_question(district.a, "Câu hỏi đầu tiên", days_left=1)
    client = client_for(district.editor_a)
    client.get(HOME)  # sessions, caches and the like, once
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for number in range(40):
        make_question(district.a, f"Câu hỏi số {number}", days_left=number - 20)
    with django_assert_max_num_queries(len(few)):
        response = client.get(HOME)
    assert "41 câu hỏi, phản ánh đang chờ xử lý" in panel_of(response)
    assert "Xem tất cả 41 câu hỏi" in panel_of(response)


def test_officials_without_the_questions_permission_get_no_questions_panel(district):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("chi_xem", "chixem@example.vn", "matkhau-thu-nghiem")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = client_for(user).get(HOME)
    assert response.status_code == 200 and 'id="questions-to-answer-section"' not in response.content.decode()
