"""What reaches devices, and the devices themselves. Every model here belongs to a commune
(`sites.CommuneSite`) and declares it (`tenancy = Tenancy(...)`), so the admin, the API and the public
feeds scope it through the tenancy layer.

Rows of board notices and alerts with no commune belong to the portal (district or province): they
target several or all communes and only portal staff see them in the admin.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from broadcasts.content_languages import validate_code
from sites.tenancy import CommuneOwnedQuerySet, Tenancy

ISO_DAYS = [(1, "Thứ Hai"), (2, "Thứ Ba"), (3, "Thứ Tư"), (4, "Thứ Năm"), (5, "Thứ Sáu"), (6, "Thứ Bảy"), (7, "Chủ Nhật")]
ALL_DAYS = [day for day, _ in ISO_DAYS]

# Languages content reaches (Nghị định 49/2024: Vietnamese and the local minority languages) are data:
# the registry's codes (`languages.Language`), offered per commune by `broadcasts.content_languages`.
LANGUAGE_MAX_LENGTH = 20  # as `languages.Language.code`


class BroadcastClass(models.TextChoices):
    """Thông tư 39/2020/TT-BTTTT: routine (the commune schedules it), priority (ahead of routine; the
    commune orders colliding ones), emergency (at once, over everything, through quiet hours)."""

    ROUTINE = "routine", "Thông thường"
    PRIORITY = "priority", "Ưu tiên"
    EMERGENCY = "emergency", "Khẩn cấp"


CLASS_RANK = {BroadcastClass.EMERGENCY: 0, BroadcastClass.PRIORITY: 1, BroadcastClass.ROUTINE: 2}


# ------------------------------------------------------------------------------------------ places


class AreaKind(models.TextChoices):
    VILLAGE = "thon", "Thôn"
    HAMLET = "lang", "Làng"
    RESIDENTIAL_GROUP = "to_dan_pho", "Tổ dân phố"
    OTHER = "khac", "Khu vực khác"


class Area(models.Model):
    """A village, hamlet or residential group of a commune: what devices stand in and alerts name.

    A record of its own, not the profile page's inline rows (which are revisioned, translated content)."""

    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", on_delete=models.CASCADE, related_name="broadcast_areas"
    )
    name = models.CharField("tên", max_length=120, help_text="Ví dụ: Thôn 1, Làng Kon Gung, Tổ dân phố 3")
    kind = models.CharField("loại", max_length=16, choices=AreaKind.choices, default=AreaKind.VILLAGE)
    code = models.CharField("mã", max_length=32, blank=True, help_text="Mã thôn, tổ dân phố nếu có.")
    language = models.CharField(
        "ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, default="vi", validators=[validate_code],
        help_text="Bảng tin và cụm loa ở đây hiển thị, phát thông báo, bản tin bằng ngôn ngữ này khi có bản "
        "bằng ngôn ngữ đó (nếu không: bản tiếng Việt).",
    )

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "thôn, tổ dân phố"
        verbose_name_plural = "thôn, tổ dân phố"
        ordering = ["commune", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="broadcasts_area_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.commune})"


class BoardGroup(models.Model):
    """Boards a notice can target together (e.g. "Chợ và trường học")."""

    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", on_delete=models.CASCADE, related_name="board_groups"
    )
    name = models.CharField("tên nhóm", max_length=120)
    description = models.CharField("ghi chú", max_length=255, blank=True)

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "nhóm bảng tin"
        verbose_name_plural = "nhóm bảng tin"
        ordering = ["commune", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="broadcasts_boardgroup_unique_name")]

    def __str__(self):
        return self.name


# ------------------------------------------------------------------------------------------ devices


class DeviceKind(models.TextChoices):
    BOARD = "board", "Bảng tin điện tử"
    SPEAKER = "speaker", "Cụm loa"


class DisplayType(models.TextChoices):
    LED = "led", "LED (chỉ chữ)"
    LCD = "lcd", "LCD (chữ và hình)"


class DeviceState(models.TextChoices):
    PENDING = "pending", "Chờ duyệt"
    ACTIVE = "active", "Đang hoạt động"
    REVOKED = "revoked", "Đã thu hồi"


def token_digest(token: str) -> str:
    """Tokens are 256-bit random strings, so one SHA-256 is enough to store them (no slow hash needed:
    nothing to brute-force) and lets a device be found by its token in one indexed query."""
    return hashlib.sha256(token.encode()).hexdigest()


