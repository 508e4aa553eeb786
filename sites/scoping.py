"""The admin side of tenancy: every screen of a commune-owned model goes through one of these.

- `CommuneOwnedViewSet`: a Wagtail `ModelViewSet` whose every view (index, export, add, edit, delete,
  history, usage, inspect, copy, revisions — and any view a subclass adds through `construct_view`)
  lists and resolves objects only through `Model.objects.for_user(user)` / `.editable_by(user)`, and
  whose forms offer only the user's communes and their objects.
- `CommuneOwnedPermissionPolicy`: the model permissions a group holds, narrowed to the user's communes.
- `commune_object_view(Model)`: the decorator for a hand-written admin view of one object.

A viewset or view for a model with a `tenancy` declaration that does not use these is refused by
`tests/sites/test_tenancy_coverage.py`, which walks every model and every admin URL.
"""

from functools import wraps

from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page, Task
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from sites.media_scoping import collection_policy, permitted_collections
from sites.models import CommuneSite
from sites.pages import commune_home_model
from sites.tenancy import (
    commune_sites_for_user,
    communes_for_user,
    own_pages_q,
    require_tenancy,
    tenancy_of,
    user_is_portal_staff,
)

READ_ONLY_ACTIONS = {"view"}


def scoped_queryset(model, user, action="view"):
    """The rows of a commune-owned model this user may see (`view`) or act on (any other action)."""
    require_tenancy(model)
    manager = model._default_manager
    return manager.for_user(user) if action in READ_ONLY_ACTIONS else manager.editable_by(user)


# --------------------------------------------------------------------------------------- permissions


class CommuneOwnedPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions (held through the commune's groups) and the commune's rows only."""

    def __init__(self, model, auth_model=None):
        require_tenancy(model)
        super().__init__(model, auth_model=auth_model)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            scoped_queryset(self.model, user, action).filter(pk=instance.pk).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return scoped_queryset(self.model, user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = [action for action in actions if self.user_has_permission(user, action)]
        if not allowed:
            return self.model._default_manager.none()
        action = "view" if set(allowed) <= READ_ONLY_ACTIONS else next(a for a in allowed if a != "view")
        return scoped_queryset(self.model, user, action)


def tenancy_policy_register(model):
    """Give a commune-owned model the tenancy layer's permission policy (once)."""
    if not isinstance(policy_registry.get_by_type(model, fallback=False), CommuneOwnedPermissionPolicy):
        register_permission_policy(model, CommuneOwnedPermissionPolicy(model), exact_class=True)


def tenancy_policies_register():
    """At start-up (`SitesConfig.ready`), before any code can ask Wagtail for a model's policy: every
    model with a `tenancy` declaration gets the tenancy layer's policy. Asked first, Wagtail would
    create and keep its unscoped fallback policy (a management command publishing a snippet before the
    admin's URLs were loaded did exactly that)."""
    for model in apps.get_models():
        if tenancy_of(model) is not None:
            tenancy_policy_register(model)


# --------------------------------------------------------------------------------------------- forms


def limit_choices_to_user(form, user):
    """Offer (and accept) only what the user may use: their communes, their communes' objects, pages
    inside their communes, images and documents of collections they hold permissions on."""
    if user is None:
        return
    portal_staff = user_is_portal_staff(user)
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        model = queryset.model
        if issubclass(model, CommuneSite):
            field.queryset = queryset.filter(pk__in=commune_sites_for_user(user).values("pk"))
        elif issubclass(model, commune_home_model()):
            field.queryset = queryset.filter(pk__in=communes_for_user(user).values("pk"))
        elif tenancy_of(model) is not None:
            field.queryset = queryset.filter(pk__in=scoped_queryset(model, user, "choose").values("pk"))
        elif issubclass(model, Page) and not portal_staff:
            field.queryset = queryset.filter(own_pages_q(user))
        elif collection_policy(model) is not None and not portal_staff:
            field.queryset = queryset.filter(collection__in=permitted_collections(model, user))


class CommuneOwnedFormMixin:
    """For the admin forms of commune-owned models: choices limited to the user's communes; a user of
    one commune gets it preselected."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.for_user = for_user
        limit_choices_to_user(self, for_user)
        key = require_tenancy(self._meta.model).field
        field = self.fields.get(key)
        if isinstance(field, forms.ModelChoiceField) and not self.instance.pk:
            choices = field.queryset
            if len(choices[:2]) == 1:
                field.initial = choices[0].pk


# --------------------------------------------------------------------------------------------- views


class CommuneScopedViewMixin:
    """Mixed into every view of a `CommuneOwnedViewSet`: listings and object lookups go through tenancy."""

    tenant_scoped = True

    def _scope_action(self):
        required = getattr(self, "permission_required", None) or getattr(self, "any_permission_required", None)
        if isinstance(required, (list, tuple, set)):
            required = set(required)
            return "view" if required <= READ_ONLY_ACTIONS else "change"
        return required or "view"

    def get_base_queryset(self, *args, **kwargs):
        queryset = super().get_base_queryset(*args, **kwargs)
        if self.model is not None and issubclass(queryset.model, self.model):
            queryset = queryset.filter(pk__in=scoped_queryset(self.model, self.request.user, "view").values("pk"))
        return queryset

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        # An unsaved object (the preview of a new snippet) belongs to no one yet: nothing to scope.
        if isinstance(obj, self.model) and obj.pk is not None:
            allowed = scoped_queryset(self.model, self.request.user, self._scope_action())
            if not allowed.filter(pk=obj.pk).exists():
                raise Http404
        return obj

    def dispatch(self, request, *args, **kwargs):
        # A workflow task named in the URL (a snippet's moderation preview, its workflow actions) must
        # be a task of the user's communes' workflows: Wagtail names the task back otherwise.
        task_id = kwargs.get("task_id")
        if task_id is not None and not task_is_the_users(request.user, task_id):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def task_is_the_users(user, task_id):
    """A workflow task of one of the user's communes (any task, for portal staff)."""
    if user_is_portal_staff(user):
        return True
    workflows = commune_sites_for_user(user).values("workflow_id")
    return Task.objects.filter(pk=task_id, workflow_tasks__workflow_id__in=workflows).exists()


class CommuneScopedChooserViewMixin(CommuneScopedViewMixin):
    """Mixed into every view of a commune-owned model's chooser: it lists, finds and returns only the
    objects the user may act on (a chooser picks something to use, so `editable_by`)."""

    def _chooser_scope(self):
        return scoped_queryset(self.model_class, self.request.user, "choose")

    def get_object_list(self):
        return super().get_object_list().filter(pk__in=self._chooser_scope().values("pk"))

    def get_object(self, pk):
        try:
            return self._chooser_scope().get(pk=pk)
        except (ValueError, TypeError, ValidationError) as error:
            raise Http404 from error

    def get_objects(self, pks):
        return super().get_objects(pks).filter(pk__in=self._chooser_scope().values("pk"))


class CommuneOwnedChooserViewSet(SnippetChooserViewSet):
    """The chooser of a commune-owned snippet: every view scoped (see `CommuneScopedChooserViewMixin`)."""

    def on_register(self):
        require_tenancy(self.model)
        super().on_register()

    def construct_view(self, view_class, **kwargs):
        if not issubclass(view_class, CommuneScopedChooserViewMixin):
            view_class = type(f"CommuneScoped{view_class.__name__}", (CommuneScopedChooserViewMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)


def scoped_view_class(view_class):
    if issubclass(view_class, CommuneScopedViewMixin):
        return view_class
    return type(f"CommuneScoped{view_class.__name__}", (CommuneScopedViewMixin, view_class), {})


class CommuneOwnedViewSetMixin:
    """What makes a model or snippet viewset commune-owned: its permission policy, every view it
    constructs and its forms go through tenancy."""

    def on_register(self):
        require_tenancy(self.model)
        tenancy_policy_register(self.model)
        super().on_register()

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(scoped_view_class(view_class), **kwargs)

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        if issubclass(form_class, CommuneOwnedFormMixin):
            return form_class
        if not issubclass(form_class, WagtailAdminModelForm):
            # `form_fields` without panels gives Django's plain ModelForm, which the views hand no
            # user: rebuild it on Wagtail's form, so that the choices are scoped.
            form_class = forms.modelform_factory(
                self.model, form=WagtailAdminModelForm, formfield_callback=self.formfield_for_dbfield,
                fields=self.get_form_fields(), exclude=self.get_exclude_form_fields(),
            )
        return type(f"CommuneOwned{form_class.__name__}", (CommuneOwnedFormMixin, form_class), {})


class CommuneOwnedViewSet(CommuneOwnedViewSetMixin, ModelViewSet):
    """A `ModelViewSet` for a model with a `tenancy` declaration; nothing of another commune gets through."""


class SharedRowsIndexView(generic.IndexView):
    """The listing of a model whose portal rows every commune reads (`Tenancy(shared_rows=SHARED_READ)`:
    national days off, the portal's search synonyms): only rows the user may change get edit and delete
    links (the edit and delete views refuse the others anyway)."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(require_tenancy(self.model).field)

    @cached_property
    def editable_ids(self):
        return set(self.model.objects.editable_by(self.request.user).values_list("pk", flat=True))

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if instance.pk in self.editable_ids else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if instance.pk in self.editable_ids else None


def commune_object_view(model, *, action="change", pk_kwarg="pk", permissions=(), select_related=()):
    """A hand-written admin view of one commune-owned object: it receives the object, found only among
    those the user may see (`action="view"`) or act on, and 404 otherwise. `permissions`: the user
    needs at least one of these model permissions (403 otherwise)."""
    require_tenancy(model)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if permissions and not any(request.user.has_perm(p) for p in permissions):
                raise PermissionDenied
            queryset = scoped_queryset(model, request.user, action).select_related(*select_related)
            obj = get_object_or_404(queryset, pk=kwargs.pop(pk_kwarg))
            return view(request, obj, *args, **kwargs)

        wrapper.tenant_scoped = model
        return wrapper

    return decorator


def portal_staff_view(view):
    """A hand-written admin view for portal staff only (whole-province screens)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_is_portal_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.tenant_scoped = "portal"
    return wrapper


class CommuneOwnedSnippetViewSet(CommuneOwnedViewSetMixin, SnippetViewSet):
    """A `SnippetViewSet` (drafts, revisions, workflow, locking, previews) for a commune-owned model.

    Every view it registers goes through `construct_view` (listing, edit, delete, usage, history,
    revisions and compare, preview, lock/unlock, workflow actions, preview and history), its chooser
    is `CommuneOwnedChooserViewSet`, and a workflow task named in a URL must be one of the user's
    communes' (`CommuneScopedViewMixin.dispatch`). Snippet bulk actions are scoped by
    `sites.admin_scoping.bulk_action_scope`, like those of pages, images and documents."""

    chooser_viewset_class = CommuneOwnedChooserViewSet
