"""What a commune's staff may put into their pages: images, documents and pages named by id.

Choosers list only what a user may choose, but a page form takes whatever id it is sent — in a
ForeignKey (`NewsPage.image`, a home page's `logo`), in StreamField blocks, in inline rows
(`DocumentAttachment.document`), in rich text (`<embed embedtype="image" id=…>`, `<a linktype="document"
id=…>`). `SitePageForm`, the base form of every page (`SitePageMixin.base_form_class`), walks everything
the form names, with Wagtail's own reference extraction (the one its reference index uses), and refuses
on the field:

- an image or document outside the collections the user holds `add`, `change` or `choose` on;
- a page outside the user's communes unless it is live and public: linking to another commune's (or the
  portal's) published page is what any reader can do, naming another commune's draft is not;
- an object of a commune-owned model (`Tenancy`) the user may not see.

What the page already shows live is kept (the district may have put a portal image on a commune's page;
its editors can still edit the page). `refuse_foreign_references_on_publish` applies the same rule when a
revision is published, whoever saved it and however (a workflow approval, a bulk publish). Portal staff
and superusers are not limited.
"""

import re

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamValue
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.fields import StreamField
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry
from wagtail.rich_text import RichText, extract_references_from_rich_text, features
from wagtail.rich_text.rewriters import FIND_EMBED_TAG, extract_attrs

from sites.tenancy import own_pages_q, tenancy_of, user_is_portal_staff

# Collection permissions that let a user put an image or document into a page.
REFERENCE_ACTIONS = ["add", "change", "choose"]
# The collection permissions under which an image or document shows in a user's listings.
MEDIA_ACTIONS = ["add", "change", "choose", "delete"]

REFUSED_MEDIA = (
    "Ảnh/tài liệu này thuộc thư mục của đơn vị khác, bạn không có quyền sử dụng. "
    "Hãy chọn ảnh/tài liệu trong thư mục của đơn vị mình."
)
REFUSED_PAGE = (
    "Trang này thuộc đơn vị khác và chưa được công bố công khai, bạn không thể liên kết tới. "
    "Hãy chọn trang của đơn vị mình hoặc trang đã xuất bản."
)
REFUSED_OTHER = "Mục này thuộc đơn vị khác, bạn không có quyền sử dụng."


# --------------------------------------------------------------------------------------- references


def clean_pk(model, value):
    """`value` as a primary key of `model`, or None when it cannot be one ("²", "abc", 10**30)."""
    field = model._meta.pk
    try:
        pk = field.to_python(value)
        if pk is None or pk == "":
            return None
        field.run_validators(pk)  # integer fields: within the database's range
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None
    return pk


def base_model(model):
    """The model that holds the primary key (`Page` for every page type), as reference ids are keyed."""
    parents = model._meta.get_parent_list()
    return parents[-1] if parents else model._meta.concrete_model


def collection_policy(model):
    """The collection-based permission policy of images and documents (None for other models)."""
    try:
        policy = policy_registry.get_by_type(model)
    except Exception:  # noqa: BLE001 - no policy registered for this model
        return None
    return policy if hasattr(policy, "collections_user_has_any_permission_for") else None


def permitted_collections(model, user, actions=REFERENCE_ACTIONS):
    return collection_policy(model).collections_user_has_any_permission_for(user, actions)


def rich_text_references(html):
    """(model, id) of every image, document and page a rich text string (database format) names."""
    for model, pk, _model_path, _content_path in extract_references_from_rich_text(html or ""):
        yield base_model(model), str(pk)


def object_references(obj):
    """(model, id) of everything a page (or a revision's page) names, child rows included."""
    found = set()
    for content_type_id, pk, _model_path, _content_path in ReferenceIndex._extract_references_from_object(obj):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            found.add((base_model(model), str(pk)))
    return found


def is_limited(user):
    """True for commune staff; portal staff, superusers and system actions (no user) are not limited."""
    return user is not None and not user_is_portal_staff(user)


