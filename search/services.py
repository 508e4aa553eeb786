"""Site search: one function that answers a citizen's query within a scope.

The scope is the portal home (every commune) or a commune home (that commune only); scoping is a tree
filter on the search itself, so nothing outside it can come back. Pages and each searchable model (the
`SiteSearchable` contract below: published Q&A, say) are searched separately (different models, maybe
different indexes), merged by rank, then filtered, counted into facets, sorted and paginated in Python
over at most CANDIDATES of each, which bounds the work and the SQL: whatever the query, a results page
costs a fixed handful of queries.

Candidates are light rows (a page's id, type and tree path: enough to rank, count and filter them); only
the page of results shown is loaded in full, in one query, for its titles, dates, URLs and snippets.
"""

import datetime
import functools
import logging
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import DateField
from django.db.models.functions import Cast, Coalesce
from django.utils.html import strip_tags
from wagtail.models import Page, Site, get_page_models
from wagtail.search import index
from wagtail.search.backends import get_search_backend

from communes.models import LegalDocumentPage, NewsPage
from core.folding import document_number_keys_in, highlight, search_text
from search import query_stats, synonyms
from search.models import SearchPromotion, query_key
from sites.pages import COMMUNE, commune_home_model, public_pages

logger = logging.getLogger(__name__)

CANDIDATES = 300
PAGE_SIZE = 10
BACKEND_DOWN_MESSAGE = (
    "Chức năng tìm kiếm đang tạm thời gián đoạn. Xin vui lòng thử lại sau ít phút, "
    "hoặc xem các chuyên mục trên thanh điều hướng."
)


class Kind:
    """The kinds of pages; searchable models bring their own kinds (`site_search_kind`)."""

    NEWS = "tin-tuc"
    DOCUMENT = "van-ban"
    PAGE = "trang"

    LABELS = {NEWS: "Tin tức", DOCUMENT: "Văn bản", PAGE: "Trang thông tin"}


class Sort:
    RELEVANCE = "lien-quan"
    NEWEST = "moi-nhat"
    CHOICES = [(RELEVANCE, "Liên quan nhất"), (NEWEST, "Mới nhất")]


class SiteSearchable(Protocol):
    """What a model that is not a page offers to be found by the site search.

    Search finds such models in Wagtail's registry of indexed models (`index.get_indexed_models()`) by
    these names, so a feature joins the search by implementing them and search names no feature.
    `communes` are commune home pages (with `pk`, `path`, `depth`); the index must have filter fields
    for whatever `site_search_queryset` filters on.
    """

    site_search_kind: ClassVar[str]  # the `loai=` value of its results, e.g. "hoi-dap"
    site_search_label: ClassVar[str]  # that kind as citizens read it, e.g. "Hỏi đáp"
    site_search_commune_id: int  # the commune home page it belongs to
    site_search_date: datetime.date | None  # the date citizens know it by
    site_search_title: str
    site_search_text: str  # plain text the snippet is cut from

    @classmethod
    def site_search_queryset(cls, communes):
        """The public, searchable rows of these communes: nothing else may ever be found."""

    @classmethod
    def site_search_urls(cls, objects, communes, request=None):
        """{pk: public URL} of these objects, in a fixed number of queries whatever their number."""


@functools.cache
def searchable_models():
    """Indexed models, other than pages, that offer the `SiteSearchable` contract, in app order."""
    return tuple(
        model for model in index.get_indexed_models()
        if not issubclass(model, Page) and callable(getattr(model, "site_search_queryset", None))
    )


def kind_choices():
    """(value, label) of every kind of result: news, documents, the searchable models', then pages."""
    return [(Kind.NEWS, Kind.LABELS[Kind.NEWS]), (Kind.DOCUMENT, Kind.LABELS[Kind.DOCUMENT])] + [
        (model.site_search_kind, model.site_search_label) for model in searchable_models()
    ] + [(Kind.PAGE, Kind.LABELS[Kind.PAGE])]


@dataclass
class Hit:
    """One result. Title, URL and snippet are filled for the results shown (and for promotions)."""

    kind: str
    pk: int
    date: datetime.date | None
    commune_id: int | None
    rank: float
    title: str = ""
    url: str = ""
    snippet: str = ""
    commune_title: str = ""
    promoted: bool = False
    model: type | None = None  # a searchable model; None for a page
    path: str = ""  # a page's tree path (its commune is the commune home whose path starts it)
    content_type_id: int | None = None  # a page's type
    obj: object = None  # a searchable model's row, as its search returned it (its title, URL and snippet)

    @property
    def kind_label(self):
        return self.model.site_search_label if self.model is not None else Kind.LABELS[self.kind]


