"""The page tree's rules: which page type may live where, and how many of each a commune gets."""

import pytest
from wagtail.models import Page

from communes.models import (
    CommuneHomePage,
    CommuneProfilePage,
    DocumentIndexPage,
    LegalDocumentPage,
    NewsIndexPage,
    NewsPage,
    OrganisationPage,
    StandardPage,
)
from home.models import PortalHomePage
from questions.models import QuestionIndexPage
from tests.conftest import client_for


@pytest.fixture
def tree(district):
    home = district.a.home
    news_index = NewsIndexPage.objects.child_of(home).get()
    document_index = DocumentIndexPage.objects.child_of(home).get()
    news = news_index.add_child(instance=NewsPage(title="Ra quân làm đường giao thông nông thôn", slug="ra-quan"))
    standard = home.add_child(instance=StandardPage(title="Thủ tục hành chính", slug="thu-tuc"))
    return {
        "root": Page.get_first_root_node(),
        "portal": district.portal,
        "home": home,
        "profile": CommuneProfilePage.objects.child_of(home).get(),
        "organisation": OrganisationPage.objects.child_of(home).get(),
        "news_index": news_index,
        "document_index": document_index,
        "questions": QuestionIndexPage.objects.child_of(home).get(),
        "news": news,
        "standard": standard,
    }


# Where each page type may be created: every other parent in the tree is refused.
ALLOWED_PARENTS = {
    CommuneHomePage: {"portal"},
    NewsPage: {"news_index"},
    LegalDocumentPage: {"document_index"},
    StandardPage: {"portal", "home", "standard"},
}


@pytest.mark.parametrize("model", list(ALLOWED_PARENTS), ids=lambda m: m.__name__)
def test_each_page_type_can_be_created_only_under_its_declared_parents(tree, model):
    allowed = {name for name, page in tree.items() if model.can_create_at(page)}
    assert allowed == ALLOWED_PARENTS[model]


def test_a_portal_home_goes_only_at_the_top_of_the_tree(tree):
    assert PortalHomePage.can_exist_under(tree["root"])
    for name in ("portal", "home", "news_index", "standard"):
        assert not PortalHomePage.can_exist_under(tree[name]), name


def test_a_commune_home_offers_exactly_its_standard_sections(tree):
    assert set(CommuneHomePage.allowed_subpage_models()) == {
        CommuneProfilePage, OrganisationPage, NewsIndexPage, DocumentIndexPage, QuestionIndexPage, StandardPage,
    }
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert DocumentIndexPage.allowed_subpage_models() == [LegalDocumentPage]
    for leaf in (CommuneProfilePage, OrganisationPage, NewsPage, LegalDocumentPage, QuestionIndexPage):
        assert leaf.allowed_subpage_models() == [], leaf.__name__


@pytest.mark.parametrize(
    "model", [CommuneProfilePage, OrganisationPage, NewsIndexPage, DocumentIndexPage, QuestionIndexPage],
    ids=lambda m: m.__name__,
)
def test_a_commune_gets_only_one_of_each_section(tree, model):
    """Provisioning made one; a second under the same commune is refused, under another it is fine."""
    assert not model.can_create_at(tree["home"])
    assert model.can_exist_under(tree["home"])  # the type fits; only the count stops it


def test_sections_are_creatable_in_a_commune_that_lacks_them(tree):
    tree["profile"].delete()
    assert CommuneProfilePage.can_create_at(CommuneHomePage.objects.get(pk=tree["home"].pk))


def test_an_editor_cannot_add_a_second_profile_page_through_the_admin(district, tree):
    editor = client_for(district.editor_a)
    url = f"/quan-tri/pages/add/communes/communeprofilepage/{tree['home'].pk}/"
    assert editor.get(url).status_code in (302, 403)
    response = editor.post(url, {"title": "Giới thiệu lần hai", "slug": "gioi-thieu-2"})
    assert response.status_code in (302, 403)
    assert CommuneProfilePage.objects.child_of(tree["home"]).count() == 1
    # With every one-per-commune section in place, "add child page" goes straight to the one
    # type still possible there: a standard page.
    response = editor.get(f"/quan-tri/pages/{tree['home'].pk}/add_subpage/")
    assert response["Location"] == f"/quan-tri/pages/add/communes/standardpage/{tree['home'].pk}/"


def test_a_news_item_cannot_be_moved_out_of_its_news_index(tree):
    news = NewsPage.objects.get(pk=tree["news"].pk)
    assert not news.can_move_to(tree["home"])
    assert not news.can_move_to(tree["document_index"])
    assert news.can_move_to(tree["news_index"])


def test_the_admin_refuses_a_page_type_under_the_wrong_parent(district, tree):
    approver = client_for(district.approver_a)
    url = f"/quan-tri/pages/add/communes/newspage/{tree['home'].pk}/"
    response = approver.post(url, {"title": "Đặt sai chỗ", "slug": "dat-sai-cho"})
    assert response.status_code in (302, 403)
    assert not NewsPage.objects.filter(slug="dat-sai-cho").exists()
