"""What each cached public response depends on, and which changes drop it: the rules, in one place.

The mechanism is `core.pagecache` (tags with versions; a change bumps a tag and every response that
carries it is gone on the next request). This module says which tags a response carries and which
changes bump which tags. Every rule below has a test in tests/public/test_page_cache.py.

Tags a response carries
    `all`            every cached response
    `unit:<id>`      a page (or a route under it: feeds, Q&A, search, alerts) of the site of that
                     administrative unit: a commune's site, or the portal's own pages. A home page and its
                     translations share the unit, so both languages of a site carry the same tag.
    `pages`          sitemaps (they list pages of many sites)
    `alerts`         the alert pages and feeds (the banner on other pages is added above the cache)
Search results are never stored, alert pages 30 s at most (see SEARCH_ROUTES, ALERT_ROUTES).

Changes, and what they drop
    a page published, unpublished, moved, deleted, or saved live (scheduled publishing included)
                     → its site (`unit:` of its commune, or of the portal), and `pages`;
                       a move drops the site it left and the site it joined.
    ... and when the page is a commune home (name, identity: the portal's directory), a news item
        (promoted to the portal's home and feed) or a legal document
                     → the portal's site too.
    the portal home (its name and identity are in every commune's header and footer)
                     → `all`.
    a view restriction (password, sign-in, groups) set on or taken off a page → as a change of the page.
    a Wagtail site record (hostname, port, root page) or a locale → `all`.
    a language of the registry, or a site's languages (switchers, alternates, pages in it) → `all`.
    an image or a document changed or deleted (pages show its renditions, title and size) → `all`.
    a citizen's question that is (or was) published: answered, edited, hidden, erased, deleted
                     → its commune's site and the portal's site.
    an emergency alert saved or deleted (published, updated, cancelled) → `alerts`.

Feeds are routes under a page, so they carry its site's tag: the news feeds (`rss`, `atom`) and the
legal documents feeds (`documents_rss`, `documents_atom`) of a site's home, and the category feeds
(`category_rss`, `category_atom`) of a news index. A news item or a legal document published drops them
with its commune's site, and the portal's (whose documents feed aggregates every commune's).

The site's pages that a change drops are also purged from the caches in front (nginx, a CDN) through
Wagtail's frontend cache (`WAGTAILFRONTENDCACHE`, empty by default): the page, its parent index (and a
news index's category feeds), its site's home and feeds (`HOME_FEED_ROUTES`), and for portal-wide changes
the portal home (and its commune directory, `/cac-xa/`). Other pages of that site leave those
caches by themselves within their few seconds (deploy/nginx: microcache).
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from broadcasts.models import Alert
from communes.models import CommuneHomePage, LegalDocumentPage, NewsCategory, NewsIndexPage, NewsPage
from core import pagecache
from home.models import PortalHomePage
from languages.models import Language, SiteLanguage
from questions.models import Question, QuestionState

# Routes under a site's home whose responses change without an event: kept a short time only.
# (By route name: search/apps.py and broadcasts/apps.py register them under every site's home.)
# Search results are never stored: every search is counted for the communes' statistics (search/
# query_stats.py), pages are indexed in the background after their publish, and few queries repeat.
SEARCH_ROUTES = {"search", "search_suggest"}
ALERT_ROUTES = {"alerts", "alert_detail", "alerts_atom", "alert_cap"}
ALERT_PAGE_LIFETIME_S = 30  # an alert expires (and one scheduled for later begins) without an event
# Commune pages the portal shows too: its directory, its promoted news and feed, the documents lookup.
SHOWN_AT_PORTAL = (CommuneHomePage, NewsPage, LegalDocumentPage)
QUESTION_PUBLIC_STATES = {QuestionState.PUBLISHED, QuestionState.HIDDEN}
# The feeds under a site's home (communes/feeds.py), purged from the caches in front with it.
HOME_FEED_ROUTES = ("rss", "atom", "documents_rss", "documents_atom")


def unit_tag(unit_id) -> str:
    return f"unit:{unit_id}"


# ------------------------------------------------------------------------------------ what a response shows


def tag_page_response(page, request) -> None:
    """Called for every page Wagtail serves (and every route under it), before it renders."""
    home = getattr(page, "commune", None) or getattr(page, "portal", None)
    if home is None:
        return  # Wagtail's root, or a page outside any site: not cached
    pagecache.tag(request, "all", unit_tag(home.unit_id))
    match = getattr(request, "routable_resolver_match", None)  # a route under the page (RoutablePageMixin)
    route = match.url_name if match is not None else None
    if route in SEARCH_ROUTES:
        pagecache.skip(request)
    elif route in ALERT_ROUTES:
        pagecache.tag(request, "alerts")
        pagecache.lifetime(request, ALERT_PAGE_LIFETIME_S)


def tag_sitemap_response(request) -> None:
    pagecache.tag(request, "all", "pages")


def tag_site_response(request) -> None:
    """robots.txt and the like: they name the site's address only."""
    pagecache.tag(request, "all")


