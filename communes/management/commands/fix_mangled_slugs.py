"""Give back a readable address to pages whose slugs the admin mangled.

Before static/js/admin-slug.js, Wagtail's admin turned "Xã Đắk La tập huấn" into the slug
"xa-djk-la-tp-hun". This command finds the pages whose slug is exactly that mangled form of their
title (optionally with Wagtail's "-2" style suffix), gives them the folded slug ("xa-dak-la-tap-huan"),
and leaves a permanent redirect from every old address (on the commune's hostname and under the
portal's path, for the page and its descendants) so links already shared keep working.

A slug an editor chose by hand never equals the mangled form, so it is left alone; so is a page
whose title changed after its slug was made.

    manage.py fix_mangled_slugs --dry-run   # list what would change
    manage.py fix_mangled_slugs
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Page, Site

from core.slugs import vietnamese_slug, wagtail_js_urlify

COMMAND = "fix_mangled_slugs"


def corrected_slug(title, slug):
    """The slug the page should have when `slug` is the admin's mangled form of `title`, else None."""
    wanted = vietnamese_slug(title)
    if not wanted or slug == wanted:
        return None
    mangled = wagtail_js_urlify(title)
    if not mangled or mangled == wanted:
        return None  # nothing in this title that Wagtail's script got wrong: the slug is the editor's choice
    match = re.fullmatch(re.escape(mangled) + r"(-\d+)?", slug)
    if match is None:
        return None
    return wanted + (match.group(1) or "")


@dataclass
class SlugFix:
    page_id: int
    title: str
    old_slug: str
    new_slug: str
    old_url_path: str


def mangled_pages():
    """Every page whose slug is the mangled form of its title, with the slug it should have."""
    fixes = []
    pages = Page.objects.filter(depth__gt=1).only("id", "title", "slug", "url_path").order_by("path")
    for page in pages.iterator():
        new_slug = corrected_slug(page.title, page.slug)
        if new_slug:
            fixes.append(SlugFix(page.id, page.title, page.slug, new_slug, page.url_path))
    return fixes


def _update_revisions(page, old_slug, new_slug):
    """The draft and the live revision carry the slug too: publishing one later must not bring the
    mangled slug back."""
    for revision in {page.latest_revision, page.live_revision} - {None}:
        if revision.content.get("slug") == old_slug:
            revision.content["slug"] = new_slug
            revision.save(update_fields=["content"])


def _redirect_sites(page):
    return Site.objects.filter(
        id__in=[option.site_id for option in page._get_relevant_site_root_paths(cache_object=page)]
    ).exclude(root_page=page)


def rename(page, old_slug, new_slug):
    """Give `page` (specific) `new_slug` (or the next free one among its siblings); returns the slug set."""
    new_slug = find_available_slug(page.get_parent(), new_slug, ignore_page_id=page.pk)
    page_before = type(page).objects.get(pk=page.pk)
    page.slug = new_slug
    # Page.save updates the url_path of the page and its descendants and, once committed, sends
    # page_slug_changed, on which wagtail.contrib.redirects creates the redirects from the old paths.
    page.save(clean=False)
    _update_revisions(page, old_slug, new_slug)
    if not getattr(settings, "WAGTAILREDIRECTS_AUTO_CREATE", True):
        from wagtail.contrib.redirects.signal_handlers import create_redirects

        create_redirects(page=page, page_old=page_before, sites=_redirect_sites(page))
    log(instance=page, action="wagtail.edit", data={"slug": {"old": old_slug, "new": new_slug}, "by": COMMAND})
    return new_slug


def fix(slug_fix):
    """Apply one fix, to the page and to its translations that copied the mangled slug."""
    page = Page.objects.get(pk=slug_fix.page_id).specific
    if page.slug != slug_fix.old_slug:
        return None  # changed since it was found
    new_slug = rename(page, slug_fix.old_slug, slug_fix.new_slug)
    for translation in page.get_translations().filter(slug=slug_fix.old_slug):
        rename(translation.specific, slug_fix.old_slug, new_slug)
    return new_slug


class Command(BaseCommand):
    help = (
        "Sửa đường dẫn (slug) của các trang bị trình soạn thảo làm hỏng (mất chữ có dấu, đ thành dj), "
        "kèm chuyển hướng từ địa chỉ cũ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không thay đổi gì")

    def handle(self, *args, dry_run=False, **options):
        fixes = mangled_pages()
        if not fixes:
            self.stdout.write("Không có trang nào có đường dẫn bị hỏng.")
            return
        done = 0
        for slug_fix in fixes:
            if dry_run:
                self.stdout.write(f"{slug_fix.old_url_path}: {slug_fix.old_slug} → {slug_fix.new_slug}")
                continue
            with transaction.atomic():
                new_slug = fix(slug_fix)
            if new_slug:
                done += 1
                self.stdout.write(f"{slug_fix.old_url_path}: {slug_fix.old_slug} → {new_slug}")
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Chạy thử: {len(fixes)} trang sẽ được sửa; chưa thay đổi gì."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã sửa đường dẫn của {done} trang, kèm chuyển hướng từ địa chỉ cũ."))
