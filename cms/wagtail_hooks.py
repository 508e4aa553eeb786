"""Admin-wide additions of the project (not of one app)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from cms import caching


@hooks.register("insert_global_admin_js")
def fold_vietnamese_in_slugs():
    """Every slug field of the admin (page editor, copy page, snippets) proposes "xa-dak-la-tap-huan",
    not Wagtail's "xa-djk-la-tp-hun": see static/js/admin-slug.js."""
    return format_html('<script src="{}"></script>', static("js/admin-slug.js"))


@hooks.register("before_serve_page")
def tag_for_the_page_cache(page, request, serve_args, serve_kwargs):
    """Every public page and route under it says which site it shows (cms/caching.py)."""
    caching.tag_page_response(page, request)