def foreign_references(user, references):
    """Those of the (model, id) pairs in `references` that this user may not put into a page."""
    if not is_limited(user):
        return set()
    by_model = {}  # model → parsed id → the pairs naming it (an id may be spelt " 5" in rich text)
    for pair in references:
        model = base_model(pair[0])
        pk = clean_pk(model, pair[1])
        if pk is not None:  # an id that cannot exist names nothing: a broken link, not another commune's
            by_model.setdefault(model, {}).setdefault(pk, set()).add(pair)
    foreign = set()
    for model, pairs in by_model.items():
        refused = _refused_queryset(model, user, list(pairs))
        if refused is not None:
            for pk in refused.values_list("pk", flat=True):
                foreign |= pairs[pk]
    return foreign


def _refused_queryset(model, user, pks):
    """Those of `pks` (existing objects of `model`) the user may not use; None when the model is not scoped."""
    objects = model._default_manager.filter(pk__in=pks)
    if issubclass(model, Page):
        own = own_pages_q(user)
        published = Page.objects.live().public().filter(pk__in=pks).values("pk")
        return objects.exclude(own).exclude(pk__in=published)
    if collection_policy(model) is not None:
        return objects.exclude(collection__in=permitted_collections(model, user))
    if tenancy_of(model) is not None:
        return objects.exclude(pk__in=model._default_manager.for_user(user).values("pk"))
    return None


def refusal_message(model):
    if issubclass(model, Page):
        return REFUSED_PAGE
    if collection_policy(model) is not None:
        return REFUSED_MEDIA
    return REFUSED_OTHER


def live_references(page):
    """What a page shows live (kept when someone without the right to choose it edits the page)."""
    if page is None or not page.pk:
        return set()
    stored = type(page)._default_manager.filter(pk=page.pk, live=True).first()
    # For a live page the database row is its live version: drafts live in revisions.
    return object_references(stored) if stored is not None else set()


# --------------------------------------------------------------------------------------- page forms


def _field_references(model, name, field, value):
    """(model, id, content path) named by one cleaned form value."""
    if value in (None, "", [], ()):
        return
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        model_field = None
    if hasattr(model_field, "extract_references"):  # StreamField, RichTextField
        for to_model, pk, _model_path, content_path in model_field.extract_references(value):
            yield base_model(to_model), str(pk), content_path
    elif isinstance(field, forms.ModelMultipleChoiceField):
        for obj in value:
            yield base_model(type(obj)), str(obj.pk), ""
    elif isinstance(field, forms.ModelChoiceField) and isinstance(value, models.Model):
        yield base_model(type(value)), str(value.pk), ""


def _bound_forms(form):
    """The form and its inline forms (recursively), leaving out rows marked for deletion."""
    yield form
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            cleaned = getattr(child, "cleaned_data", None)
            if cleaned is None or (formset.can_delete and cleaned.get("DELETE")):
                continue
            yield from _bound_forms(child)


