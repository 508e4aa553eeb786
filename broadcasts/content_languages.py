"""The languages of what reaches devices, from the registry (`languages.registry`): the codes the
fields store, their Vietnamese names, and what an admin form offers and accepts.

A commune's item (a village, a notice, a bulletin, their versions, a commune's alert) is in a built-in
language or one the commune has enabled; a portal item in a built-in language or any active registry
language (it reaches several communes). A value already stored stays accepted while it is unchanged, so
an item written before its commune enabled the language (or a village set before languages were data)
can still be saved; nothing is silently turned into Vietnamese.
"""

from django import forms
from django.core.exceptions import ValidationError

from languages import registry
from sites.tenancy import commune_sites_for_user, user_is_portal_staff

DEFAULT = "vi"
# The admin speaks Vietnamese: the built-in languages' Vietnamese names (the registry's rows have theirs).
BUILT_IN_LABELS = {"vi": "Tiếng Việt", "en": "Tiếng Anh"}
NOT_IN_REGISTRY = "Ngôn ngữ “%(code)s” không có trong danh mục ngôn ngữ đang dùng."
NOT_ENABLED = "{name} chưa được bật cho xã này: hãy chọn ngôn ngữ xã đã bật (Ngôn ngữ của trang)."
# A commune not chosen yet (portal staff, or staff of several communes, on a new item): offer every language.
ANY_COMMUNE = object()


def label(code: str) -> str:
    """The Vietnamese name of a language code ("Tiếng Ba Na"), the code itself for an unknown one."""
    if code in BUILT_IN_LABELS:
        return BUILT_IN_LABELS[code]
    entry = registry.registry_languages().get(code)
    return entry[0] if entry else code


def is_known(code: str) -> bool:
    return code in registry.built_in_codes() or registry.is_registry_language(code)


def validate_code(code):
    """The model fields' validator: a built-in language or an active registry language."""
    if code and not is_known(code):
        raise ValidationError(NOT_IN_REGISTRY, code="unknown_language", params={"code": code})


def codes_for(commune_id) -> list[str]:
    """The languages an item of this commune (None: the portal) may be in, built-in first."""
    if commune_id is None or commune_id is ANY_COMMUNE:
        languages = registry.registry_languages()
        return registry.built_in_codes() + sorted(languages, key=lambda code: (languages[code][0], code))
    return registry.enabled_codes(commune_id)


def error_for(code: str, commune_id, *, stored: str | None = None) -> str | None:
    """Why `code` may not be used by an item of this commune (None: it may)."""
    if not code or code == stored:
        return None
    if not is_known(code):
        return NOT_IN_REGISTRY % {"code": code}
    if commune_id is not None and not registry.is_enabled(code, commune_id):
        return NOT_ENABLED.format(name=label(code))
    return None


def choices(commune_id, *, stored: str | None = None, exclude=()) -> list[tuple[str, str]]:
    codes = [code for code in codes_for(commune_id) if code not in exclude]
    if stored and stored not in codes:
        codes.append(stored)  # shown as it is, so that saving the form does not change it
    return [(code, label(code)) for code in codes]


class LanguageChoiceField(forms.ChoiceField):
    """The offered languages as a select; what was sent is judged by `check`, which says why a language
    is refused (not enabled on the commune, not in the registry) instead of "not a valid choice"."""

    def valid_value(self, value):
        return True


def offer(form, name: str, commune_id, *, exclude=(), blank: bool = False) -> None:
    """Make `form`'s language field `name` a choice among the languages the commune may use."""
    field = form.fields.get(name)
    if field is None:
        return
    stored = form.initial.get(name) or getattr(form.instance, name, None) or None
    options = choices(commune_id, stored=stored, exclude=exclude)
    if blank:
        options = [("", "---------"), *options]
    form.fields[name] = LanguageChoiceField(
        label=field.label, help_text=field.help_text, required=field.required, choices=options,
        initial=field.initial, disabled=field.disabled,
    )


def check(form, name: str, commune_id) -> None:
    """Add the error of `form`'s language field `name` for an item of this commune, if any."""
    if name not in form.fields or not hasattr(form, "cleaned_data"):
        return
    stored = form.initial.get(name)
    message = error_for(form.cleaned_data.get(name) or "", commune_id, stored=stored)
    if message and name not in form.errors:
        form.add_error(name, message)


def known_commune(form, commune_field: str = "commune"):
    """The commune a form's item belongs to, as far as it is known before the form is filled: the item's
    own, or the user's only commune; `ANY_COMMUNE` when the form chooses it (None: the portal's item)."""
    instance = form.instance
    if instance.pk is not None:
        return getattr(instance, f"{commune_field}_id")
    user = getattr(form, "for_user", None)
    if user is None or user_is_portal_staff(user):
        return ANY_COMMUNE
    communes = list(commune_sites_for_user(user).values_list("pk", flat=True)[:2])
    return communes[0] if len(communes) == 1 else ANY_COMMUNE


class LanguageFormMixin:
    """For an admin form with language fields: each offers the languages of the item's commune (the
    form's `commune_field`) and, on `clean`, refuses a language the chosen commune has not enabled. The
    inline rows of `language_formsets` (the versions) are offered and checked the same way, none in the
    item's own language."""

    language_fields = ("language",)
    language_formsets = ()
    commune_field = "commune"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        commune_id = known_commune(self, self.commune_field)
        for name in self.language_fields:
            offer(self, name, commune_id)
        for formset in self.language_formset_objects():
            for child in [*formset.forms, formset.empty_form]:
                offer(child, "language", commune_id, exclude=[DEFAULT], blank=True)

    def language_formset_objects(self):
        found = getattr(self, "formsets", {})
        return [found[name] for name in self.language_formsets if name in found]

    def chosen_commune_id(self):
        if self.commune_field in self.fields:
            commune = self.cleaned_data.get(self.commune_field)
            return commune.pk if commune is not None else None
        return getattr(self.instance, f"{self.commune_field}_id")

    def clean(self):
        cleaned = super().clean()
        commune_id = self.chosen_commune_id()
        for name in self.language_fields:
            check(self, name, commune_id)
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        if not hasattr(self, "cleaned_data"):
            return valid
        commune_id = self.chosen_commune_id()
        own = {self.cleaned_data.get(name) or DEFAULT for name in self.language_fields} or {DEFAULT}
        for formset in self.language_formset_objects():
            seen = set(own)
            for child in formset.forms:
                data = getattr(child, "cleaned_data", None)
                if not data or formset.can_delete and formset._should_delete_form(child):
                    continue
                # (the formset's own uniqueness check drops a repeated language from cleaned_data)
                language = data.get("language") or child.data.get(child.add_prefix("language"))
                if not language:
                    continue
                check(child, "language", commune_id)
                if language in seen and "language" not in child.errors:
                    child.add_error("language", "Mỗi ngôn ngữ chỉ có một bản, khác ngôn ngữ của nội dung gốc.")
                seen.add(language)
                valid = valid and not child.errors
        return valid
