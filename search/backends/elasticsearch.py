"""Wagtail's Elasticsearch backends (modelsearch), folding Vietnamese with `asciifolding`.

Every text field is analysed by `vietnamese_folding` (standard tokenizer, lowercase, asciifolding, which
maps đ/Đ to d/D and every Vietnamese tone mark away) when indexing and when querying: it is the index's
`default` analyzer, and the autocomplete (edge n-gram) fields use it as their search analyzer instead of
`standard`, which does not fold. Queries are also folded in Python, as on the database backends, so input
typed in NFD (combining marks) matches too.
"""

import copy

from modelsearch.backends.elasticsearch7 import Elasticsearch7SearchBackend
from modelsearch.backends.elasticsearch8 import Elasticsearch8SearchBackend
from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend
from modelsearch.utils import deep_update

from search.backends.database import FoldingCompilerMixin

FOLDING_ANALYZER = "vietnamese_folding"
FOLDING_SETTINGS = {
    "settings": {
        "analysis": {
            "analyzer": {
                FOLDING_ANALYZER: {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding"],
                },
                # Any text field without an explicit analyzer (title, body, _all_text, …).
                "default": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding"],
                },
            }
        }
    }
}


def _folding_backend(base):
    """The backend class `base`, with folding analysis, mapping and query compilers."""
    mapping = type(f"Folding{base.mapping_class.__name__}", (base.mapping_class,), {
        "edgengram_analyzer_config": {"analyzer": "edgengram_analyzer", "search_analyzer": FOLDING_ANALYZER},
    })
    compiler = type(f"Folding{base.query_compiler_class.__name__}",
                    (FoldingCompilerMixin, base.query_compiler_class), {"mapping_class": mapping})
    autocomplete = type(f"Folding{base.autocomplete_query_compiler_class.__name__}",
                        (FoldingCompilerMixin, base.autocomplete_query_compiler_class), {"mapping_class": mapping})
    return type(f"{base.__name__.replace('SearchBackend', '')}FoldingBackend", (base,), {
        "mapping_class": mapping,
        "query_compiler_class": compiler,
        "autocomplete_query_compiler_class": autocomplete,
        "settings": deep_update(copy.deepcopy(base.settings), copy.deepcopy(FOLDING_SETTINGS)),
    })


Elasticsearch7FoldingBackend = _folding_backend(Elasticsearch7SearchBackend)
Elasticsearch8FoldingBackend = _folding_backend(Elasticsearch8SearchBackend)
Elasticsearch9FoldingBackend = _folding_backend(Elasticsearch9SearchBackend)
SearchBackend = Elasticsearch8FoldingBackend
