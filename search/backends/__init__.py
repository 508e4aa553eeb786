"""Which Wagtail search backend serves queries, chosen by configuration.

Every backend here folds Vietnamese (search.folding): the database backends index folded words and fold
the query; Elasticsearch folds with an `asciifolding` analyzer on both sides. This module is imported by
the settings, so it must not import Django models.
"""

ELASTICSEARCH_VERSIONS = (7, 8, 9)


def search_backends(elasticsearch_url=None, index_name="cms", elasticsearch_version=8, database_fallback=True):
    database = {"BACKEND": "search.backends.database"}
    if not elasticsearch_url:
        return {"default": database}
    if elasticsearch_version not in ELASTICSEARCH_VERSIONS:
        raise ValueError(f"ELASTICSEARCH_VERSION must be one of {ELASTICSEARCH_VERSIONS}")
    backends = {
        "default": {
            "BACKEND": f"search.backends.elasticsearch.Elasticsearch{elasticsearch_version}FoldingBackend",
            "URLS": [elasticsearch_url],
            "INDEX_PREFIX": f"{index_name}_",
            "TIMEOUT": 5,
        }
    }
    if database_fallback:
        # Kept up to date alongside Elasticsearch so citizens still get results when the cluster is down.
        backends["fallback"] = database
    return backends
