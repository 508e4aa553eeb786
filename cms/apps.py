from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The project: settings, URLs, and the rules that tie the page cache to every app (cms/caching.py)."""

    name = "cms"

    def ready(self):
        from wagtail.models import Page

        from cms import caching
        from core.tree import PathStartsWith

        caching.connect()
        Page._meta.get_field("path").register_lookup(PathStartsWith)  # tree queries use the path's index
