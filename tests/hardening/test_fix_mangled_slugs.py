"""fix_mangled_slugs: pages whose slug the admin mangled get the folded slug, old addresses redirect
(on the commune's hostname and under the portal's path), and slugs editors chose stay as they are."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageLogEntry, Site

from communes.models import NewsIndexPage, NewsPage, StandardPage
from core.slugs import wagtail_js_urlify
from tests.public.conftest import publish

TITLE = "Xã Đắk La tập huấn kỹ thuật tưới cà phê tiết kiệm nước"
MANGLED = "xa-djk-la-tp-hun-k-thut-ti-ca-phe-tit-kim-nc"
FOLDED = "xa-dak-la-tap-huan-ky-thuat-tuoi-ca-phe-tiet-kiem-nuoc"


def add_news_with_slug(home, title, slug):
    index = NewsIndexPage.objects.child_of(home).get()
    news = NewsPage(title=title, slug=slug, intro="Tóm tắt.", date=datetime.date(2024, 5, 20),
                    body=[("paragraph", "<p>Nội dung.</p>")])
    index.add_child(instance=news)
    return publish(news)


def run(*args):
    out = StringIO()
    call_command("fix_mangled_slugs", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def mangled(district):
    return add_news_with_slug(district.a.home, TITLE, MANGLED)


@pytest.fixture
def chosen(district):
    return add_news_with_slug(district.a.home, "Hội nghị tổng kết công tác chuyển đổi số năm 2024", "tong-ket-cds-2024")


@pytest.mark.django_db
def test_a_dry_run_lists_the_mangled_pages_and_changes_nothing(mangled, chosen):
    output = run("--dry-run")
    assert f"{MANGLED} → {FOLDED}" in output
    assert "tong-ket-cds-2024" not in output
    assert "Chạy thử: 1 trang sẽ được sửa" in output
    mangled.refresh_from_db()
    assert mangled.slug == MANGLED
    assert not Redirect.objects.exists()


@pytest.mark.django_db
def test_the_command_fixes_the_slug_and_redirects_the_old_addresses_on_every_site(
    mangled, chosen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    assert "Đã sửa đường dẫn của 1 trang" in output

    mangled.refresh_from_db()
    chosen.refresh_from_db()
    assert mangled.slug == FOLDED and mangled.url_path.endswith(f"/tin-tuc/{FOLDED}/")
    assert chosen.slug == "tong-ket-cds-2024"

    commune = Client(HTTP_HOST="dak-la.localhost")
    portal = Client(HTTP_HOST="localhost")
    assert commune.get(f"/tin-tuc/{FOLDED}/").status_code == 200
    assert portal.get(f"/xa-dak-la/tin-tuc/{FOLDED}/").status_code == 200

    old_on_commune = commune.get(f"/tin-tuc/{MANGLED}/")
    assert old_on_commune.status_code == 301 and old_on_commune["Location"].endswith(f"/tin-tuc/{FOLDED}/")
    old_on_portal = portal.get(f"/xa-dak-la/tin-tuc/{MANGLED}/")
    assert old_on_portal.status_code == 301 and old_on_portal["Location"].endswith(f"/tin-tuc/{FOLDED}/")

    sites = set(Redirect.objects.filter(redirect_page=mangled).values_list("site__hostname", "old_path"))
    assert sites == {("dak-la.localhost", f"/tin-tuc/{MANGLED}"), ("localhost", f"/xa-dak-la/tin-tuc/{MANGLED}")}

    entry = PageLogEntry.objects.filter(page=mangled, action="wagtail.edit").latest("timestamp")
    assert entry.data["slug"] == {"old": MANGLED, "new": FOLDED}

    assert "Không có trang nào" in run()  # a second run has nothing left to do


@pytest.mark.django_db
def test_publishing_the_draft_later_does_not_bring_the_mangled_slug_back(mangled):
    mangled.intro = "Tóm tắt đã sửa, chưa xuất bản."
    mangled.save_revision()
    run()
    page = NewsPage.objects.get(pk=mangled.pk)
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.slug == FOLDED and page.intro == "Tóm tắt đã sửa, chưa xuất bản."


@pytest.mark.django_db
def test_a_folded_slug_already_taken_by_a_sibling_gets_the_next_free_one(district, mangled):
    add_news_with_slug(district.a.home, "Tập huấn tưới cà phê (bài cũ)", FOLDED)
    run()
    mangled.refresh_from_db()
    assert mangled.slug.startswith(FOLDED + "-") and mangled.slug != FOLDED


@pytest.mark.django_db
def test_the_pages_below_a_fixed_page_keep_working_at_their_old_addresses(district, django_capture_on_commit_callbacks):
    old_slug = wagtail_js_urlify("Chương trình mục tiêu quốc gia")
    assert old_slug == "chng-trinh-mc-tieu-quc-gia"
    section = StandardPage(title="Chương trình mục tiêu quốc gia", slug=old_slug, intro="")
    district.a.home.add_child(instance=section)
    publish(section)
    child = StandardPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh", intro="")
    section.add_child(instance=child)
    publish(child)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    section.refresh_from_db()
    assert section.slug == "chuong-trinh-muc-tieu-quoc-gia"
    response = Client(HTTP_HOST="dak-la.localhost").get(f"/{old_slug}/thu-tuc-hanh-chinh/")
    assert response.status_code == 301
    assert response["Location"].endswith("/chuong-trinh-muc-tieu-quoc-gia/thu-tuc-hanh-chinh/")


@pytest.mark.django_db
def test_redirects_are_made_even_when_wagtails_automatic_redirects_are_off(mangled, settings):
    settings.WAGTAILREDIRECTS_AUTO_CREATE = False
    run()
    old_paths = set(Redirect.objects.filter(redirect_page=mangled).values_list("old_path", flat=True))
    assert old_paths == {f"/tin-tuc/{MANGLED}", f"/xa-dak-la/tin-tuc/{MANGLED}"}
    assert Site.objects.filter(redirects__redirect_page=mangled).count() == 2


@pytest.mark.django_db
def test_pages_without_vietnamese_trouble_are_never_touched(district):
    before = dict(Page.objects.values_list("id", "slug"))
    output = run()
    assert "Không có trang nào có đường dẫn bị hỏng." in output
    assert dict(Page.objects.values_list("id", "slug")) == before


@pytest.mark.django_db
def test_an_english_translation_that_copied_the_mangled_slug_follows_its_source(mangled):
    from wagtail.models import Locale

    translation = mangled.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    translation.title = "Đắk La trains farmers in water-saving coffee irrigation"
    translation.save_revision().publish()
    translation.refresh_from_db()
    assert translation.slug == MANGLED
    run()
    translation.refresh_from_db()
    assert translation.slug == FOLDED
