"""Tenancy fails closed: every model keyed to a commune is scoped by the tenancy layer, or exempt with a reason.

The walk finds, among all installed models, those keyed to a commune: a relation to `CommuneSite`, to a
page (a commune's home or any page inside a commune), or to another model so keyed; and those keyed to
a page generically (a content type and an object id, as Wagtail's revisions and logs are). Each must
declare `tenancy = Tenancy(...)` and be managed by a `CommuneOwnedQuerySet` — and then every admin view
of it must be built by `CommuneOwnedViewSet` or wear `commune_object_view` — or be listed in `EXEMPT`
below with the reason it is safe. A new app's models are walked too: nobody has to remember this test.
"""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry

from sites.models import CommuneSite
from sites.scoping import CommuneOwnedPermissionPolicy, CommuneOwnedViewSetMixin, CommuneScopedViewMixin
from sites.tenancy import CommuneOwnedQuerySet, tenancy_of

PAGE_CONTENT = "page content: edited only inside its page's editor, which Wagtail's page permissions scope"
SNIPPET_CONTENT = ("a board notice's inline rows: edited only inside the notice's editor, which its "
                   "CommuneOwnedSnippetViewSet scopes; they have no admin views of their own")
RADIO_BULLETIN_CONTENT = ("a radio bulletin's inline rows: edited only inside the bulletin's editor, which its "
                          "CommuneOwnedSnippetViewSet scopes; they have no admin views of their own, and the "
                          "programme and the device feed read them through their bulletin's commune")
WAGTAIL_PAGE_MACHINERY = (
    "Wagtail's own page machinery: its admin views are scoped by page permissions and by "
    "sites.admin_scoping, and every one of them is exercised by tests/sites/test_admin_url_matrix.py"
)
EXEMPT = {
    "sites.CommuneSite": "the tenant itself: no admin views; provisioning writes it",
    "sites.Portal": "the portal's record: no admin views; provisioning writes it",
    "communes.Village": PAGE_CONTENT,
    "communes.NewsPageTag": PAGE_CONTENT,
    "communes.DocumentAttachment": PAGE_CONTENT,
    "broadcasts.NoticeTimeWindow": SNIPPET_CONTENT,
    "broadcasts.NoticeImage": SNIPPET_CONTENT,
    "broadcasts.NoticeVersion": SNIPPET_CONTENT + "; its commune's translators edit it through the "
                                "notice's translate view (broadcasts.admin_translations), scoped to their communes",
    "broadcasts.BulletinSlot": RADIO_BULLETIN_CONTENT,
    "broadcasts.BulletinVersion": RADIO_BULLETIN_CONTENT,
    "broadcasts.AlertTranslation": "an alert's inline rows: edited only inside the alert's admin form, "
                                   "which its CommuneOwnedViewSet scopes; published with the alert",
    "wagtailcore.Site": "sites are portal infrastructure: the Sites admin needs wagtailcore.*_site permissions, "
                        "which no commune group holds (provisioning grants none)",
    "wagtailcore.GroupSitePermission": "edited in the groups admin, which is superuser-only here",
    "wagtailcore.GroupPagePermission": "edited in the groups admin, which is superuser-only here",
    "wagtailcore.PageViewRestriction": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.WorkflowPage": "workflows are assigned by provisioning; the workflows admin needs "
                                "wagtailcore.*_workflow permissions, which no commune group holds",
    "wagtailcore.PageLogEntry": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.Comment": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.CommentReply": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.PageSubscription": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.Revision": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.WorkflowState": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.TaskState": WAGTAIL_PAGE_MACHINERY,
    "wagtailcore.ModelLogEntry": "logs of non-page models; shown only inside the scoped history views of each model",
    "wagtailcore.ReferenceIndex": "read only by usage views, which are scoped per model (CommuneOwnedViewSet) "
                                  "or by page permissions",
    "wagtailredirects.Redirect": "the redirects admin needs wagtailredirects permissions, which no commune group holds",
    "wagtail_localize.TranslationLog": WAGTAIL_PAGE_MACHINERY,
    "wagtailadmin.EditingSession": "a user's own editing session, opened only through edit views, which are scoped",
    "wagtailadmin.FormState": "a user's own unsaved form state, opened only through edit views, which are scoped",
    "wagtailsearch.IndexEntry": "search index rows: never listed in the admin; public search filters by site",
    "wagtailsearch.SQLiteFTSIndexEntry": "search index rows: never listed in the admin; public search filters by site",
    "languages.MinorChange": "a mark on a page revision, made only by its page editor's own save (Wagtail's page "
                             "permissions scope it); no admin views; read by the translators' list of their commune",
    "taggit.TaggedItem": "generic tags: Wagtail's tags are global and have no admin views of their own here",
}


