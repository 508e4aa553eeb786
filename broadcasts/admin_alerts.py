"""Admin of emergency alerts: compose, publish (emergency publishers only), update and cancel.

Every view is built by the viewset's `construct_view`, so the tenancy layer scopes it: a commune's
staff see, compose, publish, update and cancel only their commune's alerts (`issuer`), and the form
offers only their communes and those communes' villages. Publishing itself is `alerts.alert_publish`,
which checks the emergency-publisher role and every affected commune again. A published message never
changes: its edit screen sends the user to its read-only page, where Update and Cancel start new messages.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import Button, HeaderButton

from broadcasts.alerts import (
    PUBLISH_PERMISSION,
    AlertAlreadySent,
    alert_cancel,
    alert_check,
    alert_publish,
    alert_state,
    alert_update_draft,
    is_in_force,
)
from broadcasts.cap import alert_urls, polygon_errors
from broadcasts.content_languages import LanguageFormMixin
from broadcasts.models import Alert, AlertMessageType, AlertStatus, Device, DeviceKind, DeviceState
from sites.scoping import CommuneOwnedViewSet
from sites.tenancy import commune_sites_for_user, user_is_portal_staff

STATE_CHOICES = [
    ("draft", "Bản nháp"), ("active", "Đang hiệu lực"), ("pending", "Chờ hiệu lực"),
    ("superseded", "Đã được cập nhật"), ("cancelled", "Đã hủy"), ("expired", "Hết hiệu lực"), ("cancel", "Tin hủy"),
]


def local(value):
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


# ---------------------------------------------------------------------------------------------- form


class AlertForm(LanguageFormMixin, WagtailAdminModelForm):
    """The composer's form. The tenancy layer narrows every choice to the user's communes; this form
    adds the rules of a CAP message that a composer should hear about before publishing. The alert is in
    Vietnamese; its translations are in languages of the issuing commune (any, for the portal's)."""

    language_fields = ()
    language_formsets = ("translations",)
    commune_field = "issuer"

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.user = for_user
        self.portal_staff = bool(for_user) and user_is_portal_staff(for_user)
        issuer = self.fields["issuer"]
        issuer.label_from_instance = lambda site: site.name
        if self.portal_staff:
            issuer.empty_label = "Cổng thông tin (cấp huyện, tỉnh) ban hành"
        else:
            issuer.required = True
            issuer.empty_label = None
        self.fields["communes"].label_from_instance = lambda site: site.name
        self.fields["communes"].queryset = self.fields["communes"].queryset.select_related("unit")
        self.fields["areas"].queryset = self.fields["areas"].queryset.select_related("commune__unit")
        self.fields["areas"].label_from_instance = lambda area: f"{area.name} – {area.commune.name}"
        if self.instance.references_id:
            # An update keeps its original's status (an exercise is never updated into a real alert).
            self.fields["status"].disabled = True
            self.fields["status"].help_text = "Bản cập nhật giữ tính chất của tin gốc."

    def clean(self):
        data = super().clean()
        if not self.portal_staff and not data.get("issuer"):
            self.add_error("issuer", "Hãy chọn xã ban hành.")
        communes = list(data.get("communes") or [])
        areas = list(data.get("areas") or [])
        ids = {c.pk for c in communes}
        foreign = [a.name for a in areas if a.commune_id not in ids]
        if foreign:
            self.add_error("areas", "Các thôn, tổ dân phố sau không thuộc xã bị ảnh hưởng: " + ", ".join(foreign) + ".")
        issuer = data.get("issuer")
        if issuer is not None and communes and issuer.pk not in ids:
            self.add_error("issuer", "Xã ban hành phải là một trong các xã bị ảnh hưởng.")
        effective, onset, expires = data.get("effective"), data.get("onset"), data.get("expires")
        if expires and expires <= timezone.now():
            self.add_error("expires", "Thời điểm hết hiệu lực đã qua.")
        if expires and effective and expires <= effective:
            self.add_error("expires", "Thời điểm hết hiệu lực phải sau thời điểm có hiệu lực.")
        if expires and onset and onset >= expires:
            self.add_error("onset", "Thời điểm dự kiến bắt đầu phải trước thời điểm hết hiệu lực.")
        for message in polygon_errors(data.get("polygon") or ""):
            self.add_error("polygon", message)
        return data

    def save(self, commit=True):
        if self.instance.pk is None and self.user is not None:
            self.instance.created_by = self.user
        return super().save(commit=commit)


# ------------------------------------------------------------------------------------------ listing


class AlertFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label="Trạng thái", choices=STATE_CHOICES, method="filter_state",
                                        empty_label="Tất cả")
    status = django_filters.ChoiceFilter(label="Tính chất", choices=AlertStatus.choices, empty_label="Tất cả")
    msg_type = django_filters.ChoiceFilter(label="Loại tin", choices=AlertMessageType.choices, empty_label="Tất cả")
    commune = django_filters.ModelChoiceFilter(
        label="Xã bị ảnh hưởng", field_name="communes", empty_label="Tất cả",
        queryset=lambda request: commune_sites_for_user(request.user).select_related("unit"),
    )

    class Meta:
        model = Alert
        fields = ["state", "status", "msg_type", "commune"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        sent = queryset.filter(sent__isnull=False)
        live = sent.exclude(msg_type=AlertMessageType.CANCEL).filter(superseded_at__isnull=True)
        return {
            "draft": queryset.filter(sent__isnull=True),
            "active": live.filter(expires__gt=now).filter(Q(effective__isnull=True) | Q(effective__lte=now)),
            "pending": live.filter(expires__gt=now, effective__gt=now),
            "expired": live.filter(expires__lte=now),
            "superseded": sent.filter(superseded_at__isnull=False, was_cancelled=False),
            "cancelled": sent.filter(superseded_at__isnull=False, was_cancelled=True),
            "cancel": sent.filter(msg_type=AlertMessageType.CANCEL),
        }.get(value, queryset)


def with_state(queryset):
    cancels = Alert.objects.filter(references=OuterRef("pk"), msg_type=AlertMessageType.CANCEL, sent__isnull=False)
    return queryset.annotate(was_cancelled=Exists(cancels))


class AlertIndexView(generic.IndexView):
    def get_base_queryset(self):
        return with_state(super().get_base_queryset()).select_related("issuer__unit").prefetch_related("communes__unit")

    @cached_property
    def can_publish(self):
        return self.request.user.has_perm(PUBLISH_PERMISSION)

    def get_edit_url(self, instance):
        # A published message is read, not edited: its title opens its read-only page.
        if instance.sent is not None:
            return reverse("broadcasts_alert:inspect", args=[instance.pk])
        return super().get_edit_url(instance)

    def get_delete_url(self, instance):
        return None if instance.sent is not None else super().get_delete_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons += action_buttons(self.request.user, instance, can_publish=self.can_publish, menu=True)
        return buttons


def action_buttons(user, alert, *, can_publish, menu=False):
    """Publish (drafts), Update and Cancel (messages in force), for those who may."""
    make = Button if menu else HeaderButton
    buttons = []
    if alert.sent is None:
        if can_publish:
            buttons.append(make("Phát cảnh báo", url=reverse("broadcasts_alert:publish", args=[alert.pk]),
                                icon_name="warning", priority=5))
    elif is_in_force(alert):
        if user.has_perm("broadcasts.add_alert"):
            buttons.append(make("Soạn bản cập nhật", url=reverse("broadcasts_alert:update", args=[alert.pk]),
                                icon_name="edit", priority=6))
        if can_publish:
            buttons.append(make("Hủy cảnh báo", url=reverse("broadcasts_alert:cancel", args=[alert.pk]),
                                icon_name="cross", priority=7))
    return buttons


# ----------------------------------------------------------------------------------------- editing


class AlertCreateView(generic.CreateView):
    def get_success_url(self):
        return reverse("broadcasts_alert:edit", args=[self.object.pk])

    def get_success_message(self, instance):
        return f"Đã lưu bản nháp “{instance.headline}”. Cảnh báo chưa được phát."


class AlertEditView(generic.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()

    def dispatch(self, request, *args, **kwargs):
        if self.object.sent is not None:
            messages.info(request, "Cảnh báo đã phát không sửa được. Hãy soạn bản cập nhật hoặc hủy cảnh báo.")
            return redirect("broadcasts_alert:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_success_message(self, instance):
        return f"Đã lưu bản nháp “{instance.headline}”. Cảnh báo chưa được phát."

    @cached_property
    def header_more_buttons(self):
        return list(super().header_more_buttons) + action_buttons(
            self.request.user, self.object, can_publish=self.request.user.has_perm(PUBLISH_PERMISSION), menu=True)


class AlertDeleteView(generic.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.sent is not None:
            messages.error(request, "Cảnh báo đã phát là văn bản đã ban hành: không xóa được. Hãy hủy cảnh báo.")
            return redirect("broadcasts_alert:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)


INSPECT_FIELDS = [
    "state", "identifier", "msg_type", "references", "status", "issuer", "sender_name", "sent", "sent_by",
    "category", "event", "urgency", "severity", "certainty", "effective", "onset", "expires",
    "headline", "description", "instruction", "communes", "areas", "area_description", "polygon", "public",
]


class AlertInspectView(generic.InspectView):

    def get_object(self, queryset=None):
        return get_object_or_404(with_state(Alert.objects.all()), pk=self.pk)

    def get_field_label(self, field_name, field):
        labels = {"state": "Trạng thái", "public": "Trang công khai, bản tin CAP"}
        return labels.get(field_name) or super().get_field_label(field_name, field)

    def get_state_display_value(self):
        return alert_state(self.object)[1]

    def get_public_display_value(self):
        if self.object.sent is None:
            return "Chưa phát"
        urls = alert_urls(self.object)
        return f"{urls['page']} · {urls['cap']}"

    def get_field_display_value(self, field_name, field):
        if field_name in ("sent", "effective", "onset", "expires"):
            return local(getattr(self.object, field_name)) or "–"
        value = super().get_field_display_value(field_name, field)
        return "–" if value in (None, "") else value

    @cached_property
    def header_more_buttons(self):
        buttons = [b for b in super().header_more_buttons if self.object.sent is None]
        return buttons + action_buttons(self.request.user, self.object,
                                        can_publish=self.request.user.has_perm(PUBLISH_PERMISSION), menu=True)


# ------------------------------------------------------------------------------- publish, update, cancel


class AlertActionView(PermissionCheckedMixin, TemplateView):
    """One alert, a confirmation page (GET) and the action (POST). Built by the viewset's
    `construct_view`, so `get_object` finds the alert only among those the user may act on."""

    model = Alert
    permission_required = "publish"
    template_name = "broadcasts/alerts/admin_confirm.html"
    index_url_name = None
    inspect_url_name = None
    edit_url_name = None
    header_icon = "warning"
    title = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()

    def get_object(self):
        return get_object_or_404(Alert.objects.select_related("issuer__unit", "references"), pk=self.kwargs["pk"])

    def inspect_url(self, alert):
        return reverse(self.inspect_url_name, args=[alert.pk])

    def summary(self, alert):
        communes = list(alert.communes.select_related("unit").order_by("unit__name"))
        devices = Device.objects.filter(commune__in=communes, state=DeviceState.ACTIVE)
        if alert.status != AlertStatus.ACTUAL:
            devices = devices.filter(test_mode=True)
        counts = {kind: devices.filter(kind=kind).count() for kind in (DeviceKind.BOARD, DeviceKind.SPEAKER)}
        return {
            "communes": communes,
            "areas": list(alert.areas.order_by("name")),
            "boards": counts[DeviceKind.BOARD],
            "speakers": counts[DeviceKind.SPEAKER],
            "effective": local(alert.effective) if alert.effective else "ngay khi phát",
            "expires": local(alert.expires),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(alert=self.object, view_title=self.title, summary=self.summary(self.object),
                       back_url=self.back_url(), original=self.object.references)
        return context

    def back_url(self):
        if self.object.sent is None:
            return reverse(self.edit_url_name, args=[self.object.pk])
        return self.inspect_url(self.object)


class AlertPublishView(AlertActionView):
    title = "Phát cảnh báo khẩn cấp"
    action = "publish"

    def dispatch(self, request, *args, **kwargs):
        if self.object.sent is not None and request.user.has_perm(PUBLISH_PERMISSION):
            messages.info(request, "Cảnh báo này đã được phát.")
            return redirect(self.inspect_url_name, self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            alert_check(alert=self.object, communes=context["summary"]["communes"], areas=context["summary"]["areas"])
        except ValidationError as error:
            context["problems"] = [m for messages_ in error.message_dict.values() for m in messages_]
        return context

    def post(self, request, *args, **kwargs):
        try:
            alert = alert_publish(alert=self.object, user=request.user)
        except AlertAlreadySent:
            messages.info(request, "Cảnh báo này đã được phát (chỉ phát một lần).")
            return redirect(self.inspect_url_name, self.object.pk)
        except ValidationError as error:
            problems = error.messages
            return self.render_to_response(self.get_context_data(problems=problems))
        messages.success(request, f"Đã phát cảnh báo “{alert.headline}” (mã {alert.identifier}).")
        return redirect(self.inspect_url_name, alert.pk)


class AlertUpdateView(AlertActionView):
    title = "Soạn bản cập nhật"
    action = "update"
    permission_required = "add"

    def post(self, request, *args, **kwargs):
        try:
            draft = alert_update_draft(original=self.object, user=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(problems=error.messages))
        messages.success(request, "Đã tạo bản nháp cập nhật. Sửa nội dung rồi bấm “Phát cảnh báo”.")
        return redirect(self.edit_url_name, draft.pk)


class CancelForm(forms.Form):
    note = forms.CharField(
        label="Lý do hủy (hiển thị cho người dân và các hệ thống nhận tin)", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AlertCancelView(AlertActionView):
    title = "Hủy cảnh báo"
    action = "cancel"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", CancelForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = CancelForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            cancel = alert_cancel(original=self.object, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(form=form, problems=error.messages))
        messages.success(request, f"Đã hủy cảnh báo “{self.object.headline}”.")
        return redirect(self.inspect_url_name, cancel.pk)


# ----------------------------------------------------------------------------------------- viewset


class AlertViewSet(CommuneOwnedViewSet):
    model = Alert
    name = "broadcasts_alert"
    url_prefix = "canh-bao"
    icon = "warning"
    menu_label = "Cảnh báo khẩn cấp"
    add_to_admin_menu = False
    add_view_class = AlertCreateView
    edit_view_class = AlertEditView
    delete_view_class = AlertDeleteView
    index_view_class = AlertIndexView
    inspect_view_class = AlertInspectView
    inspect_view_enabled = True
    inspect_view_fields = INSPECT_FIELDS
    copy_view_enabled = False
    filterset_class = AlertFilterSet
    ordering = ["-created_at"]
    list_per_page = 50
    edit_handler = ObjectList([
        MultiFieldPanel([FieldPanel("status"), FieldPanel("issuer"), FieldPanel("sender_name")], heading="Cơ quan phát"),
        MultiFieldPanel([FieldPanel("category"), FieldPanel("event"), FieldPanel("severity"), FieldPanel("urgency"),
                         FieldPanel("certainty")], heading="Sự kiện"),
        MultiFieldPanel([FieldPanel("headline"), FieldPanel("description"), FieldPanel("instruction")],
                        heading="Nội dung"),
        MultiFieldPanel([FieldPanel("effective"), FieldPanel("onset"), FieldPanel("expires")], heading="Thời gian"),
        MultiFieldPanel([FieldPanel("communes", widget=forms.CheckboxSelectMultiple),
                         FieldPanel("areas", widget=forms.CheckboxSelectMultiple),
                         FieldPanel("area_description"), FieldPanel("polygon")], heading="Khu vực bị ảnh hưởng"),
        MultiFieldPanel([FieldPanel("radio_repeats"), FieldPanel("radio_gap_min"), FieldPanel("radio_recording")],
                        heading="Phát trên loa truyền thanh"),
        InlinePanel("translations", heading="Bản dịch tiếng dân tộc thiểu số", label="Bản dịch"),
    ], base_form_class=AlertForm)
    list_display = [
        TitleColumn("headline", label="Tiêu đề", url_name="broadcasts_alert:edit"),
        Column("state", label="Trạng thái", accessor=lambda a: alert_state(a)[1]),
        Column("msg_type", label="Loại tin", accessor="get_msg_type_display"),
        Column("status", label="Tính chất", accessor="get_status_display"),
        Column("communes", label="Xã bị ảnh hưởng", accessor=lambda a: ", ".join(c.name for c in a.communes.all())),
        Column("sent", label="Phát lúc", accessor=lambda a: local(a.sent)),
        Column("expires", label="Hết hiệu lực", accessor=lambda a: local(a.expires)),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/phat/", self.publish_view, name="publish"),
            path("<int:pk>/cap-nhat/", self.update_view, name="update"),
            path("<int:pk>/huy/", self.cancel_view, name="cancel"),
        ]

    def _action_view(self, view_class):
        return self.construct_view(
            view_class, model=self.model, permission_policy=self.permission_policy,
            index_url_name=self.get_url_name("index"), inspect_url_name=self.get_url_name("inspect"),
            edit_url_name=self.get_url_name("edit"),
        )

    @property
    def publish_view(self):
        return self._action_view(AlertPublishView)

    @property
    def update_view(self):
        return self._action_view(AlertUpdateView)

    @property
    def cancel_view(self):
        return self._action_view(AlertCancelView)
