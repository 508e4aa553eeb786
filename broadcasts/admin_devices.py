"""Admin of devices (approval, tokens, status), villages and residential groups, and board groups.

Every screen goes through the tenancy layer: the viewsets are `CommuneOwnedViewSet`s, the actions on a
device (approve, rotate token, revoke; `admin_views.py`) wear `commune_object_view` and need
`broadcasts.manage_device_tokens`, and the portal-wide summary is for portal staff only."""

import django_filters
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets import HeaderButton

from broadcasts import admin_views
from broadcasts.admin_views import user_communes
from broadcasts.content_languages import label as language_label
from broadcasts.forms import AreaForm, DeviceForm
from broadcasts.models import Area, BoardGroup, Device, DeviceKind, DeviceState
from sites.scoping import CommuneOwnedViewSet
from sites.tenancy import user_is_portal_staff

STATUS_ONLINE = "Trực tuyến"
STATUS_OFFLINE = "Mất kết nối"


def local_datetime(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "Chưa liên lạc"


def device_status(device, now=None):
    """Online or offline (by `Device.is_online`), pending, revoked, in words."""
    if device.state == DeviceState.PENDING:
        return DeviceState.PENDING.label
    if device.state == DeviceState.REVOKED:
        return DeviceState.REVOKED.label
    return STATUS_ONLINE if device.is_online(now) else STATUS_OFFLINE


class DeviceFilterSet(WagtailFilterSet):
    commune = django_filters.ModelChoiceFilter(label="Xã", queryset=user_communes, empty_label="Tất cả")
    kind = django_filters.ChoiceFilter(label="Loại thiết bị", choices=DeviceKind.choices, empty_label="Tất cả")
    state = django_filters.ChoiceFilter(label="Trạng thái", choices=DeviceState.choices, empty_label="Tất cả")

    class Meta:
        model = Device
        fields = ["commune", "kind", "state"]


class AreaFilterSet(WagtailFilterSet):
    commune = django_filters.ModelChoiceFilter(label="Xã", queryset=user_communes, empty_label="Tất cả")

    class Meta:
        model = Area
        fields = ["commune", "kind"]


class DeviceIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune__unit", "area", "group")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if user_is_portal_staff(self.request.user):
            buttons.append(HeaderButton("Tình trạng thiết bị các xã", url=reverse("device:summary"),
                                        icon_name="table"))
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if not self.request.user.has_perm("broadcasts.manage_device_tokens"):
            return buttons
        if instance.state == DeviceState.PENDING:
            buttons.append(MenuItem("Duyệt", url=reverse("device:approve", args=[instance.pk]),
                                         icon_name="check", priority=5))
        if instance.state == DeviceState.ACTIVE:
            buttons.append(MenuItem("Đổi mã truy cập", url=reverse("device:rotate", args=[instance.pk]),
                                         icon_name="key", priority=6))
        if instance.state != DeviceState.REVOKED:
            buttons.append(MenuItem("Thu hồi", url=reverse("device:revoke", args=[instance.pk]),
                                         icon_name="cross", priority=7))
        return buttons


class DeviceInspectView(generic.InspectView):
    """The device with its history (DeviceEvent)."""

    template_name = "broadcasts/admin/device_inspect.html"

    def get_fields(self):
        return ["commune", "kind", "name", "location", "area", "group", "display_type", "width", "height",
                "hardware_id", "model_name", "firmware", "state", "approved_at", "token_issued_at",
                "last_seen_at", "last_snapshot_revision", "poll_interval_s", "test_mode"]

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name)
        if field_name in ("approved_at", "token_issued_at", "last_seen_at"):
            return local_datetime(value) if value or field_name == "last_seen_at" else "–"
        if field_name == "state":
            return device_status(self.object)
        if field_name == "test_mode":
            return "Có" if value else "Không"
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("actor")[:100]
        context["can_manage_tokens"] = self.request.user.has_perm("broadcasts.manage_device_tokens")
        return context


class DeviceViewSet(CommuneOwnedViewSet):
    model = Device
    icon = "desktop"
    menu_label = "Thiết bị"
    url_prefix = "bang-tin/thiet-bi"
    name = "device"
    add_to_admin_menu = False
    index_view_class = DeviceIndexView
    inspect_view_class = DeviceInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = DeviceFilterSet
    search_fields = ["name", "location", "hardware_id"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        TitleColumn("name", label="Tên", url_name="device:inspect"),
        Column("commune", label="Xã", accessor=lambda d: d.commune.name),
        Column("kind", label="Loại", accessor="get_kind_display"),
        StatusTagColumn("status", label="Trạng thái", accessor=device_status,
                        primary=lambda d: d.state == DeviceState.ACTIVE and d.is_online()),
        Column("last_seen_at", label="Liên lạc gần nhất", accessor=lambda d: local_datetime(d.last_seen_at)),
        Column("last_snapshot_revision", label="Phiên bản lịch đang dùng",
               accessor=lambda d: d.last_snapshot_revision or "–"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("commune"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("name")]),
            FieldPanel("location"),
            FieldRowPanel([FieldPanel("area"), FieldPanel("group")]),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("display_type"), FieldPanel("width"), FieldPanel("height")])],
                heading="Màn hình (bắt buộc với bảng tin)",
            ),
            FieldRowPanel([FieldPanel("hardware_id"), FieldPanel("model_name")]),
            FieldRowPanel([FieldPanel("poll_interval_s"), FieldPanel("alerts_poll_interval_s")]),
            FieldPanel("test_mode"),
        ],
        base_form_class=DeviceForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/duyet/", admin_views.device_approve_view, name="approve"),
            path("<int:pk>/doi-ma/", admin_views.device_rotate_view, name="rotate"),
            path("<int:pk>/thu-hoi/", admin_views.device_revoke_view, name="revoke"),
            path("tong-hop-cac-xa/", admin_views.device_summary_view, name="summary"),
        ]


class AreaViewSet(CommuneOwnedViewSet):
    model = Area
    icon = "site"
    menu_label = "Thôn, tổ dân phố"
    url_prefix = "bang-tin/thon-to-dan-pho"
    name = "area"
    add_to_admin_menu = False
    copy_view_enabled = False
    search_fields = ["name", "code"]
    search_backend_name = None
    filterset_class = AreaFilterSet
    edit_handler = ObjectList(
        [FieldPanel("commune"), FieldPanel("name"), FieldPanel("kind"), FieldPanel("code"), FieldPanel("language")],
        base_form_class=AreaForm,
    )
    list_display = ["name", "kind", "commune",
                    Column("language", label="Ngôn ngữ", accessor=lambda area: language_label(area.language))]


class BoardGroupViewSet(CommuneOwnedViewSet):
    model = BoardGroup
    icon = "group"
    menu_label = "Nhóm bảng tin"
    url_prefix = "bang-tin/nhom-bang-tin"
    name = "boardgroup"
    add_to_admin_menu = False
    copy_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["commune", "name", "description"]
    list_display = ["name", "commune"]

