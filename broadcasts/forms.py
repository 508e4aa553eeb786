"""Admin forms of the broadcasts app: board notices and devices.

Both are wrapped by the tenancy layer (`sites.scoping.CommuneOwnedFormMixin`), which narrows every
choice to the user's communes; these forms add what tenancy cannot know: a notice's boards and groups
must be of the notice's own commune, a board needs its screen, a device's area and group its commune's.
"""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from broadcasts.content_languages import LanguageFormMixin
from broadcasts.models import ISO_DAYS, DeviceKind, NoticeTarget
from sites.scoping import limit_choices_to_user
from sites.tenancy import user_is_portal_staff

COMMUNE_REQUIRED = "Hãy chọn xã của thông báo."
OTHER_COMMUNE = "Chỉ được chọn {what} của xã đã chọn ở trên."


class DaysField(forms.TypedMultipleChoiceField):
    """Days of the week as checkboxes, stored as the JSON list of ISO days (1 = Monday … 7 = Sunday)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", ISO_DAYS)
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_value", [])
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return [str(day) for day in value]
        return value

    def clean(self, value):
        return sorted(set(super().clean(value)))


class BoardNoticeForm(LanguageFormMixin, WagtailAdminModelForm):
    """A board notice: its commune (required for commune staff), days as checkboxes, its targets, its
    language and its versions in the commune's other languages."""

    language_formsets = ("versions",)

    days = DaysField(label="Các ngày trong tuần", help_text="Không chọn ngày nào: hiển thị mọi ngày.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        self.portal_staff = user is not None and user_is_portal_staff(user)
        # Enforced in `clean` too: saving a draft defers the fields' own `required` (Wagtail), and a
        # notice of no commune would be a portal notice.
        self.commune_required = "commune" in self.fields and user is not None and not self.portal_staff
        if self.commune_required:
            self.fields["commune"].required = True
            self.fields["commune"].empty_label = None
        if "target_devices" in self.fields:
            self.fields["target_devices"].queryset = self.fields["target_devices"].queryset.filter(
                kind=DeviceKind.BOARD
            )
        if "target_communes" in self.fields and user is not None and not self.portal_staff:
            # Only the portal sends a notice to several communes.
            del self.fields["target_communes"]
        # Inline rows (images) offer only what the user may use: their collections' images.
        for formset in getattr(self, "formsets", {}).values():
            for child in [*formset.forms, formset.empty_form]:
                limit_choices_to_user(child, user)

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            self._forget_refused_choices()
        return valid

    def _forget_refused_choices(self):
        """A refused choice (another commune's image, named by id) is not shown back: the image chooser
        would look it up and show its title."""
        forms_ = [self] + [child for formset in self.formsets.values() for child in formset.forms]
        for form in forms_:
            refused = [name for name in form.errors
                       if isinstance(form.fields.get(name), forms.ModelChoiceField) and form.add_prefix(name) in form.data]
            if refused:
                form.data = form.data.copy()
                for name in refused:
                    form.data[form.add_prefix(name)] = ""

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune")
        target = cleaned.get("target")
        groups = list(cleaned.get("target_groups") or [])
        devices = list(cleaned.get("target_devices") or [])
        if commune is None and self.commune_required and "commune" not in self.errors:
            self.add_error("commune", COMMUNE_REQUIRED)
        if commune is not None:
            cleaned["target_communes"] = []
            if any(group.commune_id != commune.pk for group in groups):
                self.add_error("target_groups", OTHER_COMMUNE.format(what="nhóm bảng tin"))
            if any(device.commune_id != commune.pk for device in devices):
                self.add_error("target_devices", OTHER_COMMUNE.format(what="bảng tin"))
        elif target in (NoticeTarget.GROUPS, NoticeTarget.DEVICES) and "commune" in cleaned:
            self.add_error(
                "target", "Thông báo của cổng hiển thị trên tất cả bảng tin của các xã nhận; "
                "muốn chọn nhóm hoặc từng bảng tin, hãy chọn xã.",
            )
        if target == NoticeTarget.GROUPS and not groups:
            self.add_error("target_groups", "Hãy chọn ít nhất một nhóm bảng tin.")
        if target == NoticeTarget.DEVICES and not devices:
            self.add_error("target_devices", "Hãy chọn ít nhất một bảng tin.")
        # What the chosen target does not use is not kept.
        if target != NoticeTarget.GROUPS:
            cleaned["target_groups"] = []
        if target != NoticeTarget.DEVICES:
            cleaned["target_devices"] = []
        return cleaned


class AreaForm(LanguageFormMixin, WagtailAdminModelForm):
    """A village: the language its boards and speaker clusters prefer, one of its commune's."""


class DeviceForm(WagtailAdminModelForm):
    """A device: its area and group of its own commune; boards need their screen type and size."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "commune" in self.fields:
            self.fields["commune"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune") or (self.instance.commune if self.instance.commune_id else None)
        if cleaned.get("kind", self.instance.kind) == DeviceKind.BOARD:
            for name, message in (
                ("display_type", "Hãy chọn loại màn hình của bảng tin (LED hoặc LCD)."),
                ("width", "Hãy nhập chiều rộng của bảng tin (điểm ảnh)."),
                ("height", "Hãy nhập chiều cao của bảng tin (điểm ảnh)."),
            ):
                if name in self.fields and not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        if commune is not None:
            for name, what in (("area", "thôn, tổ dân phố"), ("group", "nhóm bảng tin")):
                value = cleaned.get(name)
                if value is not None and value.commune_id != commune.pk:
                    self.add_error(name, OTHER_COMMUNE.format(what=what))
        return cleaned
