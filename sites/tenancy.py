"""Tenancy: which communes a user works for, and the one way to scope a commune's data by it.

Who works where comes from Wagtail page permissions: groups hold permissions on a commune's home page
(or on the portal home, for portal staff), never page by page, so a user's communes are the commune
sites whose home is at or below a page their groups hold a permission on. A commune's translators hold
theirs on the commune's home in their language only (a translation of the home, beside it), and work for
that commune too: they read its pages to translate them.

A model that belongs to a commune declares it and gets its scoping from here, failing closed:

    class Device(models.Model):
        commune = models.ForeignKey("sites.CommuneSite", on_delete=models.CASCADE)

        tenancy = Tenancy("commune")
        objects = CommuneOwnedQuerySet.as_manager()

`Device.objects.for_user(user)` is what the user may see, `.editable_by(user)` what they may change.
The key may be a `CommuneSite`, a commune's home page, or a path through another commune-owned model
(`Tenancy("question__commune")`). Rows whose key is empty belong to the portal: portal staff only, or
readable by everyone with `Tenancy(..., shared_rows=SHARED_READ)` (national holidays, say).
The admin side (permission policy, viewset, form, function-view decorator) is in `sites.scoping`;
a test walks every model and refuses one keyed to a commune that escapes both.
"""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from wagtail.models import GroupPagePermission, Page

from sites.models import CommuneSite, Portal

SHARED_PORTAL = "portal"  # rows with no commune: portal staff only
SHARED_READ = "read"  # rows with no commune: everyone who may see the model reads them, portal staff change them


# ---------------------------------------------------------------------------------------- site homes

COMMUNE = "commune"
PORTAL = "portal"


@functools.cache
def site_home_model(level):
    """The concrete home page model of a site level (`COMMUNE` or `PORTAL`): the page model that
    declares `site_level = level` (`sites.pages.SiteHomeMixin`). Found, not imported: the content apps
    sit above this layer."""
    found = [model for model in apps.get_models()
             if issubclass(model, Page) and model.__dict__.get("site_level") == level]
    if len(found) != 1:
        raise LookupError(f"Expected one home page model for the {level!r} level, found {found}")
    return found[0]


def commune_home_model():
    return site_home_model(COMMUNE)


def portal_home_model():
    return site_home_model(PORTAL)


# ----------------------------------------------------------------------------------------------- users


def permitted_root_paths(user):
    """Tree paths of the pages this user's groups hold permissions on and, for a commune's home in
    another language among them, of the commune's own home (cached on the user object, one query).

    Wagtail's page permissions still decide what the user may change: a translator reaches their
    commune's Vietnamese pages (to translate them) but holds no permission on them."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_tenancy_root_paths", None)
    if cached is None:
        granted = Page.objects.filter(id__in=GroupPagePermission.objects.filter(group__user=user).values("page_id"))
        translated_homes = CommuneSite.objects.filter(home__translation_key__in=granted.values("translation_key"))
        roots = Page.objects.filter(Q(id__in=granted.values("id")) | Q(id__in=translated_homes.values("home_id")))
        cached = user._tenancy_root_paths = sorted(set(roots.values_list("path", flat=True)))
    return cached


def user_is_portal_staff(user):
    """Portal (district or province) staff: permissions on the portal home itself, or a superuser."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_tenancy_portal_staff", None)
    if cached is None:
        paths = permitted_root_paths(user)
        cached = user._tenancy_portal_staff = bool(paths) and Portal.objects.filter(home__path__in=paths).exists()
    return cached


def own_pages_q(user):
    """A filter on pages for those at or below a page the user's groups hold permissions on (their
    communes' pages, for commune staff)."""
    condition = Q(pk__in=[])
    for path in permitted_root_paths(user):
        condition |= Q(path__startswith=path)
    return condition


def portal_staff_users():
    """Active portal staff in one query: superusers and members of groups with permissions on a portal home."""
    portal_homes = Portal.objects.values("home_id")
    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__page_permissions__page_id__in=portal_homes)
    ).distinct()


