"""The broadcasts admin: board notices, emergency alerts, devices, areas and board groups; the commune
radio ("Đài truyền thanh": bulletins, relays, programme, dashboard, settings; `admin_radio.py`), all
through the tenancy layer's viewsets (`sites.scoping`); "turn into a board notice" and "turn into a
radio bulletin" on published news items and legal documents."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import Button

from broadcasts import admin_views
from broadcasts.admin_alerts import AlertViewSet
from broadcasts.admin_devices import AreaViewSet, BoardGroupViewSet, DeviceViewSet
from broadcasts.admin_notices import BoardNoticeViewSet
from broadcasts.admin_radio import RadioGroup

NOTICE_FROM_PAGE_LABEL = "Tạo thông báo bảng tin"
BULLETIN_FROM_PAGE_LABEL = "Tạo bản tin phát thanh"


class BroadcastsGroup(ViewSetGroup):
    menu_label = "Bảng tin, truyền thanh"
    menu_icon = "resubmit"
    menu_order = 250
    items = (BoardNoticeViewSet, AlertViewSet, DeviceViewSet, AreaViewSet, BoardGroupViewSet)


@hooks.register("register_admin_viewset")
def register_broadcasts_viewsets():
    return BroadcastsGroup()


@hooks.register("register_admin_viewset")
def register_radio_viewsets():
    return RadioGroup()


@hooks.register("register_admin_urls")
def register_broadcasts_admin_urls():
    return [
        path("bang-tin/thong-bao-tu-trang/<int:page_id>/", admin_views.notice_from_page_view,
             name="broadcasts_notice_from_page"),
        path("radio/ban-tin-tu-trang/<int:page_id>/", admin_views.bulletin_from_page_view,
             name="broadcasts_bulletin_from_page"),
    ]


def _notice_button(page, user, priority):
    if not admin_views.can_become_notice(page) or not user.has_perm("broadcasts.add_boardnotice"):
        return None
    if not page.permissions_for_user(user).can_edit():
        return None
    return Button(NOTICE_FROM_PAGE_LABEL, url=reverse("broadcasts_notice_from_page", args=[page.pk]),
                  icon_name="doc-full", priority=priority)


def _bulletin_button(page, user, priority):
    if not admin_views.can_become_notice(page) or not user.has_perm(admin_views.ADD_BULLETIN):
        return None
    if not page.permissions_for_user(user).can_edit():
        return None
    return Button(BULLETIN_FROM_PAGE_LABEL, url=reverse("broadcasts_bulletin_from_page", args=[page.pk]),
                  icon_name="media", priority=priority)


@hooks.register("register_page_header_buttons")
def notice_from_page_header_button(page, user, view_name=None, next_url=None):
    for button in (_notice_button(page, user, priority=40), _bulletin_button(page, user, priority=41)):
        if button is not None:
            yield button


@hooks.register("register_page_listing_more_buttons")
def notice_from_page_listing_button(page, user, next_url=None):
    for button in (_notice_button(page, user, priority=45), _bulletin_button(page, user, priority=46)):
        if button is not None:
            yield button
