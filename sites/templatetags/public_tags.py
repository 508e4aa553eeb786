"""Template helpers of the public site chrome, usable from any view (pages, search, errors)."""

from django import template

from sites.pages import PRINT_PARAMETER

register = template.Library()


@register.simple_tag(takes_context=True)
def is_print_view(context):
    request = context.get("request")
    return bool(request and request.GET.get(PRINT_PARAMETER) == "1")


@register.simple_tag(takes_context=True)
def share_url(context, page):
    """The canonical address of the page being shared, or the request's own for non-page views."""
    url = getattr(page, "canonical_url", None)
    if url:
        return url
    request = context.get("request")
    return request.build_absolute_uri(request.path) if request else ""


@register.filter
def first_block_id(stream, block_type):
    """The id of the first block of this type in a StreamField value (the article's first image is loaded
    eagerly, the others lazily), or None."""
    for block in stream or ():
        if block.block_type == block_type:
            return block.id
    return None
