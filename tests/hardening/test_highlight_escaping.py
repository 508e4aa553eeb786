"""Search snippets: text from rich text still carries entities; they are escaped exactly once."""

import pytest
from django.test import Client

from communes.models import NewsIndexPage, NewsPage
from core.folding import highlight

# The payloads of the Q&A and search XSS tests (tests/questions), raw and entity-encoded.
PAYLOADS = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
]
ENCODED = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
]


def test_it_shows_an_entity_from_rich_text_escaped_once_not_twice():
    html = highlight("Giá điện &gt; 3.000 đồng &amp; phí", "gia dien")

    assert "&amp;gt;" not in html and "&amp;amp;" not in html
    assert html == "<mark>Giá</mark> <mark>điện</mark> &gt; 3.000 đồng &amp; phí"


@pytest.mark.parametrize("payload", PAYLOADS + ENCODED)
def test_it_keeps_every_payload_inert_raw_or_entity_encoded(payload):
    html = highlight(f"Thông báo {payload} của xã", "thong bao")

    assert "<script" not in html and "<img" not in html
    assert "&amp;lt;" not in html and "&amp;gt;" not in html and "&amp;quot;" not in html
    assert html.count("<") == html.count("<mark>") + html.count("</mark>")


def test_an_entity_encoded_script_comes_out_escaped_exactly_once():
    assert highlight("&lt;script&gt;alert(1)&lt;/script&gt;", "alert") == (
        "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"
    )
    assert highlight("<script>alert(1)</script>", "alert") == "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"


def test_it_never_decodes_twice():
    # `&amp;lt;` is the text "&lt;" in HTML: decoded once it is "&lt;", and shown as such.
    assert highlight("Hà &amp;lt; Bình", "binh") == "Hà &amp;lt; <mark>Bình</mark>"


@pytest.mark.django_db
def test_a_search_result_snippet_shows_rich_text_entities_once(district):
    index = NewsIndexPage.objects.child_of(district.a.home).get()
    # Rich text stores entities: what an editor typed as "> 1.800 đồng & …" and a pasted "<script>".
    news = NewsPage(title="Giá điện mới", intro="Bảng giá điện sinh hoạt.", body=[(
        "paragraph", "<p>Giá điện bậc 1 &gt; 1.800 đồng &amp; bậc 2 &lt;script&gt;alert(1)&lt;/script&gt;</p>",
    )])
    index.add_child(instance=news)
    news.save_revision().publish()

    html = Client(HTTP_HOST="dak-la.localhost").get("/tim-kiem/", {"q": "gia dien bac"}).content.decode()

    assert "&gt; 1.800 đồng &amp; <mark>bậc</mark> 2 &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;gt;" not in html and "&amp;amp;" not in html and "&amp;lt;" not in html
    assert "<script>alert(1)" not in html
