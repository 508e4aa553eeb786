"""Tenancy in the Wagtail admin, for the places Wagtail's own permissions do not cover.

Wagtail checks page permissions on the views that change a page, and collection permissions on
images and documents; a few views only look a page up by its id (the page chooser, its
"chosen" step, workflow cancellation), and a few reports list every page of the tree. Commune staff
must see none of another commune there, so:

- pages a commune's staff may reach are their communes' subtrees and the pages above them
  (the portal and the root, so they can navigate down to their commune);
- any admin URL that names a page outside that set is refused (defence in depth: Wagtail's own
  checks stay in place behind it);
- reports that summarise the whole tree are for portal (district) staff only;
- bulk actions (`?id=…`, `?id=all&childOf=…`) see and act on the user's own communes' pages, images
  and documents only: other communes' objects are dropped before their titles are listed.

What a page may name by id (images, documents, pages) is checked by its form: sites/media_scoping.py.

Portal staff (permissions on the portal home) and superusers are not limited here.
"""

import functools

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import Page, Task, WorkflowPage

from core.numbers import BIGINT_MAX, parse_int
from core.tree import ancestor_paths
from sites.media_scoping import MEDIA_ACTIONS, clean_pk, collection_policy, permitted_collections
from sites.report_scoping import SCOPED_REPORT_VIEWS
from sites.tenancy import own_pages_q, permitted_root_paths, tenancy_of, user_is_portal_staff

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
    # The list of snippet types counts every commune's rows (`Model.objects.count()`); commune staff
    # reach their snippets (board notices) through the menu.
    "wagtailsnippets:index",
}
# The workflow task chooser serves only the workflow editor (portal staff); it lists every commune's
# approval tasks and answers any task by id.
WORKFLOW_EDITING_VIEWS = {
    "wagtailadmin_workflows:task_chooser",
    "wagtailadmin_workflows:task_chooser_results",
    "wagtailadmin_workflows:task_chooser_create",
    "wagtailadmin_workflows:task_chosen",
}
# Views that take a workflow task id and name the task back (a moderation preview of a page that is
# not in that task says so, with the task's name).
TASK_ID_VIEWS = {"wagtailadmin_pages:workflow_preview"}
# Wagtail views that give ids from the query string (or a `<str:pk>`) to the database as they come:
# one that is no id ("²", "abc", 99999999999999999999) fails there with a 500, so it gets 400 here.
UNCHECKED_ID_PARAMETERS = {
    "wagtailadmin_choose_page": ("target_pages[]",),
    "wagtailadmin_choose_page_child": ("target_pages[]",),
    "wagtailadmin_choose_page_search": ("target_pages[]",),
    "wagtailadmin_choose_page_chosen_multiple": ("id",),
    "wagtailimages_chooser:chosen_multiple": ("id",),
    "wagtaildocs_chooser:chosen_multiple": ("id",),
    "wagtail_bulk_action": ("id", "childOf"),
}
UNCHECKED_ID_KWARG_VIEWS = {"wagtailimages_chooser:chosen", "wagtaildocs_chooser:chosen"}


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
    return Q(path__in=ancestor_paths(roots, steplen=Page.steplen)) | own_pages_q(user)


def limit_pages(pages, user):
    """Restrict a page queryset to what the user may see (unchanged for portal staff)."""
    if not is_limited_to_communes(user):
        return pages
    return pages.filter(reachable_pages_q(user))


def malformed_ids(request, name, view_kwargs):
    """True when a view that hands ids to the database unchecked was given one that is no id."""
    values = [value for key in UNCHECKED_ID_PARAMETERS.get(name, ()) for value in request.GET.getlist(key)]
    if name in UNCHECKED_ID_KWARG_VIEWS:
        values.append(view_kwargs.get("pk"))
    # Bulk actions take `id=all` (every object under `childOf`) and an empty id list; other views none.
    words = ("", "all") if name == BULK_ACTION_VIEW else ()
    return any(value not in words and parse_int(value, minimum=1, maximum=BIGINT_MAX) is None
               for value in values)


def page_ids_are_reachable(user, page_ids):
    # Malformed ids never get here (`malformed_ids`); whatever else is no id names no page.
    page_ids = {parse_int(pk, minimum=1, maximum=BIGINT_MAX) for pk in page_ids} - {None}
    if not page_ids:
        return True
    existing = Page.objects.filter(pk__in=page_ids)
    # A missing page is the view's business (it answers 404); a page outside the user's
    # communes is ours.
    return not existing.exclude(reachable_pages_q(user)).exists()