class Device(models.Model):
    """A public e-board or a speaker cluster. It gets content only once approved, with its own secret
    token (stored as a digest, shown once, rotatable, revocable)."""

    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", on_delete=models.PROTECT, related_name="devices"
    )
    kind = models.CharField("loại thiết bị", max_length=16, choices=DeviceKind.choices, default=DeviceKind.BOARD)
    name = models.CharField("tên", max_length=120, help_text="Ví dụ: Bảng tin trụ sở UBND xã")
    location = models.CharField("vị trí lắp đặt", max_length=255, blank=True)
    area = models.ForeignKey(
        Area, verbose_name="thôn, tổ dân phố", null=True, blank=True, on_delete=models.SET_NULL, related_name="devices"
    )
    group = models.ForeignKey(
        BoardGroup, verbose_name="nhóm bảng tin", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="devices",
    )
    display_type = models.CharField("loại màn hình", max_length=8, choices=DisplayType.choices, blank=True)
    width = models.PositiveIntegerField(
        "chiều rộng (điểm ảnh)", null=True, blank=True, validators=[MinValueValidator(16), MaxValueValidator(8192)]
    )
    height = models.PositiveIntegerField(
        "chiều cao (điểm ảnh)", null=True, blank=True, validators=[MinValueValidator(8), MaxValueValidator(8192)]
    )
    hardware_id = models.CharField(
        "mã phần cứng", max_length=128, null=True, blank=True, unique=True,
        help_text="Số sê-ri hoặc địa chỉ MAC do thiết bị gửi khi đăng ký.",
    )
    model_name = models.CharField("kiểu máy", max_length=120, blank=True)
    firmware = models.CharField("phiên bản phần mềm", max_length=64, blank=True)
    capabilities = models.JSONField("khả năng", default=dict, blank=True)

    state = models.CharField("trạng thái", max_length=16, choices=DeviceState.choices, default=DeviceState.PENDING)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    token_issued_at = models.DateTimeField("ngày cấp mã truy cập", null=True, blank=True, editable=False)
    # A self-registered device proves it is the one that registered with this secret (its digest).
    claim_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    approved_at = models.DateTimeField("ngày duyệt", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người duyệt", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    poll_interval_s = models.PositiveIntegerField(
        "chu kỳ lấy lịch (giây)", default=300, validators=[MinValueValidator(30), MaxValueValidator(3600)]
    )
    alerts_poll_interval_s = models.PositiveIntegerField(
        "chu kỳ kiểm tra cảnh báo (giây)", default=30, validators=[MinValueValidator(10), MaxValueValidator(600)]
    )
    test_mode = models.BooleanField(
        "chế độ thử nghiệm", default=False, help_text="Chỉ thiết bị ở chế độ thử mới nhận cảnh báo diễn tập và thử."
    )
    # Bumped when anything about the device changes what it should play (group, area, resolution…).
    revision = models.PositiveIntegerField(default=1, editable=False)

    last_seen_at = models.DateTimeField("liên lạc gần nhất", null=True, blank=True, editable=False)
    last_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    last_snapshot_revision = models.CharField("phiên bản lịch đang dùng", max_length=64, blank=True, editable=False)
    last_status = models.JSONField("báo cáo trạng thái gần nhất", default=dict, blank=True, editable=False)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "thiết bị"
        verbose_name_plural = "thiết bị"
        ordering = ["commune", "kind", "name"]
        permissions = [("manage_device_tokens", "Duyệt thiết bị, cấp và thu hồi mã truy cập")]

    def __str__(self):
        return self.name

    @property
    def poll_offset_s(self):
        """A fixed per-device offset inside the poll interval, so thousands of devices spread their
        polls instead of all calling in the same second (Xibo does the same)."""
        return int(hashlib.sha256(f"device-{self.pk}".encode()).hexdigest()[:8], 16) % self.poll_interval_s

    def is_online(self, now=None):
        """Online when it called within 1.1 × its poll interval (Xibo's rule)."""
        if self.last_seen_at is None or self.state != DeviceState.ACTIVE:
            return False
        now = now or timezone.now()
        return now - self.last_seen_at <= datetime.timedelta(seconds=self.poll_interval_s * 1.1)

    def clean(self):
        if self.kind == DeviceKind.BOARD:
            if not self.display_type:
                raise ValidationError({"display_type": "Hãy chọn loại màn hình của bảng tin (LED hoặc LCD)."})
            if not (self.width and self.height):
                raise ValidationError({"width": "Hãy nhập độ phân giải của bảng tin (rộng × cao, điểm ảnh)."})
        if self.area_id and self.commune_id and self.area.commune_id != self.commune_id:
            raise ValidationError({"area": "Thôn, tổ dân phố này thuộc xã khác."})
        if self.group_id and self.commune_id and self.group.commune_id != self.commune_id:
            raise ValidationError({"group": "Nhóm bảng tin này thuộc xã khác."})


class DeviceEventKind(models.TextChoices):
    REGISTERED = "registered", "Đăng ký"
    APPROVED = "approved", "Được duyệt"
    TOKEN_ISSUED = "token_issued", "Cấp mã truy cập"
    TOKEN_ROTATED = "token_rotated", "Đổi mã truy cập"
    REVOKED = "revoked", "Thu hồi"
    FAULT = "fault", "Báo lỗi"
    MOVED = "moved", "Chuyển sang xã khác"


