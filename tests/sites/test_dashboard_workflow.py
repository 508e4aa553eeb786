"""The admin's home shows each approver the pages waiting for their approval (Wagtail's "Chờ bạn duyệt"
panel), scoped by commune: each commune's workflow task belongs to its own approvers' group."""

import pytest

from communes.models import NewsIndexPage, NewsPage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HOME = "/quan-tri/"


def section(html, panel_id):
    start = html.find(f'id="{panel_id}-section"')
    return "" if start < 0 else html[start:html.index("</section>", start)]


def submit_for_approval(site, editor, title, slug):
    index = NewsIndexPage.objects.child_of(site.home).get()
    page = index.add_child(instance=NewsPage(title=title, slug=slug, live=False))
    page.save_revision(user=editor)
    site.workflow.start(page, editor)
    return page


def test_an_approver_sees_their_communes_page_waiting_for_approval_and_not_another_communes(district):
    submit_for_approval(district.a, district.editor_a, "Tin chờ duyệt của Đắk La", "tin-cho-duyet")
    submit_for_approval(district.b, district.editor_b, "Tin chờ duyệt của Hà Mòn", "tin-cho-duyet")
    waiting_a = section(client_for(district.approver_a).get(HOME).content.decode(), "awaiting-review")
    assert "Tin chờ duyệt của Đắk La" in waiting_a and "Tin chờ duyệt của Hà Mòn" not in waiting_a
    waiting_b = section(client_for(district.approver_b).get(HOME).content.decode(), "awaiting-review")
    assert "Tin chờ duyệt của Hà Mòn" in waiting_b and "Tin chờ duyệt của Đắk La" not in waiting_b


def test_an_editor_sees_their_own_page_in_the_workflow_but_not_as_something_to_approve(district):
    submit_for_approval(district.a, district.editor_a, "Tin chờ duyệt của Đắk La", "tin-cho-duyet")
    submit_for_approval(district.b, district.editor_b, "Tin chờ duyệt của Hà Mòn", "tin-cho-duyet")
    html = client_for(district.editor_a).get(HOME).content.decode()
    assert "Tin chờ duyệt của Đắk La" not in section(html, "awaiting-review")
    assert "Tin chờ duyệt của Đắk La" in section(html, "objects-in-workflow")
    assert "Hà Mòn" not in html
