"""Tenancy: which communes a user works for. Every admin listing of commune data filters by this.

Permissions are granted on a commune's home page (and on the portal home for district staff),
never page by page, so a user's communes are the commune homes at or below the pages their groups
hold permissions on.
"""

from django.db.models import Q
from wagtail.models import GroupPagePermission, Page


def permitted_root_paths(user):
    if not user.is_authenticated or not user.is_active:
        return []
    page_ids = GroupPagePermission.objects.filter(group__user=user).values("page_id")
    return list(Page.objects.filter(id__in=page_ids).values_list("path", flat=True).distinct())


def communes_for_user(user):
    """The commune home pages this user may work on (all of them for a superuser)."""
    from communes.models import CommuneHomePage

    communes = CommuneHomePage.objects.all()
    if user.is_active and user.is_superuser:
        return communes
    paths = permitted_root_paths(user)
    if not paths:
        return communes.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return communes.filter(condition)


def user_is_portal_staff(user):
    """District (or province) staff: permissions on the portal home itself, or a superuser."""
    from home.models import PortalHomePage

    if user.is_active and user.is_superuser:
        return True
    paths = permitted_root_paths(user)
    return PortalHomePage.objects.filter(path__in=paths).exists()


def commune_for_page(page):
    from communes.models import CommuneHomePage

    return CommuneHomePage.objects.ancestor_of(page, inclusive=True).first()
