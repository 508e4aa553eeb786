"""Wagtail's page routing for a request in at most two queries, whatever the depth of the page.

Wagtail routes `/tin-tuc/a-news-item/` from the site's root page down, one level at a time: a query for the
active locale, one for the root's specific page, then two per level (the child by slug, then its specific
row). Here the site's root page in the active language comes from the site index (`sites.site_index`),
a page's own routes (`RoutablePageMixin`) are resolved on its class without a query, the pages down the
path and the root's ancestors come from one query, and the page served from a second one (none when
the root itself answers). The page served knows its ancestors and its parent, so breadcrumbs, its
commune and its portal cost nothing more.

The walk follows Wagtail's rules: a live routable page answers its own routes before its children are
looked at; a child is found by slug whether or not its parent is live; the page served must be live. A
page type with routing of its own (another `route` method) is loaded and routes the rest itself; a
tree the walk cannot follow exactly (two siblings with one slug) is left to Wagtail.
"""

import functools

from django.db.models import Q
from django.http import Http404
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, Site

from core.tree import STEPLEN
from sites.site_index import site_index

NOT_HANDLED = object()  # Wagtail's own routing must answer this request
PAGE, ROUTABLE, CUSTOM = "page", "routable", "custom"


@functools.cache
def _routing_kind(model):
    if model.route is Page.route:
        return PAGE
    if (issubclass(model, RoutablePageMixin) and model.route is RoutablePageMixin.route
            and super(RoutablePageMixin, model).route is Page.route):
        return ROUTABLE
    return CUSTOM


def _has_route(model, components):
    """Would `RoutablePageMixin.route` resolve these components on a page of this model?"""
    path = "/" + "/".join(components) + "/" if components else "/"
    try:
        model.get_resolver().resolve(path)
    except Http404:
        return False
    return True


def _serve(request, index, stub, components, ancestors):
    """Load the page to serve (its model's `serving_queryset`, with what its template needs) and let it
    route the remaining components, as Wagtail's `route` would at this level."""
    model = type(stub)
    serving = getattr(model, "serving_queryset", None)
    page = (serving() if serving else model._default_manager.all()).filter(pk=stub.pk).first()
    if page is None:
        return None
    if ancestors is not None:
        page._tree_ancestors = [ancestor for ancestor in ancestors if ancestor.depth >= 2]
        if ancestors and ancestors[-1].depth == page.depth - 1:
            page._cached_parent_obj = ancestors[-1]
    locale = index.locale(page.locale_id)
    if locale is not None:
        page.locale = locale
    return page.route(request, components)


def _ancestors_from_index(index, root):
    """The root's ancestors below Wagtail's root, when all are site root pages the index knows."""
    ancestors = []
    for end in range(2 * STEPLEN, len(root.path), STEPLEN):
        known = index.root_pages_by_path.get(root.path[:end])
        if known is None:
            return None
        ancestors.append(known.as_page())
    return ancestors


def route_request(request, path):
    """`Page.route_for_request(request, path)`: a RouteResult, None (not found), or NOT_HANDLED."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    index = site_index(request)
    root = index.localized_root(site.pk)
    if root is None:
        return NOT_HANDLED
    components = [component for component in path.split("/") if component]
    root_page = root.as_page()
    kind = _routing_kind(type(root_page))
    if kind == CUSTOM:
        return NOT_HANDLED
    try:
        # The root answers its own address and its own routes before any child is looked for.
        if not components or (kind == ROUTABLE and root.live and _has_route(type(root_page), components)):
            return _serve(request, index, root_page, components, _ancestors_from_index(index, root))
        return _walk(request, index, root, root_page, components)
    except Http404:
        return None


def _walk(request, index, root, root_page, components):
    above = [root.path[:end] for end in range(2 * STEPLEN, len(root.path), STEPLEN)]
    condition = Q(path__startswith=root.path, depth__gt=root.depth, depth__lte=root.depth + len(components),
                  slug__in=set(components))
    if above:
        condition |= Q(path__in=above)
    ancestors, children = [], {}
    for row in Page.objects.filter(condition).order_by("path"):
        if row.depth < root.depth:
            ancestors.append(row.specific_deferred)
            continue
        key = (row.path[:-STEPLEN], row.slug)
        if key in children:
            return NOT_HANDLED  # Wagtail's `get(slug=...)` would fail: let it say so
        children[key] = row
    chain = [root_page]
    for component in components:
        row = children.get((chain[-1].path, component))
        if row is None:
            break
        chain.append(row.specific_deferred)
    for position, page in enumerate(chain):
        remaining = components[position:]
        kind = _routing_kind(type(page))
        if (kind == CUSTOM or not remaining
                or (kind == ROUTABLE and page.live and _has_route(type(page), remaining))):
            return _serve(request, index, page, remaining, ancestors + chain[:position])
    return None  # no child has the next slug: Wagtail's Http404
