"""Admin area "Hỏi đáp": questions, holidays and the personal-data audit log. Each is a
`CommuneOwnedViewSet`, so every listing, export, form and object lookup is scoped to the communes the
user works for by the tenancy layer (model permissions are global in Django; tenancy is not)."""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from questions import admin_views
from questions.models import (
    OPEN_STATES,
    Holiday,
    NotificationState,
    PersonalDataAccess,
    Question,
    QuestionField,
    QuestionKind,
    QuestionState,
)
from sites.scoping import CommuneOwnedViewSet, SharedRowsIndexView
from sites.tenancy import communes_for_user, user_is_portal_staff, works_for_one_commune


def _user_communes(request):
    return communes_for_user(request.user).order_by("title")


# ------------------------------------------------------------------------------------------- questions


class QuestionFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label="Trạng thái", choices=QuestionState.choices, empty_label="Tất cả")
    field = django_filters.ChoiceFilter(label="Lĩnh vực", choices=QuestionField.choices, empty_label="Tất cả")
    kind = django_filters.ChoiceFilter(label="Loại", choices=QuestionKind.choices, empty_label="Tất cả")
    overdue = django_filters.BooleanFilter(
        label="Quá hạn", method="filter_overdue",
        widget=forms.Select(choices=[("", "Tất cả"), ("true", "Quá hạn"), ("false", "Chưa quá hạn")]),
    )
    commune = django_filters.ModelChoiceFilter(label="Xã", queryset=_user_communes, empty_label="Tất cả")
    mail_failed = django_filters.BooleanFilter(
        label="Thư thông báo", method="filter_mail_failed",
        widget=forms.Select(choices=[("", "Tất cả"), ("true", "Gửi thư lỗi")]),
    )

    class Meta:
        model = Question
        fields = ["state", "field", "kind", "overdue", "commune", "mail_failed"]

    def filter_mail_failed(self, queryset, name, value):
        # Questions with an e-mail that failed its round of attempts: staff retry or reach the person otherwise.
        if value is True:
            return queryset.filter(notifications__state=NotificationState.FAILED).distinct()
        return queryset

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
        if value is True:
            return queryset.filter(overdue)
        if value is False:
            return queryset.exclude(overdue)
        return queryset