@dataclass
class SearchOutcome:
    query: str
    results: object = None  # a Paginator page of Hit
    total: int = 0
    capped: bool = False
    promotions: list = field(default_factory=list)
    kind_facets: list = field(default_factory=list)  # (value, label, count)
    commune_facets: list = field(default_factory=list)  # (commune, count)
    error: str = ""
    used_fallback: bool = False


def scope_communes(scope):
    """Commune homes inside the scope, by path (one query; the scope itself when it is a commune)."""
    if scope.site_level == COMMUNE:
        return [scope]
    return list(commune_home_model().objects.descendant_of(scope).filter(locale=scope.locale_id).order_by("title")
                .only("id", "path", "depth", "title", "slug", "url_path"))


def scope_pages(scope):
    # In the scope's language: a commune's pages in a minority language sit under the portal's home too.
    # View restrictions come from the site index (sites/site_index.py), not from a query of every one.
    return public_pages(Page.objects.live().descendant_of(scope, inclusive=True).filter(locale=scope.locale_id))


def _dated(pages):
    # The date citizens know a page by: a news item's date, a document's issue date, else publication.
    return pages.annotate(display_date=Coalesce(
        "newspage__date", "legaldocumentpage__issue_date", Cast("first_published_at", DateField())
    ))


def _kind_of_page(content_type_id, news_ct, document_ct):
    if content_type_id == news_ct:
        return Kind.NEWS
    if content_type_id == document_ct:
        return Kind.DOCUMENT
    return Kind.PAGE


def _page_types():
    return ContentType.objects.get_for_model(NewsPage).id, ContentType.objects.get_for_model(LegalDocumentPage).id


def _search_pages(backend, terms, pages, operator, pairs=()):
    """Ranked page candidates as (id, type, path) rows: no page objects, no joins beyond the search's own.
    A values queryset is still a queryset of pages to every backend (the database ones rank it in SQL,
    Elasticsearch fetches its hits from it by primary key)."""
    news_ct, document_ct = _page_types()
    rows = pages.values_list("pk", "content_type_id", "path", named=True)
    results = backend.search(synonyms.expanded_query(terms, pairs, operator), rows, operator=operator)[:CANDIDATES]
    return [
        Hit(_kind_of_page(row.content_type_id, news_ct, document_ct), row.pk, None, None, rank,
            path=row.path, content_type_id=row.content_type_id)
        for rank, row in enumerate(results)
    ]


def _search_model(backend, model, terms, communes, operator, pairs=()):
    if not communes:
        return []
    results = backend.search(synonyms.expanded_query(terms, pairs, operator), model.site_search_queryset(communes),
                             operator=operator)[:CANDIDATES]
    return [
        Hit(model.site_search_kind, obj.pk, obj.site_search_date, obj.site_search_commune_id, rank,
            obj.site_search_title, model=model, obj=obj)
        for rank, obj in enumerate(results)
    ]


def _number_matches(query, pages):
    """Documents whose number/symbol is in the query go first: `1381/QĐ-BTTTT` is an exact request."""
    keys = document_number_keys_in(query)
    if not keys:
        return []
    documents = (pages.filter(legaldocumentpage__number_key__in=keys)
                 .order_by("-legaldocumentpage__issue_date", "-pk")
                 .values_list("pk", "legaldocumentpage__issue_date", "title", "path", "content_type_id")[:20])
    return [Hit(Kind.DOCUMENT, pk, date, None, -1.0, title, path=path, content_type_id=content_type_id)
            for pk, date, title, path, content_type_id in documents]


def _merge(*ranked_lists):
    """Interleave rank-ordered lists by reciprocal rank, dropping repeats. Exact document number
    matches (rank -1) come first; the sort is stable, so ties keep their list order."""
    scored = [(hit.rank >= 0, -1.0 / (position + 1), hit)
              for hits in ranked_lists for position, hit in enumerate(hits)]
    merged, seen = [], set()
    for _exact, _score, hit in sorted(scored, key=lambda item: item[:2]):
        key = (hit.model, hit.pk)
        if key not in seen:
            seen.add(key)
            merged.append(hit)
    return merged


def _candidates(backend, terms, query, pages, communes, pairs=()):
    """Ranked hits of the query; `pairs` are the synonyms (search.synonyms) it is expanded with."""
    hits = []
    for operator in ("and", "or"):
        page_hits = _search_pages(backend, terms, pages, operator, pairs)
        models = [_search_model(backend, model, terms, communes, operator, pairs) for model in searchable_models()]
        hits = _merge(_number_matches(query, pages) if operator == "and" else [], page_hits, *models)
        # All words first; only when nothing has them all, any of them (a typo in one word).
        if hits or len(terms.split()) == 1:
            break
    return hits


