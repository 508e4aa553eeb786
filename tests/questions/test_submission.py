"""The citizen's form: validation in Vietnamese that keeps what was typed, uploads, abuse protection."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from questions.models import Question, QuestionContact, QuestionEvent
from tests.questions.conftest import form_data, png_bytes

pytestmark = pytest.mark.django_db
FORM = "/hoi-dap/gui-cau-hoi/"


def test_a_valid_submission_stores_the_question_consent_and_gives_a_tracking_code(
    district, a_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = a_client.post(FORM, form_data(), REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    question = Question.objects.get()
    contact = QuestionContact.objects.get(question=question)
    assert question.commune_id == district.a.home.pk
    assert question.state == "received" and question.public_name == "T.T.B."
    assert contact.email == "binh@example.vn" and contact.ip_address == "198.51.100.7"
    assert contact.consent_at is not None and contact.consent_notice_version == "2025-07-01"
    assert QuestionEvent.objects.filter(question=question, to_state="received").exists()
    done = a_client.get(response["Location"]).content.decode()
    assert question.tracking_code in done
    assert question.deadline.strftime("%d/%m/%Y") in done
    # Commune A's staff are told; commune B's are not; the mail carries no sender data.
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert {"bientap_dakla@example.vn", "duyet_dakla@example.vn"} <= recipients
    assert not recipients & {"bientap_hamon@example.vn", "duyet_hamon@example.vn"}
    assert "binh@example.vn" not in mailoutbox[0].body and "Trần Thị Bình" not in mailoutbox[0].body


def test_the_consent_box_is_unticked_and_required(district, a_client):
    page = a_client.get(FORM).content.decode()
    response = a_client.post(FORM, form_data(consent=""))

    assert 'name="consent"' in page and 'name="consent" checked' not in page
    assert response.status_code == 400
    assert "Bạn cần đánh dấu ô đồng ý" in response.content.decode()
    assert not Question.objects.exists()


def test_rejected_input_keeps_what_the_citizen_typed(district, a_client):
    response = a_client.post(FORM, form_data(title="Ngắn", email="khong-phai-email"))
    html = response.content.decode()

    assert response.status_code == 400
    assert "Tiêu đề cần ít nhất 10 ký tự (hiện có 4)" in html
    assert "Địa chỉ email không hợp lệ" in html
    assert "Trạm y tế xã thường đóng cửa sớm" in html  # the text is still in the form
    assert 'value="Trần Thị Bình"' in html


def test_the_length_limits_are_shown_and_enforced(district, a_client):
    page = a_client.get(FORM).content.decode()
    response = a_client.post(FORM, form_data(text="x" * 5001))

    assert "Từ 20 đến 5.000 ký tự" in page and 'maxlength="5000"' in page
    assert "Nội dung chỉ được tối đa 5000 ký tự (hiện có 5001)" in response.content.decode()


def test_a_private_answer_needs_an_email_or_a_phone(district, a_client):
    response = a_client.post(FORM, form_data(private="on", email="", phone=""))

    assert response.status_code == 400
    assert "vui lòng ghi email hoặc số điện thoại" in response.content.decode()
    ok = a_client.post(FORM, form_data(private="on", email="", phone="0912 345 678"))
    assert ok.status_code == 302
    assert QuestionContact.objects.get().phone == "0912345678"


def test_the_honeypot_stops_bots_with_a_message_a_person_can_act_on(district, a_client):
    response = a_client.post(FORM, form_data(trang_web="http://spam.example"))

    assert response.status_code == 400
    assert "Để trống ô này" in response.content.decode()
    assert not Question.objects.exists()


def test_personal_data_in_the_text_is_masked_in_the_public_version(district, a_client):
    a_client.post(FORM, form_data(text="Liên hệ tôi qua 0912.345.678 hoặc binh@example.vn, CCCD 062123456789 nhé."))

    question = Question.objects.get()
    assert "0912.345.678" not in question.public_text and "062123456789" not in question.public_text
    assert "0912.345.678" in question.original_text


@pytest.mark.parametrize("name, content, extension", [
    ("anh.png", png_bytes(), "png"),
    ("anh.jpg", png_bytes(fmt="JPEG"), "jpg"),
    ("anh.webp", png_bytes(fmt="WEBP"), "webp"),
    ("van-ban.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "pdf"),
])
def test_images_and_pdfs_are_accepted_and_stored_privately(district, a_client, settings, name, content, extension):
    response = a_client.post(FORM, form_data(attachment=SimpleUploadedFile(name, content)))

    assert response.status_code == 302
    question = Question.objects.get()
    assert question.attachment.name.endswith(f".{extension}")
    assert question.attachment.path.startswith(settings.QUESTIONS_ATTACHMENT_ROOT)
    assert question.attachment_name == name


@pytest.mark.parametrize("name, content", [
    ("virus.png", b"MZ\x90\x00 this is an executable pretending to be an image"),
    ("trang.html", b"<html><script>alert(1)</script></html>"),
    ("hong.jpg", png_bytes(fmt="JPEG")[:40]),
    ("anh.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ("rong.pdf", b""),
])
def test_malformed_or_disallowed_uploads_are_refused_without_a_500(district, a_client, name, content):
    response = a_client.post(FORM, form_data(attachment=SimpleUploadedFile(name, content)))
    html = response.content.decode()

    assert response.status_code == 400
    assert "Tệp đính kèm" in html and ("không hợp lệ" in html or "trống" in html)
    assert "Trạm y tế xã thường đóng cửa sớm" in html
    assert not Question.objects.exists()


def test_oversized_uploads_are_refused_with_the_limit_stated(district, a_client, settings):
    settings.QUESTIONS_ATTACHMENT_MAX_SIZE = 1024
    response = a_client.post(FORM, form_data(attachment=SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * 2048)))

    assert response.status_code == 400
    assert "quá lớn" in response.content.decode() and "1,0" in response.content.decode()
    assert not Question.objects.exists()


def test_submissions_are_rate_limited_per_address(district, a_client, settings):
    settings.QUESTIONS_RATE_LIMITS = {"submit-ip-hour": (2, 3600)}
    for n in range(2):
        assert a_client.post(FORM, form_data(email=f"nguoi{n}@example.vn"), REMOTE_ADDR="192.0.2.1").status_code == 302

    response = a_client.post(FORM, form_data(email="nguoi9@example.vn"), REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 429
    assert "Vui lòng thử lại sau" in response.content.decode()
    assert "Trạm y tế xã thường đóng cửa sớm" in response.content.decode()
    assert a_client.post(FORM, form_data(email="khac@example.vn"), REMOTE_ADDR="192.0.2.2").status_code == 302
    assert Question.objects.count() == 3


def test_submissions_are_rate_limited_per_contact(district, a_client, settings):
    settings.QUESTIONS_RATE_LIMITS = {"submit-contact-day": (1, 86400)}
    assert a_client.post(FORM, form_data(), REMOTE_ADDR="192.0.2.1").status_code == 302

    response = a_client.post(FORM, form_data(email="BINH@example.vn"), REMOTE_ADDR="192.0.2.99")

    assert response.status_code == 429
    assert "Email hoặc số điện thoại này" in response.content.decode()


def test_rate_limit_counters_hold_no_contact_data_in_clear(district, a_client):
    from questions.models import RateLimitCounter

    a_client.post(FORM, form_data())

    assert not RateLimitCounter.objects.filter(key__contains="binh").exists()
    assert RateLimitCounter.objects.filter(key__startswith="submit-contact-day:").count() == 1


def test_the_form_demands_a_csrf_token(district):
    from django.test import Client

    strict = Client(HTTP_HOST="dak-la.localhost", enforce_csrf_checks=True)
    assert strict.post(FORM, form_data()).status_code == 403
    assert not Question.objects.exists()


def test_the_portal_form_asks_which_commune_and_refuses_others(district, client):
    page = client.get(FORM).content.decode()
    assert "Xã Đắk La" in page and "Xã Hà Mòn" in page

    missing = client.post(FORM, form_data())
    assert "Vui lòng chọn xã, phường" in missing.content.decode()
    assert client.post(FORM, form_data(commune="999999")).status_code == 400
    assert client.post(FORM, form_data(commune=district.b.home.pk)).status_code == 302
    assert Question.objects.get().commune_id == district.b.home.pk


def test_a_commune_form_ignores_a_commune_smuggled_into_the_post(district, a_client):
    a_client.post(FORM, form_data(commune=district.b.home.pk))

    assert Question.objects.get().commune_id == district.a.home.pk


def test_the_submission_page_has_bounded_queries(district, a_client, django_assert_max_num_queries):
    a_client.get(FORM)
    with django_assert_max_num_queries(20):
        assert a_client.get(FORM).status_code == 200
    with django_assert_max_num_queries(30):
        assert a_client.post(FORM, form_data()).status_code == 302


def test_the_tracking_code_lookup_shows_status_without_personal_data(district, a_client, b_client):
    a_client.post(FORM, form_data())
    question = Question.objects.get()

    found = a_client.post("/hoi-dap/tra-cuu/", {"code": question.tracking_code.lower().replace("-", " ")})
    elsewhere = b_client.post("/hoi-dap/tra-cuu/", {"code": question.tracking_code})
    wrong = a_client.post("/hoi-dap/tra-cuu/", {"code": "abc"})

    html = found.content.decode()
    assert "Đã tiếp nhận" in html and question.deadline.strftime("%d/%m/%Y") in html
    assert "binh@example.vn" not in html and "Trần Thị Bình" not in html
    assert "Không tìm thấy câu hỏi nào" in elsewhere.content.decode()
    assert wrong.status_code == 400 and "Mã tra cứu gồm chữ HD" in wrong.content.decode()


def test_tracking_lookups_are_rate_limited(district, a_client, settings):
    settings.QUESTIONS_RATE_LIMITS = {"lookup-ip-hour": (2, 3600)}
    for _ in range(2):
        a_client.post("/hoi-dap/tra-cuu/", {"code": "HD-AAAAA-AAAAA"})

    response = a_client.post("/hoi-dap/tra-cuu/", {"code": "HD-AAAAA-AAAAA"})

    assert response.status_code == 429
    assert "tra cứu quá nhiều lần" in response.content.decode()


def test_the_text_help_groups_thousands_with_a_dot_and_keeps_its_comma():
    from questions.forms import TEXT_MAX, TEXT_MIN, QuestionForm

    help_text = QuestionForm.base_fields["text"].help_text
    assert f"Từ {TEXT_MIN} đến {TEXT_MAX:,} ký tự.".replace(",", ".") in help_text
    assert "Không ghi số điện thoại, số CCCD vào nội dung." in help_text


def test_a_form_with_errors_says_so_in_its_title_and_links_each_error_to_its_field(district, a_client):
    html = a_client.post(FORM, form_data(kind="")).content.decode()

    assert "<title>Có lỗi cần sửa - Gửi câu hỏi" in html
    assert 'aria-describedby="id_kind_error"' in html and 'id="id_kind_error"' in html
