"""The guide names the admin's menus, buttons, fields and filters in «…»: each of those names must be one
the admin really shows, word for word, to the commune's staff. The words are collected from the screens
the guide describes, rendered here as the demo's editor and approver would see them, so renaming a button
(or translating Wagtail's differently) fails this test until the guide says the same."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.models import Page

from communes.models import DocumentIndexPage, NewsIndexPage, NewsPage
from guide.topics import TOPICS, Step, Topic
from questions.models import Question, QuestionState
from questions.services import new_tracking_code
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NAMED = re.compile(r"«([^»]+)»")


class _Text(HTMLParser):
    """Every text node and every option's, button's and link's text, whitespace collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.words.add(text)
            # Wagtail names the workflow after its buttons: "Gửi duyệt: Duyệt nội dung – Xã Đắk La (23524)".
            self.words.add(text.split(": ")[0])


def _texts(html):
    parser = _Text()
    parser.feed(html)
    return parser.words


def _menu_labels(user):
    request = RequestFactory().get("/quan-tri/")
    request.user = user
    labels, items = set(), list(admin_menu.menu_items_for_request(request))
    while items:
        item = items.pop()
        labels.add(unescape(str(item.label)))
        items.extend(item.menu.menu_items_for_request(request) if hasattr(item, "menu") else [])
    return labels


def _question(home, *, state, private=False):
    return Question.objects.create(
        commune=home, tracking_code=new_tracking_code(), title="Hỏi về cấp đổi giấy phép lái xe",
        public_text="Xin hỏi thủ tục?", answer="Trả lời." if state == QuestionState.ANSWERED else "",
        state=state, private=private,
    )


def _admin_words(district):
    """What the guide's screens show Đắk La's editor and approver."""
    home = district.a.home
    news_index = NewsIndexPage.objects.child_of(home).get()
    documents = DocumentIndexPage.objects.child_of(home).get()
    news = news_index.add_child(instance=NewsPage(title="Tin thử", slug="tin-thu", live=False))
    editor, approver = client_for(district.editor_a), client_for(district.approver_a)

    screens = [
        (editor, reverse("wagtailadmin_explore", args=[home.pk])),
        (editor, reverse("wagtailadmin_pages:add_subpage", args=[news_index.pk])),
        (editor, reverse("wagtailadmin_pages:add", args=["communes", "legaldocumentpage", documents.pk])),
        (editor, reverse("wagtailadmin_pages:edit", args=[news.pk])),
        (editor, reverse("questions_question:index")),
        (editor, reverse("wagtailsnippets_broadcasts_boardnotice:list")),
        (editor, reverse("wagtailsnippets_broadcasts_radiobulletin:list")),
        (editor, reverse("broadcasts_alert:index")),
    ]
    words = set()
    for client, url in screens:
        response = client.get(url, follow=True)  # a section with one page type goes straight to its form
        assert response.status_code == 200, url
        words |= _texts(response.content.decode())

    # The approver's view of a page waiting in the commune's workflow, and of questions at each step.
    news.save_revision(user=district.editor_a)
    news.get_workflow().start(news, district.editor_a)
    response = approver.get(reverse("wagtailadmin_pages:edit", args=[news.pk]))
    words |= _texts(response.content.decode())
    for state, private in ((QuestionState.RECEIVED, False), (QuestionState.ANSWERED, False),
                           (QuestionState.ANSWERED, True)):
        question = _question(home, state=state, private=private)
        for client in (editor, approver):
            response = client.get(reverse("questions_question:edit", args=[question.pk]))
            assert response.status_code == 200
            words |= _texts(response.content.decode())

    words |= _menu_labels(district.editor_a) | _menu_labels(district.approver_a)
    words |= {page.title for page in Page.objects.child_of(home)}
    return words


def _unknown_names(topics, words):
    named = {name for topic in topics for step in topic.steps for name in NAMED.findall(step.text)}
    return named, sorted(named - words)


def test_every_button_menu_and_field_the_guide_names_is_one_the_admin_shows(district):
    named, unknown = _unknown_names(TOPICS, _admin_words(district))
    assert len(named) >= 15  # the guide does name what to click
    assert unknown == [], unknown


def test_a_name_the_admin_does_not_show_is_caught(district):
    # Wagtail's approve button reads "Phê duyệt và xuất bản"; a guide saying «Duyệt» would send editors
    # looking for a button that is not there.
    words = _admin_words(district)
    topic = Topic("thu", "Thử", "", [Step("Duyệt", "Bấm «Duyệt» hoặc «Phê duyệt và xuất bản».")])
    assert _unknown_names([topic], words)[1] == ["Duyệt"]
