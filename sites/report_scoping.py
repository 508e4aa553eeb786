"""Wagtail's admin reports, with filters that offer commune staff only their own communes' names.

The rows of the workflow, workflow-tasks, site-history and locked-pages reports are already filtered by
page permission, but their filter drop-downs list every workflow, every task and every official who ever
submitted, locked or changed anything, in any commune. For staff limited to some communes,
`AdminTenancyMiddleware` serves these reports through the subclasses below, whose filters offer only the
workflows and tasks of the user's communes and the officials of those communes (and the user).

Snippets are another matter: Wagtail lists every snippet's workflow state and history to whoever holds a
permission on its model, so these reports also drop the rows about commune-owned objects (board notices,
say) of other communes (`foreign_objects_q`).
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.models import Task, Workflow, WorkflowTask

from sites.tenancy import commune_sites_for_user, tenancy_of


def scoped_filter_querysets(filterset, user):
    """Narrow every model-choice filter of `filterset` that would name other communes' workflows,
    tasks or officials."""
    sites = commune_sites_for_user(user)
    workflow_ids = sites.values("workflow_id")
    group_ids = list(sites.values_list("editors_id", flat=True)) + list(sites.values_list("approvers_id", flat=True))
    allowed = {
        Workflow: Workflow.objects.filter(pk__in=workflow_ids),
        Task: Task.objects.filter(pk__in=WorkflowTask.objects.filter(workflow__in=workflow_ids).values("task_id")),
        get_user_model(): get_user_model().objects.filter(Q(groups__in=group_ids) | Q(pk=user.pk)).distinct(),
    }
    for report_filter in filterset.filters.values():
        queryset = report_filter.extra.get("queryset", getattr(report_filter, "queryset", None))
        model = getattr(queryset, "model", None)
        if model is None and callable(queryset):
            model = getattr(queryset(filterset.request), "model", None)
        for restricted_model, scope in allowed.items():
            if model is not None and issubclass(model, restricted_model):
                report_filter.queryset = scope
                report_filter.extra["queryset"] = scope


def foreign_objects_q(user, prefix=""):
    """A filter for rows (workflow states, task states, log entries) that point, by content type and
    object id, at an object of a commune-owned model the user may not see: a snippet in another commune's
    workflow, the history of another commune's board notice. Wagtail lists those to whoever holds any
    permission on the model."""
    condition = Q(pk__in=[])
    for model in apps.get_models():
        if tenancy_of(model) is None:
            continue
        visible = model._default_manager.for_user(user).annotate(_key=Cast("pk", CharField())).values("_key")
        condition |= Q(**{f"{prefix}content_type": ContentType.objects.get_for_model(model)}) & ~Q(
            **{f"{prefix}object_id__in": visible})
    return condition


def _scoped_filterset(filterset_class):
    class ScopedFilterSet(filterset_class):
        def __init__(self, *args, request=None, **kwargs):
            super().__init__(*args, request=request, **kwargs)
            if request is not None:
                scoped_filter_querysets(self, request.user)

    ScopedFilterSet.__name__ = f"CommuneScoped{filterset_class.__name__}"
    return ScopedFilterSet


def _scoped_report(view_class, prefix):
    """The report with scoped filters, and without rows about other communes' commune-owned objects."""

    def filter_queryset(self, queryset):
        queryset = super(scoped, self).filter_queryset(queryset)
        if prefix or any(f.name == "object_id" for f in queryset.model._meta.get_fields()):  # not page logs
            queryset = queryset.exclude(foreign_objects_q(self.request.user, prefix))
        return queryset

    scoped = type(f"CommuneScoped{view_class.__name__}", (view_class,), {
        "filterset_class": _scoped_filterset(view_class.filterset_class),
        "filter_queryset": filter_queryset,
    })
    return scoped


# Report → the path from its rows to a content type and an object id.
_REPORTS = {
    "workflow": (WorkflowView, ""),
    "workflow_tasks": (WorkflowTasksView, "workflow_state__"),
    "site_history": (LogEntriesView, ""),
    "locked_pages": (LockedPagesView, None),
}
SCOPED_REPORT_VIEWS = {}
for _name, (_view_class, _prefix) in _REPORTS.items():
    _scoped = _scoped_report(_view_class, _prefix) if _prefix is not None else type(
        f"CommuneScoped{_view_class.__name__}", (_view_class,),
        {"filterset_class": _scoped_filterset(_view_class.filterset_class)})
    SCOPED_REPORT_VIEWS[f"wagtailadmin_reports:{_name}"] = _scoped.as_view()
    SCOPED_REPORT_VIEWS[f"wagtailadmin_reports:{_name}_results"] = _scoped.as_view(results_only=True)
