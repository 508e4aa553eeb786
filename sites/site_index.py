"""The sites of this installation as a request needs them, at a cost that does not grow with their number.

Wagtail finds a request's site with a query on every request, and builds every page URL from the list of
all sites' root paths: one cache read per request, a scan of the whole list per URL, and 1 + one query
per site to rebuild it. A province has 3,321 commune sites, so here instead:

- what a hostname resolves to (its sites and the default site) is cached under that hostname
  (`sites:host:<hostname>`): the middleware resolves a request's site, and refuses a hostname no site
  claims, with one cache read, never loading the list of every hostname;
- what rarely changes and every URL needs (each site and its root page in every language, locales,
  which pages have view restrictions) is held by each process in a `SiteIndex`, built in four queries.

Both are trusted only under the generation token they were made with (`sites:generation`, read with
the hostname's entry). Whatever could change them (a site saved or deleted, a root page's address,
title or translations, a page moved or renamed, a view restriction, a locale) puts a new token in the
cache, at once and again when the transaction commits, so no process keeps a copy made from rows that
have since changed; the next request makes them again.

Page URLs are then found from the index by the few prefixes of a page's `url_path` (`SitePageMixin`),
and a request's route with at most two small queries (`sites.routing`).
"""

import bisect
import hashlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.models.sites import MATCH_DEFAULT, MATCH_HOSTNAME_DEFAULT, MATCH_HOSTNAME_PORT, SiteRootPath
from wagtail.signals import page_slug_changed, post_page_move

from core.tree import STEPLEN

GENERATION_KEY = "sites:generation"
HOST_KEY_PREFIX = "sites:host:"
KNOWN_HOST_TIMEOUT = 24 * 3600  # exact invalidation keeps them right; the timeout only ages out old names
UNKNOWN_HOST_TIMEOUT = 300  # mistyped hostnames and scanners must not fill the cache

# Site fields in `Site.from_db` order: a cached row becomes a Site without a query.
SITE_FIELDS = tuple(field.attname for field in Site._meta.concrete_fields)
_HOSTNAME, _PORT, _IS_DEFAULT = (SITE_FIELDS.index(name) for name in ("hostname", "port", "is_default_site"))
# The generic page fields the index keeps of root pages: enough to route, to link and to title a breadcrumb.
ROOT_FIELDS = ("id", "path", "depth", "url_path", "title", "slug", "locale_id", "live", "content_type_id",
               "translation_key", "alias_of_id")

_generation = ContextVar("sites_generation", default=None)
_index = None  # this process's SiteIndex


# ------------------------------------------------------------------------------------------ hostnames


def _host_key(hostname):
    if len(hostname) > 150:  # the database cache's keys are at most 255 characters
        hostname = hashlib.sha256(hostname.encode()).hexdigest()
    return HOST_KEY_PREFIX + hostname


def _site_from_row(row):
    return Site.from_db("default", SITE_FIELDS, row)


@dataclass(frozen=True)
class HostSites:
    """The sites of one hostname (any port), the default site, and the current generation token."""

    hostname: str
    rows: tuple
    default: tuple | None
    generation: str

    @property
    def known(self):
        """Some site claims this hostname (on whichever port)."""
        return bool(self.rows)

    def site_for_port(self, port):
        """Wagtail's `get_site_for_hostname(hostname, port)`, from the cached rows."""
        candidates = list(self.rows)
        if self.default is not None and self.default[0] not in {row[0] for row in candidates}:
            candidates.append(self.default)

        def match(row):
            if row[_HOSTNAME] == self.hostname and row[_PORT] == port:
                return MATCH_HOSTNAME_PORT
            if row[_HOSTNAME] == self.hostname and row[_IS_DEFAULT]:
                return MATCH_HOSTNAME_DEFAULT
            if row[_IS_DEFAULT]:
                return MATCH_DEFAULT
            return 3  # hostname only

        ranked = sorted(candidates, key=match)
        if not ranked:
            return None
        best = match(ranked[0])
        if len(ranked) == 1 or best in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
            return _site_from_row(ranked[0])
        if best == MATCH_DEFAULT:
            return _site_from_row(ranked[len(ranked) == 2])
        return None