def _local_time_text(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _local_time_naive(value):
    # openpyxl stores no time zone: write the time people read here, not Wagtail's default UTC.
    return timezone.make_naive(value).replace(microsecond=0) if value else None


def _date_text(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _commune_title(commune):
    return commune.title if commune else ""


def _both_formats(function):
    return {"csv": function, "xlsx": function}


LOCAL_TIME = {"csv": _local_time_text, "xlsx": _local_time_naive}
DATE = {"csv": _date_text, "xlsx": None}  # xlsx: a real date cell


class ListingColumn(Column):
    """A column of the questions' listing: its stylesheet lays the rows out as cards on a phone."""

    class Media:
        css = {"all": ["questions/admin-listing.css"]}


class QuestionIndexView(generic.IndexView):
    table_classname = "questions-listing"
    custom_field_preprocess = {
        "commune": _both_formats(_commune_title),
        "received_at": LOCAL_TIME,
        "answered_at": LOCAL_TIME,
        "published_at": LOCAL_TIME,
        "deadline": DATE,
        "is_overdue": _both_formats(lambda overdue: "Quá hạn" if overdue else ""),
        "private": _both_formats(lambda private: "Có" if private else "Không"),
    }

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune")

    @cached_property
    def columns(self):
        # Wagtail gives the row's buttons only to a title column it makes itself: the title keeps its
        # link and gets them ("Tạo bản tin phát thanh").
        columns = list(super().columns)
        columns[0] = self._get_title_column_class(TitleColumn)("title", label="Tiêu đề", url_name="questions_question:edit")
        if works_for_one_commune(self.request.user):
            columns = [column for column in columns if column.name != "commune"]
        return columns

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        url = radio_bulletin_url(self.request.user, instance)
        if url:
            buttons.append(ListingMenuItem("Tạo bản tin phát thanh", url=url, icon_name="media", priority=50))
        return buttons


class QuestionViewSet(CommuneOwnedViewSet):
    model = Question
    icon = "help"
    menu_label = "Câu hỏi, phản ánh"
    url_prefix = "hoi-dap/cau-hoi"
    name = "questions_question"
    index_view_class = QuestionIndexView
    filterset_class = QuestionFilterSet
    search_fields = ["title", "tracking_code", "public_text"]
    search_backend_name = None  # the search index holds only published questions; staff search all of theirs
    copy_view_enabled = False
    list_per_page = 30
    # The export is for reporting on the work: never the sender's contact data (name, e-mail, phone,
    # address, IP live in QuestionContact) nor their unredacted text (original_title, original_text).
    list_export = [
        "tracking_code", "title", "commune", "get_kind_display", "get_field_display", "get_state_display",
        "received_at", "deadline", "is_overdue", "department", "answered_at", "published_at", "private",
    ]
    export_headings = {
        "tracking_code": "Mã tra cứu",
        "title": "Tiêu đề",
        "commune": "Xã",
        "get_kind_display": "Loại",
        "get_field_display": "Lĩnh vực",
        "get_state_display": "Trạng thái",
        "received_at": "Ngày tiếp nhận",
        "deadline": "Hạn trả lời",
        "is_overdue": "Quá hạn",
        "department": "Bộ phận xử lý",
        "answered_at": "Ngày trả lời",
        "published_at": "Ngày công khai",
        "private": "Trả lời riêng",
    }
    export_filename = "cau-hoi-phan-anh"
    list_display = [
        TitleColumn("title", label="Tiêu đề", url_name="questions_question:edit"),
        ListingColumn("tracking_code", label="Mã tra cứu", classname="questions-col-optional"),
        ListingColumn("commune", label="Xã", accessor=lambda q: q.commune.title, classname="questions-col-commune"),
        ListingColumn("kind", label="Loại", accessor="get_kind_display", classname="questions-col-optional"),
        ListingColumn("field", label="Lĩnh vực", accessor="get_field_display", classname="questions-col-optional"),
        ListingColumn("state", label="Trạng thái", accessor="get_state_display", classname="questions-col-state"),
        # Dates as dates (dd/mm/yyyy, the time where it helps), never "1 năm trước".
        ListingColumn("received_at", label="Ngày nhận", sort_key="received_at",
                      accessor=lambda q: _local_time_text(q.received_at), classname="questions-col-received"),
        ListingColumn("deadline", label="Hạn trả lời", sort_key="deadline",
                      accessor=lambda q: _date_text(q.deadline), classname="questions-col-deadline"),
        ListingColumn("overdue", label="Quá hạn", accessor=lambda q: "⚠ Quá hạn" if q.is_overdue else "",
                      classname="questions-col-overdue"),
    ]

    def get_common_view_kwargs(self, **kwargs):
        # Questions come from citizens: no add, copy, delete or generic edit screens.
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "delete_url_name": None, "history_url_name": None, "usage_url_name": None,
               **kwargs}
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", admin_views.question_process, name="edit"),
            path("<int:pk>/lien-he/", admin_views.question_contact, name="contact"),
            path("<int:pk>/tep-dinh-kem/", admin_views.question_attachment, name="attachment"),
            path("<int:pk>/thu/<int:notification_pk>/gui-lai/", admin_views.notification_retry_view,
                 name="notification_retry"),
        ]

    def register_reference_index(self):
        pass  # questions hold no references worth tracking; skipping it saves queries on every submission


# -------------------------------------------------------------------------------------------- holidays


# Public holidays come from the `holidays` package (questions/workdays.py); the table is for the rest.
PUBLIC_HOLIDAYS_NOTE = ("Các ngày nghỉ lễ, Tết toàn quốc theo Bộ luật Lao động (kể cả ngày nghỉ bù) được tính tự động; "
                        "chỉ cần nhập ngày nghỉ riêng, ngày nghỉ thêm hoặc ngày làm bù.")


