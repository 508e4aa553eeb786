"""Every admin URL, pointed at another commune's objects: the machinery of test_admin_url_matrix.py.

`admin_patterns()` walks Django's URL resolver under the admin prefix: every pattern Wagtail,
wagtail-localize and our apps register, nothing listed by hand. `plan(pattern)` turns one pattern into
concrete requests (`Case`s): each keyword argument is filled with an object of a kind (`"page"`,
`"image"`, `"translation"`, a commune-owned model…) chosen from the argument's name, the view's model or
the view's name; a pattern it cannot fill raises `Unclassified` unless `EXEMPT` lists it with a reason.
A `Side` holds one commune's objects of every kind, so the same case is requested once with commune
B's objects (must be refused) and once with commune A's (A's staff must reach a good share of them).
"""

import datetime
import html
import json
import re
from dataclasses import dataclass, field
from itertools import chain

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.viewsets import viewsets
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    PageViewRestriction,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowState,
)
from wagtail_localize.models import (
    OverridableSegment,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.operations import TranslationCreator

from broadcasts.models import (
    Alert,
    Area,
    AudioState,
    BoardGroup,
    BoardNotice,
    BulletinSlot,
    BulletinVersion,
    Device,
    DeviceKind,
    DisplayType,
    RadioBulletin,
    RadioSettings,
    Relay,
    SpeakerTarget,
    SpeechAudio,
)
from communes.models import NewsPage
from languages.models import Language
from languages.services import enable_language
from questions.models import (
    Holiday,
    PersonalDataAccess,
    Question,
    QuestionContact,
    QuestionEvent,
    QuestionField,
    QuestionKind,
    QuestionState,
    new_tracking_code,
)
from questions.services import contact_view, question_submit
from search.models import SearchPromotion, SearchQueryStat, SearchSynonym, query_key
from sites.models import CommuneSite
from sites.pages import commune_home_model
from sites.tenancy import tenancy_of

LITERAL = "literal"
# Screens that show commune B's *names* (its staff's usernames, its groups', workflow's and task's
# names; not its content) to every commune's staff, by pattern name → why. They are still checked for
# B's titles; any other screen that shows one of those names fails.
# Screens allowed to name another commune's staff, workflows or tasks (not its content): none. Wagtail's
# report filters used to (sites/report_scoping.py now narrows them); keep this empty.
KNOWN_NAME_LEAKS = {}
# Kinds that name nothing of a commune: the same object on both sides.
GLOBAL_KINDS = {"locale", "language"}

# --------------------------------------------------------------------------------------- the patterns


@dataclass(frozen=True)
class AdminPattern:
    key: str  # the route below the admin prefix, as Django's ResolverMatch.route spells it
    name: str | None  # namespaced ("wagtailadmin_pages:edit"); None for unnamed patterns
    callback: object
    kwargs: tuple  # the keyword arguments the route captures, in order

    @property
    def namespace(self):
        return self.name.rsplit(":", 1)[0] if self.name and ":" in self.name else ""

    def __str__(self):
        return f"{self.name or '(unnamed)'} {self.key}"


def admin_prefix():
    return reverse("wagtailadmin_home")  # "/quan-tri/"


def _join_route(first, second):
    # As django.urls.resolvers.URLResolver._join_route does, so keys equal ResolverMatch.route.
    return first + (second[1:] if second.startswith("^") else second)


def _walk(patterns, route, namespaces):
    for pattern in patterns:
        here = _join_route(route, str(pattern.pattern))
        captured = tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = namespaces + [pattern.namespace] if pattern.namespace else namespaces
            for found in _walk(pattern.url_patterns, here, inner):
                yield found[0], found[1], found[2], captured + found[3]
        elif isinstance(pattern, URLPattern):
            name = ":".join(namespaces + [pattern.name]) if pattern.name else None
            yield here, name, pattern.callback, captured


def admin_patterns():
    """Every URL pattern under the admin prefix, in resolver order."""
    prefix = admin_prefix().lstrip("/")
    found = []
    for route, name, callback, kwargs in _walk(get_resolver().url_patterns, "", []):
        if route.startswith(prefix):
            found.append(AdminPattern(route[len(prefix):], name, callback, kwargs))
    return found


# ------------------------------------------------------------------------------------------- planning


class Unclassified(Exception):
    """A pattern the matrix cannot fill with a commune's objects and that EXEMPT does not list."""


@dataclass(frozen=True)
class Exemption:
    reason: str
    still_holds: object = None  # a callable: False once the reason no longer applies


# Patterns the matrix does not request, each with its reason. Keys are routes below the admin prefix.
EXEMPT = {
    "logout/": Exemption("ends the session the rest of the matrix runs in; it names no object"),
    "failwhale/": Exemption("Wagtail's deliberate server-error page (it raises by design); it names no object"),
}

# Unnamed patterns cannot be reversed: a concrete path for each (below the admin prefix).
UNNAMED_PATHS = {".*/$": "khong-co-man-hinh-nay/"}

# Keyword arguments whose name says what they hold.
KWARG_KINDS = {
    "parent_page_id": "parent_page",
    "destination_id": "parent_page",
    "page_to_move_id": "page",
    "page_pk": "home",
    "revision_id": "revision",
    "revision_id_b": "revision",
    "task_state_id": "task_state",
    "task_id": "task",
    "workflow_state_id": "workflow_state",
    "workflow_pk": "workflow",
    "image_id": "image",
    "document_id": "document",
    "doc_id": "document",
    "collection_id": "collection",
    "translation_source_id": "translation_source",
    "translation_id": "translation",
    "string_segment_id": "string_segment",
    "overridable_segment_id": "overridable_segment",
    "session_id": "editing_session",
    "redirect_id": "redirect",
    "uidb64": "user_uid",
}
# Keyword arguments that take a fixed value.
LITERAL_KWARGS = {
    "revision_id_a": "live",
    "filter_spec": "original",
    "token": "ma-khong-hop-le",
    "mode": "mac-dinh",  # pages have one preview mode, "" (the URL without a mode): any other is a 404
    "topic": "tra-loi-hoi-dap",  # a page of the editor's guide (guide/topics.py): the same for everyone
}
# Views whose app_label/model_name pair names a model type rather than an object.
MODEL_TYPE_KWARGS = {
    "wagtailadmin_pages:add": ("content_type_app_name", "content_type_model_name", NewsPage),
    "wagtailadmin_pages:preview_on_add": ("content_type_app_name", "content_type_model_name", NewsPage),
    "wagtailadmin_pages:type_use": ("content_type_app_name", "content_type_model_name", NewsPage),
    "wagtailadmin_pages:type_use_results": ("content_type_app_name", "content_type_model_name", NewsPage),
    "wagtailadmin_pages:choose_parent": ("app_label", "model_name", NewsPage),
    "wagtailadmin_workflows:add_task": ("app_label", "model_name", GroupApprovalTask),
    "wagtailadmin_tag_model_autocomplete": ("app_name", "model_name", "taggit.Tag"),
    "wagtailadmin_editing_sessions:ping": ("app_label", "model_name", Page),
    # wagtail-localize's snippet views, with the one snippet model (board notices, commune-owned).
    "wagtail_localize:submit_snippet_translation": ("app_label", "model_name", BoardNotice),
    "wagtail_localize:snippets_api_listing": ("app_label", "model_name", BoardNotice),
    "wagtail_localize:snippets_api_detail": ("app_label", "model_name", BoardNotice),
}
# Views whose pk is not of the model they carry (or that carry none).
NAME_MODELS = {
    "wagtailadmin_workflows:usage": Workflow,  # the view lists pages: its model is Page
    "wagtailadmin_workflows:usage_results": Workflow,
    "wagtailadmin_workflows:enable": Workflow,
    "wagtailadmin_workflows:enable_task": Task,
    "wagtailadmin_workflows:edit_task": Task,
    "wagtailadmin_choose_page_chosen_multiple": Page,
    "wagtailadmin_editing_sessions:ping": Page,
    "wagtail_localize:submit_snippet_translation": BoardNotice,
    "wagtail_localize:snippets_api_detail": BoardNotice,
}
NAMESPACE_MODELS = {"wagtailadmin_pages": Page, "wagtailadmin_api:pages": Page}
# Which kind of object a model's pk is (first match wins).
MODEL_KINDS = [
    (Page, "page"),
    (AbstractImage, "image"),
    (AbstractDocument, "document"),
    (Collection, "collection"),
    (Workflow, "workflow"),
    (Task, "task"),
    (Revision, "revision"),
    (Group, "group"),
    (User, "user"),
    (Site, "site"),
    (Redirect, "redirect"),
    (Locale, "locale"),
    (Language, "language"),
    (CommuneSite, "commune_site"),
]


def _as_model(candidate):
    if isinstance(candidate, str) and re.fullmatch(r"\w+\.\w+", candidate):
        try:
            return apps.get_model(candidate)
        except LookupError:
            return None
    if isinstance(candidate, type) and issubclass(candidate, models.Model):
        return candidate
    return None


def _viewset_models():
    return {v.name: _as_model(getattr(v, "model", None)) for v in viewsets.viewsets if getattr(v, "name", None)}


def model_of(pattern):
    """The model a view works on, from the view itself, its viewset, or the maps above."""
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None)
    candidates = [
        NAME_MODELS.get(pattern.name),
        getattr(callback, "model", None),
        getattr(getattr(callback, "cls", None), "model", None),  # the admin API's viewsets
        (getattr(callback, "view_initkwargs", None) or {}).get("model"),
        getattr(view_class, "model", None),
        getattr(callback, "tenant_scoped", None),  # sites.scoping.commune_object_view
        NAMESPACE_MODELS.get(pattern.namespace),
        _viewset_models().get(pattern.namespace),
    ]
    for candidate in candidates:
        model = _as_model(candidate)
        if model is not None:
            return model
    return None


