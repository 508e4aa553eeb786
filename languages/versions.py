"""The language versions of a page a reader may be offered: live, real translations (not the aliases
that stand in for an untranslated page), in the languages its site has enabled. The switcher, the
`hreflang` alternates of pages and those of the sitemaps all read them from here."""

from dataclasses import dataclass

from django.conf import settings
from wagtail.models import Page

from languages import registry
from sites.pages import canonical_urls
from sites.site_index import site_index


@dataclass(frozen=True)
class Version:
    code: str
    name: str  # what a reader of that language calls it
    url: str
    page_id: int


def _order(codes):
    return {code: position for position, code in enumerate(codes)}


def versions_by_key(pages, commune_id, cache_object=None):
    """{translation key: [Version, ...]} for these pages, in one query: each page's live translations
    (itself included) in the languages `commune_id`'s site has enabled (None: the portal's)."""
    enabled = registry.enabled_codes(commune_id)
    order = _order(enabled)
    codes = site_index(cache_object).locale_codes
    keys = {page.translation_key for page in pages}
    found = {}
    if not keys:
        return found
    canonical = canonical_urls()
    translations = (Page.objects.filter(translation_key__in=keys, alias_of__isnull=True).live()
                    .order_by("path").specific(defer=True))
    for translation in translations:
        code = codes.get(translation.locale_id)
        if code not in order:
            continue
        url = translation.get_full_url(canonical)
        if url:
            found.setdefault(translation.translation_key, []).append(
                Version(code, registry.native_name(code), url, translation.pk))
    for versions in found.values():
        versions.sort(key=lambda version: order[version.code])
    return found


def page_versions(page, request=None):
    """The versions of one page (memoised on it for the request's template)."""
    versions = page.__dict__.get("_language_versions")
    if versions is None:
        commune_id = registry.commune_of_home(getattr(page, "commune", None))
        versions = versions_by_key([page], commune_id, request).get(page.translation_key, [])
        page._language_versions = versions
    return versions


def default_version(versions):
    return next((version for version in versions if version.code == settings.LANGUAGE_CODE), None)
