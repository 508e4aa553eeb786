"""Which Wagtail search backend serves queries, chosen by configuration."""


def search_backends(elasticsearch_url=None, index_name="cms"):
    if not elasticsearch_url:
        return {"default": {"BACKEND": "wagtail.search.backends.database"}}
    return {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [elasticsearch_url],
            "INDEX_PREFIX": f"{index_name}_",
            "TIMEOUT": 5,
        }
    }
