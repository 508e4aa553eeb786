from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from sites.tenancy import CommuneOwnedQuerySet, Tenancy

# BCP 47 as content locales use it: an ISO 639 language (two or three letters, lower case) and optional
# subtags (script, region, variant): `bdq`, `km`, `blt`, `hnj-Latn`.
CODE_VALIDATOR = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$",
    "Mã ngôn ngữ theo ISO 639-3 hoặc BCP 47, chữ thường, ví dụ: bdq, km, hnj-Latn.",
)


class Script(models.TextChoices):
    LATIN = "Latn", "Chữ Latinh"
    TAI_VIET = "Tavt", "Chữ Thái Việt Nam"
    KHMER = "Khmr", "Chữ Khmer"
    CHAM = "Cham", "Chữ Chăm"


class Language(models.Model):
    """A language content can be translated into, besides the built-in Vietnamese and English."""

    code = models.CharField(
        "mã ngôn ngữ", max_length=20, unique=True, validators=[CODE_VALIDATOR],
        help_text="Mã ISO 639-3 hoặc BCP 47, ví dụ: bdq (Ba Na), sed (Xơ Đăng). Không đổi được sau khi đã có nội dung.",
    )
    name = models.CharField("tên tiếng Việt", max_length=80, help_text="Ví dụ: Tiếng Ba Na.")
    native_name = models.CharField(
        "tên tự gọi", max_length=80, help_text="Tên của ngôn ngữ trong chính ngôn ngữ đó, hiện ở nút chọn ngôn ngữ."
    )
    script = models.CharField("chữ viết", max_length=4, choices=Script.choices, default=Script.LATIN)
    is_active = models.BooleanField(
        "đang dùng", default=True,
        help_text="Bỏ chọn để ngừng dùng ngôn ngữ ở mọi trang (nội dung đã dịch được giữ lại).",
    )

    class Meta:
        verbose_name = "ngôn ngữ"
        verbose_name_plural = "danh mục ngôn ngữ"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        built_in = {code for code, _name in settings.BUILT_IN_LANGUAGES}
        if self.code in built_in:
            raise ValidationError({"code": "Tiếng Việt và tiếng Anh đã có sẵn, không cần thêm."})
        if self.pk:
            previous = Language.objects.filter(pk=self.pk).values_list("code", flat=True).first()
            if previous and previous != self.code and self.sites.exists():
                raise ValidationError({"code": "Ngôn ngữ đang được dùng ở trang thông tin, không đổi được mã."})


class SiteLanguage(models.Model):
    """A language a site publishes in: a commune's (commune staff enable it for their commune) or, with
    no commune, the portal's (portal staff)."""

    tenancy = Tenancy("commune")

    commune = models.ForeignKey(
        "sites.CommuneSite", verbose_name="xã", null=True, blank=True, on_delete=models.CASCADE,
        related_name="languages", help_text="Để trống: bật cho cổng thông tin (chỉ quản trị cổng).",
    )
    language = models.ForeignKey(Language, verbose_name="ngôn ngữ", on_delete=models.PROTECT, related_name="sites")
    enabled_at = models.DateTimeField("ngày bật", auto_now_add=True)
    # The translators of this site into this language: page permissions on the site's home in the language
    # only (languages/services.py), so they translate that commune's pages into that language and nothing else.
    translators = models.OneToOneField(
        "auth.Group", verbose_name="nhóm biên dịch viên", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "ngôn ngữ của trang"
        verbose_name_plural = "ngôn ngữ của các trang"
        ordering = ["commune__unit__name", "language__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "language"], name="site_language_unique_per_commune"),
            models.UniqueConstraint(fields=["language"], condition=models.Q(commune__isnull=True),
                                    name="site_language_unique_portal"),
        ]

    def __str__(self):
        return f"{self.language.name} — {self.scope_label}"

    @property
    def scope_label(self):
        return self.commune.name if self.commune_id else "Cổng thông tin"


class MinorChange(models.Model):
    """A revision of a page whose editor marked the change minor (a typo, say): the page's translations
    are not out of date because of it (`languages.translating.out_of_date_pages`)."""

    revision = models.OneToOneField("wagtailcore.Revision", on_delete=models.CASCADE, primary_key=True,
                                    related_name="+")

    class Meta:
        verbose_name = "thay đổi nhỏ"
        verbose_name_plural = "thay đổi nhỏ"

    def __str__(self):
        return f"Thay đổi nhỏ (phiên bản {self.revision_id})"
