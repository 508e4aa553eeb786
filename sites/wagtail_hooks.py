"""Admin hooks that keep each commune's staff inside their own commune (see sites/admin_scoping.py).

Wagtail already scopes the page explorer, page search, the dashboard panels and most reports by page
permission, and images and documents by collection permission. These hooks close what it leaves
open: the page chooser, the admin API for images and documents, and the reports menu.
"""

from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from sites.admin_scoping import district_only_urls, is_limited_to_communes, limit_pages
from sites.media_scoping import MEDIA_ACTIONS, permitted_collections


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser_to_own_communes(pages, request):
    """Commune staff choose (and search) among their own communes' pages; portal staff among all."""
    return limit_pages(pages, request.user)


def in_permitted_collections(queryset, model, user):
    """Media in the user's collections. A user with none (a translator) gets a filter that matches nothing
    but still compiles: the PostgreSQL search backend builds its SQL itself and fails (EmptyResultSet) on
    a condition that is empty by construction, such as `collection IN ()`."""
    ids = list(permitted_collections(model, user, MEDIA_ACTIONS).values_list("pk", flat=True))
    return queryset.filter(collection_id__in=ids) if ids else queryset.filter(pk__isnull=True)


class ScopedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    """Wagtail's admin API lists every image; list only those in the user's collections."""

    def get_queryset(self):
        return in_permitted_collections(super().get_queryset(), get_image_model(), self.request.user)


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return in_permitted_collections(super().get_queryset(), get_document_model(), self.request.user)


# A high order runs after wagtail.images and wagtail.documents have registered their endpoints,
# so these replace them.
@hooks.register("construct_admin_api", order=1000)
def scope_admin_api_media(router):
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


@hooks.register("construct_reports_menu")
def hide_district_reports_from_commune_staff(request, menu_items):
    """Reports over the whole tree are refused to commune staff, so do not offer them either."""
    if is_limited_to_communes(request.user):
        hidden = district_only_urls()
        menu_items[:] = [item for item in menu_items if item.url not in hidden]
