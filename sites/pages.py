"""Page base classes: what every public page knows about where it stands (its commune, if any, and its
portal), and what every site's home answers besides itself.

The concrete home pages live in the content apps (`communes.CommuneHomePage`, `home.PortalHomePage`);
they declare `site_level`, and this layer finds them by it, so it names no app above it. Features add
routes under every site's home (`/tim-kiem/`, say) with `register_site_route`, in their `AppConfig.ready`.
"""

from types import SimpleNamespace

from django.apps import apps
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.text import slugify
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import PageViewRestriction, Site

from core.folding import fold
from sites.chrome import site_chromes
from sites.media_scoping import SitePageForm, refuse_foreign_references_on_publish
from sites.site_index import public_pages, site_index
from sites.tenancy import COMMUNE, PORTAL, commune_home_model, portal_home_model, site_home_model  # noqa: F401

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
        "menu": "Danh mục",
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
        "hotline": "Đường dây nóng",
        "licence": "Giấy phép số",
        "licence_by": "do",
        "licence_issued": "cấp",
        "licence_on": "ngày",
        "responsible": "Chịu trách nhiệm nội dung",
    },
    "en": {
        "skip": "Skip to main content",
        "search": "Search",
        "search_button": "Search",
        "home": "Home",
        "sections": "Sections",
        "menu": "Menu",
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
        "hotline": "Hotline",
        "licence": "Licence no.",
        "licence_by": "issued by",
        "licence_issued": "",
        "licence_on": "on",
        "responsible": "Responsible for the content",
    },
}


def ui_text():
    return UI_TEXT.get(translation.get_language() or "vi", UI_TEXT["vi"])


def canonical_urls():
    """A cache object for `page.get_full_url(...)` that yields canonical URLs.

    A plain object (not a request) makes Wagtail pick the most specific site, so a commune's page gets
    its commune hostname even when it is reached under the portal path; the site index (one per request)
    gives the root paths, so a hundred links cost no query.
    """
    return SimpleNamespace()


# What a page learns while it is served (routing, chromes, URL lookups): never pickled with it.
TRANSIENT_ATTRIBUTES = ("_site_index", "_wagtail_cached_site_root_paths", "_tree_ancestors", "_agency_homes",
                        "_menu", "commune", "portal", "canonical_url", "_cached_parent_obj")


