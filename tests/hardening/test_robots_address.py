"""robots.txt names the site's configured address, never the Host header it was sent."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def sitemap_line(response):
    assert response.status_code == 200
    return next(line for line in response.content.decode().splitlines() if line.startswith("Sitemap:"))


def test_robots_names_the_commune_sites_configured_address_whatever_port_the_host_header_says(district):
    site = district.a.site
    response = Client(HTTP_HOST=f"{site.hostname}:6666").get("/robots.txt")

    assert sitemap_line(response) == f"Sitemap: {site.root_url}/sitemap.xml"
    assert "6666" not in response.content.decode()


def test_robots_names_the_portals_configured_address_whatever_port_the_host_header_says(district):
    site = district.portal.site if hasattr(district.portal, "site") else None
    response = Client(HTTP_HOST="localhost:31337").get("/robots.txt")

    assert sitemap_line(response) == "Sitemap: http://localhost/sitemap.xml"
    if site is not None:
        assert site.root_url == "http://localhost"


def test_robots_keeps_a_configured_port_other_than_80(district):
    site = district.a.site
    site.port = 8000
    site.save()
    response = Client(HTTP_HOST=f"{site.hostname}:1234").get("/robots.txt")

    assert sitemap_line(response) == f"Sitemap: http://{site.hostname}:8000/sitemap.xml"


def test_robots_says_https_when_the_proxy_ends_tls_in_front_of_a_site_on_port_80(district):
    site = district.a.site
    response = Client(HTTP_HOST=f"{site.hostname}:8443", HTTP_X_FORWARDED_PROTO="https").get("/robots.txt")

    assert sitemap_line(response) == f"Sitemap: https://{site.hostname}/sitemap.xml"
