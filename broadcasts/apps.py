from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    name = "broadcasts"
    verbose_name = "Bảng tin điện tử và cảnh báo khẩn cấp"

    def ready(self):
        from django.urls import path

        from broadcasts import (
            signals,  # noqa: F401  (feed revisions follow content changes)
            views,
        )
        from sites.pages import register_site_route

        # Every site's home answers its alerts: /canh-bao/ on a commune host or under its portal path.
        register_site_route(path("canh-bao/", views.alerts_route, name="alerts"))
        register_site_route(path("canh-bao/atom/", views.alerts_atom_route, name="alerts_atom"))
        register_site_route(path("canh-bao/<int:pk>/", views.alert_detail_route, name="alert_detail"))
        register_site_route(path("canh-bao/<int:pk>/cap/", views.alert_cap_route, name="alert_cap"))
