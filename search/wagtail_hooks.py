"""Admin for commune-scoped search: pinned results (kết quả đề xuất) and the site's query statistics.

Both are keyed to a commune and every listing, form and object lookup goes through
`communes_for_user(request.user)`: commune A's editors never see or touch commune B's rows.
Portal-wide query statistics (searches on the portal itself) are shown to portal staff only.
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from search.models import SearchPromotion, SearchQueryStat
from sites.tenancy import communes_for_user, user_is_portal_staff

STATS_DAYS = 30


class CommuneScopedPolicy(BasePermissionPolicy):
    """Anyone who works for a commune manages that commune's search promotions, and only those."""

    def user_has_permission(self, user, action):
        return user.is_active and communes_for_user(user).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return communes_for_user(user).filter(pk=instance.commune_id).exists()

    def instances_user_has_permission_for(self, user, action):
        return SearchPromotion.objects.filter(commune__in=communes_for_user(user))

    def instances_user_has_any_permission_for(self, user, actions):
        return self.instances_user_has_permission_for(user, None)

    def users_with_any_permission(self, actions):
        raise NotImplementedError


class SearchPromotionForm(forms.ModelForm):
    """The commune list is the user's communes; the page must be a live page of the chosen commune."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        if for_user is not None and "commune" in self.fields:
            communes = communes_for_user(for_user)
            self.fields["commune"].queryset = communes
            if communes.count() == 1 and not self.instance.pk:
                self.fields["commune"].initial = communes.get().pk

    def clean(self):
        data = super().clean()
        commune, page = data.get("commune"), data.get("page")
        if commune and page and not Page.objects.filter(pk=page.pk).descendant_of(commune, inclusive=True).exists():
            self.add_error("page", "Chỉ được đề xuất trang thuộc trang thông tin của xã đã chọn.")
        return data


class SearchPromotionViewSet(ModelViewSet):
    model = SearchPromotion
    icon = "pick"
    menu_label = "Kết quả tìm kiếm đề xuất"
    menu_name = "search-promotions"
    menu_order = 850
    add_to_admin_menu = True
    url_prefix = "tim-kiem/de-xuat"
    list_display = ["query", "page", "commune", "sort_order"]
    list_filter = []
    search_fields = ["query", "query_key"]
    panels = [
        FieldPanel("commune"),
        FieldPanel("query"),
        PageChooserPanel("page"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    # Edit and delete look objects up by pk: resolve them only inside the user's communes.
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("ScopedSearchPromotionForm", (SearchPromotionForm, form_class), {})

    @property
    def index_view_class(self):
        return _scoped(super().index_view_class)

    @property
    def edit_view_class(self):
        return _scoped(super().edit_view_class)

    @property
    def delete_view_class(self):
        return _scoped(super().delete_view_class)


def _scoped(view_class):
    class ScopedView(view_class):
        def get_base_queryset(self):
            return super().get_base_queryset().filter(
                commune__in=communes_for_user(self.request.user)
            ).select_related("page", "commune")

        def get_object(self, queryset=None):
            obj = super().get_object(queryset)
            if not communes_for_user(self.request.user).filter(pk=obj.commune_id).exists():
                raise Http404
            return obj

    ScopedView.__name__ = f"Scoped{view_class.__name__}"
    return ScopedView


# Registered before the viewset is built, so Wagtail never falls back to model permissions (which
# commune groups do not hold, and which would not be scoped to a commune anyway).
register_permission_policy(SearchPromotion, CommuneScopedPolicy(SearchPromotion))
search_promotion_viewset = SearchPromotionViewSet("search_promotions")


@hooks.register("register_admin_viewset")
def register_search_promotions():
    return search_promotion_viewset


def query_stats_view(request):
    """The most frequent queries and the queries with no results, for the user's communes."""
    communes = communes_for_user(request.user).order_by("title")
    portal_staff = user_is_portal_staff(request.user)
    if not communes.exists() and not portal_staff:
        raise PermissionDenied
    choices = [(str(c.pk), c.title) for c in communes] + ([("cong", "Cổng thông tin (toàn huyện)")] if portal_staff else [])
    selected = request.GET.get("xa") or (choices[0][0] if choices else "")
    if selected not in dict(choices):
        raise Http404
    since = timezone.localdate() - timedelta(days=STATS_DAYS)
    stats = SearchQueryStat.objects.filter(date__gte=since)
    stats = stats.filter(commune__isnull=True) if selected == "cong" else stats.filter(commune_id=int(selected))
    grouped = stats.values("query_key").annotate(searches=Sum("hits"), last_seen=Max("date"))
    top = grouped.order_by("-searches", "query_key")[:50]
    zero = grouped.filter(results_count=0).order_by("-searches", "query_key")[:50]
    return render(request, "search/admin/query_stats.html", {
        "choices": choices, "selected": selected, "top": top, "zero": zero, "days": STATS_DAYS,
        "header_icon": "search", "page_title": "Thống kê tìm kiếm",
    })


@hooks.register("register_admin_urls")
def register_query_stats_url():
    return [path("tim-kiem/thong-ke/", query_stats_view, name="search_query_stats")]


class QueryStatsMenuItem(MenuItem):
    def is_shown(self, request):
        return communes_for_user(request.user).exists() or user_is_portal_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_query_stats_menu_item():
    return QueryStatsMenuItem("Thống kê tìm kiếm", reverse("search_query_stats"), icon_name="search", order=851)
