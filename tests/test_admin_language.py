"""The Wagtail admin speaks Vietnamese to commune staff.

Wagtail 8 ships only a few percent of its admin strings in Vietnamese; the project's catalogs in
locale/vi/LC_MESSAGES override and extend them. The compiled .mo files are committed (no gettext tools
are needed to run the site), so a test checks they are up to date with the .po sources.
"""

import html
import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from communes.models import NewsIndexPage, NewsPage

ROOT = Path(settings.BASE_DIR)


def load_compiler():
    spec = importlib.util.spec_from_file_location("compile_translations", ROOT / "scripts" / "compile_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def visible_text(response):
    """The text a sighted user reads, plus aria-labels and titles, without scripts and markup."""
    body = response.content.decode()
    body = re.sub(r"(?s)<(script|style|svg|template)\b.*?</\1>", " ", body)
    labels = re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", "\n", body)
    lines = [html.unescape(line).strip() for line in text.splitlines()] + [html.unescape(label) for label in labels]
    return "\n".join(line for line in lines if line)


def sidebar_labels(response):
    """Menu labels of the React sidebar, which the admin ships as JSON (non-ASCII escaped)."""
    match = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    assert match, "the admin page has no sidebar"
    labels = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.add(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(match.group(1)))
    return labels


def assert_vietnamese(text, present, absent):
    lines = set(text.splitlines())
    for phrase in present:
        assert phrase in text, f"missing Vietnamese text {phrase!r}"
    for phrase in absent:
        assert phrase not in lines, f"English text {phrase!r} still shown"


@pytest.fixture
def editor_client(district):
    client = Client(HTTP_HOST="localhost")
    client.force_login(district.editor_a)
    return client


@pytest.fixture
def news(district):
    news_index = NewsIndexPage.objects.child_of(district.a.home).get()
    page = news_index.add_child(instance=NewsPage(title="Tiêm phòng cho đàn gia súc", slug="tiem-phong", live=False))
    page.save_revision(user=district.editor_a)
    return page


def test_the_committed_mo_files_are_compiled_from_the_current_po_files():
    compiler = load_compiler()
    po_files = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    assert {p.name for p in po_files} >= {"django.po", "djangojs.po"}
    for po_path in po_files:
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is not committed"
        # compile_file also refuses non-NFC text and changed placeholders.
        assert compiler.compile_file(po_path) == mo_path.read_bytes(), (
            f"{mo_path.name} is stale: run `python scripts/compile_translations.py` and commit it"
        )


def test_the_compiler_reads_contexts_plurals_and_escapes_like_gnu_gettext():
    compiler = load_compiler()
    entries = compiler.parse_po(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgctxt "menu"\nmsgid "Pages"\nmsgstr "Trang"\n\n'
        'msgid "%(n)s page"\nmsgid_plural "%(n)s pages"\nmsgstr[0] "%(n)s trang"\n\n'
        '#, fuzzy\nmsgid "Draft"\nmsgstr "Nháp?"\n\n'
        'msgid "Say \\"hi\\""\nmsgstr ""\n"Chào \\"bạn\\""\n'
    )
    import gettext
    import io

    catalog = gettext.GNUTranslations(io.BytesIO(compiler.build_mo(entries)))
    assert catalog.pgettext("menu", "Pages") == "Trang"
    assert catalog.ngettext("%(n)s page", "%(n)s pages", 5) == "%(n)s trang"
    assert catalog.gettext("Draft") == "Draft"  # fuzzy entries are not compiled
    assert catalog.gettext('Say "hi"') == 'Chào "bạn"'
    assert compiler.validate(compiler.parse_po('msgid "%(name)s"\nmsgstr "%(ten)s"\n'), "x")


def test_project_translations_override_wagtails_own_vietnamese():
    with translation.override("vi"):
        assert translation.gettext("Images") == "Hình ảnh"
        assert translation.gettext("Documents") == "Tài liệu"
        assert translation.gettext("Reports") == "Báo cáo"
        assert translation.gettext("Help") == "Trợ giúp"
        assert translation.gettext("Save draft") == "Lưu bản nháp"
        # Wagtail's own catalog says "Thực hiện %(workflow_name)s" (missing the meaning and a space).
        assert translation.gettext("Submit to %(workflow_name)s") == "Gửi duyệt: %(workflow_name)s"
        assert translation.gettext("Cancel") == "Hủy"
        assert translation.ngettext("Delete 1 page", "Delete %(counter)s pages", 3) % {"counter": 3} == "Xóa 3 trang"
        assert translation.gettext("There are no %(model_name)s to display.") % {"model_name": "trang"} == (
            "Không có trang nào để hiển thị."
        )


def test_the_dashboard_and_sidebar_are_vietnamese_for_a_commune_editor(editor_client):
    response = editor_client.get("/quan-tri/")
    assert response.status_code == 200
    labels = sidebar_labels(response)
    assert {"Trang", "Hình ảnh", "Tài liệu", "Báo cáo", "Trợ giúp"} <= labels
    assert not {"Pages", "Images", "Documents", "Reports", "Help"} & labels
    text = visible_text(response)
    assert_vietnamese(text, ["Bảng điều khiển", "Tìm trong tất cả các trang…"], ["Dashboard", "Search all pages…"])
    assert "JavaScript is required" not in text


def test_the_page_explorer_is_vietnamese(district, editor_client, news):
    response = editor_client.get(f"/quan-tri/pages/{district.a.home.id}/")
    assert response.status_code == 200
    assert_vietnamese(
        visible_text(response),
        ["Cập nhật", "Loại", "Trạng thái", "Thêm trang con", "Đã xuất bản"],
        ["Updated", "Type", "Status", "Add child page", "Live", "Sort"],
    )
    news_listing = visible_text(editor_client.get(f"/quan-tri/pages/{news.get_parent().id}/"))
    assert_vietnamese(news_listing, ["bản nháp", "Vừa xong"], ["draft", "Draft", "Just now"])


def test_the_page_editor_is_vietnamese(editor_client, news):
    response = editor_client.get(f"/quan-tri/pages/{news.id}/edit/")
    assert response.status_code == 200
    text = visible_text(response)
    assert_vietnamese(
        text,
        ["Lưu bản nháp", "Gửi duyệt", "Xem trước", "Nội dung", "Quảng bá", "Lịch sử", "Bình luận"],
        ["Save draft", "Save Draft", "Preview", "Content", "Promote", "History", "Comments", "Status"],
    )
    assert "Submit to" not in text


def test_the_page_history_and_search_are_vietnamese(editor_client, news):
    history = visible_text(editor_client.get(f"/quan-tri/pages/{news.id}/history/"))
    assert_vietnamese(history, ["Hành động", "Người dùng"], ["Action", "User"])
    search = visible_text(editor_client.get("/quan-tri/pages/search/", {"q": "tiêm phòng"}))
    assert_vietnamese(search, ["Tiêm phòng cho đàn gia súc"], ["Search", "Type", "Updated"])


@pytest.mark.parametrize(
    "url, present, absent",
    [
        ("/quan-tri/images/", ["Hình ảnh", "Thêm hình ảnh", "Bạn chưa tải lên hình ảnh nào."],
         ["Images", "Add an image", "You haven't uploaded any images."]),
        ("/quan-tri/images/multiple/add/", ["Kéo và thả hình ảnh vào vùng này để tải lên ngay."],
         ["Add images", "Drag and drop images into this area to upload immediately."]),
        ("/quan-tri/documents/", ["Tài liệu", "Thêm tài liệu", "Bạn chưa tải lên tài liệu nào."],
         ["Documents", "Add a document", "You haven't uploaded any documents."]),
        ("/quan-tri/documents/multiple/add/", ["Kéo và thả tài liệu vào vùng này để tải lên ngay."],
         ["Add documents", "Drag and drop documents into this area to upload immediately."]),
        ("/quan-tri/reports/site-history/", ["Lịch sử trang web", "Hành động"], ["Site history", "Action"]),
        ("/quan-tri/reports/workflow/", ["Quy trình duyệt"], ["Workflows", "Workflow"]),
        ("/quan-tri/account/", ["Tài khoản", "Mật khẩu"], ["Account", "Password"]),
    ],
)
def test_media_reports_and_account_screens_are_vietnamese(editor_client, url, present, absent):
    response = editor_client.get(url)
    assert response.status_code == 200
    assert_vietnamese(visible_text(response), present, absent)


def test_the_login_page_is_vietnamese(db, client):
    text = visible_text(client.get("/quan-tri/login/"))
    assert_vietnamese(text, ["Đăng nhập", "Quên mật khẩu?"], ["Sign in", "Forgotten password?"])


def test_the_admin_javascript_catalog_is_vietnamese(editor_client):
    response = editor_client.get("/quan-tri/jsi18n/")
    assert response.status_code == 200
    catalog = response.content.decode()  # Django writes the catalog with json.dumps (non-ASCII escaped)
    assert json.dumps("Thu gọn tất cả") in catalog
    assert json.dumps("Nhập nội dung hoặc gõ ‘/’ để chèn khối") in catalog
