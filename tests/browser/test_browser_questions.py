"""A citizen asks the commune a question from a cheap phone, with and without JavaScript, and follows it up."""

import re

import pytest

from questions.models import Question, QuestionState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
TRACKING_CODE = re.compile(r"^HD-[A-Z0-9]{5}-[A-Z0-9]{5}$")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def ask_and_follow_up(context, commune_url, title):
    """Fill the form as a person would (labels, not ids), submit, read the code, look it up."""
    page = context.new_page()
    page.goto(commune_url + "/hoi-dap/gui-cau-hoi/")
    assert no_horizontal_scroll(page)
    page.get_by_label("Họ và tên hoặc bí danh").fill("Nguyễn Thị Hương")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Phản ánh, kiến nghị").check()
    page.get_by_label("Lĩnh vực").select_option(label="Y tế")
    page.get_by_label("Tiêu đề").fill(title)
    page.get_by_label("Nội dung").fill(
        "Trạm y tế xã thường đóng cửa trước 16 giờ, người dân đi làm rẫy về không kịp khám bệnh cho con."
    )
    page.get_by_label("Tôi đồng ý để Ủy ban nhân dân xử lý thông tin cá nhân").check()
    submit = page.get_by_role("button", name="Gửi câu hỏi")
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # reachable without sideways scrolling
    with page.expect_navigation():
        submit.click()

    assert page.url.endswith("/hoi-dap/gui-cau-hoi/da-gui/"), page.url
    assert page.locator("h1").inner_text() == "Đã gửi câu hỏi thành công"
    assert no_horizontal_scroll(page)
    code = page.locator(".tracking-code").inner_text().strip()
    assert TRACKING_CODE.match(code), code

    page.get_by_role("link", name="Tra cứu tình trạng").click()
    page.wait_for_url("**/hoi-dap/tra-cuu/")
    page.get_by_label("Mã tra cứu").fill(code.lower().replace("-", " "))  # as a person might type it
    with page.expect_navigation():
        page.get_by_role("button", name="Tra cứu").click()
    result = page.get_by_role("status").filter(has_text=code)
    assert result.is_visible()
    assert "Xã Đắk La" in result.inner_text()
    status_text = result.inner_text()
    assert no_horizontal_scroll(page)
    page.close()
    return code, status_text


def test_a_citizen_on_a_phone_asks_a_question_and_looks_up_its_status(browser, live_sites, content):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    code, status_text = ask_and_follow_up(context, live_sites["a"], "Giờ mở cửa của trạm y tế xã")
    context.close()
    question = Question.objects.select_related("commune").get(tracking_code=code)
    assert question.public_state_label in status_text  # "Đã tiếp nhận, đang chờ phân công xử lý"
    assert question.deadline.strftime("%d/%m/%Y") in status_text
    assert question.commune.title == "Xã Đắk La"
    assert question.state == QuestionState.RECEIVED
    assert (question.title, question.kind, question.field) == ("Giờ mở cửa của trạm y tế xã", "phan-anh", "y-te")
    assert question.contact.phone == "0912345678"


def test_a_citizen_asks_and_looks_up_a_question_with_javascript_disabled(browser, live_sites, content):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    code, status_text = ask_and_follow_up(context, live_sites["a"], "Trạm y tế xã đóng cửa sớm")
    context.close()
    question = Question.objects.get(tracking_code=code, commune__title="Xã Đắk La")
    assert question.public_state_label in status_text
