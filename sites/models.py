"""The registry of administrative units, one record per portal and per commune site, and the identity
every site carries.

A commune site's infrastructure (its home page, Wagtail site, editors' and approvers' groups, media
collection and workflow) is referenced from its `CommuneSite` record by key, never found by display
name, so a unit renamed by a reform neither duplicates it nor loses it.
"""

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField

from sites.blocks import ContactBlock


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", "Tỉnh"
    CITY = "thanh_pho", "Thành phố trực thuộc trung ương"
    DISTRICT = "huyen", "Huyện"
    COMMUNE = "xa", "Xã"
    WARD = "phuong", "Phường"
    TOWNSHIP = "thi_tran", "Thị trấn"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"


PORTAL_KINDS = {UnitKind.PROVINCE, UnitKind.CITY, UnitKind.DISTRICT}
COMMUNE_KINDS = {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}
KIND_BY_WORD = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố": UnitKind.CITY,
    "thành phố trung ương": UnitKind.CITY,
    "huyện": UnitKind.DISTRICT,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "thị trấn": UnitKind.TOWNSHIP,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


class AdministrativeUnit(models.Model):
    """An official unit (province, district, commune…) with its code from the national registry.

    Units are never deleted when a reform merges them: the old unit gets `valid_to` and successors,
    so old documents and redirects keep pointing at something true.
    """

    code = models.CharField("mã đơn vị hành chính", max_length=10, unique=True)
    name = models.CharField("tên chính thức", max_length=120, help_text="Ví dụ: Xã Đắk La")
    kind = models.CharField("loại đơn vị", max_length=16, choices=UnitKind.choices)
    codename = models.SlugField("tên mã", max_length=120, help_text="Ví dụ: xa_dak_la")
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField("hiệu lực từ ngày", null=True, blank=True)
    valid_to = models.DateField("hết hiệu lực từ ngày", null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self", verbose_name="đơn vị tiền thân", symmetrical=False, blank=True, related_name="successors"
    )

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_portal_level(self):
        return self.kind in PORTAL_KINDS

    @property
    def is_current(self):
        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (self.valid_to is None or self.valid_to > today)

    @property
    def short_name(self):
        """The name without its kind word: "Xã Đắk La" → "Đắk La"."""
        label = self.get_kind_display()
        for word in sorted(KIND_BY_WORD, key=len, reverse=True):
            if self.name.lower().startswith(word + " "):
                return self.name[len(word) + 1 :]
        return self.name.removeprefix(label + " ")