def commune_key(model):
    """The field path keying a model to a commune: its `tenancy` declaration, else its first relation
    to a commune site or a commune's home page. None for models that belong to no commune."""
    tenancy = tenancy_of(model)
    if tenancy is not None:
        return tenancy.field
    home = commune_home_model()
    for model_field in model._meta.get_fields():
        if model_field.is_relation and (model_field.many_to_one or model_field.one_to_one) and model_field.concrete:
            related = model_field.related_model
            if isinstance(related, type) and (issubclass(related, CommuneSite) or issubclass(related, home)):
                return model_field.name
    return None


def kind_of_model(model):
    if model is None:
        return None
    for base, kind in MODEL_KINDS:
        if issubclass(model, base):
            return kind
    if commune_key(model) is not None:
        return f"model:{model._meta.label_lower}"
    return None


@dataclass(frozen=True)
class Ref:
    """One value of a request: an object of a kind (from the target's side, or the acting user's own
    side when `own`), or a literal."""

    kind: str
    value: object = None
    own: bool = False

    def resolve(self, target, own):
        if self.kind == LITERAL:
            return self.value
        return (own if self.own else target).get(self.kind)

    @property
    def names_object(self):
        return self.kind != LITERAL and self.kind not in GLOBAL_KINDS


def lit(value):
    return Ref(LITERAL, value)


