"""The CSV/XLSX exports of the Q&A and search admin listings: real columns under Vietnamese headings,
no sender's contact data, and only the user's own communes' rows."""

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from questions.models import PersonalDataAccess, PersonalDataAction
from search.models import SearchPromotion
from tests.conftest import client_for
from tests.questions.conftest import submit

pytestmark = pytest.mark.django_db

QUESTIONS = "/quan-tri/hoi-dap/cau-hoi/"
AUDIT_LOG = "/quan-tri/hoi-dap/nhat-ky-du-lieu/"
PROMOTIONS = "/quan-tri/tim-kiem/de-xuat/"

QUESTION_HEADINGS = [
    "Mã tra cứu", "Tiêu đề", "Xã", "Loại", "Lĩnh vực", "Trạng thái", "Ngày tiếp nhận", "Hạn trả lời", "Quá hạn",
    "Bộ phận xử lý", "Ngày trả lời", "Ngày công khai", "Trả lời riêng",
]
AUDIT_HEADINGS = ["Thời điểm", "Tài khoản", "Thao tác", "Mã tra cứu", "Xã"]
PROMOTION_HEADINGS = ["Từ khóa tìm kiếm", "Trang đề xuất", "Mô tả ngắn", "Xã", "Thứ tự"]


def csv_rows(user, url):
    response = client_for(user).get(url, {"export": "csv"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(user, url):
    response = client_for(user).get(url, {"export": "xlsx"})
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def questions(district):
    a = submit(district.a.home, title="Hỏi về cấp giấy chứng nhận ở Đắk La", name="Nguyễn Văn Riêng Tư",
               email="rieng.tu@example.vn", phone="0912345678", address="Thôn 3, xã Đắk La", ip="203.0.113.77")
    b = submit(district.b.home, title="Câu hỏi riêng của Hà Mòn", name="Lê Thị Hà Mòn", email="ha.mon@example.vn",
               phone="0987654321", ip="198.51.100.9")
    return a, b


def test_the_question_export_has_vietnamese_headings_and_a_row_of_real_columns(district, questions):
    a, _ = questions
    header, *rows = csv_rows(district.approver_a, QUESTIONS)

    assert header == QUESTION_HEADINGS
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Mã tra cứu"] == a.tracking_code
    assert row["Tiêu đề"] == "Hỏi về cấp giấy chứng nhận ở Đắk La"
    assert row["Xã"] == district.a.home.title
    assert row["Loại"] == a.get_kind_display() and row["Lĩnh vực"] == a.get_field_display()
    assert row["Trạng thái"] == a.get_state_display()
    assert row["Ngày tiếp nhận"] == timezone.localtime(a.received_at).strftime("%d/%m/%Y %H:%M")
    assert row["Hạn trả lời"] == a.deadline.strftime("%d/%m/%Y")
    assert row["Trả lời riêng"] == "Không"


def test_the_question_export_never_holds_the_senders_contact_data(district, questions):
    a, _ = questions
    for rows in (csv_rows(district.approver_a, QUESTIONS), xlsx_rows(district.approver_a, QUESTIONS)):
        text = " ".join(str(cell) for row in rows for cell in row)
        assert a.tracking_code in text
        for secret in ("Nguyễn Văn Riêng Tư", "rieng.tu@example.vn", "0912345678", "Thôn 3", "203.0.113.77"):
            assert secret not in text
        for heading in ("Họ và tên", "Email", "Số điện thoại", "Địa chỉ", "Địa chỉ IP"):
            assert heading not in rows[0]


def test_commune_a_question_export_holds_none_of_commune_bs_rows(district, questions):
    a, b = questions
    for rows in (csv_rows(district.approver_a, QUESTIONS), xlsx_rows(district.approver_a, QUESTIONS)):
        codes = [row[0] for row in rows[1:]]
        assert codes == [a.tracking_code]
        assert b.tracking_code not in str(rows) and "Hà Mòn" not in str(rows)


def test_the_question_xlsx_export_has_the_same_headings_and_a_local_date(district, questions):
    a, _ = questions
    header, row = xlsx_rows(district.approver_a, QUESTIONS)

    assert header == QUESTION_HEADINGS
    assert row[0] == a.tracking_code and row[2] == district.a.home.title
    # The time people read here (Asia/Ho_Chi_Minh), not Wagtail's default UTC.
    assert row[6] == timezone.make_naive(a.received_at).replace(microsecond=0)


@pytest.fixture
def audit_entries(district, questions):
    a, b = questions
    return (
        PersonalDataAccess.objects.create(commune=district.a.home, question=a, tracking_code=a.tracking_code,
                                          user=district.approver_a, username="duyet_dakla",
                                          action=PersonalDataAction.VIEW, ip_address="192.0.2.1"),
        PersonalDataAccess.objects.create(commune=district.b.home, question=b, tracking_code=b.tracking_code,
                                          user=district.approver_b, username="duyet_hamon",
                                          action=PersonalDataAction.EXPORT, ip_address="192.0.2.2"),
    )


def test_the_audit_log_export_says_who_when_what_which_code_and_commune(district, audit_entries):
    entry, _ = audit_entries
    for header, *rows in (csv_rows(district.approver_a, AUDIT_LOG), xlsx_rows(district.approver_a, AUDIT_LOG)):
        assert header == AUDIT_HEADINGS
        assert len(rows) == 1
        when, who, action, code, commune = rows[0]
        assert who == "duyet_dakla" and action == "Xem thông tin liên hệ"
        assert code == entry.tracking_code and commune == district.a.home.title
        assert when in (timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M"),
                        timezone.make_naive(entry.at).replace(microsecond=0))


def test_commune_a_audit_log_export_holds_none_of_commune_bs_rows(district, audit_entries):
    a_entry, b_entry = audit_entries
    for rows in (csv_rows(district.approver_a, AUDIT_LOG), xlsx_rows(district.approver_a, AUDIT_LOG)):
        assert [row[3] for row in rows[1:]] == [a_entry.tracking_code]
        assert b_entry.tracking_code not in str(rows) and "duyet_hamon" not in str(rows)


@pytest.fixture
def promotions(district):
    return (
        SearchPromotion.objects.create(commune=district.a.home, query="Khai sinh", page=district.a.home,
                                       description="Hồ sơ khai sinh tại xã Đắk La", sort_order=2),
        SearchPromotion.objects.create(commune=district.b.home, query="điện", page=district.b.home,
                                       description="Bí mật của Hà Mòn"),
    )


def test_the_search_promotion_export_has_vietnamese_headings_and_a_row_of_real_columns(district, promotions):
    for header, *rows in (csv_rows(district.editor_a, PROMOTIONS), xlsx_rows(district.editor_a, PROMOTIONS)):
        assert header == PROMOTION_HEADINGS
        assert [[str(cell) for cell in row] for row in rows] == [
            ["Khai sinh", district.a.home.title, "Hồ sơ khai sinh tại xã Đắk La", district.a.home.title, "2"]
        ]


def test_commune_a_search_promotion_export_holds_none_of_commune_bs_rows(district, promotions):
    for rows in (csv_rows(district.editor_a, PROMOTIONS), xlsx_rows(district.editor_a, PROMOTIONS)):
        assert [row[0] for row in rows[1:]] == ["Khai sinh"]
        assert "Bí mật của Hà Mòn" not in str(rows) and "điện" not in str(rows)
