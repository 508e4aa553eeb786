from django import template
from django.utils import translation

from languages import registry
from languages.versions import default_version, page_versions

register = template.Library()

# The reader learns, in their language, that the page they asked for is shown in Vietnamese.
FALLBACK_NOTICE = translation.gettext_noop("This page is not available in %(language)s yet; it is shown in Vietnamese.")


@register.inclusion_tag("languages/alternates.html", takes_context=True)
def language_alternates(context, page):
    """`<link rel="alternate" hreflang>` for every version of the page, itself included, and x-default."""
    versions = page_versions(page, context.get("request")) if page is not None else []
    return {"versions": versions if len(versions) > 1 else [], "default": default_version(versions)}


@register.inclusion_tag("languages/switcher.html", takes_context=True)
def language_switcher(context, page):
    """Links to the page in the other languages its site publishes it in (none when there are none)."""
    versions = page_versions(page, context.get("request")) if page is not None else []
    return {"versions": versions if len(versions) > 1 else [], "current_id": page.pk if page is not None else None}


@register.inclusion_tag("languages/fallback_notice.html", takes_context=True)
def language_fallback_notice(context):
    """Said in the reader's language when it has a catalogue; else in Vietnamese (its `lang` says which)."""
    request = context.get("request")
    asked = getattr(request, "language_fallback", None)
    if not asked:
        return {}
    name = registry.native_name(asked)
    with translation.override(asked):
        text = translation.gettext(FALLBACK_NOTICE) % {"language": name}
    with translation.override("vi"):
        vietnamese = translation.gettext(FALLBACK_NOTICE) % {"language": name}
    said_in = asked if asked == "en" or text != vietnamese else "vi"
    return {"notice": text, "lang": said_in}