@dataclass
class Case:
    pattern: AdminPattern
    label: str = ""
    kwargs: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    listing: bool = False  # a pattern with no object in its URL, requested as it is
    probe: bool = False  # the same, asked about the target's objects through its query string

    @property
    def names_objects(self):
        """Does the request name one of the target commune's objects, in its path or its query string
        (a probe's: as `?id=`; its other parameters are a search and a commune filter, asked of listings)?"""
        if self.probe:
            query = [self.query["id"]] if "id" in self.query else []
        else:
            query = self.query.values()
        refs = chain(self.kwargs.values(), query)
        return any(ref.names_object and not ref.own for ref in refs)

    @property
    def methods(self):
        """GET, and for requests that name an object an empty POST, which must change nothing."""
        return ("get", "post") if self.names_objects and not self.probe else ("get",)

    def url(self, target, own):
        kwargs = {key: ref.resolve(target, own) for key, ref in self.kwargs.items()}
        if self.pattern.name:
            path = reverse(self.pattern.name, kwargs=kwargs)
        else:
            path = admin_prefix() + UNNAMED_PATHS.get(self.pattern.key, self.pattern.key)
        if self.query:
            values = {}
            for key, ref in self.query.items():
                values[key] = ref.resolve(target, own)
            path += "?" + urlencode(values, doseq=True)
        return path

    def check_resolves_to_its_pattern(self, url):
        match = resolve(url.split("?", 1)[0])
        route = match.route[len(admin_prefix().lstrip("/")):]
        if route != self.pattern.key:
            raise AssertionError(f"{url} resolves to {route}, not {self.pattern.key}")

    def __str__(self):
        return f"{self.pattern}{' [' + self.label + ']' if self.label else ''}"


def _page_kind(pattern):
    name = pattern.name or ""
    if name == "wagtail_localize:convert_to_alias":
        return "translated_page"  # only a translation can be converted back to an alias
    if name == "wagtailadmin_pages:convert_alias":
        return "alias_page"  # only an alias can be converted into an ordinary page
    if "workflow" in name:
        return "pending"  # the page in moderation
    return "page"


def _kwarg_ref(pattern, key, model):
    if key in LITERAL_KWARGS:
        return lit(LITERAL_KWARGS[key])
    if key == "page_id":
        return Ref(_page_kind(pattern))
    if key == "uploaded_file_id":
        if pattern.namespace == "wagtailimages":
            return Ref("uploaded_image")
        if pattern.namespace == "wagtaildocs":
            return Ref("uploaded_document")
    if key in KWARG_KINDS:
        return Ref(KWARG_KINDS[key])
    types = MODEL_TYPE_KWARGS.get(pattern.name)
    if types and key in types[:2]:
        type_model = _as_model(types[2])
        return lit(type_model._meta.app_label if key == types[0] else type_model._meta.model_name)
    if key in ("pk", "object_id"):
        kind = kind_of_model(model)
        if kind is not None:
            return Ref(kind)
        raise Unclassified(f"{pattern}: the view's model ({model}) names no kind of object the matrix knows")
    named = re.fullmatch(r"(\w+?)_(?:pk|id)", key)
    kind = _commune_model_named(named.group(1), model) if named else None
    if kind is not None:
        return Ref(kind)
    raise Unclassified(f"{pattern}: no rule fills the keyword argument {key!r}")


def _commune_model_named(name, model):
    """`notification_pk` in a view of questions.Question: the one commune-owned model of that app whose
    name ends with "notification" (QuestionNotification)."""
    configs = [apps.get_app_config(model._meta.app_label)] if model is not None else apps.get_app_configs()
    wanted = name.replace("_", "")
    found = [candidate for config in configs for candidate in config.get_models()
             if candidate._meta.model_name.endswith(wanted) and commune_key(candidate) is not None]
    return kind_of_model(found[0]) if len(found) == 1 else None


def _bulk_action_cases(pattern):
    bulk_action_registry._scan_for_bulk_actions()
    cases = []
    for app_label, by_model in sorted(bulk_action_registry.actions.items()):
        for model_name, actions in sorted(by_model.items()):
            kind = kind_of_model(apps.get_model(app_label, model_name))
            if kind is None:
                raise Unclassified(f"{pattern}: bulk actions on {app_label}.{model_name}, a model the matrix cannot fill")
            for action in sorted(actions):
                cases.append(Case(
                    pattern, f"{app_label}.{model_name} {action}",
                    {"app_label": lit(app_label), "model_name": lit(model_name), "action": lit(action)},
                    {"id": Ref(kind), "next": lit(admin_prefix())},
                ))
    return cases


def _page_api_action_cases(pattern):
    return [Case(pattern, f"action={name}", {"pk": Ref("page"), "action_name": lit(name)})
            for name in sorted(PagesAdminAPIViewSet.actions)]