def host_sites(hostname):
    """The sites of `hostname`, the default site and the generation token: one cache read when warm.

    The hostname's entry is trusted only under the generation it was made in: a site saved or deleted
    anywhere puts a new token in the cache (the default site, which answers unknown hostnames, may
    have changed), and the entry is made again, with one query, on the hostname's next request."""
    host_key = _host_key(hostname)
    found = cache.get_many([host_key, GENERATION_KEY])
    generation = found.get(GENERATION_KEY) or read_generation()
    entry = found.get(host_key)
    if entry is None or entry[0] != generation:
        rows = list(Site.objects.filter(Q(hostname=hostname) | Q(is_default_site=True)).order_by("pk")
                    .values_list(*SITE_FIELDS))
        own = tuple(row for row in rows if row[_HOSTNAME] == hostname)
        default = next((row for row in rows if row[_IS_DEFAULT]), None)
        entry = (generation, own, default)
        cache.set(host_key, entry, KNOWN_HOST_TIMEOUT if own else UNKNOWN_HOST_TIMEOUT)
    return HostSites(hostname=hostname, rows=entry[1], default=entry[2], generation=generation)


def forget_keys(keys):
    """Delete cache keys now and again once the transaction commits: a process that reads in between
    (with a cache outside the database) cannot keep what it rebuilt from the rows being replaced."""
    keys = list(keys)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# ----------------------------------------------------------------------------------------- generation


def read_generation():
    """The current generation token, making one if the cache has none (emptied, culled, first run)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY) or uuid.uuid4().hex
    return generation


def bump_generation():
    """Every process's `SiteIndex`, every hostname's entry and every cached site chrome is out of date:
    a new token, now (the rest of this request uses it too) and again on commit."""
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, None)
    if _generation.get() is not None:
        _generation.set(generation)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, None))


def current_generation():
    """The token the request being served started with, else the cache's."""
    return _generation.get() or read_generation()


def use_generation(generation):
    """For the middleware: every index and chrome lookup of this request uses this token. Returns the
    reset token for `release_generation`."""
    return _generation.set(generation)


def release_generation(token):
    _generation.reset(token)


# ------------------------------------------------------------------------------------------ the index


