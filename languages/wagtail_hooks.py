"""The admin of languages (the registry, for portal staff; each site's languages, for its own staff; the
translators' list of their commune's pages), and the guard that serves a page in a registry language only
on a site that has enabled it."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.urls import path, reverse
from django.utils import translation
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale

from languages import registry, translating, views
from languages.models import Language, SiteLanguage
from sites.scoping import CommuneOwnedViewSet
from sites.site_index import site_index


class LanguageViewSet(ModelViewSet):
    model = Language
    icon = "globe"
    menu_label = "Danh mục ngôn ngữ"
    url_prefix = "ngon-ngu/danh-muc"
    name = "languages"
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("native_name"), FieldPanel("script"),
              FieldPanel("is_active")]
    list_display = [
        TitleColumn("name", label="Ngôn ngữ", url_name="languages:edit"),
        Column("code", label="Mã"),
        Column("native_name", label="Tên tự gọi"),
        Column("script", label="Chữ viết", accessor="get_script_display"),
        Column("is_active", label="Đang dùng"),
    ]
    search_fields = ["name", "code", "native_name"]
    inspect_view_enabled = False
    copy_view_enabled = False


class SiteLanguageViewSet(CommuneOwnedViewSet):
    model = SiteLanguage
    icon = "site"
    menu_label = "Ngôn ngữ của trang"
    url_prefix = "ngon-ngu/trang"
    name = "site_languages"
    edit_handler = ObjectList([FieldPanel("language"), FieldPanel("commune")])
    list_display = [
        TitleColumn("language", label="Ngôn ngữ", url_name="site_languages:edit"),
        Column("scope", label="Trang", accessor="scope_label"),
        Column("enabled_at", label="Ngày bật"),
    ]
    inspect_view_enabled = False
    copy_view_enabled = False


class LanguagesGroup(ViewSetGroup):
    menu_label = "Ngôn ngữ"
    menu_icon = "globe"
    menu_order = 860
    items = (SiteLanguageViewSet, LanguageViewSet)


@hooks.register("register_admin_viewset")
def register_languages():
    return LanguagesGroup()


@hooks.register("register_admin_urls")
def register_translation_urls():
    return [
        path("ngon-ngu/ban-dich/", views.translations_view, name="languages_translations"),
        path("ngon-ngu/ban-dich/<int:translation_id>/gui-duyet/", views.submit_translation_view,
             name="languages_submit_translation"),
    ]


class TranslationsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.has_perm("wagtail_localize.submit_translation") and (
            SiteLanguage.objects.for_user(user).filter(commune__isnull=False).exists())


@hooks.register("register_admin_menu_item")
def register_translations_menu_item():
    return TranslationsMenuItem("Bản dịch", reverse("languages_translations"), icon_name="globe", order=859)


@hooks.register("after_edit_page")
def remember_minor_changes(request, page):
    if request.POST.get(translating.MINOR_FIELD) and page.latest_revision_id:
        translating.mark_minor(page.latest_revision)


@hooks.register("before_edit_page", order=-1)
def tell_when_the_source_changed(request, page):
    """Opening a translation whose source has changed since it was translated says so (wagtail-localize's
    editor, which runs next, shows the message)."""
    if request.method != "GET" or page.locale.is_default:
        return None
    source = page.get_translations().filter(locale=Locale.get_default()).first()
    if source is not None and translating.out_of_date_pages([source]):
        messages.warning(request, "Bản gốc đã được sửa sau lần dịch gần nhất: hãy «Cập nhật theo bản gốc» "
                                  "(Đồng bộ bản dịch) rồi dịch các đoạn mới.")
    return None


@hooks.register("before_serve_page")
def serve_only_enabled_languages(page, request, serve_args, serve_kwargs):
    """A site answers in a registry language only where that language is enabled: a page in it, or a
    Vietnamese page asked for under its prefix (/bdq/...). A language switched off, or never enabled
    there, leaves its pages in place but unseen.

    A page not translated into the language asked for is shown in Vietnamese, whole (its chrome and its
    `lang` too), with a notice in the reader's language: a Vietnamese page Wagtail routes to under
    /en/ (a site whose home is not translated), or the alias that stands in for an untranslated page."""
    codes = site_index(request).locale_codes
    asked = translation.get_language()
    page_language = codes.get(page.locale_id)
    commune_id = registry.commune_of_home(getattr(page, "commune", None))
    if not all(registry.is_enabled(code, commune_id) for code in {asked, page_language} - {None}):
        raise Http404
    shown = settings.LANGUAGE_CODE if page.alias_of_id else page_language
    if shown is None or shown == asked or not request.path.startswith(f"/{asked}/"):
        return None
    request.language_fallback = asked
    with translation.override(shown):
        response = page.serve(request, *serve_args, **serve_kwargs)
        if hasattr(response, "render"):
            response.render()
    return response