def cached(view, tagger):
    """`view`, its responses tagged by `tagger(request)` for the page cache (a view that is not a page)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        tagger(request)
        return view(request, *args, **kwargs)

    return wrapper


# ----------------------------------------------------------------------------------------- what drops it


def _homes_above(path: str):
    """The commune home and the portal home on the way from the root to `path` (either may be None)."""
    prefixes = [path[: i * Page.steplen] for i in range(1, len(path) // Page.steplen + 1)]
    commune = CommuneHomePage.objects.filter(path__in=prefixes).only("unit_id", "path").first()
    portal = PortalHomePage.objects.filter(path__in=prefixes).only("unit_id", "path").first()
    return commune, portal


def page_changed(page, *, paths=()) -> None:
    """Drop what shows `page` (found at its path now, and at `paths`, where it was before a move)."""
    specific_class = page.specific_class or type(page)
    if issubclass(specific_class, PortalHomePage):
        _drop({"all"}, purge=[page])
        return
    tags, purge = {"pages"}, [page]
    for path in {page.path, *paths}:
        commune, portal = _homes_above(path)
        if commune is not None:
            tags.add(unit_tag(commune.unit_id))
            purge.append(commune)
        if portal is not None and (commune is None or issubclass(specific_class, SHOWN_AT_PORTAL)):
            tags.add(unit_tag(portal.unit_id))
            purge.append(portal)
    if page.depth > 1:
        parent = Page.objects.filter(path=page.path[: -Page.steplen]).first()
        if parent is not None:
            purge.append(parent)
    _drop(tags, purge=purge)


def question_changed(question) -> None:
    if question.state not in QUESTION_PUBLIC_STATES:
        return
    home = question.commune  # the commune's home page
    commune, portal = _homes_above(home.path)
    _drop({unit_tag(commune.unit_id), *([unit_tag(portal.unit_id)] if portal else [])}, purge=[home])


def _drop(tags, *, purge=()) -> None:
    pagecache.invalidate(*sorted(tags))
    purge_from_frontend_caches(purge)


def purge_from_frontend_caches(pages) -> None:
    """Ask the caches in front to forget these pages and their site's feeds (a background task)."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None) or not pages:
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    unique = {}
    for page in pages:  # the first of each: a home found as its own type (a parent comes as a plain page)
        unique.setdefault(page.pk, page)
    for page in unique.values():
        if not page.live:
            continue
        batch.add_page(page)
        if isinstance(page, (CommuneHomePage, PortalHomePage)):
            root = page.get_full_url()
            if root:
                batch.add_urls([root + page.reverse_subpage(name) for name in HOME_FEED_ROUTES])
                batch.add_url(_sitemap(root))
                if isinstance(page, PortalHomePage):
                    batch.add_url(root + page.reverse_subpage("directory"))  # its commune directory's first page
        elif issubclass(page.specific_class or type(page), NewsIndexPage):
            page = page.specific  # the parent is found as a plain page: its routes are on its type
            root = page.get_full_url()
            if root:
                batch.add_urls([root + page.reverse_subpage(name, args=(category,))
                                for category in NewsCategory.values for name in ("category_rss", "category_atom")])
    batch.purge()


def _sitemap(root_url: str) -> str:
    parts = urlsplit(root_url)
    return f"{parts.scheme}://{parts.netloc}/sitemap.xml"


# ------------------------------------------------------------------------------------------------- wiring


def _on_publish(sender, instance, **kwargs):
    page_changed(instance)


def _on_move(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    before = parent_page_before.path + instance.path[-Page.steplen:] if parent_page_before is not None else None
    page_changed(instance, paths=[before] if before else [])


def _on_page_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    # A live page saved by code (not through publish, which says so itself); drafts change nothing public.
    if raw or not isinstance(instance, Page) or not instance.live or update_fields is not None:
        return
    page_changed(instance)


def _on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.path:
        page_changed(instance)


def _on_restriction(sender, instance, raw=False, **kwargs):
    if not raw and instance.page_id is not None:
        page = Page.objects.filter(pk=instance.page_id).first()
        if page is not None:
            page_changed(page)


def _on_everything(sender, instance=None, raw=False, created=False, **kwargs):
    if raw:
        return
    if created and sender in (get_image_model(), get_document_model()):
        return  # a new file is on no page yet
    _drop({"all"})


def _on_question(sender, instance, raw=False, **kwargs):
    if not raw:
        question_changed(instance)


def _on_alert(sender, instance=None, raw=False, **kwargs):
    if not raw:
        _drop({"alerts"})


def connect() -> None:
    page_published.connect(_on_publish, dispatch_uid="pagecache-published")
    page_unpublished.connect(_on_publish, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(_on_move, dispatch_uid="pagecache-moved")
    post_save.connect(_on_page_saved, dispatch_uid="pagecache-page-saved")
    post_delete.connect(_on_page_deleted, dispatch_uid="pagecache-page-deleted")
    post_save.connect(_on_restriction, sender=PageViewRestriction, dispatch_uid="pagecache-restriction-saved")
    post_delete.connect(_on_restriction, sender=PageViewRestriction, dispatch_uid="pagecache-restriction-deleted")
    for model in (Site, Locale, Language, SiteLanguage, get_image_model(), get_document_model()):
        post_save.connect(_on_everything, sender=model, dispatch_uid=f"pagecache-all-saved-{model.__name__}")
        post_delete.connect(_on_everything, sender=model, dispatch_uid=f"pagecache-all-deleted-{model.__name__}")
    post_save.connect(_on_question, sender=Question, dispatch_uid="pagecache-question-saved")
    post_delete.connect(_on_question, sender=Question, dispatch_uid="pagecache-question-deleted")
    post_save.connect(_on_alert, sender=Alert, dispatch_uid="pagecache-alert-saved")
    post_delete.connect(_on_alert, sender=Alert, dispatch_uid="pagecache-alert-deleted")