def _workflow_action_cases(pattern):
    return [Case(pattern, f"action={name}", {"page_id": Ref("pending"), "action_name": lit(name),
                                             "task_state_id": Ref("task_state")})
            for name in ("approve", "reject")]


def snippet_task_state_kind(model):
    """The task state of a snippet of this model in its commune's workflow, waiting for the approver."""
    return f"snippet_task_state:{model._meta.label_lower}"


def _snippet_workflow_action_cases(pattern):
    """A commune-owned snippet in its commune's workflow (a board notice, a radio bulletin), approved or
    rejected through its own task state."""
    model = model_of(pattern)
    return [Case(pattern, f"action={name}", {"pk": Ref(kind_of_model(model)), "action_name": lit(name),
                                             "task_state_id": Ref(snippet_task_state_kind(model))})
            for name in ("approve", "reject")]


SPECIAL_CASES = {
    "wagtail_bulk_action": _bulk_action_cases,
    "wagtailsnippets_broadcasts_boardnotice:workflow_action": _snippet_workflow_action_cases,
    "wagtailsnippets_broadcasts_boardnotice:collect_workflow_action_data": _snippet_workflow_action_cases,
    "wagtailsnippets_broadcasts_radiobulletin:workflow_action": _snippet_workflow_action_cases,
    "wagtailsnippets_broadcasts_radiobulletin:collect_workflow_action_data": _snippet_workflow_action_cases,
    "wagtailadmin_api:pages:action": _page_api_action_cases,
    "wagtailadmin_pages:workflow_action": _workflow_action_cases,
    "wagtailadmin_pages:collect_workflow_action_data": _workflow_action_cases,
}


# Screens with no object in their path that take one in their query string: besides the plain request
# and the probe, each is requested with the target's object there (and the user's own, for the other half).
QUERY_OBJECTS = {
    "radio_programme:index": {"cum_loa": Ref("speaker")},  # a speaker cluster's programme
    "radio_dashboard:index": {"xa": Ref("commune_site")},  # one commune's clusters and minutes
    "radio_sources:index": {"nguon": lit("cau-hoi"), "muc": Ref("answered_question")},  # an answer → a bulletin
    # The radio listings' commune filter takes a commune site (the probe's `commune` is a home page).
    "radio_relay:index": {"commune": Ref("commune_site")},
    "radio_relay:index_results": {"commune": Ref("commune_site")},
    "wagtailsnippets_broadcasts_radiobulletin:list": {"commune": Ref("commune_site")},
    "wagtailsnippets_broadcasts_radiobulletin:list_results": {"commune": Ref("commune_site")},
}


def _mixed_cases(case):
    """With two or more objects in the URL, each in turn names B's while the others name the user's own
    (say, approving B's task through A's page, or moving A's page under B's)."""
    named = [key for key, ref in case.kwargs.items() if ref.names_object]
    if len(named) < 2:
        return []
    mixed = []
    for key in named:
        kwargs = {k: (ref if k == key or not ref.names_object else Ref(ref.kind, own=True))
                  for k, ref in case.kwargs.items()}
        mixed.append(Case(case.pattern, f"{case.label + ' ' if case.label else ''}only {key} names the target",
                          kwargs, dict(case.query)))
    return mixed


def probe_query(pattern, model_kind):
    """Query parameters naming the target's objects, for views without an object in their URL:
    a search, choosers' and bulk actions' `?id=`, and the commune filters of our listings."""
    if pattern.namespace.startswith("wagtailadmin_api"):
        # The admin API answers 400 to parameters it does not know: its search, and `find`'s id.
        query = {"search": lit("riêng")} if pattern.name.endswith(":listing") else {}
        if pattern.name.endswith(":find") and model_kind is not None:
            query["id"] = Ref(model_kind)
        return query
    query = {"q": lit("riêng"), "commune": Ref("home"), "xa": Ref("home")}
    if model_kind is not None and model_kind not in GLOBAL_KINDS:
        query["id"] = Ref(model_kind)
    return query


def plan(pattern):
    """The requests that point this pattern at a side's objects; an `Exemption` for listed patterns.
    Raises `Unclassified` for a pattern that is neither fillable nor listed."""
    if pattern.key in EXEMPT:
        return EXEMPT[pattern.key]
    if pattern.name in SPECIAL_CASES:
        cases = SPECIAL_CASES[pattern.name](pattern)
        return cases + list(chain.from_iterable(_mixed_cases(c) for c in cases))
    if pattern.name is None and pattern.kwargs == () and pattern.key not in UNNAMED_PATHS:
        if not re.fullmatch(r"[\w\-/]*", pattern.key):
            raise Unclassified(f"{pattern}: an unnamed regex pattern with no example path in UNNAMED_PATHS")
    model = model_of(pattern)
    kwargs = {key: _kwarg_ref(pattern, key, model) for key in pattern.kwargs}
    base = Case(pattern, "", kwargs)
    if not base.names_objects:
        base.listing = True
        cases = [base, Case(pattern, "probe", kwargs, probe_query(pattern, kind_of_model(model)), probe=True)]
        if pattern.name in QUERY_OBJECTS:
            cases.append(Case(pattern, "the query names an object", kwargs, dict(QUERY_OBJECTS[pattern.name])))
        return cases
    return [base] + _mixed_cases(base)


def plans():
    """Every admin pattern → its cases, its `Exemption`, or the `Unclassified` error."""
    planned = {}
    for pattern in admin_patterns():
        try:
            planned[pattern] = plan(pattern)
        except Unclassified as error:
            planned[pattern] = error
    return planned


