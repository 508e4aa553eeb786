"""Tenancy of translations: a commune's English pages belong to that commune and go through its moderation.

wagtail-localize asks for one global permission, `submit_translation`, and then lets its holder translate,
sync and publish any object, creating on the way the parents a page needs in the other language (as
live aliases: the English portal home and commune home). Here translations keep the tenancy and the
two-step moderation of their source:

- An English copy is created as a draft (`WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False`, which a
  system check requires). The English version of a commune's home gets the commune's groups and workflow
  (`share_tenancy_with_translation`), so everything below it is the commune's, under its two steps.
- Only who may publish a translated page publishes it. wagtail-localize's translation editor checks
  that; its "sync translated pages" view with "publish immediately" does not, so the guard does, on
  every target page.
- A commune's translators hold permissions on its home in their language only (languages/services.py):
  they translate that commune's pages into that language (`may_translate`: the version in a language
  must be theirs to edit, or to add below) and sync them, but publish nothing.
- Every wagtail-localize admin URL is guarded by name (`TranslationTenancyMiddleware`): a translation
  source or translation is mapped to its pages and served only to who may edit them; snippets and
  URLs this module does not know are refused to commune staff (fail closed).
- Commune staff create no page outside their commune. A page in another language that their request
  causes to exist (a copy, or an alias wagtail-localize makes of a missing parent) must lie below a page
  their groups hold permissions on, or be the translation of that page itself (their commune home) under
  a parent that already exists. The English portal home and the English commune homes made as side
  effects are portal staff's business. This is checked as the page is saved, so it holds on every path
  that creates one (submitting, syncing, subtrees, locale synchronisation), and the request's
  transaction is rolled back.

Portal staff and superusers are bound by Wagtail's page permissions only.
"""

import contextvars

from django.conf import settings
from django.contrib import messages
from django.core import checks
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models.signals import post_save, pre_save
from django.forms import CheckboxInput
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language_info
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail.models import GroupPagePermission, Locale, Page, WorkflowPage
from wagtail_localize.models import Translation, TranslationSource

from core.numbers import BIGINT_MAX, parse_int
from sites.admin_scoping import is_limited_to_communes
from sites.pages import COMMUNE, PORTAL, site_home_model
from sites.tenancy import user_is_portal_staff

MIDDLEWARE_PATH = "sites.translations.TranslationTenancyMiddleware"

# The request being served, so that a page saved on its behalf knows who causes it.
_current_request = contextvars.ContextVar("translation_tenancy_request", default=None)


class TranslationOutsideCommune(Exception):
    """A commune's staff would create a page outside their commune.

    Not a `PermissionDenied`: Wagtail's admin views turn those into a generic "no permission" on the
    dashboard, and the editor needs to be told why, on the form they submitted (`process_exception`).
    """


# ------------------------------------------------------------------------------ shared tenancy (receiver)


def share_tenancy_with_translation(sender, instance, created, raw=False, **kwargs):
    """The translation of a site's home gets the groups' permissions and the workflow of the original.

    wagtail-localize puts the English version of a commune's pages under an English copy of its home,
    outside the Vietnamese subtree its groups hold permissions on; with the same grants and workflow
    there, the commune's editors translate and edit their own English pages, and only theirs.
    """
    if not created or raw or instance.locale_id == Locale.get_default().pk:
        return
    original = sender.objects.filter(translation_key=instance.translation_key, locale=Locale.get_default()).first()
    if original is None:
        return
    for grant in GroupPagePermission.objects.filter(page=original):
        GroupPagePermission.objects.get_or_create(group_id=grant.group_id, page=instance, permission_id=grant.permission_id)
    workflow = WorkflowPage.objects.filter(page=original).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=instance, defaults={"workflow_id": workflow.workflow_id})


# --------------------------------------------------------------------- no page outside the commune (receiver)


def _granted_root_paths(user):
    """Paths of the pages the user's groups hold permissions on, read now: a commune home translated
    earlier in the same request has just received its grants (`tenancy.permitted_root_paths` caches)."""
    page_ids = GroupPagePermission.objects.filter(group__user=user).values("page_id")
    return list(Page.objects.filter(pk__in=page_ids).values_list("path", flat=True))


def _created_inside(page, roots):
    if any(page.path.startswith(root) and len(page.path) > len(root) for root in roots):
        return True
    # The translation (a copy, not an alias) of a page the user holds permissions on: their commune
    # home, translated on purpose under a parent that already exists in that language.
    return page.alias_of_id is None and (
        Page.objects.filter(translation_key=page.translation_key, path__in=roots).exclude(locale_id=page.locale_id).exists()
    )


