"""Avatars in the admin: the official's initials (or their uploaded picture), never gravatar.com,
which would learn from every admin page who works on which commune, and when."""

import re
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from wagtail.images.tests.utils import get_test_image_file
from wagtail.users.models import UserProfile

from communes.models import NewsIndexPage, NewsPage
from tests.conftest import client_for

DATA_URL = re.compile(r'data:image/svg\+xml;charset=utf-8,[^"\s]+')


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        "admin", "admin@example.vn", "matkhau-thu-nghiem", first_name="Nguyễn Văn", last_name="An"
    )


@pytest.fixture
def pending_news(district):
    index = NewsIndexPage.objects.child_of(district.a.home).get()
    news = index.add_child(instance=NewsPage(title="Tin chờ duyệt", slug="tin-cho-duyet", live=False))
    news.save_revision(user=district.editor_a)
    district.a.workflow.start(news, district.editor_a)
    return news


def initials_in(html):
    """The letters drawn by every initials avatar on the page."""
    return {re.search(r">([^<]+)</text>", unquote(url)).group(1) for url in DATA_URL.findall(html)}


def test_no_admin_screen_sends_officials_to_gravatar(district, superuser, pending_news):
    district.editor_a.first_name, district.editor_a.last_name = "Đặng Thị", "Bình"
    district.editor_a.save()
    client = client_for(superuser)
    screens = [
        "/quan-tri/",
        "/quan-tri/account/",
        "/quan-tri/users/",
        f"/quan-tri/pages/{pending_news.pk}/edit/",
        f"/quan-tri/pages/{pending_news.pk}/history/",
        f"/quan-tri/pages/{pending_news.pk}/workflow_history/",
        "/quan-tri/reports/site-history/",
        "/quan-tri/reports/workflow/",
    ]
    for url in screens:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "gravatar" not in response.content.decode(), url
    users = client.get("/quan-tri/users/").content.decode()
    assert {"NA", "ĐB"} <= initials_in(users)


def test_the_dashboard_and_account_show_the_officials_initials(district, superuser):
    client = client_for(superuser)
    assert initials_in(client.get("/quan-tri/").content.decode()) == {"NA"}
    assert "NA" in initials_in(client.get("/quan-tri/account/").content.decode())


def test_an_official_without_a_name_gets_the_first_letters_of_their_username(district):
    client = client_for(district.approver_a)
    assert initials_in(client.get("/quan-tri/").content.decode()) == {"DU"}


def test_an_uploaded_picture_replaces_the_initials(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    profile = UserProfile.get_for_user(district.editor_a)
    profile.avatar.save("anh.png", ContentFile(get_test_image_file().file.getvalue()))
    page = client_for(district.editor_a).get("/quan-tri/").content.decode()
    assert re.search(r'src="/media/avatar_images/[^"]+anh[^"]*\.png"', page)
    assert initials_in(page) == set()
    assert "gravatar" not in page


def test_the_initials_are_an_inline_image_that_loads_nothing(district):
    from accounts.avatars import initials_avatar_url

    url = initials_avatar_url(district.editor_a)
    svg = unquote(url.split(",", 1)[1])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "#" not in url and '"' not in url and " " not in url  # a fragment or a quote would cut it short
    assert not re.search(r"(href|src)=", svg)
