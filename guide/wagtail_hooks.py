"""The menu item "Hướng dẫn sử dụng" and the guide's admin URLs (every admin user may read the guide)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from guide import views


@hooks.register("register_admin_urls")
def register_guide_urls():
    return [
        path("huong-dan/", views.guide_index, name="guide_index"),
        path("huong-dan/<slug:topic>/", views.guide_topic, name="guide_topic"),
    ]


@hooks.register("register_admin_menu_item")
def register_guide_menu_item():
    return MenuItem("Hướng dẫn sử dụng", reverse("guide_index"), icon_name="help", order=990)
