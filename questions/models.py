"""Online Q&A between citizens and their commune (hỏi đáp trực tuyến, phản ánh kiến nghị).

A citizen's submission is split in two on purpose:

- `Question` holds only what may one day be public (a redacted title and text, the answer, an alias
  made of initials) plus the workflow state. It is what the site search indexes.
- `QuestionContact` holds the personal data (name, email, phone, address, IP, consent). It is never
  rendered on public pages, never indexed, is read in the admin only through an audited view, and
  is erased by `manage.py questions_erase_personal_data` after the retention period.
"""

import os
import secrets
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from communes.models import CommuneHomePage
from core.folding import fold
from sites.pages import SitePageMixin
from sites.tenancy import SHARED_READ, CommuneOwnedQuerySet, Tenancy

# The privacy notice the consent checkbox refers to. Bump it whenever the notice's text changes:
# every submission stores the version its sender agreed to.
PRIVACY_NOTICE_VERSION = "2025-07-01"


class QuestionField(models.TextChoices):
    LAND = "dat-dai", "Đất đai"
    SOCIAL_INSURANCE = "bao-hiem-xa-hoi", "Bảo hiểm xã hội, bảo hiểm y tế"
    HEALTH = "y-te", "Y tế"
    EDUCATION = "giao-duc", "Giáo dục"
    AGRICULTURE = "nong-nghiep", "Nông nghiệp"
    PROCEDURES = "thu-tuc-hanh-chinh", "Thủ tục hành chính"
    SOCIAL_POLICY = "chinh-sach-xa-hoi", "Lao động, chính sách xã hội"
    ENVIRONMENT = "moi-truong", "Môi trường, xây dựng"
    OTHER = "khac", "Khác"


class QuestionKind(models.TextChoices):
    QUESTION = "hoi-dap", "Câu hỏi"
    FEEDBACK = "phan-anh", "Phản ánh, kiến nghị"


class QuestionState(models.TextChoices):
    RECEIVED = "received", "Mới tiếp nhận"
    ACCEPTED = "accepted", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời, chờ duyệt"
    PUBLISHED = "published", "Đã công khai"
    ANSWERED_PRIVATELY = "answered_privately", "Đã trả lời riêng"
    REJECTED = "rejected", "Từ chối"
    HIDDEN = "hidden", "Đã ẩn"


OPEN_STATES = [QuestionState.RECEIVED, QuestionState.ACCEPTED, QuestionState.ANSWERED]
CLOSED_STATES = [
    QuestionState.PUBLISHED, QuestionState.ANSWERED_PRIVATELY, QuestionState.REJECTED, QuestionState.HIDDEN,
]

# What a citizen sees when looking up a tracking code: less detail than the admin's labels.
PUBLIC_STATE_LABELS = {
    QuestionState.RECEIVED: "Đã tiếp nhận, đang chờ phân công xử lý",
    QuestionState.ACCEPTED: "Đang được cán bộ xử lý",
    QuestionState.ANSWERED: "Đã có câu trả lời, đang chờ lãnh đạo duyệt",
    QuestionState.PUBLISHED: "Đã trả lời và công khai",
    QuestionState.ANSWERED_PRIVATELY: "Đã trả lời riêng cho người gửi",
    QuestionState.REJECTED: "Không tiếp nhận",
    QuestionState.HIDDEN: "Đã đóng",
}

