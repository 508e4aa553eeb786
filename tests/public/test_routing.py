"""Each commune answers on its hostname and under the portal path, with its own content only."""

import pytest
from django.test import Client, override_settings


def get(host, path):
    return Client(HTTP_HOST=host).get(path)


def path_of(page, commune_slug):
    """The page's path under its commune: /huyen-dak-ha/xa-dak-la/tin-tuc/x/ → /tin-tuc/x/."""
    return page.url_path.split(f"/{commune_slug}", 1)[1]


def test_each_commune_home_is_served_on_its_hostname_and_its_portal_path(content):
    for host, path in [("dak-la.localhost", "/"), ("localhost", "/xa-dak-la/")]:
        response = get(host, path)
        assert response.status_code == 200
        assert "<h1>Ủy ban nhân dân xã Đắk La</h1>" in response.content.decode()
    for host, path in [("ha-mon.localhost", "/"), ("localhost", "/xa-ha-mon/")]:
        assert "<h1>Ủy ban nhân dân xã Hà Mòn</h1>" in get(host, path).content.decode()


def test_a_communes_news_appears_on_its_own_site_only(content):
    a, b = content
    a_news = a.news[0]
    for host, path in [("dak-la.localhost", "/"), ("dak-la.localhost", "/tin-tuc/"), ("localhost", "/xa-dak-la/tin-tuc/")]:
        html = get(host, path).content.decode()
        assert a_news.title in html
        assert b.news[0].title not in html
    for host, path in [("ha-mon.localhost", "/"), ("ha-mon.localhost", "/tin-tuc/"), ("localhost", "/xa-ha-mon/tin-tuc/")]:
        html = get(host, path).content.decode()
        assert b.news[0].title in html
        assert a_news.title not in html


def test_a_communes_page_is_not_reachable_through_another_communes_hostname_or_path(content):
    a, _ = content
    news_path = path_of(a.news[0], "xa-dak-la")
    assert get("dak-la.localhost", news_path).status_code == 200
    assert get("localhost", "/xa-dak-la" + news_path).status_code == 200
    assert get("ha-mon.localhost", news_path).status_code == 404
    assert get("localhost", "/xa-ha-mon" + news_path).status_code == 404
    # Nor by climbing out of the commune's tree with the other commune's path on its hostname.
    assert get("ha-mon.localhost", "/xa-dak-la" + news_path).status_code == 404


def test_an_unknown_hostname_gets_a_404_not_another_site(content):
    response = get("khong-co.localhost", "/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy" in html
    assert "Đắk La" not in html and "Đắk Hà" not in html


@override_settings(STRICT_HOSTNAMES=True)
def test_healthz_answers_on_any_hostname(db):
    for host in ["localhost", "dak-la.localhost", "khong-co.localhost"]:
        response = get(host, "/healthz")
        assert response.status_code == 200, host
        assert response.json() == {"status": "ok"}


def test_the_portal_lists_communes_by_official_name_linking_their_own_hostnames(content):
    html = get("localhost", "/").content.decode()
    assert '<a href="http://dak-la.localhost/">Xã Đắk La</a>' in html
    assert '<a href="http://ha-mon.localhost/">Xã Hà Mòn</a>' in html
    # Vietnamese alphabetical order: Đ comes right after D, before H.
    assert html.index("Xã Đắk La</a>") < html.index("Xã Hà Mòn</a>")


def test_the_portal_home_shows_promoted_news_of_every_commune_and_nothing_else(content):
    a, b = content
    html = get("localhost", "/").content.decode()
    assert a.news[0].title in html and b.news[0].title in html  # promoted
    assert a.news[1].title not in html and b.news[1].title not in html  # not promoted
    assert "· Xã Đắk La" in html and "· Xã Hà Mòn" in html


def test_each_commune_home_links_back_to_the_portal(content):
    html = get("dak-la.localhost", "/").content.decode()
    assert '<a href="http://localhost/">Cổng thông tin điện tử huyện Đắk Hà</a>' in html
    assert "Về Cổng thông tin điện tử huyện Đắk Hà" in html


@pytest.mark.parametrize("host", ["dak-la.localhost", "localhost"])
def test_header_and_footer_carry_the_agency_identity(content, host, district):
    home = district.a.home if host != "localhost" else district.portal
    home.address = "Thôn 1, xã Đắk La, huyện Đắk Hà, tỉnh Kon Tum" if host != "localhost" else "Số 1 Hùng Vương, thị trấn Đắk Hà"
    home.phone = "0260 3820 111"
    home.email = "ubnd@example.vn"
    home.save_revision().publish()
    html = get(host, "/").content.decode()
    header = html.split("</header>")[0]
    footer = html.split('<footer class="site-footer">')[1]
    assert home.agency_name in header
    assert home.agency_name in footer and home.address in footer
    assert 'href="tel:02603820111"' in footer and "mailto:ubnd@example.vn" in footer
    assert "Cơ quan chủ quản: Ủy ban nhân dân huyện Đắk Hà." in footer