def all_cases():
    return [case for cases in plans().values() if isinstance(cases, list) for case in cases]


# ------------------------------------------------------------------------------------------- the world


@dataclass
class Side:
    """One commune's objects of every kind the matrix fills URLs with, by kind."""

    label: str
    site: CommuneSite
    objects: dict
    secrets: list  # distinctive texts of this side's content that the other commune's staff must never read
    names: list  # who and what works for this side: its staff, groups, collection, workflow, task

    def forbidden(self, pattern):
        """What the other commune's staff must not read through this pattern."""
        return self.secrets if pattern.name in KNOWN_NAME_LEAKS else self.secrets + self.names

    def get(self, kind):
        if kind in self.objects:
            return self.objects[kind]
        if kind.startswith("model:"):
            model = apps.get_model(kind[len("model:"):])
            value = self.objects[kind] = _row_of(model, self.site)
            return value
        raise KeyError(f"the matrix world has no {kind!r} object for {self.label}")


    def fill_every_kind(self, cases):
        """Look up (or make) now, in the world's transaction, every object the cases name, so that none
        is made inside a test's savepoint and gone for the next test."""
        for case in cases:
            for ref in chain(case.kwargs.values(), case.query.values()):
                if ref.kind != LITERAL:
                    self.get(ref.kind)


class MissingObject(Exception):
    pass


def _row_of(model, site):
    """A row of a commune-owned model for this commune: the first there is, else a new one with
    defaults (so a new app's simple models are covered for free)."""
    key = commune_key(model)
    terminal = model
    for name in key.split("__"):
        terminal = terminal._meta.get_field(name).related_model
    value = site if issubclass(terminal, CommuneSite) else site.home
    row = model._default_manager.filter(**{key: value}).order_by("pk").first()
    if row is None and "__" not in key:
        try:
            with transaction.atomic():
                row = model._default_manager.create(**{key: value})
        except (IntegrityError, TypeError, ValueError) as error:
            raise MissingObject(
                f"no {model._meta.label} row for {site} and none could be made with defaults ({error}): "
                "add one in tests/sites/url_matrix.py build_side()"
            ) from error
    if row is None:
        raise MissingObject(f"no {model._meta.label} row for {site}: add one in tests/sites/url_matrix.py build_side()")
    return row.pk


@dataclass
class RadioWorld:
    objects: dict
    secrets: list


def radio_side(site, editor, area, label):
    """The commune's radio: its settings, a speaker cluster, a bulletin (a slot, a minority-language
    version, targeting that cluster) in its commune's workflow with its own task state and failed audio
    (an error the editor reads on its screen), a relay on that cluster, and an answered question the radio
    may read out."""
    settings_row = RadioSettings.objects.create(commune=site, voice=f"giọng đọc riêng của {label}")
    speaker = Device.objects.create(
        commune=site, name=f"Cụm loa riêng của {label}", kind=DeviceKind.SPEAKER, area=area,
    )
    bulletin = RadioBulletin(
        commune=site, title=f"Bản tin phát thanh riêng của {label}", text=f"Nội dung bản tin riêng của {label}.",
        live=False, target=SpeakerTarget.DEVICES,
    )
    bulletin.slots = [BulletinSlot(time=datetime.time(6, 30))]
    version = BulletinVersion(language="bdq", text=f"Bản tiếng Ba Na riêng của {label}.",
                              recording="radio-recordings/ban-tieng-ba-na.mp3")
    bulletin.versions = [version]
    bulletin.target_devices = [speaker]
    bulletin.save()
    bulletin.save_revision(user=editor)
    bulletin_task_state = site.workflow.start(bulletin, editor).current_task_state
    # Audio is requested once a save commits, which the world's transaction never does: made here, failed.
    audio = SpeechAudio.objects.create(
        key=bulletin.audio_key, commune=site, language=bulletin.language, engine=settings_row.engine,
        state=AudioState.FAILED, error=f"Lỗi tạo âm thanh riêng của {label}",
    )
    relay = Relay(commune=site, name=f"Tiếp âm riêng của {label}", stream_url=f"https://radio-{site.pk}.example.vn/live.mp3",
                  start=datetime.time(17), end=datetime.time(18), target=SpeakerTarget.DEVICES)
    relay.target_devices = [speaker]
    relay.save()
    now = timezone.now()
    answered = Question.objects.create(
        commune=site.home, title=f"Câu hỏi đã trả lời riêng của {label}", tracking_code=new_tracking_code(),
        public_text=f"Câu hỏi công khai riêng của {label}.", original_text=f"Câu hỏi gốc riêng của {label}.",
        answer=f"Trả lời riêng của {label}.", state=QuestionState.PUBLISHED, published_at=now, answered_at=now,
    )
    objects = {
        "model:broadcasts.radiosettings": settings_row.pk,
        "model:broadcasts.radiobulletin": bulletin.pk,
        "model:broadcasts.relay": relay.pk,
        "model:broadcasts.speechaudio": audio.pk,
        snippet_task_state_kind(RadioBulletin): bulletin_task_state.pk,
        "speaker": speaker.pk,
        "answered_question": answered.pk,
    }
    secrets = [settings_row.voice, speaker.name, bulletin.title, bulletin.text, version.text,
               audio.error, relay.name, relay.stream_url, answered.title]
    return RadioWorld(objects, secrets)