class DeviceEvent(models.Model):
    """The device's history: registration, approval, tokens, faults, moves between communes."""

    device = models.ForeignKey(Device, verbose_name="thiết bị", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    kind = models.CharField("sự kiện", max_length=16, choices=DeviceEventKind.choices)
    detail = models.JSONField("chi tiết", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    tenancy = Tenancy("device__commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "nhật ký thiết bị"
        verbose_name_plural = "nhật ký thiết bị"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.device} – {self.get_kind_display()}"


# ------------------------------------------------------------------------------------ board notices


class NoticeTarget(models.TextChoices):
    ALL = "all", "Tất cả bảng tin"
    GROUPS = "groups", "Nhóm bảng tin"
    DEVICES = "devices", "Từng bảng tin"


class BoardNoticeQuerySet(CommuneOwnedQuerySet):
    def on_air(self, now=None):
        """Approved (live) notices that have not ended."""
        now = now or timezone.now()
        return self.filter(live=True).filter(valid_until__gt=now)

    def for_commune(self, commune):
        """The commune's own notices and the portal's notices that target it."""
        return self.filter(
            Q(commune=commune)
            | Q(commune__isnull=True, target_communes__isnull=True)
            | Q(commune__isnull=True, target_communes=commune)
        ).distinct()


RECORDING_EXTENSIONS = ["mp3", "wav", "ogg", "oga", "m4a", "aac", "flac"]
RECORDING_MAX_BYTES = 50 * 1024 * 1024


def validate_recording(file):
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in RECORDING_EXTENSIONS:
        raise ValidationError(
            "Bản ghi âm phải là tệp âm thanh: " + ", ".join(RECORDING_EXTENSIONS) + "."
        )
    if file.size is not None and file.size > RECORDING_MAX_BYTES:
        raise ValidationError("Bản ghi âm tối đa 50 MB.")


def default_valid_until():
    return timezone.now() + datetime.timedelta(days=7)


class BoardNotice(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, ClusterableModel):
    """A notice for public e-boards. Reaches devices only once approved through the commune's workflow."""

    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", null=True, blank=True, on_delete=models.PROTECT,
        related_name="board_notices",
        help_text="Để trống nếu là thông báo của cổng (huyện, tỉnh) gửi tới nhiều xã.",
    )
    title = models.CharField("tiêu đề", max_length=120)
    text = models.TextField(
        "nội dung chữ", max_length=500,
        help_text="Văn bản thuần, luôn bắt buộc: bảng LED chỉ hiển thị chữ. Tối đa 500 ký tự.",
    )
    duration_s = models.PositiveSmallIntegerField(
        "thời gian hiển thị (giây)", default=15, validators=[MinValueValidator(3), MaxValueValidator(600)]
    )
    valid_from = models.DateTimeField("hiển thị từ", default=timezone.now)
    valid_until = models.DateTimeField("hiển thị đến", default=default_valid_until)
    days = models.JSONField(
        "các ngày trong tuần", default=list, blank=True, help_text="Để trống: mọi ngày."
    )
    broadcast_class = models.CharField(
        "mức độ", max_length=16, choices=BroadcastClass.choices, default=BroadcastClass.ROUTINE,
        help_text="Thông thường: xã tự xếp lịch. Ưu tiên: hiển thị trước tin thông thường. "
        "Khẩn cấp: chiếm toàn màn hình ngay lập tức.",
    )
    display_order = models.SmallIntegerField(
        "thứ tự hiển thị", default=0, help_text="Số nhỏ hiển thị trước, trong cùng mức độ."
    )
    language = models.CharField("ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, default="vi", validators=[validate_code])
    target = models.CharField("hiển thị trên", max_length=16, choices=NoticeTarget.choices, default=NoticeTarget.ALL)
    target_groups = ParentalManyToManyField(BoardGroup, verbose_name="nhóm bảng tin", blank=True, related_name="+")
    target_devices = ParentalManyToManyField(Device, verbose_name="bảng tin", blank=True, related_name="+")
    target_communes = ParentalManyToManyField(
        "sites.CommuneSite", verbose_name="các xã nhận", blank=True, related_name="+",
        help_text="Chỉ cho thông báo của cổng: để trống là gửi tới tất cả các xã.",
    )
    source_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="trang nguồn", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    tenancy = Tenancy("commune")
    objects = BoardNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "thông báo bảng tin"
        verbose_name_plural = "thông báo bảng tin"
        ordering = ["-valid_from"]
        # Wagtail creates these for registered snippets after `migrate`; declared here so they exist
        # before the admin (which registers the snippet) has loaded, when roles are granted.
        permissions = [
            ("publish_boardnotice", "Can publish thông báo bảng tin"),
            ("lock_boardnotice", "Can lock thông báo bảng tin"),
            ("unlock_boardnotice", "Can unlock thông báo bảng tin"),
        ]

    def __str__(self):
        return self.title

    preview_modes = [("screen", "Màn hình LCD 1920×1080"), ("led", "Bảng LED 192×64")]
    default_preview_mode = "screen"

    def get_preview_template(self, request, mode_name):
        return "broadcasts/notice_preview.html"

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), "notice": self, "mode": mode_name}

    def communes_reached(self):
        """The commune sites whose boards this notice can reach (ids), for feed revisions."""
        if self.commune_id is not None:
            return [self.commune_id]
        chosen = [commune.pk for commune in self.target_communes.all()]
        return chosen or None  # None: every commune

    def get_workflow(self):
        """The commune's own two-step workflow (its approvers, and portal staff); portal notices
        are published by portal staff directly."""
        if self.commune_id is None:
            return None
        workflow = self.commune.workflow
        return workflow if workflow.active else None

    def clean(self):
        super().clean()
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = "Thời điểm kết thúc phải sau thời điểm bắt đầu."
        if self.days and (not isinstance(self.days, list) or any(day not in ALL_DAYS for day in self.days)):
            errors["days"] = "Ngày trong tuần phải là số từ 1 (thứ Hai) đến 7 (Chủ Nhật)."
        if errors:
            raise ValidationError(errors)


