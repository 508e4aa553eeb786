"""Abbreviations citizens type and the phrases official text writes: `bhyt` finds "bảo hiểm y tế".

The query is expanded here, before any backend sees it: the folded query, and the same query with each
abbreviation replaced by its phrase (and each phrase by its abbreviation), are searched as alternatives
(`Or` of `PlainText`), which the database backends and Elasticsearch compile alike. The list is read
from the cache in one lookup per search, and dropped from it whenever an editor changes a row
(`SearchSynonym` signals, wired in `SearchConfig.ready`), so every process sees a change on its next search.
"""

import re

from django.core.cache import cache
from modelsearch.query import Or, PlainText

CACHE_KEY = "search:synonyms:v1"
CACHE_SECONDS = 24 * 3600  # dropped on every change; the lifetime is only a safety net
MAX_VARIANTS = 6  # the query and at most five rewrites of it: a bounded search whatever the list


def _load():
    from search.models import SearchSynonym

    return [tuple(row) for row in SearchSynonym.objects.order_by("pk").values_list(
        "commune_id", "abbreviation_key", "phrase_key")]


def all_synonyms():
    """[(commune id or None, folded abbreviation, folded phrase)], from the cache (one lookup)."""
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = _load()
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows


def forget(**kwargs):
    """Drop the cached list (a row was saved or deleted): the next search reads it again."""
    cache.delete(CACHE_KEY)


def pairs_for(scope_commune_id=None, rows=None):
    """(abbreviation, phrase) pairs that apply to a search: the portal's list, and the commune's own
    when the search is a commune's."""
    rows = all_synonyms() if rows is None else rows
    return [(abbreviation, phrase) for commune_id, abbreviation, phrase in rows
            if abbreviation and phrase and (commune_id is None or commune_id == scope_commune_id)]


def _word(text):
    return re.compile(r"(?<!\S)" + re.escape(text) + r"(?!\S)")


def variants(terms, pairs):
    """`terms` (folded words) and its rewrites: each abbreviation in it by its phrase, each phrase by
    its abbreviation, at most MAX_VARIANTS in all."""
    found = [terms]
    for abbreviation, phrase in pairs:
        for variant in list(found):
            for source, target in ((abbreviation, phrase), (phrase, abbreviation)):
                pattern = _word(source)
                if pattern.search(variant):
                    rewritten = pattern.sub(target, variant)
                    if rewritten not in found and len(found) < MAX_VARIANTS:
                        found.append(rewritten)
    return found


def expanded_query(terms, pairs, operator):
    """What the backend searches: `terms` itself when no synonym applies, else an `Or` of its variants."""
    alternatives = variants(terms, pairs)
    if len(alternatives) == 1:
        return terms
    return Or([PlainText(variant, operator=operator) for variant in alternatives])