class HolidayForm(WagtailAdminModelForm):
    """Commune staff add their commune's own days; only portal staff touch national ones."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        communes = communes_for_user(for_user).order_by("title")
        field = self.fields["commune"]
        field.queryset = communes
        field.label_from_instance = lambda c: c.title
        self.fields["date"].help_text = PUBLIC_HOLIDAYS_NOTE
        self.portal_staff = user_is_portal_staff(for_user)
        if self.portal_staff:
            field.empty_label = "Toàn quốc (ngày nghỉ chung)"
        else:
            field.required = True
            field.empty_label = None
            field.help_text = "Ngày nghỉ riêng của xã. Ngày nghỉ lễ toàn quốc do quản trị cổng thông tin cập nhật."

    def clean_commune(self):
        commune = self.cleaned_data.get("commune")
        if commune is None and not self.portal_staff:
            raise forms.ValidationError("Vui lòng chọn xã.")
        return commune

    def clean(self):
        data = super().clean()
        date, commune = data.get("date"), data.get("commune")
        if date:
            clash = Holiday.objects.filter(date=date, commune=commune).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("date", "Ngày này đã có trong bảng.")
        return data


class HolidayIndexView(SharedRowsIndexView):
    """Everyone reads the national days; only rows the user may change get edit and delete links."""

    @cached_property
    def columns(self):
        # The date links to the edit form only where this user may edit (not national days for communes).
        date = TitleColumn("date", label="Ngày", get_url=self.get_edit_url, accessor=lambda h: h.date.strftime("%d/%m/%Y"))
        return [date, *super().columns[1:]]


class HolidayViewSet(CommuneOwnedViewSet):
    model = Holiday
    icon = "date"
    menu_label = "Ngày nghỉ lễ"
    url_prefix = "hoi-dap/ngay-nghi"
    name = "questions_holiday"
    edit_handler = ObjectList(
        [FieldPanel("date"), FieldPanel("name"), FieldPanel("commune"), FieldPanel("is_working_day")],
        base_form_class=HolidayForm,
    )
    index_view_class = HolidayIndexView
    copy_view_enabled = False
    list_per_page = 50
    ordering = ["-date"]
    list_display = [
        TitleColumn("date", label="Ngày", url_name="questions_holiday:edit",
                    accessor=lambda h: h.date.strftime("%d/%m/%Y")),
        Column("name", label="Tên ngày"),
        Column("scope", label="Phạm vi", accessor="scope_label"),
        Column("is_working_day", label="Loại", accessor=lambda h: "Ngày làm bù" if h.is_working_day else "Ngày nghỉ"),
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"history_url_name": None, "usage_url_name": None, **kwargs})


# ------------------------------------------------------------------------------------------ audit log


class AccessIndexView(generic.IndexView):
    custom_field_preprocess = {
        "commune": _both_formats(_commune_title),
        "at": LOCAL_TIME,
        "username": _both_formats(lambda username: username or "Hệ thống"),
    }

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune")


class AccessFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label="Thao tác", choices=PersonalDataAccess._meta.get_field("action").choices,
                                         empty_label="Tất cả")

    class Meta:
        model = PersonalDataAccess
        fields = ["action"]


class PersonalDataAccessViewSet(CommuneOwnedViewSet):
    model = PersonalDataAccess
    icon = "history"
    menu_label = "Nhật ký dữ liệu cá nhân"
    url_prefix = "hoi-dap/nhat-ky-du-lieu"
    name = "questions_access"
    index_view_class = AccessIndexView
    filterset_class = AccessFilterSet
    search_fields = ["tracking_code", "username"]
    search_backend_name = None
    copy_view_enabled = False
    list_per_page = 50
    list_export = ["at", "username", "get_action_display", "tracking_code", "commune"]
    export_headings = {
        "at": "Thời điểm",
        "username": "Tài khoản",
        "get_action_display": "Thao tác",
        "tracking_code": "Mã tra cứu",
        "commune": "Xã",
    }
    export_filename = "nhat-ky-du-lieu-ca-nhan"
    list_display = [
        Column("at", label="Thời điểm", accessor=lambda a: timezone.localtime(a.at).strftime("%d/%m/%Y %H:%M")),
        Column("username", label="Tài khoản", accessor=lambda a: a.username or "Hệ thống"),
        Column("action", label="Thao tác", accessor="get_action_display"),
        Column("tracking_code", label="Mã tra cứu"),
        Column("commune", label="Xã", accessor=lambda a: a.commune.title if a.commune else ""),
        Column("ip_address", label="Địa chỉ IP"),
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, "history_url_name": None,
               "usage_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def register_admin_url_finder(self):
        pass


class QuestionsGroup(ViewSetGroup):
    menu_label = "Hỏi đáp"
    menu_icon = "help"
    menu_order = 250
    items = (QuestionViewSet, HolidayViewSet, PersonalDataAccessViewSet)


@hooks.register("register_admin_viewset")
def register_questions_viewsets():
    return QuestionsGroup()


class DataRequestMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("questions.export_personal_data")


@hooks.register("register_admin_urls")
def register_data_request_url():
    return [path("hoi-dap/yeu-cau-du-lieu/", admin_views.data_request, name="questions_data_request")]


@hooks.register("register_admin_menu_item")
def register_data_request_menu_item():
    return DataRequestMenuItem(
        "Yêu cầu về dữ liệu cá nhân", reverse("questions_data_request"), icon_name="user", order=260
    )


# ------------------------------------------------------------------------- radio bulletins from answers
# The commune radio reads answered questions out. Questions and broadcasts are sibling features and
# never import each other: broadcasts asks every `register_radio_bulletin_source` hook for a source
# (plain data: a name, a label, and two functions scoped to the user), and links back here by URL name.

RADIO_SOURCE = "cau-hoi"
RADIO_SOURCE_URL = "radio_sources:index"
RADIO_PERMISSION = "broadcasts.add_radiobulletin"


def _bulletin_item(question):
    """What the radio may read: the published (redacted) title and text, and the answer."""
    return {
        "id": question.pk,
        "title": question.title,
        "text": f"Hỏi: {question.public_text}\n\nTrả lời: {question.answer}",
        "label": f"Hỏi đáp: {question.title}",
        "commune_home_id": question.commune_id,
        "date": question.published_at,
    }


def answered_questions_for(user, limit=100):
    """The published, public answers of the user's communes, newest first."""
    questions = Question.objects.editable_by(user).published().order_by("-published_at")[:limit]
    return [_bulletin_item(question) for question in questions]