# Tracking codes avoid look-alike characters (0/O, 1/I/L) so they survive being read over the phone.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_tracking_code():
    """`HD-XXXXX-XXXXX`: 31^10 ≈ 8·10^14 codes, so a code cannot be guessed (lookups are rate-limited too)."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
    return f"HD-{chars[:5]}-{chars[5:]}"


def normalize_tracking_code(value):
    chars = "".join(c for c in (value or "").upper() if c in TRACKING_ALPHABET)
    if chars.startswith("HD"):
        chars = chars[2:]
    if len(chars) != 10:
        return ""
    return f"HD-{chars[:5]}-{chars[5:]}"


class PrivateAttachmentStorage(FileSystemStorage):
    """Attachments may show personal data, so they live outside MEDIA_ROOT, have no public URL and
    are served only by an audited admin view. The folder is read from settings on each use."""

    @property
    def base_location(self):
        return settings.QUESTIONS_ATTACHMENT_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def attachment_storage():
    """The `private` storage of settings.STORAGES: this folder by default, a private bucket when
    `MEDIA_STORAGE=s3` (README "Object storage")."""
    return storages["private"]


def attachment_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"questions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class QuestionQuerySet(SearchableQuerySetMixin, CommuneOwnedQuerySet):
    def published(self):
        """Answered questions the public may read: the only ones search and public pages show."""
        return self.filter(state=QuestionState.PUBLISHED, private=False)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today=None):
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Question(index.Indexed, models.Model):
    tenancy = Tenancy("commune")

    commune = models.ForeignKey(
        "communes.CommuneHomePage", verbose_name="xã", on_delete=models.PROTECT, related_name="questions"
    )
    tracking_code = models.CharField("mã tra cứu", max_length=16, unique=True, editable=False)
    kind = models.CharField("loại", max_length=16, choices=QuestionKind.choices, default=QuestionKind.QUESTION)
    field = models.CharField("lĩnh vực", max_length=32, choices=QuestionField.choices, default=QuestionField.OTHER)
    title = models.CharField("tiêu đề", max_length=200)
    public_text = models.TextField(
        "nội dung công khai", max_length=5000,
        help_text="Nội dung sẽ công khai. Che số điện thoại, email, số CCCD và các thông tin cá nhân trước khi công bố.",
    )
    original_title = models.CharField("tiêu đề gốc", max_length=200, blank=True)
    original_text = models.TextField("nội dung gốc của người gửi", blank=True)
    public_name = models.CharField("tên hiển thị", max_length=40, blank=True, help_text="Chữ cái đầu của họ tên, ví dụ N.V.A.")
    private = models.BooleanField("yêu cầu trả lời riêng", default=False)
    attachment = models.FileField(
        "tệp đính kèm", storage=attachment_storage, upload_to=attachment_path, blank=True, max_length=200
    )
    attachment_name = models.CharField("tên tệp gốc", max_length=120, blank=True)

    state = models.CharField("trạng thái", max_length=20, choices=QuestionState.choices, default=QuestionState.RECEIVED)
    state_reason = models.TextField("lý do", blank=True, max_length=1000)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="cán bộ xử lý", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_questions",
    )
    department = models.CharField("bộ phận xử lý", max_length=120, blank=True)
    answer = models.TextField("câu trả lời", blank=True, max_length=20000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người trả lời", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    answered_at = models.DateTimeField("ngày trả lời", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người duyệt", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    published_at = models.DateTimeField("ngày công khai", null=True, blank=True, db_index=True)
    received_at = models.DateTimeField("ngày tiếp nhận", default=timezone.now, db_index=True)
    deadline = models.DateField("hạn trả lời", null=True, blank=True)
    closed_at = models.DateTimeField("ngày kết thúc", null=True, blank=True)
    # Folded (no diacritics, đ → d) title + public text + answer, for the public list's keyword filter.
    search_key = models.TextField(editable=False, blank=True)
    # Bumped by every edit and transition: a form that was opened at another version is stale, and
    # saving it would silently undo what someone else did meanwhile (services.EditConflict).
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    objects = QuestionQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("public_text"),
        index.SearchField("answer"),
        index.FilterField("commune"),
        index.FilterField("commune_id"),
        index.FilterField("state"),
        index.FilterField("private"),
        index.FilterField("field"),
        index.FilterField("kind"),
        index.FilterField("published_at"),
    ]

    class Meta:
        verbose_name = "câu hỏi"
        verbose_name_plural = "hỏi đáp"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["commune", "state", "-published_at"], name="questions_public_list"),
            models.Index(fields=["state", "deadline"], name="questions_overdue"),
        ]
        permissions = [
            ("answer_question", "Có thể trả lời câu hỏi"),
            ("publish_question", "Có thể duyệt, công bố câu trả lời"),
            ("reject_question", "Có thể từ chối hoặc ẩn câu hỏi của công dân"),
            ("view_personal_data", "Có thể xem thông tin liên hệ của người gửi"),
            ("export_personal_data", "Có thể xuất và xóa dữ liệu cá nhân theo yêu cầu"),
        ]

    def __str__(self):
        return f"{self.tracking_code} – {self.title}"

    def save(self, *args, **kwargs):
        self.search_key = fold(" ".join([self.title, self.public_text, self.answer]))
        super().save(*args, **kwargs)

    @classmethod
    def get_indexed_objects(cls):
        # Only published, public questions ever reach a search index.
        return cls.objects.published()

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_overdue(self):
        return bool(self.is_open and self.deadline and self.deadline < timezone.localdate())

    @property
    def public_state_label(self):
        return PUBLIC_STATE_LABELS.get(self.state, "")

    def index_page(self):
        return QuestionIndexPage.objects.live().child_of(self.commune).first()

    def get_url(self, request=None):
        """The public detail page under the commune's Q&A page (None when it is not public)."""
        page = self.index_page()
        return page.question_url(self.pk, request) if page is not None else None

    @property
    def url(self):
        return self.get_url()

    # The site search contract: the site search finds this model among Wagtail's indexed models by
    # these names (search names no feature; this app imports nothing of search).
    site_search_kind = "hoi-dap"
    site_search_label = "Hỏi đáp"

    @classmethod
    def site_search_queryset(cls, communes):
        """What the public may find: published, public questions of these commune home pages."""
        return cls.objects.published().filter(commune_id__in=[c.pk for c in communes])

    @classmethod
    def site_search_urls(cls, questions, communes, request=None):
        """{pk: public URL} of these questions, in one query whatever their number."""
        questions = list(questions)
        wanted = {q.commune_id for q in questions}
        pages = QuestionIndexPage.for_communes([c for c in communes if c.pk in wanted])
        bases = {commune_id: page.get_url(request) for commune_id, page in pages.items()}
        return {
            q.pk: bases[q.commune_id] + pages[q.commune_id].reverse_subpage("detail", args=[q.pk])
            for q in questions if bases.get(q.commune_id)
        }

    @property
    def site_search_commune_id(self):
        return self.commune_id

    @property
    def site_search_date(self):
        return timezone.localdate(self.published_at) if self.published_at else None

    @property
    def site_search_title(self):
        return self.title

    @property
    def site_search_text(self):
        return f"{self.public_text} {self.answer}"