# Exempt models that exist (or have their relations) on one database backend only.
BACKEND_SPECIFIC = {"wagtailsearch.SQLiteFTSIndexEntry"}


def _relations(model):
    for field in model._meta.get_fields():
        if field.is_relation and not field.auto_created and field.related_model not in (None, "self"):
            if field.many_to_one or field.one_to_one or field.many_to_many:
                yield field


def _is_generic_key(model):
    names = {f.name for f in model._meta.get_fields()}
    has_content_type = any(
        f.is_relation and f.related_model is ContentType for f in model._meta.get_fields() if not f.auto_created
    )
    return has_content_type and ("object_id" in names or "page_id" in names)


def models_keyed_to_a_commune(candidates):
    """{model: why} for every non-page model keyed to a commune, directly, through a page, through
    another such model, or generically."""
    keyed = {}
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in keyed or issubclass(model, Page):
                continue
            for field in _relations(model):
                target = field.related_model
                if isinstance(target, type) and (issubclass(target, (Page, CommuneSite)) or target in keyed):
                    keyed[model] = f"{field.name} → {target._meta.label}"
                    changed = True
                    break
            else:
                if _is_generic_key(model):
                    keyed[model] = "a content type and an object id"
                    changed = True
    return keyed


def unscoped_models(candidates, exempt):
    """The problems: keyed models that neither declare tenancy nor are exempt, and exemptions that
    name no keyed model (a stale list hides nothing)."""
    problems = []
    keyed = models_keyed_to_a_commune(candidates)
    for model, why in sorted(keyed.items(), key=lambda item: item[0]._meta.label):
        label = model._meta.label
        if label in exempt:
            continue
        tenancy = tenancy_of(model)
        if tenancy is None:
            problems.append(f"{label} is keyed to a commune ({why}) but declares no Tenancy and is not exempt")
            continue
        tenancy.target(model)  # raises for a key that leads nowhere
        if not isinstance(model._default_manager.all(), CommuneOwnedQuerySet):
            problems.append(f"{label} declares Tenancy but its default manager is not a CommuneOwnedQuerySet")
    return problems


def _admin_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _admin_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield namespace + (entry.name or ""), entry.callback


def _view_model(callback):
    initkwargs = getattr(callback, "view_initkwargs", None) or {}
    view_class = getattr(callback, "view_class", None)
    return initkwargs.get("model") or getattr(view_class, "model", None)


def _is_scoped(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, CommuneScopedViewMixin):
        return True
    return bool(getattr(callback, "tenant_scoped", None))


def unscoped_admin_views(tenant_models):
    problems = []
    for name, callback in _admin_patterns():
        model = _view_model(callback)
        if isinstance(model, type) and model in tenant_models and not _is_scoped(callback):
            problems.append(f"admin view {name} shows {model._meta.label} without the tenancy layer")
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if not isinstance(viewset, ModelViewSet) or model not in tenant_models:
            continue
        if not isinstance(viewset, CommuneOwnedViewSetMixin):
            problems.append(f"{type(viewset).__name__} serves {model._meta.label} but is not a CommuneOwnedViewSet "
                            "(or a CommuneOwnedSnippetViewSet)")
        for pattern in viewset.get_urlpatterns():
            if isinstance(pattern, URLPattern) and not _is_scoped(pattern.callback):
                problems.append(f"{viewset.url_namespace}:{pattern.name} is neither built by the viewset's "
                                "construct_view nor wrapped in commune_object_view")
    return problems


