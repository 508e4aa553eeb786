"""Search is a feature: it knows tenancy, core and the content pages, never another feature. Non-page
models join the site search by offering the `site_search` contract, found in Wagtail's registry of
indexed models, so search names none of them."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from wagtail.models import Page
from wagtail.search import index

from search import services

FEATURES = {"questions", "broadcasts"}  # search's sibling features
SEARCH_DIR = Path(settings.BASE_DIR) / "search"


def feature_names_in(source, filename):
    """Imports of a sibling feature, and app labels of one handed to the app registry."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            modules = [node.value.split(".")[0]] if node.value.split(".")[0] in FEATURES else []
        else:
            continue
        found += [f"{filename}:{node.lineno} {m}" for m in modules if m.split(".")[0] in FEATURES]
    return found


def test_search_names_no_other_feature():
    found = []
    for path in sorted(SEARCH_DIR.rglob("*.py")):
        if "migrations" not in path.parts:
            found += feature_names_in(path.read_text(encoding="utf-8"), str(path.relative_to(SEARCH_DIR.parent)))
    assert found == []


def test_the_layer_check_sees_an_import_and_an_app_label():
    assert feature_names_in("from questions.models import QuestionIndexPage", "s.py")
    assert feature_names_in("import questions.models", "s.py")
    assert feature_names_in('apps.get_model("questions", "Question")', "s.py")
    assert feature_names_in("from communes.models import NewsPage", "s.py") == []


def test_search_finds_the_searchable_models_in_wagtails_registry_of_indexed_models():
    found = services.searchable_models()
    question = apps.get_model("questions", "Question")
    assert question in found
    assert all(model in index.get_indexed_models() and not issubclass(model, Page) for model in found)


def test_every_searchable_model_offers_the_whole_contract():
    for model in services.searchable_models():
        assert model.site_search_kind and model.site_search_label
        assert callable(model.site_search_queryset) and callable(model.site_search_urls)
        for name in ("site_search_commune_id", "site_search_date", "site_search_title", "site_search_text"):
            assert hasattr(model, name), (model, name)


def test_kinds_offered_to_citizens_keep_their_order_with_the_models_kinds_among_them():
    assert services.kind_choices() == [
        ("tin-tuc", "Tin tức"), ("van-ban", "Văn bản"), ("hoi-dap", "Hỏi đáp"), ("trang", "Trang thông tin"),
    ]