def commune_sites_q(user, prefix=""):
    """A filter on `CommuneSite` (or on a relation to it, through `prefix`) for the sites this user works for."""
    if user_is_portal_staff(user):
        return Q()
    condition = Q(pk__in=[])
    for path in permitted_root_paths(user):
        condition |= Q(**{f"{prefix}home__path__startswith": path})
    return condition


def commune_sites_for_user(user):
    """The commune sites this user works for: every one for portal staff."""
    return CommuneSite.objects.filter(commune_sites_q(user))


def communes_for_user(user):
    """The commune home pages (in the default language) this user may work on; every one for portal staff."""
    return commune_home_model().objects.filter(pk__in=commune_sites_for_user(user).values("home_id"))


def works_for_one_commune(user):
    """Commune staff of a single commune: listings and panels need no "Xã" column for them."""
    return not user_is_portal_staff(user) and communes_for_user(user).count() == 1


def commune_for_page(page):
    """The commune site a page belongs to (None for the portal's own pages)."""
    ancestors = Page.objects.ancestor_of(page, inclusive=True).values("pk")
    return CommuneSite.objects.filter(home__in=ancestors).select_related("home").first()


# ------------------------------------------------------------------------------------ commune-owned data


@dataclass(frozen=True)
class Tenancy:
    """How a model is keyed to a commune: the field path to a `CommuneSite` or to a commune's home page."""

    field: str = "commune"
    shared_rows: str = SHARED_PORTAL

    def target(self, model):
        """The model at the end of the key's path: `CommuneSite`, or a page model."""
        current = model
        for name in self.field.split(LOOKUP_SEP):
            try:
                field = current._meta.get_field(name)
            except FieldDoesNotExist as error:
                raise ImproperlyConfigured(f"{model.__name__}.tenancy names a missing field: {self.field}") from error
            if not field.is_relation:
                raise ImproperlyConfigured(f"{model.__name__}.tenancy must end at a relation: {self.field}")
            current = field.related_model
        return current

    def _key_q(self, model, sites):
        target = self.target(model)
        if issubclass(target, CommuneSite):
            return Q(**{f"{self.field}__in": sites.values("pk")})
        if issubclass(target, Page):
            return Q(**{f"{self.field}__in": sites.values("home_id")})
        raise ImproperlyConfigured(
            f"{model.__name__}.tenancy must lead to sites.CommuneSite or a commune home page, not {target.__name__}"
        )

    def visible_q(self, model, user):
        if not user.is_authenticated or not user.is_active:
            return Q(pk__in=[])
        if user_is_portal_staff(user):
            return Q()
        condition = self._key_q(model, commune_sites_for_user(user))
        if self.shared_rows == SHARED_READ:
            condition |= Q(**{f"{self.field}__isnull": True})
        return condition

    def editable_q(self, model, user):
        if not user.is_authenticated or not user.is_active:
            return Q(pk__in=[])
        if user_is_portal_staff(user):
            return Q()
        return self._key_q(model, commune_sites_for_user(user))


def tenancy_of(model):
    """The model's `Tenancy`, or None for a model that belongs to no commune."""
    tenancy = getattr(model, "tenancy", None)
    return tenancy if isinstance(tenancy, Tenancy) else None


def require_tenancy(model):
    tenancy = tenancy_of(model)
    if tenancy is None:
        raise ImproperlyConfigured(f"{model.__name__} declares no `tenancy = Tenancy(...)`: it cannot be scoped.")
    return tenancy


class CommuneOwnedQuerySet(models.QuerySet):
    """The manager of every commune-owned model: `for_user` and `editable_by` are the only ways in."""

    def for_user(self, user):
        """Rows this user may see."""
        return self.filter(require_tenancy(self.model).visible_q(self.model, user))

    def editable_by(self, user):
        """Rows this user may change or delete (never another commune's, never shared rows for commune staff)."""
        return self.filter(require_tenancy(self.model).editable_q(self.model, user))
