from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The project: settings, URLs, and the rules that tie the page cache to every app (cms/caching.py)."""

    name = "cms"

    def ready(self):
        from cms import caching

        caching.connect()
