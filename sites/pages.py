"""What every public page knows about where it stands: its commune (if any) and its portal."""

from types import SimpleNamespace

from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.functional import cached_property

PRINT_PARAMETER = "ban-in"

# The words of the page chrome (header, footer, article tools). Content is translated in Wagtail
# (wagtail-localize); these few labels follow the active language so an English page reads English.
UI_TEXT = {
    "vi": {
        "skip": "Bỏ qua, đến nội dung chính",
        "search": "Tìm kiếm",
        "search_button": "Tìm",
        "home": "Trang chủ",
        "sections": "Chuyên mục",
        "breadcrumbs": "Đường dẫn",
        "site_of": "Trang thông tin điện tử",
        "component_of": "Trang thông tin điện tử thành phần của",
        "owner": "Cơ quan chủ quản",
        "address": "Địa chỉ",
        "phone": "Điện thoại",
        "email": "Thư điện tử",
        "tools": "Công cụ bài viết",
        "updated": "Cập nhật lần cuối",
        "print": "In / lưu bài viết",
        "print_now": "In trang này",
        "back": "Quay lại bài viết",
        "share": "Chia sẻ",
        "new_window": "(mở cửa sổ mới)",
        "translations": "Phiên bản khác",
        "source": "Nguồn",
        "news_feed": "Nhận tin RSS",
    },
    "en": {
        "skip": "Skip to main content",
        "search": "Search",
        "search_button": "Search",
        "home": "Home",
        "sections": "Sections",
        "breadcrumbs": "Breadcrumb",
        "site_of": "Website of",
        "component_of": "A component website of",
        "owner": "Managing agency",
        "address": "Address",
        "phone": "Phone",
        "email": "Email",
        "tools": "Article tools",
        "updated": "Last updated",
        "print": "Print / save this page",
        "print_now": "Print this page",
        "back": "Back to the page",
        "share": "Share on",
        "new_window": "(opens a new window)",
        "translations": "Other versions",
        "source": "Source",
        "news_feed": "RSS news feed",
    },
}


def ui_text():
    return UI_TEXT.get(translation.get_language() or "vi", UI_TEXT["vi"])


def canonical_urls():
    """A cache object for `page.get_full_url(...)` that yields canonical URLs.

    Wagtail caches site root paths on whatever object it is given; a plain object (not a request)
    makes it pick the most specific site, so a commune's page gets its commune hostname even when
    it is reached under the portal path, and a hundred links cost one cache lookup, not a hundred.
    """
    return SimpleNamespace()


class SitePageMixin:
    """Mixed into every page type. Gives templates `commune`, `portal` and `agency` for header and footer."""

    @cached_property
    def commune(self):
        from communes.models import CommuneHomePage

        if isinstance(self, CommuneHomePage):
            return self
        return CommuneHomePage.objects.ancestor_of(self).first()

    @cached_property
    def portal(self):
        from home.models import PortalHomePage

        if isinstance(self, PortalHomePage):
            return self
        return PortalHomePage.objects.ancestor_of(self).first()

    @property
    def agency(self):
        """The identity shown in header and footer: the commune's, else the portal's."""
        return self.commune or self.portal

    def menu_sections(self):
        """The sections in this site's main menu: the agency's children, never the commune sites."""
        from communes.models import CommuneHomePage

        return self.get_children().live().public().in_menu().not_type(CommuneHomePage)

    def breadcrumb_ancestors(self):
        """From the portal down to the parent (Wagtail's root page is no place to go)."""
        return self.get_ancestors().filter(depth__gte=2)

    @cached_property
    def canonical_url(self):
        return self.get_full_url(canonical_urls())

    def serve(self, request, *args, **kwargs):
        # Wagtail serves an untranslated page under /en/ in Vietnamese; send the reader to the page's
        # own address instead, so a page's language, its <html lang> and its URL always agree.
        language = translation.get_language()
        prefix = f"/{language}/"
        if language and self.locale.language_code != language and request.path.startswith(prefix):
            return HttpResponseRedirect("/" + request.get_full_path()[len(prefix):])
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["commune"] = self.commune
        context["portal"] = self.portal
        context["agency"] = self.agency
        return context
