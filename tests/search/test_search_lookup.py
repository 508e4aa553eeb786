"""Document lookup (tra cứu văn bản) on a commune's document page."""

import pytest
from django.test import Client
from search_corpus import build_corpus


@pytest.fixture
def lookup(district):
    corpus = build_corpus(district, with_questions=False)
    client = Client(HTTP_HOST="dak-la.localhost")

    def numbers(**params):
        response = client.get("/van-ban/", {k.replace("_", "-"): v for k, v in params.items()})
        assert response.status_code == 200
        return response, [d.number for d in response.context["documents"]]

    numbers.corpus = corpus
    return numbers


@pytest.mark.parametrize("typed", ["1381/QĐ-BTTTT", "1381/QD-BTTTT", "1381 qđ btttt", "1381qdbtttt"])
def test_an_exact_number_finds_the_same_document_however_typed(lookup, typed):
    _, found = lookup(so_ky_hieu=typed)
    assert found == ["1381/QĐ-BTTTT"]


def test_a_partial_number_finds_documents_containing_it(lookup):
    _, found = lookup(so_ky_hieu="1381")
    assert found == ["1381/QĐ-BTTTT"]


def test_it_filters_by_issuing_body_type_field_year_and_status(lookup):
    _, found = lookup(co_quan="UBND tỉnh Kon Tum")
    assert sorted(found) == ["1235/UBND-KGVX", "4222/KH-UBND"]
    _, found = lookup(co_quan="ubnd tinh kon tum", tinh_trang="het-hieu-luc")
    assert found == ["4222/KH-UBND"]
    _, found = lookup(tinh_trang="con-hieu-luc", nam="2023", hinh_thuc="ke-hoach")
    assert sorted(found) == ["10/KH-UBND", "454/KH-STTTT"]
    _, found = lookup(linh_vuc="nong-nghiep")
    assert found == ["45/QĐ-UBND"]


def test_the_form_offers_this_communes_issuing_bodies_only(lookup):
    response, _ = lookup()
    bodies = response.context["issuing_bodies"]
    assert "Bộ Thông tin và Truyền thông" in bodies and "UBND xã Đắk La" in bodies
    assert "UBND xã Hà Mòn" not in bodies
    html = response.content.decode()
    assert '<label for="co-quan">Cơ quan ban hành</label>' in html


def test_bad_input_gets_a_clear_message_not_an_error(lookup):
    response, found = lookup(nam="20x4", co_quan="Bộ Ngoại giao", so_ky_hieu="///")
    html = response.content.decode()
    assert "Năm ban hành “20x4” không hợp lệ" in html
    assert "Không có văn bản nào của cơ quan “Bộ Ngoại giao”" in html
    assert "Số ký hiệu cần có chữ hoặc số" in html
    assert len(found) == 7  # the filters that were valid (none) still apply


def test_the_selected_filters_stay_selected(lookup):
    response, _ = lookup(hinh_thuc="quyet-dinh", nam="2024")
    html = response.content.decode()
    assert '<option value="quyet-dinh" selected>' in html and 'value="2024"' in html


def test_the_lookup_has_bounded_sql(lookup, django_assert_max_num_queries):
    # The base template (menus, identity) and first-request cache fills are most of these: since the
    # alert banner (5 on a cold cache, 1 warm) and the log's commune map (2, once a minute per process), 46;
    # the language registry's read (2, every 10 s per process) and the page's language versions (1), 49.
    with django_assert_max_num_queries(49):
        lookup(so_ky_hieu="1381/QD-BTTTT", co_quan="Bộ Thông tin và Truyền thông", nam="2021")