class QuestionContact(models.Model):
    """The sender's personal data. Never rendered publicly; every admin read is audited."""

    tenancy = Tenancy("question__commune")

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="contact", primary_key=True)
    name = models.CharField("họ và tên hoặc bí danh", max_length=100, blank=True)
    email = models.EmailField("email", blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    address = models.CharField("địa chỉ", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    consent_at = models.DateTimeField("thời điểm đồng ý")
    consent_notice_version = models.CharField("phiên bản thông báo bảo vệ dữ liệu", max_length=20)
    erased_at = models.DateTimeField("đã xóa dữ liệu lúc", null=True, blank=True)

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "thông tin liên hệ người gửi"
        verbose_name_plural = "thông tin liên hệ người gửi"

    def __str__(self):
        return f"Thông tin liên hệ – {self.question.tracking_code}"

    @property
    def is_erased(self):
        return self.erased_at is not None


class QuestionEvent(models.Model):
    """One state transition (or edit) of a question: who, when, from what to what, and why."""

    tenancy = Tenancy("question__commune")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("từ trạng thái", max_length=20, choices=QuestionState.choices, blank=True)
    to_state = models.CharField("sang trạng thái", max_length=20, choices=QuestionState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("người thực hiện", max_length=150, blank=True)
    at = models.DateTimeField("thời điểm", default=timezone.now)
    note = models.TextField("ghi chú", blank=True, max_length=1000)

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "lịch sử xử lý"
        verbose_name_plural = "lịch sử xử lý"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.question_id}: {self.from_state or '–'} → {self.to_state}"


class NotificationKind(models.TextChoices):
    NEW_QUESTION = "new_question", "Báo cán bộ có câu hỏi mới"
    ANSWER = "answer", "Gửi câu trả lời cho người hỏi"


class NotificationState(models.TextChoices):
    QUEUED = "queued", "Đang chờ gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi lỗi"


class QuestionNotification(models.Model):
    """One e-mail about a question, recorded in the same transaction as the change that calls for it and
    sent afterwards by a background task (`questions.tasks`), with retries; a failure stays visible.

    The body is not stored: it is built from the question when sent (`services.notification_message`), so
    the sender's name and the answer are kept in one place only. `recipients` is personal data (the
    citizen's e-mail) and is blanked with the rest of the contact data (`services.erase_personal_data`).
    """

    tenancy = Tenancy("question__commune")

    question = models.ForeignKey(Question, verbose_name="câu hỏi", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("loại thư", max_length=16, choices=NotificationKind.choices)
    recipients = models.TextField("người nhận", blank=True, help_text="Các địa chỉ email, cách nhau bằng dấu phẩy.")
    subject = models.CharField("tiêu đề thư", max_length=255)
    state = models.CharField(
        "tình trạng", max_length=8, choices=NotificationState.choices, default=NotificationState.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    sent_at = models.DateTimeField("gửi được lúc", null=True, blank=True)

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "thư thông báo"
        verbose_name_plural = "thư thông báo"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.question.tracking_code}"

    @property
    def recipient_list(self):
        return [address for address in self.recipients.split(",") if address]


class PersonalDataAction(models.TextChoices):
    VIEW = "view", "Xem thông tin liên hệ"
    ATTACHMENT = "attachment", "Xem tệp đính kèm"
    EXPORT = "export", "Xuất dữ liệu"
    ERASE = "erase", "Xóa dữ liệu theo yêu cầu"
    RETENTION = "retention", "Xóa tự động hết thời hạn lưu trữ"


class PersonalDataAccess(models.Model):
    """Audit trail: who viewed, exported or erased a sender's personal data (Luật 91/2025).

    Rows with no commune (a portal-wide export, say) are portal staff's."""

    tenancy = Tenancy("commune")

    commune = models.ForeignKey(
        "communes.CommuneHomePage", verbose_name="xã", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.ForeignKey(Question, verbose_name="câu hỏi", null=True, on_delete=models.SET_NULL, related_name="+")
    tracking_code = models.CharField("mã tra cứu", max_length=16)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người dùng", null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField("tài khoản", max_length=150, blank=True, help_text="Trống khi hệ thống tự thực hiện.")
    action = models.CharField("thao tác", max_length=16, choices=PersonalDataAction.choices)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "nhật ký truy cập dữ liệu cá nhân"
        verbose_name_plural = "nhật ký truy cập dữ liệu cá nhân"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.username or 'hệ thống'} – {self.get_action_display()} – {self.tracking_code}"


class Holiday(models.Model):
    """A day off (or a make-up working day) for answer deadlines.

    National days (no commune) are kept by portal staff and read by everyone; a commune may add its
    own local days.
    """

    tenancy = Tenancy("commune", shared_rows=SHARED_READ)

    date = models.DateField("ngày")
    name = models.CharField("tên ngày", max_length=120)
    commune = models.ForeignKey(
        "communes.CommuneHomePage", verbose_name="xã", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", help_text="Để trống: ngày nghỉ chung toàn quốc (chỉ quản trị cổng được sửa).",
    )
    is_working_day = models.BooleanField(
        "ngày làm bù", default=False, help_text="Đánh dấu nếu đây là ngày thứ Bảy/Chủ nhật phải đi làm bù.",
    )

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "ngày nghỉ lễ"
        verbose_name_plural = "ngày nghỉ lễ"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "commune"], name="questions_holiday_unique_per_commune"),
            models.UniqueConstraint(fields=["date"], condition=Q(commune__isnull=True), name="questions_holiday_unique_national"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.name}"

    @property
    def scope_label(self):
        return self.commune.title if self.commune_id else "Toàn quốc"


class RateLimitCounter(models.Model):
    """Fixed-window counters in the database: one atomic UPDATE per hit, shared by every worker process
    (the database cache's incr is a read-then-write and would let concurrent bursts through)."""

    key = models.CharField(max_length=190, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "bộ đếm giới hạn tần suất"
        verbose_name_plural = "bộ đếm giới hạn tần suất"

    def __str__(self):
        return f"{self.key}: {self.count}"


class QuestionIndexPage(SitePageMixin, RoutablePageMixin, Page):
    """`/hoi-dap/` of a commune (its questions) or of the portal (every commune's, with a commune filter)."""

    intro = models.TextField("giới thiệu", blank=True, max_length=600)

    parent_page_types = ["communes.CommuneHomePage", "home.PortalHomePage"]
    subpage_types = []
    max_count_per_parent = 1
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "hỏi đáp trực tuyến"
        verbose_name_plural = "hỏi đáp trực tuyến"

    @cached_property
    def scope_communes(self):
        """The communes this page speaks for: its own commune, or every live commune of the portal."""
        if self.commune is not None:
            return [self.commune]
        return list(
            CommuneHomePage.objects.live().child_of(self.portal).filter(locale=self.locale)
            .select_related("unit").order_by("unit__name")
        )

    @classmethod
    def for_communes(cls, communes):
        """{commune home id: its live Q&A page}, in one query (none when there are no communes).

        Filtered by depth, not by one path condition per commune, so a portal of thousands of communes
        sends one small query."""
        by_path = {c.path: c.pk for c in communes}
        if not by_path:
            return {}
        pages = {}
        for page in cls.objects.live().filter(depth__in={c.depth + 1 for c in communes}).order_by("path"):
            commune_id = by_path.get(page.path[: -cls.steplen])
            if commune_id is not None:
                pages.setdefault(commune_id, page)
        return pages

    def question_url(self, pk, request=None):
        """The public address of one of this page's questions (None when this page is not routable)."""
        base = self.get_url(request)
        return base + self.reverse_subpage("detail", args=[pk]) if base else None

    @path("", name="index")
    def index(self, request):
        from questions import views

        return views.question_list(request, self)

    @path("<int:pk>/", name="detail")
    def detail(self, request, pk):
        from questions import views

        return views.question_detail(request, self, pk)

    @path("gui-cau-hoi/", name="submit")
    def submit(self, request):
        from questions import views

        return views.question_submit_view(request, self)

    @path("gui-cau-hoi/da-gui/", name="submitted")
    def submitted(self, request):
        from questions import views

        return views.question_submitted(request, self)

    @path("tra-cuu/", name="lookup")
    def lookup(self, request):
        from questions import views

        return views.question_lookup(request, self)

    @path("bao-ve-du-lieu-ca-nhan/", name="privacy_notice")
    def privacy_notice(self, request):
        from questions import views

        return views.privacy_notice(request, self)