class SitePageMixin:
    """Mixed into every page type. Gives templates `commune`, `portal` and `agency` for header and footer."""

    # Refuses other communes' images, documents and draft pages named by id (sites/media_scoping.py).
    base_form_class = SitePageForm

    def publish(self, revision, user=None, *args, skip_permission_checks=False, **kwargs):
        if not skip_permission_checks:
            refuse_foreign_references_on_publish(self, revision, user)
        return super().publish(revision, user, *args, skip_permission_checks=skip_permission_checks, **kwargs)

    def _set_core_field_defaults(self):
        # Wagtail makes a missing slug with Django's slugify, which drops đ/Đ ("Đắk La" → "ak-la").
        # Fold Vietnamese first so the address reads as people type it: "dak-la".
        parent_is_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        if not self.slug and self.title and parent_is_known:
            base_slug = slugify(fold(self.title))
            if base_slug:
                self.slug = self._get_autogenerated_slug(base_slug)
        super()._set_core_field_defaults()

    @classmethod
    def serving_queryset(cls):
        """Where the page being served is loaded from (`sites.routing`): page types add what their
        template needs (an image and its renditions, say)."""
        return cls.objects.all()

    def __getstate__(self):
        state = super().__getstate__()
        for name in TRANSIENT_ATTRIBUTES:
            state.pop(name, None)
        return state

    # -------------------------------------------------------------------------------------------- URLs

    def _get_relevant_site_root_paths(self, cache_object=None):
        # Wagtail scans every site's root path for each URL; the index finds them by this page's prefixes.
        cache_object = self if cache_object is None else cache_object
        index = site_index(cache_object)
        if not hasattr(cache_object, "_wagtail_cached_site_root_paths"):
            try:  # Wagtail's own callers (redirects on a move) read the full list from the cache object
                cache_object._wagtail_cached_site_root_paths = index.root_paths
            except AttributeError:
                pass
        return index.relevant_root_paths(self.url_path)

    def get_url(self, request=None, current_site=None):
        """Wagtail's `Page.get_url`, counting sites from the index instead of the list of every site."""
        if current_site is None and request is not None:
            current_site = Site.find_for_request(request)
        url_parts = self.get_url_parts(request=request)
        if url_parts is None or url_parts[1] is None and url_parts[2] is None:
            return None
        site_id, root_url, page_path = url_parts
        if (current_site is not None and site_id == current_site.id) or site_index(
            self if request is None else request
        ).site_count == 1:
            return page_path
        return root_url + page_path

    url = property(get_url)

    def get_view_restrictions(self):
        # Wagtail asks on every page view (two queries); the index knows whether any page is restricted.
        if not site_index().restricted_paths:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    # ------------------------------------------------------------------------------ where it stands

    def tree_ancestors(self):
        """Ancestors below Wagtail's root (the portal down to the parent), of their specific classes with
        their generic fields: known from routing without a query (`sites.routing`), else one query."""
        ancestors = self.__dict__.get("_tree_ancestors")
        if ancestors is None:
            ancestors = self._tree_ancestors = [
                page.specific_deferred for page in self.get_ancestors().filter(depth__gte=2)
            ]
        return ancestors

    def _homes(self):
        """(commune, portal) of this page: itself or the topmost ancestor of each home type, from their
        cached chromes (`sites.chrome`), one cache read for both; a home being served gets its menu too."""
        homes = self.__dict__.get("_agency_homes")
        if homes is None:
            wanted = {}
            for model in (commune_home_model(), portal_home_model()):
                found = self if isinstance(self, model) else next(
                    (ancestor for ancestor in self.tree_ancestors() if isinstance(ancestor, model)), None
                )
                if found is not None:
                    wanted[model] = found
            chromes = site_chromes([(model, page.path) for model, page in wanted.items()])
            homes = []
            for model in (commune_home_model(), portal_home_model()):
                page = wanted.get(model)
                chrome = chromes.get(page.path) if page is not None else None
                if page is self:
                    if chrome is not None:
                        self._menu = chrome.menu
                    homes.append(self)
                elif chrome is not None:
                    chrome.home._menu = chrome.menu
                    homes.append(chrome.home)
                else:
                    homes.append(page)
            homes = self._agency_homes = tuple(homes)
        return homes

    @cached_property
    def commune(self):
        return self if isinstance(self, commune_home_model()) else self._homes()[0]

    @cached_property
    def portal(self):
        return self if isinstance(self, portal_home_model()) else self._homes()[1]

    @property
    def agency(self):
        """The identity shown in header and footer: the commune's, else the portal's."""
        return self.commune or self.portal

    def menu_sections(self):
        """The sections in this site's main menu: the agency's children, never the commune sites."""
        menu = self.__dict__.get("_menu")
        if menu is None:
            chrome = site_chromes([(type(self), self.path)]).get(self.path)
            menu = self._menu = chrome.menu if chrome is not None else list(
                public_pages(self.get_children().live().in_menu().not_type(commune_home_model())).specific(defer=True)
            )
        return menu

    def live_translations(self):
        """The page's other language versions that are live, with their locales (one query)."""
        return self.get_translations().live().select_related("locale")

    def breadcrumb_ancestors(self):
        """From the portal down to the parent (Wagtail's root page is no place to go)."""
        return self.tree_ancestors()

    @cached_property
    def canonical_url(self):
        return self.get_full_url(canonical_urls())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["commune"] = self.commune
        context["portal"] = self.portal
        context["agency"] = self.agency
        return context


# Routes that features add under every site home: (levels, URL pattern). The view is called as
# `view(home_page, request, ...)`, like a method of the page.
_SITE_ROUTES = []


def register_site_route(pattern, *, levels=(PORTAL, COMMUNE)):
    """Answer `pattern` (a `django.urls.path(...)` with a name) under the home of every site of `levels`.

    Reverse it with `home.reverse_subpage(name)` or `{% routablepageurl home name %}`."""
    _SITE_ROUTES.append((frozenset(levels), pattern))
    for model in apps.get_models():  # forget resolvers built before this route was added
        if issubclass(model, SiteHomeMixin) and "_routablepage_urlresolver" in model.__dict__:
            del model._routablepage_urlresolver


class SiteHomeMixin(RoutablePageMixin):
    """The home of a site (portal or commune): its level, and the routes features add under it."""

    site_level = None  # COMMUNE or PORTAL, in the concrete class

    @classmethod
    def get_subpage_urls(cls):
        added = tuple(pattern for levels, pattern in _SITE_ROUTES if cls.site_level in levels)
        return super().get_subpage_urls() + added

    @path("", name="home")
    def home(self, request):
        return self.render(request)