def build_side(site, content, editor, approver, label, day):
    """Add to one commune's world (tests/sites/test_admin_tenancy.py `_commune_content`) what the
    matrix needs: translations, a question, a holiday, search data, redirects, uploads, sessions, board
    notices, an alert and the radio (`radio_side`)."""
    # The commune publishes in Gia Rai: its site language, and its translators' group.
    site_language = enable_language(Language.objects.get(code="jra"), site)
    site_language.refresh_from_db()
    news = content.news
    news.image = content.image  # an overridable segment for the translation, and an image reference
    news.save(update_fields=["image"])
    english = Locale.objects.get(language_code="en")
    content.news_index.copy_for_translation(english, copy_parents=True)
    creator = TranslationCreator(editor, [english])
    creator.create_translations(NewsPage.objects.get(pk=news.pk))
    source, translation = next(iter(creator.mappings.items()))
    translation = translation[0]
    translated_page = translation.get_target_instance()

    question = question_submit(
        commune=site.home, name="Nguyễn Văn Bình", title=f"Câu hỏi riêng của {label}",
        text=f"Nội dung câu hỏi riêng của {label}.", kind=QuestionKind.QUESTION, field=QuestionField.LAND,
        email=f"cong-dan-{site.pk}@example.vn", phone="0912345678",
        attachment=ContentFile(b"%PDF-1.4 thu nghiem", name="don.pdf"), attachment_extension="pdf",
    )
    contact_view(user=approver, question=question)  # an audit-log row of this commune
    holiday = Holiday.objects.create(date=day, name=f"Ngày nghỉ riêng của {label}", commune=site.home)
    promotion = SearchPromotion.objects.create(commune=site.home, query=f"Từ khóa riêng của {label}", page=news)
    synonym = SearchSynonym.objects.create(commune=site.home, abbreviation=f"VTR{site.pk}",
                                           phrase=f"viết tắt riêng của {label}")
    stat_key = query_key(f"thống kê riêng của {label}")
    stat = SearchQueryStat.objects.create(commune=site.home, query_key=stat_key, date=timezone.localdate(), hits=3)
    redirect = Redirect.objects.create(old_path=f"/duong-dan-rieng-{site.pk}", site=site.site, redirect_page=news)
    session = EditingSession.objects.create(
        user=editor, content_type=ContentType.objects.get_for_model(Page), object_id=str(news.pk),
        last_seen_at=timezone.now(),
    )
    uploads = {}
    for kind, model in (("uploaded_image", content.image.__class__), ("uploaded_document", content.document.__class__)):
        uploads[kind] = UploadedFile.objects.create(
            file=ContentFile(b"%PDF-1.4 tai len", name="tai-len.pdf"),
            for_content_type=ContentType.objects.get_for_model(model), uploaded_by_user=editor,
        ).pk
    area = Area.objects.create(commune=site, name=f"Thôn riêng của {label}")
    board_group = BoardGroup.objects.create(commune=site, name=f"Nhóm bảng tin riêng của {label}")
    device = Device.objects.create(
        commune=site, name=f"Bảng tin riêng của {label}", kind=DeviceKind.BOARD, display_type=DisplayType.LCD,
        width=1920, height=1080, area=area, group=board_group,
    )
    notice = BoardNotice.objects.create(commune=site, title=f"Thông báo bảng tin riêng của {label}", text="Nội dung.")
    notice.save_revision(user=editor)
    # In its commune's workflow, waiting for the approver: the snippet's moderation views have a task.
    notice_task_state = site.workflow.start(notice, editor).current_task_state
    radio = radio_side(site, editor, area, label)
    alert = Alert.objects.create(
        issuer=site, headline=f"Cảnh báo riêng của {label}", event="Lũ quét", description="Mô tả.",
        expires=timezone.now() + datetime.timedelta(hours=6),
    )
    alert.communes.add(site)
    revision = Revision.page_revisions.filter(object_id=str(news.pk)).order_by("-pk").first()
    alias = news.create_alias(update_slug="tin-rieng-bi-danh")
    objects = {
        "home": site.home.pk,
        "parent_page": content.news_index.pk,
        "page": news.pk,
        "pending": content.pending.pk,
        "translated_page": translated_page.pk,
        "alias_page": alias.pk,
        "revision": revision.pk,
        "task_state": content.task_state.pk,
        "task": content.task_state.task_id,
        "workflow_state": content.workflow_state.pk,
        "workflow": site.workflow.pk,
        "image": content.image.pk,
        "document": content.document.pk,
        "collection": site.collection.pk,
        "translation_source": source.pk,
        "translation": translation.pk,
        "string_segment": StringSegment.objects.filter(source=source).order_by("pk").first().pk,
        "overridable_segment": OverridableSegment.objects.filter(source=source).order_by("pk").first().pk,
        "editing_session": session.pk,
        "redirect": redirect.pk,
        "user": editor.pk,
        "user_uid": urlsafe_base64_encode(force_bytes(editor.pk)),
        "group": site.editors.pk,
        "site": site.site.pk,
        "commune_site": site.pk,
        "locale": Locale.get_default().pk,
        "language": site_language.language_id,
        "model:languages.sitelanguage": site_language.pk,
        "model:questions.question": question.pk,
        "model:questions.holiday": holiday.pk,
        "model:search.searchpromotion": promotion.pk,
        "model:search.searchsynonym": synonym.pk,
        "model:search.searchquerystat": stat.pk,
        "model:broadcasts.area": area.pk,
        "model:broadcasts.boardgroup": board_group.pk,
        "model:broadcasts.device": device.pk,
        "model:broadcasts.boardnotice": notice.pk,
        snippet_task_state_kind(BoardNotice): notice_task_state.pk,
        "model:broadcasts.alert": alert.pk,
        **radio.objects,
        **uploads,
    }
    secrets = [
        news.title,
        content.pending.title,
        content.image.title,
        content.document.title,
        question.title,
        question.tracking_code,
        promotion.query,
        synonym.phrase,
        holiday.name,
        stat_key,
        redirect.old_path,
        area.name,
        board_group.name,
        device.name,
        notice.title,
        alert.headline,
        *radio.secrets,
    ]
    names = [
        site.editors.name,
        site.approvers.name,
        site_language.translators.name,
        site.collection.name,
        site.workflow.name,
        content.task_state.task.name,
        editor.username,
        approver.username,
    ]
    return Side(label, site, objects, secrets, names)


