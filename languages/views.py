"""The translators' admin: a commune's pages and their versions in its languages, and sending a
translation to the commune's moderation."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation

from core.numbers import parse_int
from languages import translating

PER_PAGE = 50
OUT_OF_DATE = "can-cap-nhat"


@require_admin_access
def translations_view(request):
    site_languages = translating.translated_site_languages(request.user)
    if not site_languages:
        raise PermissionDenied
    chosen = parse_int(request.GET.get("ngon-ngu"))
    site_language = next((row for row in site_languages if row.pk == chosen), site_languages[0])
    locale = Locale.objects.get(language_code=site_language.language.code)
    pages = (Page.objects.descendant_of(site_language.commune.home, inclusive=True)
             .filter(locale_id=site_language.commune.home.locale_id).order_by("path").defer_streamfields())
    query = request.GET.get("q", "").strip()[:100]
    if query:
        pages = pages.filter(title__icontains=query)
    only_out_of_date = request.GET.get("trang-thai") == OUT_OF_DATE
    if only_out_of_date:
        synced = Translation.objects.filter(target_locale=locale, enabled=True).values("source__object_id")
        candidates = list(pages.filter(translation_key__in=synced))
        stale = translating.out_of_date_pages(candidates)
        pages = [page for page in candidates if page.pk in stale]
    page_number = parse_int(request.GET.get("p"), default=1, minimum=1)
    listing = Paginator(pages, PER_PAGE).get_page(page_number)
    rows = translating.rows_for(site_language, list(listing))
    back = request.get_full_path()
    for row in rows:
        row.translate_url = reverse("wagtail_localize:submit_page_translation", args=[row.page.pk]) + "?" + urlencode(
            {"select_locale": locale.language_code, "next": back})
        if row.target is not None:
            row.edit_url = reverse("wagtailadmin_pages:edit", args=[row.target.pk])
        if row.translation is not None:
            row.sync_url = reverse("wagtail_localize:update_translations", args=[row.translation.source_id]) + "?" + (
                urlencode({"next": back}))
    return render(request, "languages/admin/translations.html", {
        "site_languages": site_languages, "site_language": site_language, "rows": rows, "listing": listing,
        "query": query, "only_out_of_date": only_out_of_date, "out_of_date_value": OUT_OF_DATE,
        "header_icon": "globe", "page_title": "Bản dịch",
    })


@require_admin_access
@require_POST
def submit_translation_view(request, translation_id):
    translation = get_object_or_404(Translation.objects.select_related("source"), pk=translation_id, enabled=True)
    page = Page.objects.filter(translation_key=translation.source.object_id, locale_id=translation.target_locale_id).first()
    if page is None or not page.permissions_for_user(request.user).can_edit():
        raise Http404  # another commune's, or another language's: as if it did not exist
    back = get_valid_next_url_from_request(request) or reverse("wagtailadmin_pages:edit", args=[page.pk])
    try:
        translating.submit_for_moderation(translation, request.user)
    except translating.CannotSubmit as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Đã gửi bản dịch «{page.title}» để người duyệt của xã xem và xuất bản.")
    return redirect(back)
