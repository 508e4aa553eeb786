"""Public alert pages under every site's home: a commune shows the alerts affecting it, the portal all."""

import pytest
from django.test import Client

from broadcasts.alerts import alert_cancel, alert_publish, alert_update_draft
from broadcasts.models import AlertTranslation
from tests.broadcasts.test_alerts_services import commune_publisher, make_alert, portal_publisher, published_alert

A_HOST, B_HOST, PORTAL_HOST = "dak-la.localhost", "ha-mon.localhost", "localhost"


def get(host, path):
    return Client(HTTP_HOST=host).get(path)


@pytest.fixture
def alerts(district):
    publisher = portal_publisher()
    a_alert = alert_publish(alert=make_alert(issuer=None, communes=[district.a], headline="Sạt lở đất ở Đắk La"),
                            user=publisher)
    b_alert = alert_publish(alert=make_alert(issuer=None, communes=[district.b], headline="Cháy rừng ở Hà Mòn"),
                            user=publisher)
    return a_alert, b_alert


def test_each_commune_lists_the_alerts_affecting_it_and_the_portal_lists_all(alerts):
    a_alert, b_alert = alerts
    a_page = get(A_HOST, "/canh-bao/").content.decode()
    assert a_alert.headline in a_page and b_alert.headline not in a_page
    b_page = get(B_HOST, "/canh-bao/").content.decode()
    assert b_alert.headline in b_page and a_alert.headline not in b_page
    portal = get(PORTAL_HOST, "/canh-bao/").content.decode()
    assert a_alert.headline in portal and b_alert.headline in portal and "Xã Hà Mòn" in portal
    under_portal = get(PORTAL_HOST, "/xa-dak-la/canh-bao/").content.decode()
    assert a_alert.headline in under_portal and b_alert.headline not in under_portal


def test_the_list_says_so_when_there_is_no_alert(district):
    page = get(B_HOST, "/canh-bao/")
    assert page.status_code == 200
    assert "Hiện không có cảnh báo khẩn cấp nào cho Xã Hà Mòn." in page.content.decode()


def test_ended_alerts_are_listed_apart_with_their_state(district):
    publisher = commune_publisher(district.a)
    cancelled = published_alert(district.a, publisher, headline="Lũ đã qua")
    alert_cancel(original=cancelled, user=publisher)
    page = get(A_HOST, "/canh-bao/").content.decode()
    ended = page[page.index("Đã kết thúc trong 30 ngày qua"):]
    assert "Lũ đã qua" in ended and "Đã hủy" in ended
    assert "Lũ đã qua" not in page[: page.index("Đã kết thúc trong 30 ngày qua")].split("Đang có hiệu lực", 1)[1]


def test_an_alert_page_shows_everything_a_citizen_needs_in_each_language(district):
    alert = make_alert(issuer=district.a, communes=[district.a])
    AlertTranslation.objects.create(alert=alert, language="bdq", event="Lũ", headline="Tơdrong lũ quét",
                                    description="Mô tả tiếng Ba Na.")
    alert = alert_publish(alert=alert, user=commune_publisher(district.a))
    response = get(A_HOST, f"/canh-bao/{alert.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (alert.headline, "Đang hiệu lực", "Nghiêm trọng", "Ngay lập tức", "Hướng dẫn người dân",
                 "Ủy ban nhân dân xã Đắk La", alert.identifier, 'lang="bdq"', "Tơdrong lũ quét"):
        assert text in html, text
    assert f'href="/canh-bao/{alert.pk}/cap/"' in html and "<script>" not in html


def test_another_communes_alert_is_not_found_on_a_commune_host_but_is_on_the_portal(alerts):
    a_alert, _ = alerts
    assert get(B_HOST, f"/canh-bao/{a_alert.pk}/").status_code == 404
    assert get(PORTAL_HOST, f"/xa-ha-mon/canh-bao/{a_alert.pk}/").status_code == 404
    assert get(PORTAL_HOST, f"/canh-bao/{a_alert.pk}/").status_code == 200
    assert get(A_HOST, f"/canh-bao/{a_alert.pk}/").status_code == 200


@pytest.mark.parametrize("bad", ["0", "00", "9" * 19, "9" * 40, "-3", "x", "1.5", "%00"])
def test_bad_ids_are_not_found_never_a_server_error(district, bad):
    for suffix in ("", "cap/"):
        assert get(A_HOST, f"/canh-bao/{bad}/{suffix}").status_code == 404


def test_drafts_are_not_public(district):
    draft = make_alert(issuer=district.a, communes=[district.a])
    assert get(A_HOST, f"/canh-bao/{draft.pk}/").status_code == 404
    assert draft.headline not in get(A_HOST, "/canh-bao/").content.decode()


def test_an_updated_alert_points_to_its_update(district):
    publisher = commune_publisher(district.a)
    original = published_alert(district.a, publisher)
    update = alert_publish(alert=alert_update_draft(original=original, user=publisher), user=publisher)
    html = get(A_HOST, f"/canh-bao/{original.pk}/").content.decode()
    assert "Đã được cập nhật" in html and f'href="/canh-bao/{update.pk}/"' in html
    assert 'name="robots" content="noindex"' in html


def test_the_alert_pages_only_answer_get_and_head(alerts):
    a_alert, _ = alerts
    client = Client(HTTP_HOST=A_HOST, enforce_csrf_checks=False)
    for path in ("/canh-bao/", f"/canh-bao/{a_alert.pk}/", f"/canh-bao/{a_alert.pk}/cap/", "/canh-bao/atom/"):
        assert client.post(path).status_code == 405
        assert client.head(path).status_code == 200


def test_the_list_advertises_the_atom_index(alerts):
    html = get(A_HOST, "/canh-bao/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="/canh-bao/atom/"' in html
