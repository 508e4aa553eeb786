"""The broadcasts app's public URLs: the device API and the board player (one include in cms/urls.py).
Public alert pages and feeds hang under every site's home (`register_site_route`, see apps.py)."""

from django.urls import include, path

urlpatterns = [
    path("api/devices/v1/", include("broadcasts.api.urls")),
    path("thiet-bi/", include("broadcasts.player.urls")),
]
