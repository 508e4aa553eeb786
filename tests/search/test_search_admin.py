"""Tenancy of the search admin: commune A's staff never see commune B's promotions, statistics or results."""

import pytest
from django.utils import timezone
from search_corpus import build_corpus

from search.models import SearchPromotion, SearchQueryStat
from tests.conftest import client_for


@pytest.fixture
def corpus(district):
    return build_corpus(district, with_questions=False)


@pytest.fixture
def promotions(district, corpus):
    return (
        SearchPromotion.objects.create(commune=district.a.home, query="Khai sinh", page=corpus["page_birth"],
                                       description="Hồ sơ khai sinh tại xã Đắk La"),
        SearchPromotion.objects.create(commune=district.b.home, query="điện", page=corpus["news_power_b"],
                                       description="Bí mật của Hà Mòn"),
    )


def test_a_promotion_is_pinned_on_its_own_commune_only(district, promotions):
    from django.test import Client

    html = Client(HTTP_HOST="dak-la.localhost").get("/tim-kiem/", {"q": "KHAI SINH"}).content.decode()
    assert "Kết quả đề xuất" in html and "Hồ sơ khai sinh tại xã Đắk La" in html
    html = Client(HTTP_HOST="ha-mon.localhost").get("/tim-kiem/", {"q": "khai sinh"}).content.decode()
    assert "Kết quả đề xuất" not in html
    html = Client(HTTP_HOST="dak-la.localhost").get("/tim-kiem/", {"q": "dien"}).content.decode()
    assert "Bí mật của Hà Mòn" not in html


def test_editor_a_lists_only_commune_a_promotions(district, promotions):
    html = client_for(district.editor_a).get("/quan-tri/tim-kiem/de-xuat/").content.decode()
    assert "Khai sinh" in html
    assert "Bí mật của Hà Mòn" not in html and "điện" not in html


def test_editor_a_cannot_open_or_delete_commune_b_promotions(district, promotions):
    c = client_for(district.editor_a)
    b_promotion = promotions[1]
    assert c.get(f"/quan-tri/tim-kiem/de-xuat/edit/{b_promotion.pk}/").status_code in (403, 404)
    assert c.post(f"/quan-tri/tim-kiem/de-xuat/delete/{b_promotion.pk}/").status_code in (403, 404)
    assert SearchPromotion.objects.filter(pk=b_promotion.pk).exists()
    assert c.get(f"/quan-tri/tim-kiem/de-xuat/edit/{promotions[0].pk}/").status_code == 200


def test_editor_a_cannot_promote_into_commune_b(district, corpus):
    c = client_for(district.editor_a)
    response = c.post("/quan-tri/tim-kiem/de-xuat/new/", {
        "commune": district.b.home.pk, "query": "điện", "page": corpus["news_power_b"].pk, "sort_order": 0,
    })
    assert response.status_code == 200  # the form again, with an error
    response = c.post("/quan-tri/tim-kiem/de-xuat/new/", {
        "commune": district.a.home.pk, "query": "điện", "page": corpus["news_power_b"].pk, "sort_order": 0,
    })
    assert response.status_code == 200
    # Another commune's page is not even a choice for a commune editor (the tenancy layer limits it).
    assert "page" in response.context["form"].errors
    assert not SearchPromotion.objects.exists()
    # Portal staff may choose any page, but only one of the commune they promote it for.
    response = client_for(district.district_admin).post("/quan-tri/tim-kiem/de-xuat/new/", {
        "commune": district.a.home.pk, "query": "điện", "page": corpus["news_power_b"].pk, "sort_order": 0,
    })
    assert "Chỉ được đề xuất trang thuộc trang thông tin của xã đã chọn." in response.content.decode()
    assert not SearchPromotion.objects.exists()
    response = c.post("/quan-tri/tim-kiem/de-xuat/new/", {
        "commune": district.a.home.pk, "query": "Đăng ký khai sinh", "page": corpus["page_birth"].pk, "sort_order": 0,
    })
    assert response.status_code == 302
    assert SearchPromotion.objects.get().query_key == "dang ky khai sinh"


def test_query_statistics_show_only_the_users_communes(district):
    today = timezone.localdate()
    SearchQueryStat.objects.create(commune=district.a.home, query_key="khai sinh", date=today, hits=7, results_count=3)
    SearchQueryStat.objects.create(commune=district.a.home, query_key="ho ngheo", date=today, hits=2, results_count=0)
    SearchQueryStat.objects.create(commune=district.b.home, query_key="bi mat ha mon", date=today, hits=9, results_count=0)
    SearchQueryStat.objects.create(commune=None, query_key="cong thong tin", date=today, hits=4, results_count=1)

    c = client_for(district.editor_a)
    html = c.get("/quan-tri/tim-kiem/thong-ke/").content.decode()
    assert "khai sinh" in html and "ho ngheo" in html
    assert "bi mat ha mon" not in html and "cong thong tin" not in html
    assert c.get("/quan-tri/tim-kiem/thong-ke/", {"xa": district.b.home.pk}).status_code == 404
    assert c.get("/quan-tri/tim-kiem/thong-ke/", {"xa": "cong"}).status_code == 404

    admin = client_for(district.district_admin)
    assert "cong thong tin" in admin.get("/quan-tri/tim-kiem/thong-ke/", {"xa": "cong"}).content.decode()
    assert "bi mat ha mon" in admin.get("/quan-tri/tim-kiem/thong-ke/", {"xa": district.b.home.pk}).content.decode()


def test_editor_b_sees_nothing_of_commune_a(district, promotions):
    c = client_for(district.editor_b)
    assert "Hồ sơ khai sinh" not in c.get("/quan-tri/tim-kiem/de-xuat/").content.decode()
    assert c.get(f"/quan-tri/tim-kiem/de-xuat/edit/{promotions[0].pk}/").status_code in (403, 404)
