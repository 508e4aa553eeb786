"""Issue 7's holes in the history and usage views of commune-owned rows: Đắk La's staff read Hà Mòn's
search promotions and holidays there. Every view of such a model now resolves objects through the
tenancy layer (`CommuneOwnedViewSet`)."""

import datetime

import pytest

from questions.models import Holiday
from search.models import SearchPromotion
from tests.conftest import client_for

PROMOTION = "từ khóa riêng của Hà Mòn"
HOLIDAY = "Ngày hội riêng của Hà Mòn"


@pytest.fixture
def rows(district):
    news_index = district.b.home.get_children().get(slug="tin-tuc")
    promotion = SearchPromotion.objects.create(commune=district.b.home, query=PROMOTION, page=news_index)
    holiday = Holiday.objects.create(date=datetime.date(2031, 3, 5), name=HOLIDAY, commune=district.b.home)
    return promotion, holiday


def urls(promotion, holiday):
    return [
        f"/quan-tri/tim-kiem/de-xuat/history/{promotion.pk}/",
        f"/quan-tri/tim-kiem/de-xuat/usage/{promotion.pk}/",
        f"/quan-tri/tim-kiem/de-xuat/edit/{promotion.pk}/",
        f"/quan-tri/tim-kiem/de-xuat/delete/{promotion.pk}/",
        f"/quan-tri/hoi-dap/ngay-nghi/history/{holiday.pk}/",
        f"/quan-tri/hoi-dap/ngay-nghi/usage/{holiday.pk}/",
        f"/quan-tri/hoi-dap/ngay-nghi/edit/{holiday.pk}/",
        f"/quan-tri/hoi-dap/ngay-nghi/delete/{holiday.pk}/",
    ]


@pytest.mark.parametrize("who", ["editor_a", "approver_a"])
def test_another_communes_promotion_and_holiday_history_usage_edit_and_delete_are_404(district, rows, who):
    client = client_for(getattr(district, who))
    for url in urls(*rows):
        response = client.get(url)
        assert response.status_code == 404, url
        assert PROMOTION not in response.content.decode() and HOLIDAY not in response.content.decode()


def test_the_communes_own_staff_and_portal_staff_reach_those_views(district, rows):
    for user in (district.approver_b, district.district_admin):
        client = client_for(user)
        for url in urls(*rows):
            assert client.get(url).status_code == 200, (user.username, url)


def test_commune_staff_read_national_holidays_but_cannot_edit_or_delete_them(district):
    national = Holiday.objects.create(date=datetime.date(2031, 9, 2), name="Quốc khánh thử nghiệm")
    client = client_for(district.editor_a)
    listing = client.get("/quan-tri/hoi-dap/ngay-nghi/").content.decode()
    assert "Quốc khánh thử nghiệm" in listing
    assert f"/ngay-nghi/edit/{national.pk}/" not in listing
    assert client.get(f"/quan-tri/hoi-dap/ngay-nghi/edit/{national.pk}/").status_code == 404
    assert client.post(f"/quan-tri/hoi-dap/ngay-nghi/delete/{national.pk}/").status_code == 404
    assert Holiday.objects.filter(pk=national.pk).exists()
