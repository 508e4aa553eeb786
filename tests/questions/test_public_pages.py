"""What citizens see: lists, detail pages, the portal aggregation, and never anyone's personal data."""

import pytest
from django.test import Client

from questions.models import Question, QuestionField, QuestionKind
from tests.questions.conftest import publish, submit

pytestmark = pytest.mark.django_db


def test_it_lists_only_published_public_questions_of_the_commune(district, a_client):
    shown = publish(submit(district.a.home, title="Hỏi về cấp đổi sổ đỏ cho đất ở"), district.approver_a)
    submit(district.a.home, title="Câu hỏi chưa trả lời về đất rừng")
    private = submit(district.a.home, title="Câu hỏi riêng về hồ sơ vay vốn", private=True)
    publish(private, district.approver_a)
    publish(submit(district.b.home, title="Câu hỏi của xã Hà Mòn về học phí"), district.approver_b)

    html = a_client.get("/hoi-dap/").content.decode()

    assert shown.title in html
    assert "Câu hỏi chưa trả lời" not in html
    assert "hồ sơ vay vốn" not in html
    assert "xã Hà Mòn về học phí" not in html


def test_a_private_answer_is_sent_privately_and_never_published(district, a_client, mailoutbox):
    private = publish(submit(district.a.home, private=True), district.approver_a)

    assert private.state == "answered_privately"
    assert not Question.objects.published().filter(pk=private.pk).exists()
    assert a_client.get(f"/hoi-dap/{private.pk}/").status_code == 404
    assert mailoutbox[-1].to == ["an@example.vn"]
    assert "không được công khai" in mailoutbox[-1].body


def test_the_detail_page_shows_the_answer_and_initials_but_no_contact_data(district, a_client):
    question = publish(
        submit(district.a.home, name="Lê Thị Hoa", email="hoa.le@example.vn", phone="0987654321",
               address="Thôn 3, xã Đắk La",
               text="Nhà tôi ở thôn 3, số điện thoại 0987654321, email hoa.le@example.vn, CCCD 062123456789."),
        district.approver_a,
    )

    response = a_client.get(f"/hoi-dap/{question.pk}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Ông/bà chuẩn bị đơn đề nghị" in html
    assert "L.T.H." in html
    for secret in ["Lê Thị Hoa", "0987654321", "hoa.le@example.vn", "062123456789", "Thôn 3, xã Đắk La", "203.0.113.10"]:
        assert secret not in html
    assert "[đã ẩn]" in html


def test_the_list_filters_by_field_kind_and_folded_keywords(district, a_client):
    land = publish(submit(district.a.home, title="Đăng ký đất đai lần đầu", field=QuestionField.LAND), district.approver_a)
    health = publish(
        submit(district.a.home, title="Phản ánh trạm y tế đóng cửa sớm", field=QuestionField.HEALTH,
               kind=QuestionKind.FEEDBACK),
        district.approver_a,
    )

    by_field = a_client.get("/hoi-dap/", {"linh-vuc": "y-te"}).content.decode()
    by_kind = a_client.get("/hoi-dap/", {"loai": "hoi-dap"}).content.decode()
    by_words = a_client.get("/hoi-dap/", {"q": "dang ky dat"}).content.decode()

    assert health.title in by_field and land.title not in by_field
    assert land.title in by_kind and health.title not in by_kind
    assert land.title in by_words and health.title not in by_words


def test_the_list_is_newest_first_and_paginated(district, a_client):
    for n in range(12):
        publish(submit(district.a.home, title=f"Câu hỏi số {n:02d} về giáo dục"), district.approver_a)

    first = a_client.get("/hoi-dap/").content.decode()
    second = a_client.get("/hoi-dap/", {"trang": 2}).content.decode()

    assert first.index("Câu hỏi số 11") < first.index("Câu hỏi số 10")
    assert "Câu hỏi số 00" not in first and "Câu hỏi số 00" in second
    assert "Trang 1/2" in first


def test_the_portal_aggregates_every_commune_with_a_commune_filter(district, client):
    a = publish(submit(district.a.home, title="Câu hỏi của Đắk La về đất"), district.approver_a)
    b = publish(submit(district.b.home, title="Câu hỏi của Hà Mòn về học phí"), district.approver_b)

    everything = client.get("/hoi-dap/").content.decode()
    only_b = client.get("/hoi-dap/", {"xa": district.b.home.pk}).content.decode()

    assert a.title in everything and b.title in everything
    assert b.title in only_b and a.title not in only_b
    assert f'href="/xa-ha-mon/hoi-dap/{b.pk}/"' in only_b  # links to the commune's page


def test_the_portal_detail_address_redirects_to_the_commune_page(district, client):
    question = publish(submit(district.a.home), district.approver_a)

    response = client.get(f"/hoi-dap/{question.pk}/")

    assert response.status_code == 302
    assert response["Location"].endswith(f"/hoi-dap/{question.pk}/")


def test_a_commune_cannot_show_another_communes_question(district, b_client):
    question = publish(submit(district.a.home), district.approver_a)

    assert b_client.get(f"/hoi-dap/{question.pk}/").status_code == 404


def test_question_url_points_to_the_commune_detail_page(district, rf):
    question = publish(submit(district.a.home), district.approver_a)

    assert question.url.endswith(f"/hoi-dap/{question.pk}/")
    assert Client(HTTP_HOST="dak-la.localhost").get(question.url.replace("http://dak-la.localhost", "")).status_code == 200


def test_script_payloads_render_inert_on_public_pages(district, a_client):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    question = publish(
        submit(district.a.home, title=f"Tiêu đề {payload}", text=f"Nội dung có mã độc {payload} để thử",
               name=payload),
        district.approver_a, answer=f"Trả lời {payload}",
    )

    for path in ["/hoi-dap/", f"/hoi-dap/{question.pk}/"]:
        html = a_client.get(path).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_the_list_and_detail_pages_have_bounded_queries(district, a_client, django_assert_max_num_queries, page_cache_off):
    for n in range(10):
        publish(submit(district.a.home, title=f"Câu hỏi số {n} về bảo hiểm"), district.approver_a)
    question = Question.objects.published().first()
    a_client.get("/hoi-dap/")  # warm the site-root cache

    with django_assert_max_num_queries(20):
        assert a_client.get("/hoi-dap/").status_code == 200
    with django_assert_max_num_queries(20):
        assert a_client.get(f"/hoi-dap/{question.pk}/").status_code == 200


def test_the_portal_list_has_bounded_queries(district, client, django_assert_max_num_queries):
    for n in range(6):
        publish(submit(district.a.home, title=f"Câu hỏi A{n} về y tế"), district.approver_a)
        publish(submit(district.b.home, title=f"Câu hỏi B{n} về y tế"), district.approver_b)
    client.get("/hoi-dap/")

    with django_assert_max_num_queries(22):
        assert client.get("/hoi-dap/").status_code == 200


def test_the_privacy_notice_states_its_version(district, a_client):
    html = a_client.get("/hoi-dap/bao-ve-du-lieu-ca-nhan/").content.decode()

    assert "Phiên bản 2025-07-01" in html
    assert "91/2025" in html


def test_published_questions_are_searchable_and_others_are_not(district):
    published = publish(submit(district.a.home, title="Hỏi về trợ cấp người cao tuổi"), district.approver_a)
    submit(district.a.home, title="Hỏi về trợ cấp chưa trả lời")

    results = list(Question.objects.published().search("trợ cấp"))

    assert published in results
    assert all(q.state == "published" for q in results)