def task_is_reachable(user, task_id):
    """A task of a workflow on a page the user may reach (their communes', or one above them).
    `task_id` comes through an `<int:…>` converter."""
    workflows = WorkflowPage.objects.filter(page__in=Page.objects.filter(reachable_pages_q(user))).values("workflow_id")
    return not Task.objects.filter(pk=task_id).exclude(workflow_tasks__workflow_id__in=workflows).exists()


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
        if malformed_ids(request, name, view_kwargs):
            return HttpResponseBadRequest("Mã không hợp lệ.")
        if name == BULK_ACTION_VIEW:
            # Wagtail's dispatcher, with every bulk action scoped to the user's communes.
            return scoped_bulk_action(request, *view_args, **view_kwargs)
        if name in SCOPED_REPORT_VIEWS and is_limited_to_communes(request.user):
            # Wagtail's report, with filters that name only the user's communes' workflows and officials.
            return SCOPED_REPORT_VIEWS[name](request, *view_args, **view_kwargs)
        page_ids = [view_kwargs[key] for key in PAGE_ID_KWARGS if key in view_kwargs]
        if name in PAGE_PK_VIEWS:
            page_ids.append(view_kwargs.get("pk"))
        if name in PAGE_ID_QUERY_VIEWS:
            page_ids += request.GET.getlist("id")
        refused_outright = name in DISTRICT_ONLY_VIEWS or name in WORKFLOW_EDITING_VIEWS
        if not refused_outright and not page_ids and name not in TASK_ID_VIEWS:
            return None
        if not is_limited_to_communes(request.user):
            return None
        if refused_outright or not page_ids_are_reachable(request.user, page_ids):
            return permission_denied(request)
        if name in TASK_ID_VIEWS and not task_is_reachable(request.user, view_kwargs.get("task_id")):
            return permission_denied(request)
        return None


# -------------------------------------------------------------------------------------- bulk actions
#
# Wagtail's bulk actions (`bulk/<app>/<model>/<action>/?id=…&childOf=…`) load every object named by id
# and list those the user may not act on under "no permission" — with their titles, drafts included.
# Every action is served here through `CommuneScopedBulkActionMixin`: what lies outside the user's
# communes is dropped before anything is listed or done, and when nothing is left the answer is 404.

BULK_ACTION_VIEW = "wagtail_bulk_action"


def bulk_action_scope(model, user):
    """The objects of `model` this user may name in a bulk action; None when the user is not limited.

    Commune staff: pages in their communes, images and documents in their collections, the rows of a
    commune-owned model they may see, and nothing of any other model (users, say)."""
    if not is_limited_to_communes(user):
        return None
    manager = model._default_manager
    if issubclass(model, Page):
        return manager.filter(own_pages_q(user))
    if collection_policy(model) is not None:
        return manager.filter(collection__in=permitted_collections(model, user, MEDIA_ACTIONS))
    if tenancy_of(model) is not None:
        return manager.for_user(user)
    return manager.none()


class CommuneScopedBulkActionMixin:
    """Mixed before a Wagtail bulk action class: it acts on (and shows) only objects in the user's scope."""

    def get_queryset(self, model, object_ids):
        # Wagtail's is a classmethod given the `?id=` values as they came (or, for "all", the listing's
        # keys): here they are parsed, kept to the user's scope, and 404 follows when none is left.
        ids = {clean_pk(model, getattr(value, "pk", value)) for value in object_ids} - {None}
        scope = bulk_action_scope(model, self.request.user)
        if scope is not None:
            ids = set(scope.filter(pk__in=ids).values_list("pk", flat=True))
        return super().get_queryset(model, sorted(ids))

    def get_all_objects_in_listing_query(self, parent_id):
        try:
            return super().get_all_objects_in_listing_query(parent_id)
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as error:
            raise Http404 from error  # a `childOf` that names nothing

    def get_form(self, form_class=None):
        """Page choices (the destination of a move) only inside the user's communes; a refused choice is
        not shown back (its chooser would name the page)."""
        form = super().get_form(form_class)
        scope = bulk_action_scope(Page, self.request.user)
        if scope is None:
            return form
        refused = []
        for name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and issubclass(queryset.model, Page):
                field.queryset = queryset.filter(pk__in=scope.values("pk"))
                value = form.data.get(form.add_prefix(name)) if form.is_bound else None
                pk = clean_pk(Page, value) if value else None
                if value and (pk is None or not field.queryset.filter(pk=pk).exists()):
                    refused.append(form.add_prefix(name))
        if refused:
            form.data = form.data.copy()
            for key in refused:
                form.data[key] = ""
        return form


@functools.cache
def scoped_bulk_action_class(action_class):
    return type(f"CommuneScoped{action_class.__name__}", (CommuneScopedBulkActionMixin, action_class), {})


def _admin_not_found(view):
    """As Wagtail's admin URLs answer 404: with the admin's 404 page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return page_not_found(request, "", template_name="wagtailadmin/404.html")

    return wrapper


@never_cache
@_admin_not_found
@require_admin_access
def scoped_bulk_action(request, app_label, model_name, action):
    """Wagtail's bulk-action dispatcher (wagtail.admin.views.bulk_action.dispatcher), scoped."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    return scoped_bulk_action_class(action_class)(request, model).dispatch(request)
