"""Tenancy in the Wagtail admin, for the places Wagtail's own permissions do not cover.

Wagtail checks page permissions on the views that change a page, and collection permissions on
images and documents; a few views only look a page up by its id (the page chooser, its
"chosen" step, workflow cancellation), and a few reports list every page of the tree. Commune staff
must see none of another commune there, so:

- pages a commune's staff may reach are their communes' subtrees and the pages above them
  (the portal and the root, so they can navigate down to their commune);
- any admin URL that names a page outside that set is refused (defence in depth: Wagtail's own
  checks stay in place behind it);
- reports that summarise the whole tree are for portal (district) staff only.

Portal staff (permissions on the portal home) and superusers are not limited here.
"""

from django.db.models import Q
from django.urls import reverse
from wagtail.admin.auth import permission_denied
from wagtail.models import Page

from core.tree import ancestor_paths
from sites.tenancy import permitted_root_paths, user_is_portal_staff

# URL keyword arguments that carry a page id, in any admin view.
PAGE_ID_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk")
# Views whose `pk` keyword is a page id.
PAGE_PK_VIEWS = {"wagtailadmin_pages:revisions_compare"}
# Views that take page ids as `?id=` query parameters without checking them.
PAGE_ID_QUERY_VIEWS = {"wagtailadmin_choose_page_chosen_multiple"}
# Reports over the whole tree, with no per-page permission filter: district staff only.
DISTRICT_ONLY_VIEWS = {
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
    "wagtail_localize:translations_report",
    "wagtail_localize:translations_report_results",
}


def is_limited_to_communes(user):
    """True for signed-in staff who work for some communes only (not the portal, not a superuser)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_limited_to_communes", None)
    if cached is None:
        cached = user._limited_to_communes = not user_is_portal_staff(user)
    return cached


def reachable_pages_q(user):
    """A filter for the pages this commune-limited user may see in the admin."""
    roots = permitted_root_paths(user)
    if not roots:
        return Q(pk__in=[])
    condition = Q(path__in=ancestor_paths(roots, steplen=Page.steplen))
    for path in roots:
        condition |= Q(path__startswith=path)
    return condition


def limit_pages(pages, user):
    """Restrict a page queryset to what the user may see (unchanged for portal staff)."""
    if not is_limited_to_communes(user):
        return pages
    return pages.filter(reachable_pages_q(user))


def page_ids_are_reachable(user, page_ids):
    page_ids = {int(pk) for pk in page_ids if str(pk).isdigit()}
    if not page_ids:
        return True
    existing = Page.objects.filter(pk__in=page_ids)
    # A missing page is the view's business (it answers 404); a page outside the user's
    # communes is ours.
    return not existing.exclude(reachable_pages_q(user)).exists()


def admin_prefix():
    return reverse("wagtailadmin_home")


def district_only_urls():
    return {reverse(name) for name in DISTRICT_ONLY_VIEWS if not name.endswith("_results")}


class AdminTenancyMiddleware:
    """Refuses admin requests that point a commune's staff at pages outside their communes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.view_name or not request.path.startswith(admin_prefix()):
            return None
        name = match.view_name
        page_ids = [view_kwargs[key] for key in PAGE_ID_KWARGS if key in view_kwargs]
        if name in PAGE_PK_VIEWS:
            page_ids.append(view_kwargs.get("pk"))
        if name in PAGE_ID_QUERY_VIEWS:
            page_ids += request.GET.getlist("id")
        if name not in DISTRICT_ONLY_VIEWS and not page_ids:
            return None
        if not is_limited_to_communes(request.user):
            return None
        if name in DISTRICT_ONLY_VIEWS or not page_ids_are_reachable(request.user, page_ids):
            return permission_denied(request)
        return None
