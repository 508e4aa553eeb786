"""The broadcasts admin: board notices, emergency alerts, devices, areas and board groups; the commune
radio ("Đài truyền thanh": bulletins, relays, programme, dashboard, settings; `admin_radio.py`), all
through the tenancy layer's viewsets (`sites.scoping`); "turn into a board notice" and "turn into a
radio bulletin" on published news items and legal documents."""

import datetime

from django.db.models import F, Q
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import Button

from broadcasts import admin_translations, admin_views
from broadcasts.admin_alerts import AlertViewSet
from broadcasts.admin_devices import AreaViewSet, BoardGroupViewSet, DeviceViewSet
from broadcasts.admin_notices import BoardNoticeViewSet
from broadcasts.admin_radio import RadioGroup
from broadcasts.models import Device, DeviceState
from sites.tenancy import works_for_one_commune

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
        path("ban-dich-bang-tin-truyen-thanh/", admin_translations.translations_index_view,
             name="broadcasts_translations"),
    ]


@hooks.register("register_admin_menu_item")
def register_translations_menu_item():
    """Shown to the translators of a commune only (they hold no broadcasts permission)."""
    return admin_translations.TranslationsMenuItem(
        "Dịch bảng tin, truyền thanh", reverse("broadcasts_translations"), icon_name="doc-full", order=260,
    )


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


# ----------------------------------------------------------------------------------- the dashboard panel

DASHBOARD_ROWS = 10
# The shortest poll interval a device may have (Device.poll_interval_s): a device seen more recently than
# 1.1 times that is online whatever its own interval, so the database leaves it out before Python decides.
SHORTEST_SILENCE = datetime.timedelta(seconds=30 * 1.1)


class OfflineDevicesPanel(Component):
    """"Thiết bị mất kết nối" on the admin's home: the approved devices of the user's communes (every commune
    for portal staff) that have not called within 1.1 times their poll interval, the longest silent first,
    with when they were last seen; two queries whatever the number of devices."""

    name = "offline_devices"
    template_name = "broadcasts/admin/dashboard_offline_devices.html"
    order = 150

    class Media:
        css = {"all": ["broadcasts/admin-dashboard.css"]}

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        now = timezone.now()
        candidates = (
            Device.objects.for_user(user).filter(state=DeviceState.ACTIVE)
            .filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - SHORTEST_SILENCE))
            .select_related("commune__unit")
            .only("pk", "name", "kind", "location", "state", "last_seen_at", "poll_interval_s", "commune__unit__name")
            .order_by(F("last_seen_at").asc(nulls_first=True), "pk")
        )
        offline = [device for device in candidates if not device.is_online(now)]
        show_commune = not works_for_one_commune(user)
        return {
            "devices": [{"device": device, "url": reverse("device:inspect", args=[device.pk])}
                        for device in offline[:DASHBOARD_ROWS]],
            "offline_count": len(offline),
            "show_commune": show_commune,
            "index_url": reverse("device:index"),
            "now": now,
        }


@hooks.register("construct_homepage_panels")
def add_offline_devices_panel(request, panels):
    if request.user.has_perm("broadcasts.view_device"):
        panels.append(OfflineDevicesPanel(request))
