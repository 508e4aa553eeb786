def test_every_standard_section_of_a_commune_answers_on_its_hostname(district):
    from django.test import Client

    c = Client(HTTP_HOST="dak-la.localhost")
    for path in ["/", "/gioi-thieu/", "/co-cau-to-chuc/", "/tin-tuc/", "/van-ban/", "/hoi-dap/"]:
        assert c.get(path).status_code == 200, path
