"""Issue 14: each site's identity (logo and its alt text, hotline, the footer's legal details) is edited by
that site's own staff on its home page, never by another commune's; and editors must describe images."""

import json

import pytest
from django.test import Client
from wagtail.test.utils.form_data import streamfield

from communes.models import CommuneHomePage, NewsPage
from tests.conftest import client_for
from tests.sites.test_admin_media_and_bulk import edit, form_errors, home_form, latest
from tests.sites.test_admin_tenancy import _commune_content, is_refusal, news_form

LEGAL = {
    "hotline": "0260 3824 999", "licence_number": "12/GP-TTĐT", "licence_issuer": "Sở Thông tin và Truyền thông",
    "licence_date": "15/06/2023", "content_responsible": "Nguyễn Văn An, Phó Chủ tịch UBND xã",
}


@pytest.fixture
def world(district):
    """Both communes with their content (an image each), and a draft news item of commune A."""
    district.content_a = _commune_content(district.a, district.editor_a, district.approver_a, "Đắk La")
    district.content_b = _commune_content(district.b, district.editor_b, district.approver_b, "Hà Mòn")
    district.a_draft = district.content_a.news_index.add_child(
        instance=NewsPage(title="Bản nháp của Đắk La", slug="ban-nhap", live=False)
    )
    district.a_draft.save_revision(user=district.editor_a)
    return district


def test_a_communes_approver_edits_its_identity_and_the_public_footer_shows_it(world):
    home = world.a.home.specific
    response = edit(client_for(world.approver_a), home, home_form(
        home, logo=world.content_a.image.pk, logo_alt="Biểu trưng xã Đắk La", **LEGAL, **{"action-publish": "1"}
    ))
    assert response.status_code == 302, form_errors(response)
    saved = CommuneHomePage.objects.get(pk=home.pk)
    assert (saved.hotline, saved.licence_number, saved.logo_alt) == ("0260 3824 999", "12/GP-TTĐT",
                                                                       "Biểu trưng xã Đắk La")
    page = Client(HTTP_HOST="dak-la.localhost").get("/").content.decode()
    assert "Giấy phép số 12/GP-TTĐT" in page and 'alt="Biểu trưng xã Đắk La"' in page


@pytest.mark.parametrize("who", ["editor_b", "approver_b"])
def test_another_communes_staff_cannot_edit_a_communes_identity(world, who):
    home = world.a.home.specific
    response = edit(client_for(getattr(world, who)), home, home_form(home, **LEGAL, **{"action-publish": "1"}))
    assert is_refusal(response)
    saved = CommuneHomePage.objects.get(pk=home.pk)
    assert saved.hotline == "" and saved.licence_number == "" and saved.content_responsible == ""
    assert saved.get_latest_revision_as_object().hotline == ""


def test_a_logo_without_alt_text_and_a_licence_without_its_number_are_refused_in_vietnamese(world):
    home = world.a.home.specific
    response = edit(client_for(world.approver_a), home, home_form(
        home, logo=world.content_a.image.pk, logo_alt=" ", licence_issuer="Sở Thông tin và Truyền thông",
        **{"action-publish": "1"},
    ))
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["logo_alt"] == ["Hãy nhập văn bản thay thế mô tả biểu trưng (cho người khiếm thị)."]
    assert errors["licence_number"] == ["Hãy nhập số giấy phép, hoặc để trống cả cơ quan cấp và ngày cấp."]
    assert CommuneHomePage.objects.get(pk=home.pk).logo is None


def test_a_news_image_without_alt_text_is_refused_and_with_it_accepted(world):
    editor = client_for(world.editor_a)
    response = edit(editor, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", image=world.content_a.image.pk,
                                                     image_alt=""))
    assert response.status_code == 200
    assert form_errors(response)["image_alt"] == ["Hãy nhập văn bản thay thế mô tả ảnh đại diện (cho người khiếm thị)."]
    assert latest(world.a_draft).image is None

    response = edit(editor, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", image=world.content_a.image.pk,
                                                     image_alt="Hội nghị chuyển đổi số của xã"))
    assert response.status_code == 302, form_errors(response)
    draft = latest(world.a_draft)
    assert draft.image == world.content_a.image and draft.image_alt_text == "Hội nghị chuyển đổi số của xã"


def test_a_body_image_needs_alt_text_unless_marked_decorative(world):
    """Checked when the page goes for approval or live (Wagtail lets a draft be saved incomplete)."""
    editor = client_for(world.editor_a)
    image = world.content_a.image.pk
    body = streamfield([("image", {"image": image, "decorative": "", "alt_text": ""})])
    response = edit(editor, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", body=body,
                                                     **{"action-submit": "1"}))
    assert response.status_code == 200
    message = "Vui lòng nhập văn bản thay thế cho ảnh hoặc đánh dấu ảnh chỉ để trang trí"
    page = response.content.decode()
    assert message in page or json.dumps(message)[1:-1] in page
    assert len(latest(world.a_draft).body) == 0

    body = streamfield([("image", {"image": image, "decorative": "on", "alt_text": ""})])
    response = edit(editor, world.a_draft, news_form("Bản nháp của Đắk La", "ban-nhap", body=body,
                                                     **{"action-submit": "1"}))
    assert response.status_code == 302, form_errors(response)
    block = latest(world.a_draft).body[0]
    assert block.value.decorative and block.value.contextual_alt_text == ""


def test_editor_rules_do_not_stop_services_saving_an_older_home_page(world):
    """The rules are the editor form's: a home page whose logo predates the alt text still saves."""
    home = world.a.home.specific
    home.logo = world.content_a.image
    home.save()
    home.save_revision().publish()
    assert CommuneHomePage.objects.get(pk=home.pk).logo == world.content_a.image
    assert NewsPage.editor_errors({"image": world.content_a.image, "image_alt": ""})
