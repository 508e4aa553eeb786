"""News feeds (RSS, Atom) and per-site sitemaps and robots.txt."""

import xml.etree.ElementTree as ET

from django.test import Client

from communes.models import NewsCategory, NewsPage

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


# ------------------------------------------------------------------------------ legal documents feeds


def test_a_communes_documents_rss_carries_number_type_issue_date_and_summary(content):
    a, b = content
    for host, path in [("dak-la.localhost", "/rss/van-ban/"), ("localhost", "/xa-dak-la/rss/van-ban/")]:
        channel, items = rss_items(get(host, path))
        for element in ("title", "link", "description", "language"):
            assert channel.findtext(element), element
        assert channel.findtext("title") == "Văn bản - Xã Đắk La"
        numbers = [doc.number for doc in a.documents]  # newest issue date first
        assert [item.findtext("title") for item in items] == [f"Quyết định số {n}" for n in numbers]
        first, document = items[0], a.documents[0]
        description = first.findtext("description")
        assert f"Số ký hiệu: {document.number}" in description
        assert "Hình thức: Quyết định" in description
        assert f"Ngày ban hành: {document.issue_date:%d/%m/%Y}" in description
        assert f"Trích yếu: {document.summary}" in description
        assert [c.text for c in first.findall("category")][0] == "Quyết định"
        assert first.findtext("link").startswith("http://dak-la.localhost/van-ban/")
        assert first.findtext("guid") == first.findtext("link")
        assert first.findtext("pubDate").endswith("+0700")
        assert b.documents[0].summary not in get(host, path).content.decode()


def test_a_communes_documents_atom_feed_is_valid(content):
    a, _ = content
    response = get("dak-la.localhost", "/atom/van-ban/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    for element in ("title", "id", "updated"):
        assert feed.findtext(f"{ATOM}{element}"), element
    self_link = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["http://dak-la.localhost/atom/van-ban/"]
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(a.documents)
    for entry, document in zip(entries, a.documents, strict=True):
        for element in ("title", "id", "updated"):
            assert entry.findtext(f"{ATOM}{element}"), element
        assert entry.find(f"{ATOM}link").get("href").startswith("http://dak-la.localhost/van-ban/")
        assert document.summary in entry.findtext(f"{ATOM}summary")
        assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == document.issuing_body


def test_the_portals_documents_feeds_carry_every_communes_documents_linking_their_hostnames(content):
    a, b = content
    channel, items = rss_items(get("localhost", "/rss/van-ban/"))
    assert channel.findtext("title") == "Văn bản - Cổng thông tin điện tử huyện Đắk Hà"
    links = {item.findtext("description").split("Trích yếu: ")[1]: item.findtext("link") for item in items}
    assert set(links) == {d.summary for d in a.documents + b.documents}
    assert links[a.documents[0].summary].startswith("http://dak-la.localhost/van-ban/")
    assert links[b.documents[0].summary].startswith("http://ha-mon.localhost/van-ban/")
    feed = ET.fromstring(get("localhost", "/atom/van-ban/").content)
    assert len(feed.findall(f"{ATOM}entry")) == len(a.documents + b.documents)


def test_every_page_announces_its_sites_documents_feed(content):
    html = get("dak-la.localhost", "/van-ban/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Văn bản - Xã Đắk La" href="/rss/van-ban/">' in html
    html = get("localhost", "/").content.decode()
    assert 'href="/rss/van-ban/"' in html


# --------------------------------------------------------------------------------- news category feeds


def test_a_news_category_has_its_own_feeds_announced_on_its_listing(content):
    a, _ = content
    other = NewsPage.objects.get(pk=a.news[1].pk)
    other.category = NewsCategory.AGRICULTURE
    other.save_revision().publish()
    listing = get("dak-la.localhost", "/tin-tuc/?chuyen-muc=nong-nghiep").content.decode()
    assert ('<link rel="alternate" type="application/rss+xml" title="Nông nghiệp - Nông thôn mới - Xã Đắk La" '
            'href="/tin-tuc/chuyen-muc/nong-nghiep/rss/">') in listing
    assert 'type="application/atom+xml" title="Nông nghiệp - Nông thôn mới - Xã Đắk La" ' \
           'href="/tin-tuc/chuyen-muc/nong-nghiep/atom/"' in listing
    assert "chuyen-muc/" not in get("dak-la.localhost", "/tin-tuc/").content.decode()

    channel, items = rss_items(get("dak-la.localhost", "/tin-tuc/chuyen-muc/nong-nghiep/rss/"))
    assert channel.findtext("title") == "Nông nghiệp - Nông thôn mới - Xã Đắk La"
    assert [item.findtext("title") for item in items] == [a.news[1].title]
    _, politics = rss_items(get("dak-la.localhost", "/tin-tuc/chuyen-muc/thoi-su/rss/"))
    assert a.news[1].title not in [item.findtext("title") for item in politics] and politics
    feed = ET.fromstring(get("dak-la.localhost", "/tin-tuc/chuyen-muc/nong-nghiep/atom/").content)
    self_link = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["http://dak-la.localhost/tin-tuc/chuyen-muc/nong-nghiep/atom/"]
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == [a.news[1].title]


def test_an_unknown_news_category_has_no_feed(content):
    response = Client(HTTP_HOST="dak-la.localhost").get("/tin-tuc/chuyen-muc/khong-co/rss/")
    assert response.status_code == 404
