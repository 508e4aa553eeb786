"""Translators of a commune's board notices and radio bulletins ("Bản dịch").

A member of a `languages.SiteLanguage`'s translators group (commune X, language L) sees X's notices and
bulletins on one list, and for each one a form of its L version only: a notice's title and text, a
bulletin's translated text and recording. Nothing else of broadcasts is theirs: not the Vietnamese text,
not another language, not another commune (whose items are a 404 to them), and they hold no broadcasts
permission at all.

A saved version is a new revision of the item, never the live row: it reaches devices only once that
revision is approved. A live item is submitted to its commune's workflow at once (its approvers publish
it, as for any edit); a draft item keeps the version in its draft, approved with it when its editors
submit it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from wagtail.actions.edit import EditAction
from wagtail.admin.menu import MenuItem

from broadcasts.admin_notices import local_datetime, notice_state
from broadcasts.content_languages import label as language_label
from broadcasts.models import BoardNotice, BulletinVersion, NoticeVersion, RadioBulletin
from languages.models import SiteLanguage

LANGUAGE_PARAMETER = "ngon_ngu"
LIST_LIMIT = 100
KINDS = {
    BoardNotice: ("Thông báo bảng tin", "wagtailsnippets_broadcasts_boardnotice:translate"),
    RadioBulletin: ("Bản tin phát thanh", "wagtailsnippets_broadcasts_radiobulletin:translate"),
}


def translator_scope(user) -> dict[int, list[str]]:
    """{commune id: language codes} the user translates into, from the translators groups they are in
    (a commune's only: the portal's translators translate pages, not devices' content)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_broadcast_translator_scope", None)
    if cached is None:
        cached = {}
        rows = (SiteLanguage.objects.filter(translators__user=user, commune__isnull=False, language__is_active=True)
                .order_by("language__name").values_list("commune_id", "language__code"))
        for commune_id, code in rows:
            cached.setdefault(commune_id, []).append(code)
        user._broadcast_translator_scope = cached
    return cached


class NoticeVersionForm(forms.ModelForm):
    class Meta:
        model = NoticeVersion
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


class BulletinVersionForm(forms.ModelForm):
    class Meta:
        model = BulletinVersion
        fields = ["text", "recording"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}


VERSION_FORMS = {BoardNotice: NoticeVersionForm, RadioBulletin: BulletinVersionForm}


def translator_object_view(model):
    """A view of one item of `model` for its commune's translators: it receives the item and the
    languages the user translates it into; a 404 for an item of a commune they do not translate."""

    def decorator(view):
        def wrapper(request, pk, *args, **kwargs):
            scope = translator_scope(request.user)
            if not scope:
                raise PermissionDenied
            item = get_object_or_404(model.objects.filter(commune_id__in=list(scope)).select_related("commune__unit"),
                                     pk=pk)
            return view(request, item, scope[item.commune_id], *args, **kwargs)

        wrapper.tenant_scoped = model
        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorator


def save_version(item, version, user):
    """A new revision of `item` (its latest, so that no pending edit is lost) with `version` in place of
    its version in that language; a live item is submitted to its workflow."""
    latest = item.get_latest_revision_as_object()
    latest.versions = [v for v in latest.versions.all() if v.language != version.language] + [version]
    EditAction(latest, user=user, clean=False).execute(skip_permission_checks=True)
    workflow = item.get_workflow()
    if item.live and workflow is not None and not item.workflow_in_progress:
        workflow.start(latest, user)
        return "Đã gửi bản dịch để duyệt. Bản dịch chỉ hiển thị, phát trên thiết bị sau khi được duyệt."
    if item.live and workflow is None:
        return "Đã lưu bản dịch. Bản dịch chỉ hiển thị, phát trên thiết bị sau khi người có quyền duyệt xuất bản."
    if item.live:
        return "Đã lưu bản dịch vào bản đang chờ duyệt: bản dịch lên thiết bị khi bản này được duyệt."
    return "Đã lưu bản dịch vào bản nháp: bản dịch được duyệt cùng nội dung khi cán bộ xã gửi duyệt."


def translate_view(model):
    @never_cache
    @translator_object_view(model)
    def view(request, item, languages):
        """The item's version in one of the translator's languages: the Vietnamese to read, the form."""
        code = request.GET.get("ngon_ngu") or languages[0]
        if code not in languages:
            raise Http404
        lock = item.get_lock()
        locked = lock is not None and lock.for_user(request.user)
        latest = item.get_latest_revision_as_object()
        current = next((v for v in latest.versions.all() if v.language == code), None)
        instance = current or VERSION_FORMS[model]._meta.model(language=code)
        form_class = VERSION_FORMS[model]
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, instance=instance)
            if locked:
                messages.error(request, "Nội dung đang bị khóa để chỉnh sửa: hãy thử lại sau.")
            elif form.is_valid():
                version = form.save(commit=False)
                version.language = code
                messages.success(request, save_version(item, version, request.user))
                return redirect(f"{request.path}?{LANGUAGE_PARAMETER}={code}")
            else:
                messages.error(request, "Bản dịch chưa lưu được: hãy sửa các lỗi bên dưới.")
        else:
            form = form_class(instance=instance)
        for name in ("title", "text"):
            if name in form.fields:
                form.fields[name].widget.attrs["lang"] = code
        label, url_name = KINDS[model]
        return TemplateResponse(request, "broadcasts/admin/translate.html", {
            "item": item, "latest": latest, "kind_label": label, "form": form, "code": code,
            "language": language_label(code), "locked": locked, "state": notice_state(item),
            "languages": [(other, language_label(other), reverse(url_name, args=[item.pk]) + f"?{LANGUAGE_PARAMETER}={other}")
                          for other in languages],
            "index_url": reverse("broadcasts_translations"),
            "validity": f"{local_datetime(item.valid_from)} – {local_datetime(item.valid_until)}",
        })

    return view


translate_notice_view = translate_view(BoardNotice)
translate_bulletin_view = translate_view(RadioBulletin)


@never_cache
def translations_index_view(request):
    """The translator's list: their communes' notices and bulletins not yet over, newest first, with the
    languages each has an approved version in."""
    scope = translator_scope(request.user)
    if not scope:
        raise PermissionDenied
    now = timezone.now()
    rows = []
    for model, (label, url_name) in KINDS.items():
        items = (model.objects.filter(commune_id__in=list(scope), valid_until__gt=now)
                 .select_related("commune__unit").prefetch_related("versions").order_by("-valid_from")[:LIST_LIMIT])
        for item in items:
            done = {version.language for version in item.versions.all()}
            rows.append({
                "item": item, "kind": label, "state": notice_state(item),
                "validity": f"{local_datetime(item.valid_from)} – {local_datetime(item.valid_until)}",
                "languages": [{"label": language_label(code), "done": code in done,
                               "url": reverse(url_name, args=[item.pk]) + f"?{LANGUAGE_PARAMETER}={code}"}
                              for code in scope[item.commune_id]],
            })
    rows.sort(key=lambda row: row["item"].valid_from, reverse=True)
    return TemplateResponse(request, "broadcasts/admin/translations.html", {"rows": rows})


class TranslationsMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(translator_scope(request.user))  # one small query per admin page
