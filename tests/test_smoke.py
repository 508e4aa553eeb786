def test_every_standard_section_of_a_commune_answers_on_its_hostname(district):
    from django.test import Client

    c = Client(HTTP_HOST="dak-la.localhost")
    for path in ["/", "/gioi-thieu/", "/co-cau-to-chuc/", "/tin-tuc/", "/van-ban/", "/hoi-dap/"]:
        assert c.get(path).status_code == 200, path


def test_a_page_without_a_slug_gets_an_address_that_folds_d_stroke_to_d(district):
    from communes.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.child_of(district.a.home).get()
    page = index.add_child(instance=NewsPage(title="Đắk La: Đón Tết an toàn"))
    assert page.slug == "dak-la-don-tet-an-toan"