def answered_question_for(user, item_id):
    """One of them by id, or None (another commune's, unpublished, private or missing)."""
    question = Question.objects.editable_by(user).published().filter(pk=item_id).first()
    return _bulletin_item(question) if question is not None else None


@hooks.register("register_radio_bulletin_source")
def radio_bulletin_source():
    return {"name": RADIO_SOURCE, "label": "Câu hỏi đã trả lời", "list": answered_questions_for,
            "get": answered_question_for}


def radio_bulletin_url(user, question):
    """The radio's "make a bulletin of this answer" screen, for a published public answer (None when
    the user may not add bulletins or the radio's admin is not installed)."""
    if question.state != QuestionState.PUBLISHED or question.private or not user.has_perm(RADIO_PERMISSION):
        return None
    try:
        return reverse(RADIO_SOURCE_URL) + "?" + urlencode({"nguon": RADIO_SOURCE, "muc": question.pk})
    except NoReverseMatch:
        return None


# ----------------------------------------------------------------------------------- the dashboard panel

DASHBOARD_ROWS = 10


class QuestionsToAnswerPanel(Component):
    """"Câu hỏi cần xử lý" on the admin's home: the open questions of the user's communes (every commune for
    portal staff), the overdue first then by deadline, in three queries whatever their number."""

    name = "questions_to_answer"
    template_name = "questions/admin/dashboard_panel.html"
    order = 100

    class Media:
        css = {"all": ["questions/admin-dashboard.css"]}

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        today = timezone.localdate()
        open_questions = Question.objects.editable_by(user).open()
        totals = open_questions.aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)),
        )
        rows = (
            open_questions.select_related("commune")
            .only("pk", "title", "tracking_code", "state", "deadline", "received_at", "commune__title")
            .order_by("deadline", "received_at", "pk")[:DASHBOARD_ROWS]
        )
        index_url = reverse("questions_question:index")
        return {
            "questions": [
                {"question": question, "overdue": bool(question.deadline and question.deadline < today),
                 "url": reverse("questions_question:edit", args=[question.pk])}
                for question in rows
            ],
            "totals": totals,
            "show_commune": not works_for_one_commune(user),
            "index_url": index_url,
            "overdue_url": f"{index_url}?{urlencode({'overdue': 'true'})}",
            "today": today,
        }


@hooks.register("construct_homepage_panels")
def add_questions_panel(request, panels):
    if request.user.has_perm("questions.change_question"):
        panels.append(QuestionsToAnswerPanel(request))