def _language_name(code):
    """"tiếng Anh", for a sentence in the admin's language."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    return name[:1].lower() + name[1:]


def refuse_pages_outside_commune(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, Page) or not instance._state.adding:
        return
    request = _current_request.get()
    user = getattr(request, "user", None)
    if user is None or not is_limited_to_communes(user):
        return
    if instance.locale_id is None or instance.locale_id == Locale.get_default().pk:
        return
    if _created_inside(instance, _granted_root_paths(user)):
        return
    language = _language_name(Locale.objects.get(pk=instance.locale_id).language_code)
    raise TranslationOutsideCommune(
        f"Chưa thể dịch: trang «{instance.title}» chưa có bản {language} và nằm ngoài phạm vi xã của bạn. "
        f"Bản {language} của trang chủ cổng thông tin và của trang chủ xã do cán bộ quản trị cổng tạo; "
        "khi đã có, bạn dịch được các trang của xã mình."
    )


# --------------------------------------------------------------------------------------- view guards


def _source_page(source):
    """The page a translation source was made from (None for a snippet or a deleted page)."""
    try:
        instance = source.get_source_instance()
    except ObjectDoesNotExist:
        return None
    return instance if isinstance(instance, Page) else None


def _translated(page, locale_id):
    return Page.objects.filter(translation_key=page.translation_key, locale_id=locale_id).first()


def may_publish_translation(user, source_page, locale_id):
    """Whether the user may publish the translation of `source_page` into that locale.

    The translated page decides; when it does not exist yet (publishing creates it), its nearest
    translated ancestor does, and with none at all only portal staff may create and publish it.
    """
    target = _translated(source_page, locale_id)
    if target is None:
        for ancestor in source_page.get_ancestors().filter(depth__gt=1).order_by("-depth"):
            target = _translated(ancestor, locale_id)
            if target is not None:
                break
    if target is None:
        return user_is_portal_staff(user)
    return target.permissions_for_user(user).can_publish()


def _asks_to_publish(request):
    # As the view's form reads its checkbox.
    return CheckboxInput().value_from_datadict(request.POST, None, "publish_translations")


def refuse(request, message, back_url=None):
    """A browser goes back with the reason shown; a script gets 403."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        raise PermissionDenied(message)
    messages.error(request, message)
    return redirect(back_url or get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))


def may_translate(user, page, locale_id):
    """Whether the user may translate `page` into that locale: they may edit the page, or the version
    it would become in that locale (a translator edits their commune's pages in their language only).

    A version that exists (an alias too: translating converts it) must be editable by the user. One
    that does not is made below the nearest translated ancestor, where the user must be able to add
    pages; wherever it lands, `refuse_pages_outside_commune` checks it as it is saved."""
    target = _translated(page, locale_id)
    if target is not None:
        return target.permissions_for_user(user).can_edit()
    if page.permissions_for_user(user).can_edit():
        return True
    for ancestor in page.get_ancestors().filter(depth__gt=1).order_by("-depth"):
        translated = _translated(ancestor, locale_id)
        if translated is not None:
            return translated.permissions_for_user(user).can_add_subpage()
    return False


def guard_submit_page(request, page_id):
    page = Page.objects.filter(pk=page_id).first()
    if page is None or page.is_root():
        return None  # the view answers 404
    user = request.user
    if request.method == "POST":
        locale_ids = {parse_int(value, minimum=1, maximum=BIGINT_MAX) for value in request.POST.getlist("locales")}
        if None in locale_ids or not Locale.objects.filter(pk__in=locale_ids).count() == len(locale_ids):
            return None  # the view's form says what is wrong
        if not all(may_translate(user, page, locale_id) for locale_id in locale_ids):
            return refuse(
                request,
                "Bạn chỉ dịch được các trang của xã mình sang ngôn ngữ bạn được giao.",
                back_url=request.get_full_path(),
            )
        return None
    locales = Locale.objects.exclude(pk=page.locale_id).values_list("pk", flat=True)
    if not any(may_translate(user, page, locale_id) for locale_id in locales):
        raise PermissionDenied
    return None