@dataclass(frozen=True)
class RootPage:
    """One language version of a site's root page: its generic fields, enough to route and to link."""

    id: int
    path: str
    depth: int
    url_path: str
    title: str
    slug: str
    locale_id: int
    live: bool
    content_type_id: int
    translation_key: object
    alias_of_id: int | None

    def as_page(self):
        """A page of the specific class with these generic fields (others deferred), without a query."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class() or Page
        return deferred_page(model, {name: getattr(self, name) for name in ROOT_FIELDS})


def deferred_page(model, values):
    """An instance of the page model `model` with these field values and every other field deferred,
    made without a query (`Page.specific_deferred` would load each missing generic field)."""
    values = dict(values)
    for field in model._meta.concrete_fields:
        if field.remote_field is not None and getattr(field.remote_field, "parent_link", False):
            values[field.attname] = values["id"]  # page_ptr_id and any other parent link
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db("default", names, [values[name] for name in names])


class SiteIndex:
    """Sites, their root pages in every language and the root paths Wagtail builds URLs from, locales
    and restricted pages, as of one generation token."""

    def __init__(self, generation, site_rows, root_rows, locales, restricted_paths):
        self.generation = generation
        self.sites = {}
        for row in site_rows:
            site = _site_from_row(row[:len(SITE_FIELDS)])
            self.sites[site.pk] = (site, row[len(SITE_FIELDS)])  # (site, its root page's translation key)
        self._sites_by_root = {}
        for site, _translation_key in self.sites.values():
            self._sites_by_root.setdefault(site.root_page_id, []).append(site)
        self.locale_codes = dict(locales)
        self.locale_ids = {code: pk for pk, code in locales}
        self.root_pages = {}
        self.translations = {}  # translation key → {locale id: RootPage}, in path order
        for values in root_rows:
            root = RootPage(**values)
            self.root_pages[root.id] = root
            self.translations.setdefault(root.translation_key, {})[root.locale_id] = root
        self.root_pages_by_path = {root.path: root for root in self.root_pages.values()}
        self._sorted_root_paths = sorted(self.root_pages_by_path)
        # Wagtail's `Site.get_site_root_paths()`, in its order: sites by root URL path (deepest first),
        # the default site first, then by hostname (the database ordered them); each site's root page
        # in every language, in tree order.
        self.root_paths = []
        for site, translation_key in self.sites.values():
            for root in self.translations.get(translation_key, {}).values():
                self.root_paths.append(SiteRootPath(site.pk, root.url_path, site.root_url,
                                                    self.locale_codes.get(root.locale_id)))
        self._by_root_path = {}
        for position, root_path in enumerate(self.root_paths):
            self._by_root_path.setdefault(root_path.root_path, []).append((position, root_path))
        self.site_count = len(self.sites)
        self.home_count = len(self._sites_by_root)  # the homes sites are rooted at: the portal's, each commune's
        self.restricted_paths = tuple(sorted(set(restricted_paths)))
        self._nested_depths = {}

    @classmethod
    def build(cls, generation):
        sites = list(
            Site.objects.order_by("-root_page__url_path", "-is_default_site", "hostname")
            .values_list(*SITE_FIELDS, "root_page__translation_key")
        )
        roots = list(
            Page.objects.filter(translation_key__in={row[-1] for row in sites}).order_by("path").values(*ROOT_FIELDS)
        ) if sites else []
        locales = list(Locale.objects.values_list("id", "language_code"))
        restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        return cls(generation, sites, roots, locales, restricted)

    def relevant_root_paths(self, url_path):
        """Wagtail's `page._get_relevant_site_root_paths()`: the root paths `url_path` starts with, in
        the order of the full list, found by the URL path's few prefixes instead of scanning every site."""
        found = []
        end = url_path.find("/")
        while end != -1:
            found.extend(self._by_root_path.get(url_path[:end + 1], ()))
            end = url_path.find("/", end + 1)
        found.sort(key=lambda item: item[0])
        return tuple(root_path for _position, root_path in found)

    def site(self, site_id):
        entry = self.sites.get(site_id)
        return entry[0] if entry else None

    def sites_rooted_at(self, page_id):
        """The sites whose root page is this page (not its translations)."""
        return self._sites_by_root.get(page_id, ())

    def site_roots(self, site_id):
        """The site's root page in every language (tree order), or () for a site this index does not know."""
        entry = self.sites.get(site_id)
        return tuple(self.translations.get(entry[1], {}).values()) if entry else ()

    def active_locale_id(self):
        """`Locale.get_active().pk` without a query; None when no locale fits (Wagtail then keeps the page)."""
        for language in (translation.get_language(), settings.LANGUAGE_CODE):
            try:
                locale_id = self.locale_ids.get(get_supported_content_language_variant(language))
            except LookupError:
                locale_id = None
            if locale_id is not None:
                return locale_id
        return None

    def localized_root(self, site_id):
        """`site.root_page.localized` of Wagtail's routing: the root page in the active language when
        that translation is live, else the root page itself; None for a site this index does not know."""
        site = self.site(site_id)
        root = self.root_pages.get(site.root_page_id) if site else None
        if root is None or not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return root
        locale_id = self.active_locale_id()
        if locale_id is None or locale_id == root.locale_id:
            return root
        localized = self.translations.get(root.translation_key, {}).get(locale_id)
        return localized if localized is not None and localized.live else root

    def nested_root_depths(self, path):
        """Depths of other sites' root pages strictly inside `path` (communes under the portal)."""
        if path not in self._nested_depths:
            start = bisect.bisect_right(self._sorted_root_paths, path)
            depths = set()
            for candidate in self._sorted_root_paths[start:]:
                if not candidate.startswith(path):
                    break
                depths.add(len(candidate) // STEPLEN)
            self._nested_depths[path] = frozenset(depths)
        return self._nested_depths[path]

    def locale(self, locale_id):
        """A `Locale` instance without a query (None if unknown)."""
        code = self.locale_codes.get(locale_id)
        return Locale.from_db("default", ("id", "language_code"), (locale_id, code)) if code else None

    def public_q(self):
        """Wagtail's `~PageQuerySet.private_q()` from the index: None when no page is restricted."""
        if not self.restricted_paths:
            return None
        condition = Q()
        for path in self.restricted_paths:
            condition |= Q(path__startswith=path)
        return ~condition


def index_for(generation):
    """This process's index if it was built for `generation`, else a new one (four queries)."""
    global _index
    current = _index
    if current is None or current.generation != generation:
        current = _index = SiteIndex.build(generation)
    return current


def site_index(cache_object=None):
    """The index for the request being served (or, outside a request, for the cache's token, remembered
    on `cache_object` as Wagtail remembers its root paths)."""
    index = getattr(cache_object, "_site_index", None)
    if index is not None and _generation.get() in (None, index.generation):
        return index
    index = index_for(current_generation())
    if cache_object is not None and _generation.get() is None:
        try:
            cache_object._site_index = index
        except AttributeError:
            pass
    return index


def public_pages(queryset):
    """`queryset.public()` without its query of every view restriction (the index has them)."""
    condition = site_index().public_q()
    return queryset if condition is None else queryset.filter(condition)


# ------------------------------------------------------------------------------------- invalidation


def _current_index():
    """This process's index if it is current (never building one: page saves must stay cheap)."""
    current = _index
    return current if current is not None and current.generation == current_generation() else None


def _is_site_root(page):
    return Site.objects.filter(root_page__translation_key=page.translation_key).exists()


def page_saved(sender, instance, raw=False, **kwargs):
    """A site's root page (in any language) changed what the index holds of it, or an ancestor of root
    pages changed its slug (Wagtail then rewrites their URL paths with a query, without signals)."""
    if not isinstance(instance, Page):
        return
    index = _current_index()
    if index is None:
        if _is_site_root(instance):
            bump_generation()
        return
    root = index.root_pages.get(instance.pk)
    if root is not None:
        if any(getattr(instance, name) != getattr(root, name) for name in ROOT_FIELDS):
            bump_generation()
        return
    if instance.translation_key in index.translations:  # a new translation of a site's root page
        bump_generation()
        return
    # Root pages below this page sort right after it: the first one tells whether URL paths moved.
    start = bisect.bisect_right(index._sorted_root_paths, instance.path)
    for path in index._sorted_root_paths[start:start + 1]:
        below = index.root_pages_by_path[path]
        if path.startswith(instance.path) and not below.url_path.startswith(instance.url_path):
            bump_generation()


def page_deleted(sender, instance, **kwargs):
    """A root page's translation deleted (deleting a site's root page deletes the site, which says so)."""
    if not isinstance(instance, Page):
        return
    index = _current_index()
    if (instance.translation_key in index.translations) if index is not None else _is_site_root(instance):
        bump_generation()


def tree_changed(**kwargs):
    bump_generation()


def connect():
    # A site saved or deleted: hostnames' entries (the default site among them) and the index.
    post_save.connect(tree_changed, sender=Site, dispatch_uid="sites-index-site-saved")
    post_delete.connect(tree_changed, sender=Site, dispatch_uid="sites-index-site-deleted")
    post_save.connect(page_saved, dispatch_uid="sites-index-page-saved")
    post_delete.connect(page_deleted, dispatch_uid="sites-index-page-deleted")
    # Wagtail rewrites the URL paths under a moved or renamed page with queries, without signals.
    page_slug_changed.connect(tree_changed, dispatch_uid="sites-index-slug-changed")
    post_page_move.connect(tree_changed, dispatch_uid="sites-index-page-moved")
    for model in (Locale, PageViewRestriction):
        post_save.connect(tree_changed, sender=model, dispatch_uid=f"sites-index-{model.__name__}-saved")
        post_delete.connect(tree_changed, sender=model, dispatch_uid=f"sites-index-{model.__name__}-deleted")
