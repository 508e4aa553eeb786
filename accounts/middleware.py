"""The second factor, enforced: after the password, the admin opens only once the code is given.

Must come after django_otp's OTPMiddleware (which tells whether this session gave a code).

- In the admin, a user who owes a second factor reaches only the sign-in, sign-out and two-factor
  screens; everything else redirects to the code screen (a confirmed device) or to enrolment
  (required, none yet).
- Outside the admin, such a session is anonymous: a password alone must not open pages restricted
  to signed-in users, nor show the editing bar.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse

from accounts.two_factor import has_authenticator, two_factor_required

# Admin screens open to a user who has given their password but not yet their code.
OPEN_BEFORE_SECOND_FACTOR = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "accounts_two_factor_verify",
}
# …and to a user who must enrol and has no device yet.
OPEN_FOR_ENROLMENT = {"accounts_two_factor_enrol"}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if request.path.startswith(reverse("wagtailadmin_home")):
                response = self.gate_admin(request, user)
                if response is not None:
                    return response
            elif has_authenticator(user) or two_factor_required(user):
                request.user = AnonymousUser()
        return self.get_response(request)

    def gate_admin(self, request, user):
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return None
        if name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if has_authenticator(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts_two_factor_verify"))
        if name in OPEN_FOR_ENROLMENT:
            return None
        if two_factor_required(user):
            return redirect_to_login(request.get_full_path(), reverse("accounts_two_factor_enrol"))
        return None
