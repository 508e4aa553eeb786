"""What public pages take from caches (a hostname's sites, every site's root pages for routing and URLs,
each home's identity and menu) follows a change on the very next request: nothing waits for a timeout."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from communes.models import StandardPage
from provisioning.services import commune_site_create, unit_update_or_create
from sites.models import UnitKind
from tests.public.conftest import publish
from tests.public.test_pages import translate_to_english


def get(host, path="/"):
    return Client(HTTP_HOST=host).get(path)


def html(host, path="/"):
    response = get(host, path)
    assert response.status_code == 200, (host, path)
    return response.content.decode()


def menu_of(page_html):
    return page_html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]


def test_a_section_published_unpublished_or_renamed_changes_the_menu_on_the_next_page_view(content):
    a, _ = content
    assert "Lịch tiếp công dân" not in menu_of(html("dak-la.localhost", "/gioi-thieu/"))
    section = StandardPage(title="Lịch tiếp công dân", slug="lich-tiep-cong-dan", show_in_menus=True)
    a.home.add_child(instance=section)
    publish(section)
    assert '<a href="/lich-tiep-cong-dan/">Lịch tiếp công dân</a>' in menu_of(html("dak-la.localhost", "/gioi-thieu/"))

    section.title = "Lịch tiếp công dân năm 2025"
    publish(section)
    assert ">Lịch tiếp công dân năm 2025</a>" in menu_of(html("dak-la.localhost", "/tin-tuc/"))

    section.unpublish()
    assert "Lịch tiếp công dân" not in menu_of(html("dak-la.localhost", "/gioi-thieu/"))
    assert "Lịch tiếp công dân" not in html("ha-mon.localhost", "/")


def test_a_communes_new_identity_shows_on_all_its_pages_at_once(content, test_image):
    a, _ = content
    before = html("dak-la.localhost", "/tin-tuc/")
    assert 'class="logo"' not in before
    home = a.home
    home.agency_name = "Ủy ban nhân dân xã Đắk La, huyện Đắk Hà"
    home.phone = "0260 3999 999"
    home.logo = test_image
    publish(home)
    after = html("dak-la.localhost", "/tin-tuc/")
    assert "<strong>Ủy ban nhân dân xã Đắk La, huyện Đắk Hà</strong>" in after
    assert "0260 3999 999" in after
    assert 'class="logo"' in after
    assert "Ủy ban nhân dân xã Đắk La, huyện Đắk Hà" not in html("ha-mon.localhost", "/tin-tuc/")


def test_the_portals_new_name_shows_on_every_communes_pages_at_once(content, district):
    assert "Cổng thông tin điện tử tỉnh Kon Tum" not in html("dak-la.localhost", "/gioi-thieu/")
    portal = district.portal
    portal.title = "Cổng thông tin điện tử tỉnh Kon Tum"
    publish(portal)
    for host, path in [("dak-la.localhost", "/gioi-thieu/"), ("ha-mon.localhost", "/"), ("dak-la.localhost", "/canh-bao/")]:
        assert '<a href="http://localhost/">Cổng thông tin điện tử tỉnh Kon Tum</a>' in html(host, path), (host, path)


def test_a_new_commune_answers_on_its_hostname_and_joins_the_directory_at_once(content, district):
    assert get("ngoc-wang.localhost").status_code == 404
    assert "Xã Ngọc Wang" not in html("localhost")
    unit = unit_update_or_create(code="23530", name="Xã Ngọc Wang", kind=UnitKind.COMMUNE, codename="xa_ngoc_wang",
                                 parent=district.portal.unit)
    commune_site_create(unit=unit, portal=district.portal)
    assert "<h1>Ủy ban nhân dân xã Ngọc Wang</h1>" in html("ngoc-wang.localhost")
    assert '<a href="http://ngoc-wang.localhost/">Xã Ngọc Wang</a>' in html("localhost")


def test_a_changed_hostname_is_refused_at_once_and_the_new_one_served(content, district):
    assert get("dak-la.localhost").status_code == 200
    site = district.a.site
    site.hostname = "daklakontum.localhost"
    site.save()
    assert get("dak-la.localhost").status_code == 404
    assert "<h1>Ủy ban nhân dân xã Đắk La</h1>" in html("daklakontum.localhost")
    assert '<link rel="canonical" href="http://daklakontum.localhost/gioi-thieu/">' in html("localhost", "/xa-dak-la/gioi-thieu/")
    assert '<a href="http://daklakontum.localhost/">Xã Đắk La</a>' in html("localhost")


def test_a_page_made_private_leaves_menus_lists_and_the_sitemap_at_once(content):
    a, _ = content
    news_path = "/" + a.news[0].url_path.split("/", 3)[3]
    assert "Thủ tục hành chính" in menu_of(html("dak-la.localhost", "/gioi-thieu/"))
    assert a.news[0].title in html("dak-la.localhost", "/tin-tuc/")
    assert "/thu-tuc-hanh-chinh/" in html("dak-la.localhost", "/sitemap.xml")

    PageViewRestriction.objects.create(page=a.standard, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(page=a.news[0], restriction_type=PageViewRestriction.LOGIN)
    assert get("dak-la.localhost", "/thu-tuc-hanh-chinh/").status_code == 302  # to the sign-in page
    assert get("dak-la.localhost", news_path).status_code == 302
    assert "Thủ tục hành chính" not in menu_of(html("dak-la.localhost", "/gioi-thieu/"))
    assert a.news[0].title not in html("dak-la.localhost", "/tin-tuc/")
    assert a.news[0].title not in html("dak-la.localhost", "/")
    assert a.news[0].title not in html("localhost", "/")
    assert "/thu-tuc-hanh-chinh/" not in html("dak-la.localhost", "/sitemap.xml")

    PageViewRestriction.objects.all().delete()
    assert get("dak-la.localhost", "/thu-tuc-hanh-chinh/").status_code == 200
    assert "Thủ tục hành chính" in menu_of(html("dak-la.localhost", "/gioi-thieu/"))


def test_a_translation_published_after_the_site_was_visited_is_served_at_once(
    content, django_capture_on_commit_callbacks
):
    a, _ = content
    assert "it is shown in Vietnamese." in html("dak-la.localhost", "/en/co-cau-to-chuc/")  # not translated yet
    translate_to_english(a.organisation, django_capture_on_commit_callbacks)
    assert "<h1>Organisation and contacts</h1>" in html("dak-la.localhost", "/en/co-cau-to-chuc/")
    # The English home is an alias made on the way (the Vietnamese home, said so in English).
    assert "it is shown in Vietnamese." in html("dak-la.localhost", "/en/")


def test_a_request_reads_its_own_hostnames_entry_never_the_list_of_every_hostname(content, page_cache_off):
    get("dak-la.localhost")
    with CaptureQueriesContext(connection) as queries:
        get("dak-la.localhost")
    site_queries = [q["sql"] for q in queries if "wagtailcore_site" in q["sql"] or "sites:host" in q["sql"]]
    assert len(site_queries) == 1
    assert "sites:host:dak-la.localhost" in site_queries[0] and "ha-mon" not in site_queries[0]
