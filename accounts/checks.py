from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from accounts.throttling import LOCKOUT_PARAMETERS


@register(Tags.security, deploy=True)
def two_factor_required_in_production(app_configs, **kwargs):
    if not settings.DEBUG and not settings.TWO_FACTOR_REQUIRED:
        return [
            Warning(
                "TWO_FACTOR_REQUIRED is off: portal staff and superusers can sign in with a password alone.",
                hint="Unset TWO_FACTOR_REQUIRED (it defaults to on when DEBUG=0) or set it to 1.",
                id="accounts.W001",
            )
        ]
    return []


@register(Tags.security)
def login_throttling_is_wired(app_configs, **kwargs):
    errors = []
    if settings.AXES_LOCKOUT_PARAMETERS != LOCKOUT_PARAMETERS:
        errors.append(
            Error(
                f"AXES_LOCKOUT_PARAMETERS must be {LOCKOUT_PARAMETERS}: accounts.throttling counts in that order.",
                id="accounts.E001",
            )
        )
    middleware = settings.MIDDLEWARE
    needed = ["django_otp.middleware.OTPMiddleware", "accounts.middleware.TwoFactorMiddleware"]
    if not all(name in middleware for name in needed) or middleware.index(needed[0]) > middleware.index(needed[1]):
        errors.append(
            Error("TwoFactorMiddleware needs django_otp's OTPMiddleware before it in MIDDLEWARE.", id="accounts.E002")
        )
    return errors
