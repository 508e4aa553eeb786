"""Two-factor screens: enrol, give the code after the password, manage recovery codes.

They live under the admin prefix (registered by wagtail_hooks) so TwoFactorMiddleware guards them
like every other admin screen.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.forms import CodeForm, VerifyForm
from accounts.two_factor import (
    authenticator_confirm,
    authenticator_for_enrolment,
    device_for_code,
    has_authenticator,
    normalise_code,
    qr_code_svg,
    recovery_codes_create,
    recovery_codes_left,
    secret_for_display,
    two_factor_required,
)


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("wagtailadmin_home")


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    """After the password: the code from the app, or a recovery code."""
    user = request.user
    if user.is_verified() or not has_authenticator(user):
        return redirect(_next_url(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["code"]
        device = device_for_code(user, token)
        allowed, _ = device.verify_is_allowed() if device else (True, None)
        if not allowed:
            form.add_error("code", "Bạn đã nhập sai nhiều lần. Vui lòng đợi ít giây rồi thử lại.")
        elif device and verify_token(user, device.persistent_id, normalise_code(token)):
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    f"Bạn vừa dùng một mã dự phòng; còn {left} mã. "
                    "Hãy tạo bộ mã mới trong Tài khoản → Xác thực hai lớp nếu sắp hết.",
                )
            return redirect(_next_url(request))
        else:
            form.add_error("code", "Mã không đúng hoặc đã hết hạn.")
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@sensitive_post_parameters("code")
def enrol(request):
    """Add an authenticator app: scan the QR code, confirm a first code, keep the recovery codes."""
    user = request.user
    device = authenticator_for_enrolment(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = authenticator_confirm(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            # Shown in this response only; never stored where it could be shown again.
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error("code", "Mã không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã đang hiện.")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_code": qr_code_svg(device.config_url),
            "secret": secret_for_display(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": two_factor_required(user),
            "next": _next_url(request),
        },
    )


@never_cache
def overview(request):
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enrolled": has_authenticator(user),
            "required": two_factor_required(user),
            "recovery_codes_left": recovery_codes_left(user),
        },
    )


@never_cache
def recovery_codes(request):
    """A new set of recovery codes (POST only); the old ones stop working."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not has_authenticator(request.user):
        return redirect("accounts_two_factor_enrol")
    codes = recovery_codes_create(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts_two_factor")})