def guard_update(request, translation_source_id):
    source = TranslationSource.objects.filter(pk=translation_source_id).first()
    if source is None:
        return None  # the view answers 404
    page = _source_page(source)
    if page is None:
        return _guard_snippet(request)
    user = request.user
    locales = source.translations.filter(enabled=True).values_list("target_locale_id", flat=True)
    # Syncing takes the source's text again for every translation; without publishing, it changes no
    # translated page. Who edits the source, or one of its translations (a translator), may do it.
    if not page.permissions_for_user(user).can_edit() and not any(
        target.permissions_for_user(user).can_edit()
        for target in Page.objects.filter(translation_key=page.translation_key, locale_id__in=locales)
    ):
        raise PermissionDenied
    if request.method == "POST" and _asks_to_publish(request):
        if not all(may_publish_translation(user, page, locale_id) for locale_id in locales):
            return refuse(
                request,
                "Bạn không có quyền xuất bản bản dịch của trang này. Hãy đồng bộ mà không chọn «Xuất bản ngay»; "
                "người duyệt của xã sẽ xem và xuất bản bản dịch.",
                back_url=request.get_full_path(),
            )
    return None


def guard_translation(request, translation_id, **kwargs):
    translation = Translation.objects.filter(pk=translation_id).select_related("source").first()
    if translation is None:
        return None  # the view answers 404
    page = _source_page(translation.source)
    if page is None:
        return _guard_snippet(request)
    target = _translated(page, translation.target_locale_id)
    if target is None:
        raise Http404
    if not target.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return None


def guard_convert_to_alias(request, page_id):
    """An alias mirrors its live source, so converting a draft translation into one publishes it."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return None
    permissions = page.permissions_for_user(request.user)
    if not permissions.can_edit():
        raise PermissionDenied
    if not permissions.can_publish():
        return refuse(
            request,
            "Chuyển thành trang bí danh sẽ xuất bản trang ngay theo bản gốc; việc này dành cho người duyệt.",
            back_url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
        )
    return None


def _guard_snippet(request, **kwargs):
    """Snippets are global (not a commune's): their translation is portal staff's."""
    if is_limited_to_communes(request.user):
        raise PermissionDenied
    return None


GUARDS = {
    "submit_page_translation": guard_submit_page,
    "update_translations": guard_update,
    "edit_string_translation": guard_translation,
    "edit_override": guard_translation,
    "download_pofile": guard_translation,
    "upload_pofile": guard_translation,
    "machine_translate": guard_translation,
    "preview_translation": guard_translation,
    "stop_translation": guard_translation,
    "convert_to_alias": guard_convert_to_alias,
    "submit_snippet_translation": _guard_snippet,
    "snippets_api_listing": _guard_snippet,
    "snippets_api_detail": _guard_snippet,
}
# wagtail-localize URLs that name nothing of a commune. Any other, unknown one is refused to commune staff.
UNGUARDED = {"javascript_catalog"}
NAMESPACE = "wagtail_localize"


class TranslationTenancyMiddleware:
    """Guards wagtail-localize's admin views by URL name, and tells page saves who causes them.

    Goes after `AuthenticationMiddleware` (and after `sites.admin_scoping.AdminTenancyMiddleware`, which
    already refuses URLs naming another commune's page ids).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or NAMESPACE not in match.namespaces or match.url_name in UNGUARDED:
            return None
        if not request.user.is_authenticated:
            return None  # the admin sends them to the login page
        guard = GUARDS.get(match.url_name)
        if guard is None:
            return _guard_snippet(request)
        return guard(request, **view_kwargs)

    def process_exception(self, request, exception):
        if isinstance(exception, TranslationOutsideCommune):
            return refuse(request, str(exception), back_url=request.get_full_path())
        return None


# ---------------------------------------------------------------------------------------------- wiring


@checks.register(checks.Tags.security)
def check_translation_tenancy(app_configs=None, **kwargs):
    errors = []
    if getattr(settings, "WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE", True):
        errors.append(checks.Error(
            "WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE must be False: a new translation of a live page "
            "would go live without its commune's approver.",
            id="sites.E701",
        ))
    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        errors.append(checks.Error(
            f"{MIDDLEWARE_PATH} is missing from MIDDLEWARE: translations would escape commune tenancy.",
            id="sites.E702",
        ))
    return errors


def connect():
    for level in (PORTAL, COMMUNE):
        model = site_home_model(level)
        post_save.connect(share_tenancy_with_translation, sender=model, dispatch_uid=f"share-tenancy-{level}")
    pre_save.connect(refuse_pages_outside_commune, dispatch_uid="refuse-pages-outside-commune")