def _with_communes(hits, communes):
    """Each hit's commune (a page's from its tree path, which the candidates carry: no query)."""
    by_path = sorted(((c.path, c) for c in communes), key=lambda item: -len(item[0]))
    by_id = {c.id: c for c in communes}
    for hit in hits:
        if hit.model is None:
            hit.commune_id = next((c.id for p, c in by_path if hit.path.startswith(p)), None)
        commune = by_id.get(hit.commune_id)
        hit.commune_title = commune.title if commune else ""
    return hits


def _with_dates(hits):
    """The date of each page hit that has none yet (`_dated`; number matches come with theirs), in one
    query whatever their number."""
    undated = [h.pk for h in hits if h.model is None and h.date is None]
    if undated:
        dates = dict(_dated(Page.objects.filter(pk__in=undated)).values_list("pk", "display_date"))
        for hit in hits:
            if hit.model is None and hit.date is None:
                hit.date = dates.get(hit.pk)
    return hits


def _raw_text(value):
    """Plain text from StreamField raw data, without loading images or documents."""
    if isinstance(value, str):
        return strip_tags(value)
    if isinstance(value, dict):
        return " ".join(_raw_text(v) for k, v in value.items() if k not in ("id", "type"))
    if isinstance(value, (list, tuple)):
        return " ".join(_raw_text(v) for v in value)
    return ""


def _page_text(page):
    parts = [page.search_description]
    for name in ("intro", "summary", "number", "issuing_body", "natural_conditions", "economy", "functions"):
        value = getattr(page, name, "")
        if isinstance(value, str):
            parts.append(strip_tags(value))
    body = getattr(page, "body", None)
    if body is not None and hasattr(body, "raw_data"):
        parts.append(_raw_text(list(body.raw_data)))
    return " ".join(p for p in parts if p)


def _hydrate_model(model, hits, query, communes, request):
    """URL and snippet of one model's hits, from the rows its search returned (their URLs: its own few)."""
    urls = model.site_search_urls([hit.obj for hit in hits], communes, request)
    for hit in hits:
        hit.url = urls.get(hit.pk, "")
        hit.snippet = highlight(hit.obj.site_search_text, query)


@functools.cache
def _page_type_relations():
    """The relation from Page to the row of each page type that extends Page directly (all of ours)."""
    return frozenset(model._meta.model_name for model in get_page_models() if list(model._meta.parents) == [Page])


def _pages_in_full(hits):
    """{pk: specific page} of the page hits, in one query whatever their types: each type's own row is
    joined in. (A type that extends another page type would cost its own query; there is none.)"""
    ids = [hit.pk for hit in hits if hit.model is None]
    if not ids:
        return {}
    relations = _page_type_relations()
    pages = {}
    for page in Page.objects.filter(pk__in=ids).select_related(*relations):
        model = page.specific_class
        name = model._meta.model_name if model is not None else None
        pages[page.pk] = getattr(page, name) if name in relations else page.specific
    return pages


def _display_date(page):
    """`_dated` in Python, for a page loaded in full: the same date the database would give."""
    date = page.date if isinstance(page, NewsPage) else page.issue_date if isinstance(page, LegalDocumentPage) else None
    if date is None and page.first_published_at is not None:
        date = page.first_published_at.astimezone(datetime.timezone.utc).date()  # as Cast() in SQL (UTC)
    return date


def _hydrate(hits, query, communes, request):
    """Title, date, URL and highlighted snippet for the hits shown (one query for the pages, a few per model)."""
    pages = _pages_in_full(hits)
    for model in searchable_models():
        model_hits = [h for h in hits if h.model is model]
        if model_hits:
            _hydrate_model(model, model_hits, query, communes, request)
    if request is None and pages:
        # Wagtail caches the sites' root paths on the request; without one it would look them up (in the
        # cache) once per page. One lookup for all, kept where Wagtail looks for it.
        root_paths = Site.get_site_root_paths()
        for page in pages.values():
            page._wagtail_cached_site_root_paths = root_paths
    for hit in hits:
        page = pages.get(hit.pk) if hit.model is None else None
        if page is not None:
            hit.date = hit.date or _display_date(page)
            hit.title = page.title
            hit.url = page.get_url(request) or ""
            hit.snippet = highlight(_page_text(page), query)
    return hits


def _promotions(scope, query, request):
    if scope.site_level != COMMUNE:
        return []
    rows = (SearchPromotion.objects.filter(commune=scope, query_key=query_key(query))
            .select_related("page").order_by("sort_order", "pk"))
    hits = []
    for row in rows:
        page = row.page
        # A promotion may only point inside its own commune, and only to what the public can see.
        if not (page.live and page.path.startswith(scope.path)):
            continue
        hits.append(Hit(Kind.PAGE, page.pk, None, scope.pk, -1, page.title, page.get_url(request) or "",
                        row.description, scope.title, promoted=True))
    return hits


