from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Tìm kiếm"

    def ready(self):
        import atexit

        from django.core.signals import request_finished
        from django.db.models.signals import post_delete, post_save
        from django.urls import path

        from search import query_stats, synonyms, views
        from search.models import SearchSynonym
        from sites.pages import register_site_route

        # Query statistics are written after a search's response, and what is left when the process exits.
        request_finished.connect(query_stats.flush_if_due, dispatch_uid="search_query_stats_flush")
        atexit.register(query_stats.flush_at_exit)

        # An editor's change to the synonyms applies from the next search, in every process.
        post_save.connect(synonyms.forget, sender=SearchSynonym, dispatch_uid="search_synonyms_saved")
        post_delete.connect(synonyms.forget, sender=SearchSynonym, dispatch_uid="search_synonyms_deleted")

        # Every site's home answers its own search: /tim-kiem/ on a commune host or under its portal path.
        register_site_route(path("tim-kiem/", views.search_route, name="search"))
        register_site_route(path("tim-kiem/goi-y/", views.suggest_route, name="search_suggest"))