class CommuneSite(models.Model):
    """One commune website: the tenant every commune-owned record is keyed to.

    Everything a commune owns (questions, devices, bulletins…) points here, directly or through its
    home page; `sites.tenancy.commune_sites_for_user(user)` says which of them a user works for.
    """

    unit = models.OneToOneField(
        AdministrativeUnit, verbose_name="đơn vị hành chính", on_delete=models.PROTECT, related_name="commune_site"
    )
    home = models.OneToOneField(
        "wagtailcore.Page", verbose_name="trang chủ", on_delete=models.PROTECT, related_name="commune_site"
    )
    site = models.OneToOneField(
        "wagtailcore.Site", verbose_name="tên miền", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="commune_site",
    )
    editors = models.OneToOneField(
        "auth.Group", verbose_name="nhóm biên tập viên", on_delete=models.PROTECT, related_name="+"
    )
    approvers = models.OneToOneField(
        "auth.Group", verbose_name="nhóm người duyệt", on_delete=models.PROTECT, related_name="+"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", verbose_name="thư mục ảnh và tài liệu", on_delete=models.PROTECT, related_name="+"
    )
    workflow = models.OneToOneField(
        "wagtailcore.Workflow", verbose_name="quy trình duyệt", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "trang thông tin xã"
        verbose_name_plural = "trang thông tin các xã"
        ordering = ["unit__name"]

    def __str__(self):
        return self.unit.name

    @property
    def name(self):
        return self.unit.name


class Portal(models.Model):
    """The portal (district or, since 2025, province) above the communes: one per installation."""

    unit = models.OneToOneField(
        AdministrativeUnit, verbose_name="đơn vị hành chính", on_delete=models.PROTECT, related_name="portal"
    )
    home = models.OneToOneField(
        "wagtailcore.Page", verbose_name="trang chủ", on_delete=models.PROTECT, related_name="portal"
    )
    staff = models.OneToOneField(
        "auth.Group", verbose_name="nhóm quản trị cổng", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "cổng thông tin"
        verbose_name_plural = "cổng thông tin"

    def __str__(self):
        return self.unit.name


class SiteIdentity(models.Model):
    """Per-site settings of a portal or commune: who the agency is and how to reach it.

    They live on the site's home page, so Wagtail's page permissions scope them: a commune's
    editors can change their own identity and nobody else's.
    """

    # A ForeignKey, not one-to-one: a translation of the home page (English) shares the unit.
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name="đơn vị hành chính", on_delete=models.PROTECT, related_name="+"
    )
    agency_name = models.CharField(
        "tên cơ quan", max_length=200, help_text="Ví dụ: Ủy ban nhân dân xã Đắk La"
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=40, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name="biểu trưng", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logo_alt = models.CharField(
        "văn bản thay thế của biểu trưng", max_length=200, blank=True,
        help_text="Mô tả biểu trưng cho người khiếm thị, ví dụ: Quốc huy nước Cộng hòa xã hội chủ nghĩa Việt Nam.",
    )
    hotline = models.CharField(
        "đường dây nóng", max_length=40, blank=True, help_text="Hiện ở đầu trang, ví dụ: 0260 3821 234."
    )
    # The footer's legal details (Nghị định 42/2022/NĐ-CP): licence, if any, and who answers for the content.
    licence_number = models.CharField(
        "số giấy phép", max_length=100, blank=True, help_text="Giấy phép thiết lập trang/cổng thông tin (nếu có)."
    )
    licence_issuer = models.CharField("cơ quan cấp giấy phép", max_length=200, blank=True)
    licence_date = models.DateField("ngày cấp giấy phép", null=True, blank=True)
    content_responsible = models.CharField(
        "người chịu trách nhiệm nội dung", max_length=200, blank=True,
        help_text="Họ tên và chức vụ, ví dụ: Nguyễn Văn An, Phó Chủ tịch Ủy ban nhân dân xã.",
    )
    leaders = StreamField([("person", ContactBlock())], verbose_name="lãnh đạo", blank=True)
    focal_points = StreamField(
        [("person", ContactBlock())], verbose_name="đầu mối liên hệ", blank=True,
        help_text="Cán bộ đầu mối tiếp nhận thông tin, hỏi đáp của người dân.",
    )

    identity_panels = [
        MultiFieldPanel(
            [FieldPanel("agency_name"), FieldPanel("address"), FieldPanel("phone"), FieldPanel("email"), FieldPanel("logo"),
             FieldPanel("logo_alt"), FieldPanel("hotline")],
            heading="Thông tin cơ quan",
        ),
        MultiFieldPanel(
            [FieldPanel("licence_number"), FieldPanel("licence_issuer"), FieldPanel("licence_date"),
             FieldPanel("content_responsible")],
            heading="Thông tin pháp lý ở chân trang",
        ),
        FieldPanel("leaders"),
        FieldPanel("focal_points"),
    ]

    class Meta:
        abstract = True

    @classmethod
    def editor_errors(cls, data):
        """{field: message} for what the page editor must complete (`SitePageForm.clean`); a form rule, not a
        model one, so that services saving a home page that predates these fields are never refused."""
        errors = {}
        if data.get("logo") and not (data.get("logo_alt") or "").strip():
            errors["logo_alt"] = "Hãy nhập văn bản thay thế mô tả biểu trưng (cho người khiếm thị)."
        if (data.get("licence_issuer") or data.get("licence_date")) and not (data.get("licence_number") or "").strip():
            errors["licence_number"] = "Hãy nhập số giấy phép, hoặc để trống cả cơ quan cấp và ngày cấp."
        return errors


def identity_tabs(content_panels):
    """The editor's tabs for a home page: content, agency identity, promotion, settings."""
    from wagtail.models import Page

    return TabbedInterface(
        [
            ObjectList(content_panels, heading="Nội dung"),
            ObjectList(SiteIdentity.identity_panels, heading="Thông tin cơ quan"),
            ObjectList(Page.promote_panels, heading="Quảng bá"),
            ObjectList(Page.settings_panels, heading="Cài đặt"),
        ]
    )
