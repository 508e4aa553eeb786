"""Two-factor login: who must use it, and the steps of enrolling (services; the views are thin).

A user is asked for a code after their password when they have a confirmed authenticator device.
A user must enrol before using the admin when:

- they are portal staff or a superuser and `TWO_FACTOR_REQUIRED` is on (the default in production);
- they work for a commune whose switch (`CommuneTwoFactor.required`) is on.
"""

from base64 import b32encode
from xml.etree import ElementTree

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CommuneTwoFactor
from sites.tenancy import user_is_portal_staff

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã dự phòng"


def two_factor_required(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user_is_portal_staff(user):  # superusers included
        return settings.TWO_FACTOR_REQUIRED
    return CommuneTwoFactor.objects.for_user(user).filter(required=True).exists()


def has_authenticator(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def authenticator_for_enrolment(*, user) -> TOTPDevice:
    """The unconfirmed device this user is setting up; the same one (and QR code) until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a device with its first code. Returns fresh recovery codes, or None if the code is wrong.

    The confirmed device replaces any earlier one (a new phone) and every unconfirmed leftover.
    """
    if not device.verify_token(normalise_code(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return recovery_codes_create(user=device.user)


@transaction.atomic
def recovery_codes_create(*, user) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working. Shown to the user once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [format_recovery_code(code) for code in codes]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_reset(*, user) -> int:
    """Remove every device of a user (a lost phone); they enrol again at their next sign-in."""
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        deleted += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return deleted


def normalise_code(token: str) -> str:
    return "".join(token.split()).replace("-", "").casefold()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def device_for_code(user, token: str):
    """The device a code is meant for: six digits for the authenticator app, letters for a recovery code."""
    kind = TOTPDevice if normalise_code(token).isdigit() else StaticDevice
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, kind):
            return device
    return None


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app without a camera."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(data: str) -> str:
    """An inline SVG QR code (no image file, no network)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    root = image.get_image()
    root.set("width", "220")
    root.set("height", "220")
    root.set("role", "img")
    root.set("aria-label", "Mã QR để thêm tài khoản vào ứng dụng xác thực")
    return ElementTree.tostring(root, encoding="unicode")