class NoticeTimeWindow(Orderable):
    """A daily time window a notice shows in; none means all day. A window whose end is before its
    start runs overnight (22:00–05:00), and the day named is the day it starts."""

    notice = ParentalKey(BoardNotice, on_delete=models.CASCADE, related_name="time_windows")
    start = models.TimeField("từ giờ")
    end = models.TimeField("đến giờ")

    class Meta(Orderable.Meta):
        verbose_name = "khung giờ"
        verbose_name_plural = "khung giờ"

    def clean(self):
        if self.start == self.end:
            raise ValidationError({"end": "Giờ kết thúc phải khác giờ bắt đầu."})


class NoticeImage(Orderable):
    """An image shown with a notice on LCD boards (LED boards show the text)."""

    notice = ParentalKey(BoardNotice, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", verbose_name="ảnh", on_delete=models.CASCADE, related_name="+")

    class Meta(Orderable.Meta):
        verbose_name = "ảnh"
        verbose_name_plural = "ảnh"


class NoticeVersion(Orderable):
    """The notice in another language (an ethnic-minority language of the commune): a board whose village
    is set to that language shows it instead of the notice's own text. Part of the notice's content, so a
    version reaches boards only with an approved (published) revision of the notice."""

    notice = ParentalKey(BoardNotice, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField("ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, validators=[validate_code])
    title = models.CharField("tiêu đề", max_length=120)
    text = models.TextField("nội dung chữ", max_length=500, help_text="Văn bản thuần, tối đa 500 ký tự.")

    class Meta(Orderable.Meta):
        verbose_name = "bản tiếng dân tộc"
        verbose_name_plural = "bản tiếng dân tộc"
        constraints = [models.UniqueConstraint(fields=["notice", "language"], name="broadcasts_notice_one_per_language")]

    def __str__(self):
        return f"{self.notice} ({self.language})"


# ---------------------------------------------------------------------------------- emergency alerts


class AlertStatus(models.TextChoices):
    ACTUAL = "Actual", "Thật"
    EXERCISE = "Exercise", "Diễn tập"
    TEST = "Test", "Thử nghiệm"


class AlertMessageType(models.TextChoices):
    ALERT = "Alert", "Cảnh báo mới"
    UPDATE = "Update", "Cập nhật"
    CANCEL = "Cancel", "Hủy"


class AlertCategory(models.TextChoices):
    GEO = "Geo", "Địa chất (động đất, sạt lở)"
    MET = "Met", "Khí tượng, thủy văn (bão, lũ, mưa lớn)"
    SAFETY = "Safety", "An toàn chung"
    SECURITY = "Security", "An ninh"
    RESCUE = "Rescue", "Cứu nạn, cứu hộ"
    FIRE = "Fire", "Cháy, nổ, cháy rừng"
    HEALTH = "Health", "Y tế, dịch bệnh"
    ENV = "Env", "Môi trường, ô nhiễm"
    TRANSPORT = "Transport", "Giao thông"
    INFRA = "Infra", "Hạ tầng (điện, nước, thông tin)"
    CBRNE = "CBRNE", "Hóa chất, sinh học, phóng xạ"
    OTHER = "Other", "Khác"


class AlertUrgency(models.TextChoices):
    IMMEDIATE = "Immediate", "Ngay lập tức"
    EXPECTED = "Expected", "Trong giờ tới"
    FUTURE = "Future", "Sắp tới"
    PAST = "Past", "Đã qua"
    UNKNOWN = "Unknown", "Chưa rõ"


class AlertSeverity(models.TextChoices):
    EXTREME = "Extreme", "Đặc biệt nghiêm trọng"
    SEVERE = "Severe", "Nghiêm trọng"
    MODERATE = "Moderate", "Trung bình"
    MINOR = "Minor", "Nhẹ"
    UNKNOWN = "Unknown", "Chưa rõ"


class AlertCertainty(models.TextChoices):
    OBSERVED = "Observed", "Đã xảy ra"
    LIKELY = "Likely", "Nhiều khả năng (trên 50%)"
    POSSIBLE = "Possible", "Có thể xảy ra"
    UNLIKELY = "Unlikely", "Ít khả năng"
    UNKNOWN = "Unknown", "Chưa rõ"


SEVERITY_RANK = {"Extreme": 0, "Severe": 1, "Moderate": 2, "Minor": 3, "Unknown": 4}
URGENCY_RANK = {"Immediate": 0, "Expected": 1, "Future": 2, "Past": 3, "Unknown": 4}


class AlertQuerySet(CommuneOwnedQuerySet):
    def published(self):
        return self.filter(sent__isnull=False)

    def active(self, now=None):
        """Published alerts and updates in force now: not cancelled, not replaced by an update, not expired."""
        now = now or timezone.now()
        return self.published().filter(
            msg_type__in=[AlertMessageType.ALERT, AlertMessageType.UPDATE],
            superseded_at__isnull=True,
            expires__gt=now,
        ).filter(Q(effective__isnull=True) | Q(effective__lte=now))

    def affecting(self, commune):
        return self.filter(communes=commune)


class Alert(ClusterableModel):
    """An emergency alert with the fields of CAP 1.2 (OASIS). Once sent it never changes: an update or
    a cancel is a new message that references it (CAP `references`), and the original is superseded."""

    issuer = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã ban hành", null=True, blank=True, on_delete=models.PROTECT,
        related_name="issued_alerts", help_text="Để trống nếu cổng (huyện, tỉnh) ban hành.",
    )
    communes = models.ManyToManyField("sites.CommuneSite", verbose_name="các xã bị ảnh hưởng", related_name="alerts")
    areas = models.ManyToManyField(Area, verbose_name="thôn, tổ dân phố bị ảnh hưởng", blank=True, related_name="alerts")
    area_description = models.CharField(
        "mô tả khu vực", max_length=255, blank=True,
        help_text="Ví dụ: Các thôn ven sông Đắk Psi. Để trống để dùng tên các xã, thôn đã chọn.",
    )
    polygon = models.TextField(
        "vùng (đa giác)", blank=True,
        help_text="Tùy chọn, theo CAP: các cặp vĩ độ,kinh độ cách nhau bởi dấu cách; điểm cuối trùng điểm đầu.",
    )

    identifier = models.CharField("mã cảnh báo", max_length=120, unique=True, null=True, blank=True, editable=False)
    sent = models.DateTimeField("thời điểm phát", null=True, blank=True, editable=False, db_index=True)
    status = models.CharField("tính chất", max_length=16, choices=AlertStatus.choices, default=AlertStatus.ACTUAL)
    msg_type = models.CharField(
        "loại tin", max_length=16, choices=AlertMessageType.choices, default=AlertMessageType.ALERT, editable=False
    )
    references = models.ForeignKey(
        "self", verbose_name="tin gốc", null=True, blank=True, on_delete=models.PROTECT, related_name="followups",
        editable=False,
    )
    superseded_at = models.DateTimeField("bị thay thế lúc", null=True, blank=True, editable=False)

    category = models.CharField("lĩnh vực", max_length=16, choices=AlertCategory.choices, default=AlertCategory.MET)
    event = models.CharField("sự kiện", max_length=120, help_text="Ví dụ: Lũ quét, Sạt lở đất, Cháy rừng")
    urgency = models.CharField("mức khẩn cấp", max_length=16, choices=AlertUrgency.choices, default=AlertUrgency.IMMEDIATE)
    severity = models.CharField("mức nghiêm trọng", max_length=16, choices=AlertSeverity.choices, default=AlertSeverity.SEVERE)
    certainty = models.CharField("độ chắc chắn", max_length=16, choices=AlertCertainty.choices, default=AlertCertainty.LIKELY)
    effective = models.DateTimeField("hiệu lực từ", null=True, blank=True, help_text="Để trống: ngay khi phát.")
    onset = models.DateTimeField("dự kiến bắt đầu", null=True, blank=True)
    expires = models.DateTimeField("hết hiệu lực")
    headline = models.CharField(
        "tiêu đề", max_length=100, help_text="Ngắn gọn, tối đa 100 ký tự: hiển thị trên bảng LED và băng cảnh báo."
    )
    description = models.TextField("mô tả", max_length=4000)
    instruction = models.TextField("hướng dẫn người dân", max_length=4000, blank=True)
    sender_name = models.CharField(
        "cơ quan phát", max_length=200, blank=True, help_text="Để trống để dùng tên cơ quan của đơn vị ban hành."
    )
    # On the radio: read out through the commune's speech engine, or this recording, at once, then repeated.
    radio_recording = models.FileField(
        "bản ghi âm phát loa", upload_to="radio-recordings/", blank=True, validators=[validate_recording],
        help_text="Tùy chọn. Để trống: hệ thống tự đọc tiêu đề, mô tả và hướng dẫn.",
    )
    radio_repeats = models.PositiveSmallIntegerField(
        "số lần phát trên loa", default=3, validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text="0: không phát trên loa.",
    )
    radio_gap_min = models.PositiveSmallIntegerField(
        "cách nhau (phút)", default=10, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    radio_audio_key = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người soạn", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người phát", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    tenancy = Tenancy("issuer")
    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = "cảnh báo khẩn cấp"
        verbose_name_plural = "cảnh báo khẩn cấp"
        ordering = ["-sent", "-created_at"]
        permissions = [("publish_alert", "Phát cảnh báo khẩn cấp")]

    def __str__(self):
        return self.headline

    @property
    def is_sent(self):
        return self.sent is not None

    def is_active(self, now=None):
        now = now or timezone.now()
        return (
            self.sent is not None and self.msg_type != AlertMessageType.CANCEL and self.superseded_at is None
            and self.expires > now and (self.effective is None or self.effective <= now)
        )

    def clean(self):
        super().clean()
        errors = {}
        start = self.effective or self.sent or timezone.now()
        if self.expires and self.expires <= start:
            errors["expires"] = "Thời điểm hết hiệu lực phải sau thời điểm có hiệu lực."
        if self.onset and self.expires and self.onset >= self.expires:
            errors["onset"] = "Thời điểm dự kiến bắt đầu phải trước thời điểm hết hiệu lực."
        if errors:
            raise ValidationError(errors)


class AlertTranslation(Orderable):
    """The alert in another language: CAP carries one `info` block per language."""

    alert = ParentalKey(Alert, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField("ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, validators=[validate_code])
    event = models.CharField("sự kiện", max_length=120)
    headline = models.CharField("tiêu đề", max_length=100)
    description = models.TextField("mô tả", max_length=4000)
    instruction = models.TextField("hướng dẫn người dân", max_length=4000, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = "bản dịch"
        verbose_name_plural = "bản dịch"
        constraints = [models.UniqueConstraint(fields=["alert", "language"], name="broadcasts_alert_one_per_language")]


# ------------------------------------------------------------------------------------ commune radio

class SpeechEngineName(models.TextChoices):
    """The engines of `broadcasts.tts.engines` (their `name`)."""

    ESPEAK = "espeak", "eSpeak NG (ngoại tuyến, miễn phí)"
    FPT = "fpt", "FPT.AI"
    VIETTEL = "viettel", "Viettel AI"
    ZALO = "zalo", "Zalo AI"


class RadioSettings(models.Model):
    """A commune's radio rules: quiet hours (only emergencies break them), the longest broadcast in one
    slot, and the speech engine its bulletins are read with."""

    commune = models.OneToOneField(
        "sites.CommuneSite", verbose_name="xã", on_delete=models.CASCADE, related_name="radio_settings"
    )
    quiet_from = models.TimeField("giờ yên tĩnh từ", default=datetime.time(21, 30))
    quiet_until = models.TimeField("đến", default=datetime.time(5, 30))
    max_slot_min = models.PositiveSmallIntegerField(
        "thời lượng tối đa mỗi lượt phát (phút)", default=30, validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text="Phường đô thị nên đặt ngắn (10–15 phút).",
    )
    engine = models.CharField(
        "bộ đọc văn bản", max_length=16, choices=SpeechEngineName.choices, default=SpeechEngineName.ESPEAK
    )
    voice = models.CharField("giọng đọc", max_length=64, blank=True, help_text="Để trống: giọng mặc định của bộ đọc.")
    speed = models.DecimalField(
        "tốc độ đọc", max_digits=3, decimal_places=2, default=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(2)],
    )

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "cài đặt đài truyền thanh"
        verbose_name_plural = "cài đặt đài truyền thanh"

    def __str__(self):
        return f"Đài truyền thanh {self.commune}"

    def clean(self):
        if self.quiet_from == self.quiet_until:
            raise ValidationError({"quiet_until": "Giờ kết thúc khác giờ bắt đầu (hoặc đặt 00:00–00:01 nếu không cần)."})


class SpeakerTarget(models.TextChoices):
    ALL = "all", "Toàn xã"
    AREAS = "areas", "Theo thôn, tổ dân phố"
    DEVICES = "devices", "Từng cụm loa"


class AudioState(models.TextChoices):
    PENDING = "pending", "Đang tạo âm thanh"
    READY = "ready", "Đã có âm thanh"
    FAILED = "failed", "Lỗi tạo âm thanh"


class SpeechAudio(models.Model):
    """The audio of one text (or one uploaded recording), produced in the background. Addressed by a
    key computed from everything that shapes it (commune, language, text, engine, voice, speed, or the
    recording's bytes), so saving an unchanged bulletin finds its audio instead of making it again."""

    key = models.CharField(max_length=64, unique=True)
    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", null=True, blank=True, on_delete=models.CASCADE,
        related_name="speech_audio",
    )
    language = models.CharField("ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, default="vi")
    engine = models.CharField("bộ đọc", max_length=16, blank=True, help_text="Trống: bản ghi âm tải lên.")
    state = models.CharField("trạng thái", max_length=16, choices=AudioState.choices, default=AudioState.PENDING)
    error = models.TextField("lỗi", blank=True)
    asset = models.ForeignKey("Asset", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    compute_s = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "âm thanh bản tin"
        verbose_name_plural = "âm thanh bản tin"

    def __str__(self):
        return f"{self.key[:12]} ({self.get_state_display()})"


class RadioBulletinQuerySet(CommuneOwnedQuerySet):
    def on_air(self, now=None):
        now = now or timezone.now()
        return self.filter(live=True, valid_until__gt=now)


class RadioBulletin(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """A bulletin for the commune's loudspeakers. Reaches speakers only once approved through the
    commune's workflow; its audio is the uploaded recording, or the text read by the commune's engine."""

    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", on_delete=models.PROTECT, related_name="radio_bulletins"
    )
    title = models.CharField("tiêu đề", max_length=200)
    text = models.TextField(
        "nội dung", max_length=10000,
        help_text="Văn bản để đọc. Số, ngày, giờ, số hiệu văn bản và chữ viết tắt được đọc thành lời.",
    )
    language = models.CharField("ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, default="vi", validators=[validate_code])
    recording = models.FileField(
        "bản ghi âm", upload_to="radio-recordings/", blank=True, validators=[validate_recording],
        help_text="Tùy chọn: nếu có, phát bản ghi âm thay cho giọng đọc tự động.",
    )
    broadcast_class = models.CharField(
        "mức độ", max_length=16, choices=BroadcastClass.choices, default=BroadcastClass.ROUTINE,
        help_text="Thông thường: theo lịch. Ưu tiên: phát trước tin thông thường, ngắt tiếp âm. "
        "Khẩn cấp: phát ngay, kể cả trong giờ yên tĩnh.",
    )
    display_order = models.SmallIntegerField(
        "thứ tự phát", default=0, help_text="Khi nhiều bản tin trùng giờ: số nhỏ phát trước, trong cùng mức độ."
    )
    days = models.JSONField("các ngày trong tuần", default=list, blank=True, help_text="Để trống: mọi ngày.")
    repeats = models.PositiveSmallIntegerField(
        "số lần phát mỗi giờ phát", default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    repeat_gap_min = models.PositiveSmallIntegerField(
        "cách nhau (phút)", default=0, validators=[MaxValueValidator(240)],
        help_text="Khoảng nghỉ giữa hai lần phát lại.",
    )
    valid_from = models.DateTimeField("phát từ ngày", default=timezone.now)
    valid_until = models.DateTimeField("phát đến ngày", default=default_valid_until)
    target = models.CharField("phát trên", max_length=16, choices=SpeakerTarget.choices, default=SpeakerTarget.ALL)
    target_areas = ParentalManyToManyField(Area, verbose_name="thôn, tổ dân phố", blank=True, related_name="+")
    target_devices = ParentalManyToManyField(Device, verbose_name="cụm loa", blank=True, related_name="+")
    source_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="trang nguồn", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    source_label = models.CharField("nguồn", max_length=200, blank=True, editable=False)
    # `SpeechAudio.key` of this bulletin's audio (Vietnamese or its own language); set on save by
    # `broadcasts.speech`, so a published revision names the audio it was approved with.
    audio_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    tenancy = Tenancy("commune")
    objects = RadioBulletinQuerySet.as_manager()

    class Meta:
        verbose_name = "bản tin phát thanh"
        verbose_name_plural = "bản tin phát thanh"
        ordering = ["-valid_from"]
        permissions = [
            ("publish_radiobulletin", "Can publish bản tin phát thanh"),
            ("lock_radiobulletin", "Can lock bản tin phát thanh"),
            ("unlock_radiobulletin", "Can unlock bản tin phát thanh"),
        ]

    def __str__(self):
        return self.title

    def get_workflow(self):
        workflow = self.commune.workflow if self.commune_id else None
        return workflow if workflow is not None and workflow.active else None

    def clean(self):
        super().clean()
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = "Thời điểm kết thúc phải sau thời điểm bắt đầu."
        if self.days and (not isinstance(self.days, list) or any(day not in ALL_DAYS for day in self.days)):
            errors["days"] = "Ngày trong tuần phải là số từ 1 (thứ Hai) đến 7 (Chủ Nhật)."
        if errors:
            raise ValidationError(errors)


class BulletinSlot(Orderable):
    """A time of day the bulletin starts at (on its days); its repeats follow."""

    bulletin = ParentalKey(RadioBulletin, on_delete=models.CASCADE, related_name="slots")
    time = models.TimeField("giờ phát")

    class Meta(Orderable.Meta):
        verbose_name = "giờ phát"
        verbose_name_plural = "giờ phát"


class BulletinVersion(Orderable):
    """The bulletin in an ethnic-minority language: a translated text and, since no engine speaks these
    languages, a recording. Clusters in a village set to this language play it."""

    bulletin = ParentalKey(RadioBulletin, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField("ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, validators=[validate_code])
    text = models.TextField("bản dịch", max_length=10000, blank=True)
    recording = models.FileField(
        "bản ghi âm", upload_to="radio-recordings/", validators=[validate_recording],
        help_text="Bắt buộc: chưa có bộ đọc tự động cho tiếng dân tộc thiểu số.",
    )
    audio_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta(Orderable.Meta):
        verbose_name = "bản tiếng dân tộc"
        verbose_name_plural = "bản tiếng dân tộc"


class Relay(ClusterableModel):
    """A scheduled relay of an external programme (the province's radio, national radio) by its stream
    URL. A bulletin of a higher class interrupts it, and the relay resumes afterwards."""

    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", on_delete=models.CASCADE, related_name="radio_relays"
    )
    name = models.CharField("chương trình", max_length=200, help_text="Ví dụ: Thời sự Đài Phát thanh tỉnh")
    stream_url = models.URLField(
        "địa chỉ luồng phát", max_length=500, help_text="http(s)://… của luồng MP3/AAC/HLS của đài."
    )
    broadcast_class = models.CharField(
        "mức độ", max_length=16, choices=[c for c in BroadcastClass.choices if c[0] != "emergency"],
        default=BroadcastClass.ROUTINE,
    )
    days = models.JSONField("các ngày trong tuần", default=list, blank=True, help_text="Để trống: mọi ngày.")
    start = models.TimeField("từ giờ")
    end = models.TimeField("đến giờ")
    valid_from = models.DateTimeField("áp dụng từ", default=timezone.now)
    valid_until = models.DateTimeField("áp dụng đến", null=True, blank=True, help_text="Để trống: không thời hạn.")
    target = models.CharField("phát trên", max_length=16, choices=SpeakerTarget.choices, default=SpeakerTarget.ALL)
    target_areas = ParentalManyToManyField(Area, verbose_name="thôn, tổ dân phố", blank=True, related_name="+")
    target_devices = ParentalManyToManyField(Device, verbose_name="cụm loa", blank=True, related_name="+")
    enabled = models.BooleanField("đang áp dụng", default=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "lịch tiếp âm"
        verbose_name_plural = "lịch tiếp âm"
        ordering = ["commune", "start"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.start is not None and self.start == self.end:
            errors["end"] = "Giờ kết thúc phải khác giờ bắt đầu."
        if self.valid_until and self.valid_from and self.valid_until <= self.valid_from:
            errors["valid_until"] = "Thời điểm kết thúc phải sau thời điểm bắt đầu."
        if self.stream_url and not self.stream_url.lower().startswith(("http://", "https://")):
            errors["stream_url"] = "Địa chỉ luồng phát phải bắt đầu bằng http:// hoặc https://."
        if self.days and (not isinstance(self.days, list) or any(day not in ALL_DAYS for day in self.days)):
            errors["days"] = "Ngày trong tuần phải là số từ 1 (thứ Hai) đến 7 (Chủ Nhật)."
        if errors:
            raise ValidationError(errors)


# ------------------------------------------------------------------------------ what devices report


class PlayOutcome(models.TextChoices):
    COMPLETED = "completed", "Phát hết"
    INTERRUPTED = "interrupted", "Bị ngắt"
    SKIPPED = "skipped", "Bỏ qua"
    FAILED = "failed", "Lỗi"


class PlayTrigger(models.TextChoices):
    SCHEDULED = "scheduled", "Theo lịch"
    PRIORITY = "priority", "Ưu tiên"
    EMERGENCY = "emergency", "Khẩn cấp"
    MANUAL = "manual", "Thủ công"
    LIVE = "live", "Trực tiếp"


class Play(models.Model):
    """A proof-of-play record a device reported; `record_id` (the device's UUID) makes uploads idempotent."""

    device = models.ForeignKey(Device, verbose_name="thiết bị", on_delete=models.CASCADE, related_name="plays")
    record_id = models.UUIDField("mã bản ghi")
    item_id = models.CharField("nội dung", max_length=64, help_text="Ví dụ: notice-12, alert-3")
    item_revision = models.PositiveIntegerField("phiên bản nội dung", null=True, blank=True)
    broadcast_class = models.CharField("mức độ", max_length=16, choices=BroadcastClass.choices, blank=True)
    trigger = models.CharField("lý do phát", max_length=16, choices=PlayTrigger.choices, default=PlayTrigger.SCHEDULED)
    started_at = models.DateTimeField("bắt đầu")
    ended_at = models.DateTimeField("kết thúc")
    outcome = models.CharField("kết quả", max_length=16, choices=PlayOutcome.choices, default=PlayOutcome.COMPLETED)
    language = models.CharField("ngôn ngữ", max_length=LANGUAGE_MAX_LENGTH, blank=True)
    received_at = models.DateTimeField("nhận lúc", auto_now_add=True)

    tenancy = Tenancy("device__commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "lượt phát"
        verbose_name_plural = "lượt phát"
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["device", "record_id"], name="broadcasts_play_idempotent")]
        indexes = [models.Index(fields=["item_id", "started_at"])]

    def __str__(self):
        return f"{self.item_id} @ {self.device}"

    @property
    def duration_s(self):
        return (self.ended_at - self.started_at).total_seconds()


# ------------------------------------------------------------------------------------ feed revisions


class CommuneFeed(models.Model):
    """The revision of what a commune's devices should play, so a device's ETag is computed from one
    row without building the body. Bumped by `services.feeds_touch` whenever content changes, and
    lazily when a time boundary passes (an item entering the 48-hour window, or expiring)."""

    commune = models.OneToOneField(
        "sites.CommuneSite", verbose_name="xã", on_delete=models.CASCADE, related_name="broadcast_feed"
    )
    revision = models.PositiveBigIntegerField(default=1)
    next_change_at = models.DateTimeField(null=True, blank=True)
    alerts_revision = models.PositiveBigIntegerField(default=1)
    alerts_next_change_at = models.DateTimeField(null=True, blank=True)

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "phiên bản lịch phát của xã"
        verbose_name_plural = "phiên bản lịch phát của các xã"

    def __str__(self):
        return f"{self.commune}: {self.revision}/{self.alerts_revision}"


class Asset(models.Model):
    """A media file devices download, addressed by its SHA-256, so its URL never changes meaning and
    is cached forever. Shared by content: two notices with the same rendition share one asset."""

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to="device-media/", max_length=255)
    size_bytes = models.PositiveBigIntegerField()
    mime = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Where it came from, so a rendition is hashed once: "image-<id>-<filter spec>".
    source_key = models.CharField(max_length=160, unique=True, null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)  # audio
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp cho thiết bị"
        verbose_name_plural = "tệp cho thiết bị"

    def __str__(self):
        return self.sha256
