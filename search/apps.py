from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Tìm kiếm"

    def ready(self):
        import atexit

        from django.core.signals import request_finished
        from django.urls import path

        from search import query_stats, views
        from sites.pages import register_site_route

        # Query statistics are written after a search's response, and what is left when the process exits.
        request_finished.connect(query_stats.flush_if_due, dispatch_uid="search_query_stats_flush")
        atexit.register(query_stats.flush_at_exit)

        # Every site's home answers its own search: /tim-kiem/ on a commune host or under its portal path.
        register_site_route(path("tim-kiem/", views.search_route, name="search"))
        register_site_route(path("tim-kiem/goi-y/", views.suggest_route, name="search_suggest"))