def test_every_model_keyed_to_a_commune_is_scoped_or_exempt_with_a_reason():
    problems = unscoped_models(apps.get_models(), EXEMPT)
    assert not problems, "\n".join(problems)


def test_the_exemption_list_names_only_models_that_exist_and_are_keyed():
    keyed = {model._meta.label for model in models_keyed_to_a_commune(apps.get_models())}
    stale = sorted(label for label in EXEMPT if label not in keyed and label not in BACKEND_SPECIFIC)
    assert not stale, f"exempt but not keyed to a commune (remove them): {stale}"


def test_every_admin_view_of_a_commune_owned_model_goes_through_the_tenancy_layer():
    tenant_models = {model for model in apps.get_models() if tenancy_of(model) is not None}
    assert {m._meta.label for m in tenant_models} >= {"questions.Question", "search.SearchPromotion",
                                                      "search.SearchSynonym"}
    problems = unscoped_admin_views(tenant_models)
    assert not problems, "\n".join(problems)


def test_the_walk_catches_a_new_model_with_a_commune_key_and_no_tenancy():
    class Leaky(models.Model):
        commune = models.ForeignKey(CommuneSite, on_delete=models.CASCADE)

        class Meta:
            app_label = "tenancy_walk_probe"

    class LeakyThroughPage(models.Model):
        page = models.ForeignKey(Page, on_delete=models.CASCADE)

        class Meta:
            app_label = "tenancy_walk_probe"

    problems = unscoped_models([Leaky, LeakyThroughPage], exempt={})
    assert len(problems) == 2 and "Leaky is keyed" in problems[0]


def test_the_walk_catches_a_stock_viewset_for_a_commune_owned_model(monkeypatch):
    from questions.models import Holiday

    class StockHolidayViewSet(ModelViewSet):
        model = Holiday
        url_prefix = "probe-holidays"
        name = "probe_holidays"
        form_fields = ["date", "name"]

    monkeypatch.setattr(viewsets, "viewsets", [*viewsets.viewsets, StockHolidayViewSet()])
    problems = unscoped_admin_views({Holiday})
    assert any("StockHolidayViewSet serves questions.Holiday" in p for p in problems)


@pytest.mark.django_db
def test_a_commune_owned_queryset_fails_closed_for_anonymous_and_inactive_users(district):
    from django.contrib.auth.models import AnonymousUser

    from questions.models import Holiday

    Holiday.objects.create(date="2030-01-02", name="Ngày nghỉ của Đắk La", commune=district.a.home)
    assert not Holiday.objects.for_user(AnonymousUser()).exists()
    district.editor_a.is_active = False
    assert not Holiday.objects.for_user(district.editor_a).exists()


def test_the_chooser_of_a_commune_owned_snippet_is_scoped_too():
    chooser = [(name, callback) for name, callback in _admin_patterns()
               if name.startswith("wagtailsnippetchoosers_broadcasts_boardnotice:")]
    assert len(chooser) >= 4
    assert all(_is_scoped(callback) for _, callback in chooser), [name for name, c in chooser if not _is_scoped(c)]


STRICTER_POLICIES = {"accounts.CommuneTwoFactor"}


def test_every_commune_owned_model_has_the_tenancy_policy_from_start_up_and_never_a_fallback():
    """Registered in `SitesConfig.ready`, before anything (a command publishing a snippet before the
    admin's URLs load) can make Wagtail create its unscoped fallback policy."""
    owned = [model for model in apps.get_models() if tenancy_of(model) is not None]
    assert owned
    for model in owned:
        policy = policy_registry.get_by_type(model, fallback=False)
        # The tenancy layer's, or a stricter one a viewset registered on purpose (accounts' portal-staff-only).
        assert isinstance(policy, CommuneOwnedPermissionPolicy) or model._meta.label in STRICTER_POLICIES, model
        assert policy_registry.get_fallback_policy(model) is None, model
