"""News feeds (RSS, Atom) and per-site sitemaps and robots.txt."""

import xml.etree.ElementTree as ET

from django.test import Client

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def get(host, path):
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code == 200, (host, path)
    return response


def rss_items(response):
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_a_communes_rss_feed_is_valid_vietnamese_and_links_absolutely_to_its_own_news(content):
    a, b = content
    for host, path in [("dak-la.localhost", "/tin-tuc/rss/"), ("dak-la.localhost", "/rss/"), ("localhost", "/xa-dak-la/tin-tuc/rss/")]:
        channel, items = rss_items(get(host, path))
        assert "Xã Đắk La" in channel.findtext("title")
        assert channel.findtext("language") == "vi"
        assert channel.findtext("link") in ("http://dak-la.localhost/", "http://dak-la.localhost/tin-tuc/")
        titles = [item.findtext("title") for item in items]
        assert titles == [news.title for news in a.news]  # newest first, A's only
        for item in items:
            assert item.findtext("link").startswith("http://dak-la.localhost/tin-tuc/"), "canonical, absolute"
            assert item.findtext("pubDate").endswith("+0700")
        assert b.news[0].title not in get(host, path).content.decode()


def test_a_communes_atom_feed_is_valid_with_absolute_links(content):
    a, _ = content
    for path in ["/tin-tuc/atom/", "/atom/"]:
        response = get("dak-la.localhost", path)
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
        assert "Xã Đắk La" in feed.findtext(f"{ATOM}title")
        self_link = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert self_link == [f"http://dak-la.localhost{path}"]
        entries = feed.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == [n.title for n in a.news]
        for entry in entries:
            assert entry.find(f"{ATOM}link").get("href").startswith("http://dak-la.localhost/")
            assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}id")


def test_the_portal_feeds_carry_promoted_news_of_all_communes_linking_their_hostnames(content):
    a, b = content
    channel, items = rss_items(get("localhost", "/rss/"))
    assert channel.findtext("title") == "Tin nổi bật - Cổng thông tin điện tử huyện Đắk Hà"
    links = {item.findtext("title"): item.findtext("link") for item in items}
    assert set(links) == {a.news[0].title, b.news[0].title}
    assert links[a.news[0].title].startswith("http://dak-la.localhost/tin-tuc/")
    assert links[b.news[0].title].startswith("http://ha-mon.localhost/tin-tuc/")
    feed = ET.fromstring(get("localhost", "/atom/").content)
    assert len(feed.findall(f"{ATOM}entry")) == 2


def sitemap_locations(host):
    response = get(host, "/sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    return [url.findtext(f"{SITEMAP}loc") for url in ET.fromstring(response.content).findall(f"{SITEMAP}url")]


def test_a_communes_sitemap_lists_only_its_pages_with_canonical_urls(content):
    a, b = content
    locations = sitemap_locations("dak-la.localhost")
    assert "http://dak-la.localhost/" in locations
    assert "http://dak-la.localhost/co-cau-to-chuc/" in locations
    assert all(loc.startswith("http://dak-la.localhost/") for loc in locations)
    assert any(a.news[0].slug in loc for loc in locations)
    assert not any(b.news[0].slug in loc for loc in locations)
    assert len(locations) == len(set(locations))


def test_the_portal_sitemap_lists_its_own_pages_but_not_the_communes_duplicate_paths(content):
    locations = sitemap_locations("localhost")
    assert locations[0] == "http://localhost/"
    assert all(loc.startswith("http://localhost/") for loc in locations)
    assert not any("/xa-dak-la/" in loc or "/xa-ha-mon/" in loc for loc in locations)


def test_robots_txt_points_each_host_at_its_own_sitemap(content):
    for host in ["localhost", "dak-la.localhost"]:
        text = get(host, "/robots.txt").content.decode()
        assert f"Sitemap: http://{host}/sitemap.xml" in text
        assert "Disallow: /quan-tri/" in text