def site_search(scope, query, *, kind="", commune_id=None, date_from=None, date_to=None, sort=Sort.RELEVANCE,
                page_number=1, request=None, backend_name="default", record=True):
    query = " ".join((query or "").split())[:200]
    outcome = SearchOutcome(query=query, results=Paginator([], PAGE_SIZE).get_page(1))
    terms = search_text(query)
    if not terms:
        return outcome
    communes = scope_communes(scope)
    pages = scope_pages(scope)  # built once: public() looks the view restrictions up
    # Abbreviations and their phrases (one cached lookup), applied alike on every backend.
    pairs = synonyms.pairs_for(scope.pk if scope.site_level == COMMUNE else None)
    alternatives = synonyms.variants(terms, pairs)
    try:
        hits = _candidates(get_search_backend(backend_name), terms, query, pages, communes, pairs)
    except Exception:
        # Elasticsearch down, timed out or refusing: the citizen gets database results or a clear message.
        logger.exception("Search backend %r failed for query %r", backend_name, query)
        fallback = "fallback" if "fallback" in settings.WAGTAILSEARCH_BACKENDS and backend_name != "fallback" else None
        if fallback is None:
            outcome.error = BACKEND_DOWN_MESSAGE
            return outcome
        try:
            hits = _candidates(get_search_backend(fallback), terms, query, pages, communes, pairs)
            outcome.used_fallback = True
        except Exception:
            logger.exception("Fallback search backend failed for query %r", query)
            outcome.error = BACKEND_DOWN_MESSAGE
            return outcome

    hits = _with_communes(hits, communes)
    outcome.capped = len(hits) >= CANDIDATES
    dates_of_all = bool(date_from or date_to or sort == Sort.NEWEST)
    if dates_of_all:
        _with_dates(hits)  # to filter or sort by date; otherwise only the results shown need theirs
    if date_from:
        hits = [h for h in hits if h.date and h.date >= date_from]
    if date_to:
        hits = [h for h in hits if h.date and h.date <= date_to]

    kind_counts = {}
    commune_counts = {}
    for hit in hits:
        kind_counts[hit.kind] = kind_counts.get(hit.kind, 0) + 1
        commune_counts[hit.commune_id] = commune_counts.get(hit.commune_id, 0) + 1
    outcome.kind_facets = [(value, label, kind_counts[value]) for value, label in kind_choices() if value in kind_counts]
    if scope.site_level != COMMUNE:
        outcome.commune_facets = [(c, commune_counts[c.id]) for c in communes if c.id in commune_counts]

    if kind in dict(kind_choices()):
        hits = [h for h in hits if h.kind == kind]
    if commune_id:
        hits = [h for h in hits if h.commune_id == commune_id]
    if sort == Sort.NEWEST:
        hits.sort(key=lambda h: (h.date or datetime.date.min, h.pk), reverse=True)

    outcome.total = len(hits)
    outcome.results = Paginator(hits, PAGE_SIZE).get_page(page_number)
    shown = list(outcome.results)
    # Snippets mark the words found: the query's, and those of the synonyms it was expanded with.
    _hydrate(shown, " ".join([query, *alternatives[1:]]), communes, request)  # and the dates of the pages shown
    if outcome.results.number == 1:
        outcome.promotions = _promotions(scope, query, request)
        promoted = {p.pk for p in outcome.promotions}
        outcome.results.object_list = [h for h in outcome.results.object_list
                                       if h.model is not None or h.pk not in promoted]
        if record:
            # Counted in memory, written after the response (search.query_stats): no write in the search.
            query_stats.record(scope if scope.site_level == COMMUNE else None, query, outcome.total)
    return outcome


def suggestions(scope, query, *, request=None, limit=8, backend_name="default"):
    """Titles for the search box as the citizen types: promotions first, then autocomplete on titles."""
    terms = search_text(query)
    if len(terms) < 2:
        return []
    out = [{"title": p.title, "url": p.url, "kind": "Đề xuất"} for p in _promotions(scope, query, request)]
    try:
        pages = list(get_search_backend(backend_name).autocomplete(terms, scope_pages(scope))[:limit])
    except Exception:
        logger.exception("Autocomplete failed for %r", query)
        pages = []
    seen = {item["url"] for item in out}
    for page in pages:
        url = page.get_url(request) or ""
        if url not in seen:
            seen.add(url)
            kind = {NewsPage: Kind.NEWS, LegalDocumentPage: Kind.DOCUMENT}.get(page.specific_class, Kind.PAGE)
            out.append({"title": page.title, "url": url, "kind": Kind.LABELS[kind]})
    return out[:limit]

