"""The device API, v1 (under `/api/devices/v1/`, see broadcasts/urls.py). Anything else under the
prefix is a JSON 404, never the site's HTML page."""

from django.urls import path, re_path

from broadcasts.api import views

app_name = "device_api"
urlpatterns = [
    path("register", views.register, name="register"),
    path("claim", views.claim, name="claim"),
    path("devices/<int:device_id>/snapshot", views.snapshot, name="snapshot"),
    path("devices/<int:device_id>/alerts", views.alerts, name="alerts"),
    path("devices/<int:device_id>/heartbeat", views.heartbeat, name="heartbeat"),
    path("devices/<int:device_id>/plays", views.plays, name="plays"),
    re_path(r"^media/(?P<sha256>[0-9a-f]{64})\.(?P<ext>[a-z0-9]{2,5})$", views.media, name="media"),
    path("openapi.json", views.openapi, name="openapi"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