# ------------------------------------------------------------------------------------ judging responses


def text_of(response):
    """What a person could read in a response, with JSON strings decoded (modal views answer in JSON)."""
    if response.streaming:
        return ""
    body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    return body


def _written_forms(secret):
    """A title as a page may carry it: as is, HTML-escaped, or JSON-escaped inside HTML (block state)."""
    return {secret, html.escape(secret), json.dumps(secret)[1:-1], html.escape(json.dumps(secret)[1:-1])}


def is_refusal_redirect(location):
    prefix = admin_prefix()
    return location == prefix or location.startswith(prefix + "login/")


def take_messages(client):
    """The flash messages a request left for the next page, cleared: a title in one is charged to the
    request that queued it, not to whichever page happens to show it next."""
    name = getattr(settings, "MESSAGE_COOKIE_NAME", "messages")
    cookie = client.cookies.get(name)
    if cookie is None or not cookie.value:
        return ""
    messages = CookieStorage(HttpRequest())._decode(cookie.value) or []
    del client.cookies[name]
    texts = [str(message.message) for message in messages if hasattr(message, "message")]
    if messages and messages[-1] == CookieStorage.not_finished:  # the rest went to the session
        session = client.session
        stored = session.pop(SessionStorage.session_key, None)
        session.save()
        texts += [str(message.message) for message in SessionStorage(HttpRequest()).deserialize_messages(stored) or []]
    return "\n".join(texts)


def judge(client, response, secrets, names_objects, depth=0):
    """None when the response is a refusal, or shows none of the secrets; else what is wrong."""
    status = response.status_code
    text = text_of(response) + "\n" + take_messages(client)
    leaked = [secret for secret in secrets if any(form in text for form in _written_forms(secret))]
    if leaked:
        return f"{status} shows {leaked}"
    if status in (400, 403, 404, 405):
        return None  # 400: the request was not carried out (the data snapshot makes sure of it)
    if status in (301, 302, 303):
        location = response["Location"]
        if is_refusal_redirect(location):
            return None
        if depth >= 3:
            return f"{status} redirects too often ({location})"
        problem = judge(client, client.get(location), secrets, names_objects, depth + 1)
        return f"{status} → {location}: {problem}" if problem else None
    if status == 200:
        if response.streaming and names_objects:
            return "200 serves a file of the target's"
        return None
    return f"{status} (neither a refusal nor a page)"


# ----------------------------------------------------------------------------------- the data snapshot


