"""The per-commune switch for two-factor login.

Portal staff and superusers follow the `TWO_FACTOR_REQUIRED` setting; a commune's own staff must
enrol when their commune's switch is on. One optional row per commune site; no row means off.
"""

from django.conf import settings
from django.db import models

from sites.tenancy import CommuneOwnedQuerySet, Tenancy


class CommuneTwoFactor(models.Model):
    commune = models.OneToOneField(
        "sites.CommuneSite",
        verbose_name="xã",
        on_delete=models.CASCADE,
        related_name="two_factor_policy",
    )
    required = models.BooleanField(
        "bắt buộc xác thực hai lớp",
        default=False,
        help_text="Bật: mọi biên tập viên và người duyệt của xã phải đăng nhập bằng mã từ ứng dụng xác thực.",
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    tenancy = Tenancy("commune")
    objects = CommuneOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "xác thực hai lớp của xã"
        verbose_name_plural = "xác thực hai lớp theo xã"
        ordering = ["commune__unit__name"]

    def __str__(self):
        state = "bắt buộc" if self.required else "không bắt buộc"
        return f"{self.commune.name}: {state}"
