"""Admin for commune-scoped search: pinned results (kết quả đề xuất) and the site's query statistics.

Both are keyed to a commune and scoped by the tenancy layer (`CommuneOwnedViewSet`, `for_user`):
commune A's editors never see or touch commune B's rows.
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
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList, PageChooserPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.models import Page

from core.folding import search_text
from core.numbers import parse_int
from search.models import SearchPromotion, SearchQueryStat, SearchSynonym
from sites.scoping import CommuneOwnedViewSet, SharedRowsIndexView
from sites.tenancy import communes_for_user, user_is_portal_staff

STATS_DAYS = 30


class SearchPromotionForm(forms.ModelForm):
    """The page must be a page of the chosen commune (the choices are the user's, by the tenancy layer)."""

    def clean(self):
        data = super().clean()
        commune, page = data.get("commune"), data.get("page")
        if commune and page and not Page.objects.filter(pk=page.pk).descendant_of(commune, inclusive=True).exists():
            self.add_error("page", "Chỉ được đề xuất trang thuộc trang thông tin của xã đã chọn.")
        return data


class SearchPromotionViewSet(CommuneOwnedViewSet):
    model = SearchPromotion
    icon = "pick"
    menu_label = "Kết quả tìm kiếm đề xuất"
    menu_name = "search-promotions"
    menu_order = 850
    add_to_admin_menu = True
    url_prefix = "tim-kiem/de-xuat"
    list_display = ["query", "page", "commune", "sort_order"]
    list_export = ["query", "page.title", "description", "commune.title", "sort_order"]
    export_headings = {
        "query": "Từ khóa tìm kiếm",
        "page.title": "Trang đề xuất",
        "description": "Mô tả ngắn",
        "commune.title": "Xã",
        "sort_order": "Thứ tự",
    }
    export_filename = "ket-qua-tim-kiem-de-xuat"
    list_filter = []
    search_fields = ["query", "query_key"]
    panels = [
        FieldPanel("commune"),
        FieldPanel("query"),
        PageChooserPanel("page"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("ScopedSearchPromotionForm", (SearchPromotionForm, form_class), {})


search_promotion_viewset = SearchPromotionViewSet("search_promotions")


@hooks.register("register_admin_viewset")
def register_search_promotions():
    return search_promotion_viewset


class SearchSynonymForm(WagtailAdminModelForm):
    """Portal staff keep the list every search uses (no commune); commune staff add their commune's own."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields["commune"]
        field.queryset = communes_for_user(for_user).order_by("title")
        field.label_from_instance = lambda c: c.title
        self.portal_staff = user_is_portal_staff(for_user)
        if self.portal_staff:
            field.empty_label = "Toàn cổng (mọi tìm kiếm)"
        else:
            field.required = True
            field.empty_label = None
            field.help_text = "Chỉ áp dụng khi tìm kiếm trên trang của xã. Danh sách chung do quản trị cổng cập nhật."

    def clean_commune(self):
        commune = self.cleaned_data.get("commune")
        if commune is None and not self.portal_staff:
            raise forms.ValidationError("Vui lòng chọn xã.")
        return commune

    def clean_abbreviation(self):
        value = self.cleaned_data.get("abbreviation", "")
        if not search_text(value):
            raise forms.ValidationError("Từ viết tắt phải có chữ cái hoặc chữ số.")
        return value.strip()

    def clean_phrase(self):
        value = self.cleaned_data.get("phrase", "")
        if not search_text(value):
            raise forms.ValidationError("Cụm từ đầy đủ phải có chữ cái hoặc chữ số.")
        return value.strip()

    def clean(self):
        data = super().clean()
        abbreviation, phrase = search_text(data.get("abbreviation", "")), search_text(data.get("phrase", ""))
        if abbreviation and abbreviation == phrase:
            self.add_error("phrase", "Cụm từ đầy đủ phải khác từ viết tắt.")
        elif abbreviation and phrase:
            clash = SearchSynonym.objects.filter(commune=data.get("commune"), abbreviation_key=abbreviation,
                                                 phrase_key=phrase).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("abbreviation", "Cặp từ này đã có trong danh sách.")
        return data


class SearchSynonymIndexView(SharedRowsIndexView):
    """Everyone reads the portal's list; only rows the user may change get edit and delete links."""

    @cached_property
    def columns(self):
        abbreviation = TitleColumn("abbreviation", label="Từ viết tắt", get_url=self.get_edit_url)
        return [abbreviation, *super().columns[1:]]


class SearchSynonymViewSet(CommuneOwnedViewSet):
    model = SearchSynonym
    icon = "search"
    menu_label = "Từ đồng nghĩa khi tìm kiếm"
    menu_name = "search-synonyms"
    menu_order = 852
    add_to_admin_menu = True
    url_prefix = "tim-kiem/tu-dong-nghia"
    name = "search_synonyms"
    edit_handler = ObjectList(
        [FieldPanel("abbreviation"), FieldPanel("phrase"), FieldPanel("commune")],
        base_form_class=SearchSynonymForm,
    )
    index_view_class = SearchSynonymIndexView
    list_display = [
        TitleColumn("abbreviation", label="Từ viết tắt", url_name="search_synonyms:edit"),
        Column("phrase", label="Cụm từ đầy đủ"),
        Column("scope", label="Phạm vi", accessor="scope_label"),
    ]
    search_fields = ["abbreviation", "phrase", "abbreviation_key", "phrase_key"]
    list_per_page = 50
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"history_url_name": None, "usage_url_name": None, **kwargs})


search_synonym_viewset = SearchSynonymViewSet("search_synonyms")


@hooks.register("register_admin_viewset")
def register_search_synonyms():
    return search_synonym_viewset


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
    stats = SearchQueryStat.objects.for_user(request.user).filter(date__gte=since)
    stats = stats.filter(commune__isnull=True) if selected == "cong" else stats.filter(commune_id=parse_int(selected))
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
