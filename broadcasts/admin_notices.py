"""Admin of board notices: a snippet with drafts, revisions, locking, the commune's workflow
(`BoardNotice.get_workflow`) and previews on an LED strip and a 1920×1080 screen.

Editors write and submit; the commune's approvers (and portal staff) approve, which publishes the
notice, and only then does it reach devices (`live=True`)."""

import django_filters
from django import forms
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.snippets.views.snippets import CreateView, IndexView

from broadcasts.admin_views import user_communes
from broadcasts.forms import BoardNoticeForm
from broadcasts.models import BoardNotice, BroadcastClass, NoticeTarget
from sites.scoping import CommuneOwnedSnippetViewSet
from sites.tenancy import commune_sites_for_user, user_is_portal_staff


def local_datetime(value):
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def notice_state(notice):
    if notice.live and not notice.has_unpublished_changes:
        return "Đã duyệt, đang áp dụng"
    if notice.workflow_in_progress:
        return "Chờ duyệt"
    if notice.live:
        return "Đã duyệt (có bản sửa chưa duyệt)"
    return "Bản nháp"


def notice_targets(notice):
    """Where a notice shows, in words."""
    if notice.commune_id is None:
        communes = [commune.name for commune in notice.target_communes.all()]
        return "Các xã: " + ", ".join(communes) if communes else "Tất cả các xã"
    if notice.target == NoticeTarget.GROUPS:
        return "Nhóm: " + ", ".join(group.name for group in notice.target_groups.all())
    if notice.target == NoticeTarget.DEVICES:
        return "Bảng tin: " + ", ".join(device.name for device in notice.target_devices.all())
    return "Tất cả bảng tin của xã"


class BoardNoticeFilterSet(WagtailFilterSet):
    commune = django_filters.ModelChoiceFilter(
        label="Xã", queryset=user_communes, empty_label="Tất cả", null_label="Thông báo của cổng",
    )
    broadcast_class = django_filters.ChoiceFilter(label="Mức độ", choices=BroadcastClass.choices, empty_label="Tất cả")
    live = django_filters.BooleanFilter(
        label="Trạng thái", widget=forms.Select(choices=[("", "Tất cả"), ("true", "Đã duyệt"), ("false", "Chưa duyệt")]),
    )

    class Meta:
        model = BoardNotice
        fields = ["commune", "broadcast_class", "live"]


class BoardNoticeIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune__unit").prefetch_related(
            "target_communes", "target_groups", "target_devices"
        )


class BoardNoticeCreateView(CreateView):
    @cached_property
    def workflow(self):
        """A new notice of commune staff is their commune's (the form allows no other), so it can be
        submitted to that commune's workflow as it is created. Portal staff publish directly."""
        user = self.request.user
        if user_is_portal_staff(user):
            return None
        communes = list(commune_sites_for_user(user).select_related("workflow")[:2])
        if len(communes) != 1:
            return None
        workflow = communes[0].workflow
        return workflow if workflow.active else None


class BoardNoticeViewSet(CommuneOwnedSnippetViewSet):
    model = BoardNotice
    icon = "doc-full"
    menu_label = "Thông báo bảng tin"
    add_to_admin_menu = False
    index_view_class = BoardNoticeIndexView
    add_view_class = BoardNoticeCreateView
    filterset_class = BoardNoticeFilterSet
    search_fields = ["title", "text"]
    search_backend_name = None  # staff search their own drafts too, not only what the index holds
    ordering = ["-valid_from"]
    list_display = [
        TitleColumn("title", label="Tiêu đề", url_name="wagtailsnippets_broadcasts_boardnotice:edit"),
        Column("commune", label="Xã", accessor=lambda n: n.commune.name if n.commune_id else "Cổng (nhiều xã)"),
        Column("broadcast_class", label="Mức độ", accessor="get_broadcast_class_display"),
        Column("state", label="Trạng thái", accessor=notice_state),
        Column("validity", label="Hiệu lực",
               accessor=lambda n: f"{local_datetime(n.valid_from)} – {local_datetime(n.valid_until)}"),
        Column("targets", label="Hiển thị trên", accessor=notice_targets),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("commune"),
                    FieldPanel("title"),
                    FieldPanel("text"),
                    FieldRowPanel([FieldPanel("broadcast_class"), FieldPanel("language")]),
                    InlinePanel("images", heading="Ảnh (bảng LCD)", label="Ảnh", max_num=5),
                    InlinePanel("versions", heading="Bản tiếng dân tộc thiểu số", label="Bản tiếng dân tộc",
                                help_text="Tùy chọn. Bảng tin ở thôn đặt ngôn ngữ này hiển thị bản này thay cho "
                                "bản tiếng Việt."),
                    FieldPanel("source_page", read_only=True),
                ],
                heading="Nội dung",
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
                    FieldRowPanel([FieldPanel("duration_s"), FieldPanel("display_order")]),
                    FieldPanel("days"),
                    InlinePanel("time_windows", heading="Khung giờ trong ngày", label="Khung giờ",
                                help_text="Không có khung giờ nào: hiển thị cả ngày."),
                ],
                heading="Lịch hiển thị",
            ),
            ObjectList(
                [
                    FieldPanel("target", widget=forms.RadioSelect),
                    MultiFieldPanel(
                        [
                            FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
                            FieldPanel("target_devices", widget=forms.CheckboxSelectMultiple),
                        ],
                        heading="Chọn nhóm hoặc bảng tin",
                    ),
                    FieldPanel("target_communes", widget=forms.CheckboxSelectMultiple),
                ],
                heading="Nơi hiển thị",
            ),
        ],
        base_form_class=BoardNoticeForm,
    )

    def get_urlpatterns(self):
        from broadcasts.admin_translations import translate_notice_view

        return super().get_urlpatterns() + [path("<int:pk>/ban-dich/", translate_notice_view, name="translate")]
