"""What every page of a site shows around its content: its commune's or portal's identity (name, address,
logo and its renditions) and that home's menu, cached per home page.

A page view reads the chromes of its commune and of its portal with one cache read, instead of a query
for each home, one for the logo and two for the menu. Entries are forgotten exactly when what they
show changes: a home page or one of its children is saved (which publishing, unpublishing and every
edit do) or deleted, or a home's logo image changes; and an entry is used only under the generation
token it was made with (`sites.site_index`), which whatever changes many sites at once (view
restrictions, moves, slug changes, sites themselves) renews.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.images import get_image_model
from wagtail.models import Page

from core.tree import STEPLEN
from sites.models import SiteIdentity
from sites.site_index import current_generation, forget_keys, public_pages
from sites.tenancy import commune_home_model, portal_home_model

CHROME_KEY = "sites:chrome:{path}"
# The header's logo rendition (templates/includes/header.html): shown 3rem high, sharp on 2× screens.
LOGO_FILTER = "height-96"
CHROME_TIMEOUT = 24 * 3600  # exact invalidation keeps them right; the timeout only ages out deleted homes


@dataclass
class Chrome:
    home: Page  # the home page, of its specific class, with its logo (and the logo's renditions)
    menu: list  # the home's menu sections: live, public children in menus, other sites' homes left out


def _build(model, path):
    pages = model.objects.filter(path=path)
    if issubclass(model, SiteIdentity):
        pages = pages.select_related("logo").prefetch_related("logo__renditions")
    home = pages.first()
    if home is None:
        return None
    logo = getattr(home, "logo", None)
    if logo is not None:
        # Made (or found) now, so the stored chrome carries it: else every page view would ask the
        # database for the header's rendition that was made after the renditions were prefetched.
        logo.get_rendition(LOGO_FILTER)
    menu = public_pages(home.get_children().live().in_menu().not_type(commune_home_model()))
    return Chrome(home=home, menu=list(menu.specific(defer=True)))


def site_chromes(homes):
    """{path: Chrome} of these home pages, given as (model, path): one cache read when warm."""
    keys = {CHROME_KEY.format(path=path): (model, path) for model, path in homes}
    if not keys:
        return {}
    generation = current_generation()
    found = cache.get_many(list(keys))
    chromes, fresh = {}, {}
    for key, (model, path) in keys.items():
        entry = found.get(key)
        chrome = entry[1] if entry is not None and entry[0] == generation else None
        if chrome is None or type(chrome.home) is not model:
            chrome = _build(model, path)
            if chrome is None:
                continue
            fresh[key] = (generation, chrome)
        chromes[path] = chrome
    if fresh:
        cache.set_many(fresh, CHROME_TIMEOUT)
    return chromes


def forget_chromes(*paths):
    forget_keys(CHROME_KEY.format(path=path) for path in paths if path)


def page_changed(sender, instance, **kwargs):
    """The page itself may be a home; its parent's menu lists it (or, once unpublished, no longer)."""
    if isinstance(instance, Page) and instance.path:
        forget_chromes(instance.path, instance.path[:-STEPLEN])


def logo_changed(sender, instance, **kwargs):
    paths = []
    for model in {commune_home_model(), portal_home_model()}:
        if issubclass(model, SiteIdentity):
            paths += model.objects.filter(logo=instance).values_list("path", flat=True)
    if paths:
        forget_chromes(*paths)


def connect():
    post_save.connect(page_changed, dispatch_uid="sites-chrome-page-saved")
    post_delete.connect(page_changed, dispatch_uid="sites-chrome-page-deleted")
    image_model = get_image_model()
    post_save.connect(logo_changed, sender=image_model, dispatch_uid="sites-chrome-logo-saved")
    pre_delete.connect(logo_changed, sender=image_model, dispatch_uid="sites-chrome-logo-deleted")
