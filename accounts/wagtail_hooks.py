"""Admin wiring: the two-factor screens, the per-commune switch (portal staff only), avatars."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts import views
from accounts.avatars import initials_avatar_url, uploaded_avatar
from accounts.models import CommuneTwoFactor
from sites.scoping import CommuneOwnedViewSet
from sites.tenancy import portal_staff_users, user_is_portal_staff


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("xac-thuc/", views.verify, name="accounts_two_factor_verify"),
        path("tai-khoan/xac-thuc-hai-lop/", views.overview, name="accounts_two_factor"),
        path("tai-khoan/xac-thuc-hai-lop/thiet-lap/", views.enrol, name="accounts_two_factor_enrol"),
        path("tai-khoan/xac-thuc-hai-lop/ma-du-phong/", views.recovery_codes, name="accounts_two_factor_recovery_codes"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("accounts_two_factor"),
        "label": "Xác thực hai lớp",
        "help_text": "Đăng nhập bằng mật khẩu và mã từ ứng dụng xác thực trên điện thoại; mã dự phòng.",
    }


@hooks.register("get_avatar_url")
def initials_avatar(user, size):
    """Initials for users without an uploaded picture (Wagtail shows the upload itself)."""
    if user is None or not getattr(user, "pk", None) or uploaded_avatar(user):
        return None
    return initials_avatar_url(user)


class PortalStaffDecidePolicy(BasePermissionPolicy):
    """Only portal (district or province) staff and superusers decide which communes must use 2FA."""

    def user_has_permission(self, user, action):
        return user_is_portal_staff(user)

    def users_with_any_permission(self, actions):
        return portal_staff_users()


class CommuneTwoFactorViewSet(CommuneOwnedViewSet):
    """Rows and forms go through the tenancy layer like every commune-owned model; the permission is
    portal staff's alone (no commune group holds one), rather than Django model permissions."""

    model = CommuneTwoFactor
    icon = "key"
    menu_label = "Xác thực hai lớp theo xã"
    add_to_settings_menu = True
    url_prefix = "xac-thuc-hai-lop-theo-xa"
    list_display = ["commune", "required", "updated_at", "updated_by"]
    list_filter = ["required"]
    panels = [FieldPanel("commune"), FieldPanel("required")]
    inspect_view_enabled = False

    def on_register(self):
        register_permission_policy(self.model, PortalStaffDecidePolicy(self.model), exact_class=True)
        ModelViewSet.on_register(self)  # not CommuneOwnedViewSet's, which would grant by model permissions

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)

        class StampedForm(form_class):
            def save(self, commit=True):
                self.instance.updated_by = self.for_user
                return super().save(commit)

        return StampedForm


@hooks.register("register_admin_viewset")
def commune_two_factor_viewset():
    return CommuneTwoFactorViewSet("accounts_commune_two_factor")