def snapshot(side):
    """What a request could change of one commune: its pages (both languages), media, workflow,
    translations, questions, search data, groups, site and every commune-owned row the matrix names."""
    objects = side.objects
    homes = Page.objects.filter(translation_key=side.site.home.translation_key)
    pages = Page.objects.none()
    for home in homes:
        pages = pages | Page.objects.descendant_of(home, inclusive=True)
    page_ids = list(pages.values_list("pk", flat=True))

    image_model, document_model = get_image_model(), get_document_model()
    translation = Translation.objects.filter(pk=objects["translation"])
    return {
        "pages": sorted(pages.values_list(
            "pk", "title", "draft_title", "slug", "live", "locked", "path", "has_unpublished_changes",
            "latest_revision_id", "alias_of_id", "expire_at", "go_live_at")),
        "revisions": Revision.page_revisions.filter(object_id__in=[str(pk) for pk in page_ids]).count(),
        "page restrictions": PageViewRestriction.objects.filter(page_id__in=page_ids).count(),
        "page permissions": sorted(GroupPagePermission.objects.filter(page_id__in=page_ids).values_list("group_id", "page_id", "permission_id")),
        "images": sorted(image_model.objects.filter(collection=side.site.collection).values_list("pk", "title", "file")),
        "documents": sorted(document_model.objects.filter(collection=side.site.collection).values_list("pk", "title", "file")),
        "collection": list(Collection.objects.filter(pk=side.site.collection_id).values_list("name", "path")),
        "collection restrictions": CollectionViewRestriction.objects.filter(collection=side.site.collection).count(),
        "collection permissions": sorted(GroupCollectionPermission.objects.filter(
            collection=side.site.collection).values_list("group_id", "permission_id")),
        "workflow": list(Workflow.objects.filter(pk=objects["workflow"]).values_list("name", "active")),
        "task": list(Task.objects.filter(pk=objects["task"]).values_list("name", "active")),
        "workflow state": list(WorkflowState.objects.filter(pk=objects["workflow_state"]).values_list("status")),
        "task state": list(TaskState.objects.filter(pk=objects["task_state"]).values_list("status")),
        "translation": list(translation.values_list("enabled", "target_locale_id")),
        "translation source": list(TranslationSource.objects.filter(pk=objects["translation_source"]).values_list(
            "last_updated_at", "locale_id")),
        "string translations": StringTranslation.objects.filter(
            context__in=StringSegment.objects.filter(source_id=objects["translation_source"]).values("context")).count(),
        "questions": sorted(Question.objects.filter(commune=side.site.home).values_list(
            "pk", "title", "state", "answer", "assignee_id", "private", "public_text")),
        "holidays": sorted(Holiday.objects.filter(commune=side.site.home).values_list("pk", "name", "date")),
        "search promotions": sorted(SearchPromotion.objects.filter(commune=side.site.home).values_list(
            "pk", "query", "page_id")),
        "search synonyms": sorted(SearchSynonym.objects.filter(commune=side.site.home).values_list(
            "pk", "abbreviation", "phrase")),
        "redirects": sorted(Redirect.objects.filter(site=side.site.site).values_list("pk", "old_path", "redirect_page_id")),
        "editing sessions": EditingSession.objects.filter(pk=objects["editing_session"]).count(),
        "uploads": UploadedFile.objects.filter(pk__in=[objects["uploaded_image"], objects["uploaded_document"]]).count(),
        "users": sorted(User.objects.filter(groups__in=[side.site.editors, side.site.approvers]).values_list(
            "pk", "username", "is_active", "email")),
        "groups": sorted(Group.objects.filter(pk__in=[side.site.editors_id, side.site.approvers_id]).values_list(
            "pk", "name")),
        "group permissions": sorted(Group.permissions.through.objects.filter(
            group_id__in=[side.site.editors_id, side.site.approvers_id]).values_list("group_id", "permission_id")),
        "site": list(Site.objects.filter(pk=objects["site"]).values_list("hostname", "port", "root_page_id", "is_default_site")),
        "question contacts": sorted(QuestionContact.objects.filter(question__commune=side.site.home).values_list(
            "question_id", "name", "email", "phone", "erased_at")),
        "question events": QuestionEvent.objects.filter(question__commune=side.site.home).count(),
        "personal data accesses": PersonalDataAccess.objects.filter(commune=side.site.home).count(),
        **radio_snapshot(side),
        **{kind: list(apps.get_model(kind[len("model:"):])._default_manager.filter(pk=pk).values())
           for kind, pk in objects.items() if kind.startswith("model:")},
    }


def _rows(queryset):
    return sorted(queryset.values_list(), key=repr)


def _targets(rows):
    """The rows' target areas and clusters (the through tables of their many-to-many fields)."""
    model = rows.model
    found = []
    for name in ("target_areas", "target_devices"):
        through = model._meta.get_field(name).remote_field.through
        found.append(_rows(through.objects.filter(**{f"{model._meta.model_name}__in": rows})))
    return found


def radio_snapshot(side):
    """The commune's radio: every bulletin (a new one too), its slots, versions and targets, relays,
    settings, audio and speaker clusters, and the workflow and revisions of its snippets."""
    site = side.site
    bulletins = RadioBulletin.objects.filter(commune=site)
    relays = Relay.objects.filter(commune=site)
    snippets = {model: [str(pk) for pk in model._default_manager.filter(commune=site).values_list("pk", flat=True)]
                for model in (BoardNotice, RadioBulletin)}
    of_snippets = models.Q()
    for model, ids in snippets.items():
        of_snippets |= models.Q(base_content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    workflow_states = WorkflowState.objects.filter(of_snippets)
    return {
        "radio bulletins": _rows(bulletins),
        "bulletin slots": _rows(BulletinSlot.objects.filter(bulletin__in=bulletins)),
        "bulletin versions": _rows(BulletinVersion.objects.filter(bulletin__in=bulletins)),
        "bulletin targets": _targets(bulletins),
        "relays": _rows(relays),
        "relay targets": _targets(relays),
        "radio settings": _rows(RadioSettings.objects.filter(commune=site)),
        "speech audio": _rows(SpeechAudio.objects.filter(commune=site)),
        "devices": _rows(Device.objects.filter(commune=site)),
        "snippet revisions": Revision.objects.filter(of_snippets).count(),
        "snippet workflow states": sorted(workflow_states.values_list("pk", "status", "current_task_state_id")),
        "snippet task states": sorted(TaskState.objects.filter(workflow_state__in=workflow_states).values_list(
            "pk", "status", "finished_by_id", "comment")),
    }


def secrets_everywhere(secrets):
    """How many rows anywhere carry one of the target's titles (a copy into the other commune adds one)."""
    return {
        "pages": Page.objects.filter(title__in=secrets).count(),
        "images": get_image_model().objects.filter(title__in=secrets).count(),
        "documents": get_document_model().objects.filter(title__in=secrets).count(),
        "radio bulletins": RadioBulletin.objects.filter(title__in=secrets).count(),
        "relays": Relay.objects.filter(name__in=secrets).count(),
    }


def differences(before, after):
    return {key: (before[key], after.get(key)) for key in before if before[key] != after.get(key)}
