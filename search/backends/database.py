"""Wagtail's database backend (modelsearch), folding Vietnamese on SQLite and PostgreSQL.

The index stores `search_text()` of every field (folded words, no punctuation) and queries are folded the
same way inside the query compiler, so the Wagtail admin's own searches fold too. On PostgreSQL the text
search configuration `vietnamese_unaccent` (created by search migration 0001: `simple` + `unaccent`) is
used for full-text and autocomplete vectors, so text that reaches PostgreSQL unfolded still matches.
"""

import functools
import types

from django.db import connection
from modelsearch.backends.database.fallback import DatabaseSearchBackend
from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText

from search.folding import search_text

POSTGRES_SEARCH_CONFIG = "vietnamese_unaccent"


def fold_query(query):
    """The same search query with every string folded (And/Or/Not/Boost are walked)."""
    if isinstance(query, str):
        return search_text(query)
    if isinstance(query, PlainText):
        return PlainText(search_text(query.query_string), operator=query.operator, boost=query.boost)
    if isinstance(query, Phrase):
        return Phrase(search_text(query.query_string))
    if isinstance(query, Fuzzy):
        return Fuzzy(search_text(query.query_string), operator=query.operator, unaccent=query.unaccent)
    if isinstance(query, (And, Or)):
        return type(query)([fold_query(sub) for sub in query.subqueries])
    if isinstance(query, Not):
        return Not(fold_query(query.subquery))
    if isinstance(query, Boost):
        return Boost(fold_query(query.subquery), query.boost)
    return query


class FoldingIndexerMixin:
    """Every value the indexer extracts is stored as folded words."""

    def prepare_value(self, value):
        return search_text(super().prepare_value(value))


class FoldingCompilerMixin:
    def __init__(self, queryset, query, *args, **kwargs):
        super().__init__(queryset, fold_query(query), *args, **kwargs)


def _folding_index(index_class, indexer_class):
    """The backend's index class, building folded entries.

    modelsearch's `add_items` looks its ObjectIndexer up as a module global. Rather than copy that
    method (70 lines on PostgreSQL) or patch the library's module, we rebuild the same function over a
    copy of its globals in which ObjectIndexer is the folding indexer: thread-safe and local to us."""
    folding_indexer = type(f"Folding{indexer_class.__name__}", (FoldingIndexerMixin, indexer_class), {})
    add_items = index_class.add_items
    add_items = types.FunctionType(
        add_items.__code__, {**add_items.__globals__, "ObjectIndexer": folding_indexer},
        add_items.__name__, add_items.__defaults__, add_items.__closure__,
    )
    return type(f"Folding{index_class.__name__}", (index_class,), {"add_items": add_items})


@functools.cache
def _backend_class_for(vendor):
    """The folding variant of the class modelsearch would pick for this database vendor."""
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend as base
    elif vendor == "sqlite":
        from modelsearch.backends.database.sqlite.utils import fts5_available, fts_table_exists

        if not (fts5_available() and fts_table_exists()):
            return DatabaseSearchBackend  # no full-text table: plain LIKE, folding cannot help
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend as base
    else:
        from modelsearch.backends import database as modelsearch_database

        return type(modelsearch_database.SearchBackend({}))
    return _folding_backend_class(base, postgres=vendor == "postgresql")


def SearchBackend(params):  # noqa: N802 - modelsearch looks this name up in the module
    return _backend_class_for(connection.vendor)(params)


def _folding_backend_class(backend_class, postgres=False):
    compiler = type("Folding" + backend_class.query_compiler_class.__name__,
                    (FoldingCompilerMixin, backend_class.query_compiler_class), {})
    autocomplete = type("Folding" + backend_class.autocomplete_query_compiler_class.__name__,
                        (FoldingCompilerMixin, backend_class.autocomplete_query_compiler_class), {})
    module = __import__(backend_class.__module__, fromlist=["ObjectIndexer"])
    attrs = {
        "query_compiler_class": compiler,
        "autocomplete_query_compiler_class": autocomplete,
        "index_class": _folding_index(backend_class.index_class, module.ObjectIndexer),
    }
    if postgres:

        def __init__(self, params):
            backend_class.__init__(self, params)
            self.config = params.get("SEARCH_CONFIG", POSTGRES_SEARCH_CONFIG)
            # modelsearch fixes autocomplete to `simple`; ours is `simple` plus unaccent.
            self.autocomplete_config = self.config

        attrs["__init__"] = __init__
    return type("Folding" + backend_class.__name__, (backend_class,), attrs)
