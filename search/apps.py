from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Tìm kiếm"

    def ready(self):
        from django.urls import path

        from search import views
        from sites.pages import register_site_route

        # Every site's home answers its own search: /tim-kiem/ on a commune host or under its portal path.
        register_site_route(path("tim-kiem/", views.search_route, name="search"))
        register_site_route(path("tim-kiem/goi-y/", views.suggest_route, name="search_suggest"))