class SitePageForm(WagtailAdminPageForm):
    """The admin form of every page: refuses images, documents and pages of other communes named by id."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._references_checked = False
        self._scrubbed_values = {}

    def clean(self):
        cleaned_data = super().clean()
        # Rules for editors that the page type states (`editor_errors(cleaned_data)`): alt text, say.
        editor_errors = getattr(self._meta.model, "editor_errors", None)
        if editor_errors is not None:
            for name, message in editor_errors(cleaned_data).items():
                if name in self.fields:
                    self.add_error(name, message)
        return cleaned_data

    def is_valid(self):
        valid = super().is_valid()
        if not self._references_checked:
            self._references_checked = True
            if self.is_bound and self.refuse_foreign_references():
                valid = False
        return valid

    def refuse_foreign_references(self):
        """Add an error to every field (of this form or an inline form) naming what the user may not use;
        True if there was one."""
        user = self.for_user
        if not is_limited(user):
            return False
        named = []  # (form, field name, model, id, content path)
        for form in _bound_forms(self):
            model = form._meta.model
            for name, value in list(form.cleaned_data.items()):
                field = form.fields.get(name)
                for to_model, pk, content_path in _field_references(model, name, field, value):
                    named.append((form, name, to_model, pk, content_path))
        if not named:
            return False
        kept = live_references(self.instance)
        foreign = foreign_references(user, {(m, pk) for _, _, m, pk, _ in named} - kept)
        if not foreign:
            return False
        refused = {}
        for form, name, to_model, pk, content_path in named:
            if (to_model, pk) in foreign:
                refused.setdefault((form, name), []).append((to_model, pk, content_path))
        for (form, name), items in refused.items():
            self._refuse_field(form, name, items, foreign)
        return bool(refused)

    def _refuse_field(self, form, name, items, foreign):
        value = form.cleaned_data.get(name)
        model_field = _model_field(form._meta.model, name)
        if isinstance(model_field, StreamField) and isinstance(value, StreamValue):
            form.add_error(name, _stream_error(value, foreign))
            scrubbed = _scrub_stream(value, foreign)
        else:
            messages = list(dict.fromkeys(refusal_message(m) for m, _, _ in items))
            form.add_error(name, [ValidationError(message) for message in messages])
            scrubbed = _scrub_rich_text(value, foreign) if isinstance(value, str) else None
        # The form goes back to the user with their input: without what they may not use, so that
        # the chooser does not show another commune's image, document or page (title and all).
        if form is self:
            self._scrubbed_values[self.add_prefix(name)] = scrubbed
        elif not isinstance(value, str):
            form.data = form.data.copy()
            form.data[form.add_prefix(name)] = ""

    def _widget_data_value(self, widget, html_name):
        # How Django's bound fields read submitted data (for rendering and cleaning alike).
        if html_name in self._scrubbed_values:
            return self._scrubbed_values[html_name]
        return super()._widget_data_value(widget, html_name)


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _stream_error(value, foreign):
    """A StreamField error on each top-level block that names something refused."""
    block_errors = {}
    for index, child in enumerate(value):
        refused = [m for m, pk, _mp, _cp in _block_references(child) if (m, pk) in foreign]
        if refused:
            block_errors[index] = ValidationError(list(dict.fromkeys(refusal_message(m) for m in refused)))
    return StreamBlockValidationError(block_errors=block_errors)


def _scrub_stream(value, foreign):
    """The stream without what is refused: choosers emptied, rich text stripped, other blocks reset."""
    children = []
    for child in value:
        named = {(m, pk) for m, pk, _mp, _cp in _block_references(child)}
        new_value = child.value
        if named & foreign:
            if isinstance(child.value, models.Model):
                new_value = None
            elif isinstance(child.value, RichText):
                new_value = RichText(_scrub_rich_text(child.value.source, foreign))
            else:
                new_value = child.block.get_default()
        children.append((child.block_type, new_value, child.id))
    return StreamValue(value.stream_block, children)


def _block_references(child):
    for model, pk, model_path, content_path in child.block.extract_references(child.value):
        yield base_model(model), str(pk), model_path, content_path


def _scrub_rich_text(html, foreign):
    """Rich text without embeds of refused objects; links to them become their plain text."""
    if not html:
        return html
    link_types, embed_types = features.get_link_types(), features.get_embed_types()

    def refused(handler, attrs):
        return handler is not None and any(
            (base_model(model), str(pk)) in foreign for model, pk, *_ in handler.extract_references(attrs)
        )

    def embed(match):
        attrs = extract_attrs(match.group(1))
        return "" if refused(embed_types.get(attrs.get("embedtype")), attrs) else match.group(0)

    def link(match):
        attrs = extract_attrs(match.group(1))
        return match.group(2) if refused(link_types.get(attrs.get("linktype")), attrs) else match.group(0)

    html = FIND_EMBED_TAG.sub(embed, html)
    return _FIND_LINK.sub(link, html)


# A link and its text: in Wagtail's database format links do not nest, so the first </a> closes it.
_FIND_LINK = re.compile(r"<a(\b[^>]*)>(.*?)</a>", re.DOTALL)


# --------------------------------------------------------------------------------------- publishing


def refuse_foreign_references_on_publish(page, revision, user):
    """Raise `PublishPagePermissionError` when `user` publishes a revision naming what they may not use
    (beyond what the page already shows live)."""
    if not is_limited(user):
        return
    named = object_references(revision.as_object()) - live_references(page)
    foreign = foreign_references(user, named)
    if foreign:
        raise PublishPagePermissionError(" ".join(dict.fromkeys(refusal_message(m) for m, _ in foreign)))
