"""Human translation of a commune's pages into the languages it publishes in.

Translators (languages/services.py) translate with wagtail-localize: its "translate" form creates the
version in their language as a draft below the commune's home in that language, its editor (or a PO
file) fills it in, and here they send it to the commune's moderation: the commune's approvers publish it.

A translation is out of date when its source page has been published with a change since its text was
last taken from it (wagtail-localize's "sync translated pages" takes it again), unless every revision
that change brought was marked minor by its editor (`MinorChange`, the checkbox on the page's form).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Subquery
from django.db.models.functions import Cast
from wagtail.models import Locale, Page, PageLogEntry, Revision, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from languages.models import MinorChange, SiteLanguage

MINOR_FIELD = "minor_change"


# ------------------------------------------------------------------------------------------ who, where


def translated_site_languages(user):
    """The commune languages the user translates or oversees: those whose home in that language they
    may edit (a translator: their one language; the commune's editors and approvers: all of its own)."""
    rows = (SiteLanguage.objects.for_user(user).filter(commune__isnull=False, language__is_active=True)
            .select_related("language", "commune__home", "commune__unit"))
    result = []
    for row in rows:
        home = row.commune.home.get_translations().filter(locale__language_code=row.language.code).first()
        if home is not None and home.permissions_for_user(user).can_edit():
            result.append(row)
    return result


# ------------------------------------------------------------------------------------------ out of date


def out_of_date_pages(pages):
    """The ids of those pages whose translations' source is out of date: published with a change that
    is not minor since wagtail-localize last took its text (`TranslationSource.last_updated_at`)."""
    pages = {page.pk: page for page in pages}
    synced_at = {
        (key, locale_id): at for key, locale_id, at in TranslationSource.objects.filter(
            object_id__in=[page.translation_key for page in pages.values()],
            locale_id__in={page.locale_id for page in pages.values()},
        ).values_list("object_id", "locale_id", "last_updated_at")
    }
    pages = {pk: page for pk, page in pages.items() if (page.translation_key, page.locale_id) in synced_at}
    if not pages:
        return set()
    publications = {}
    for page_id, at, revision_id in (PageLogEntry.objects.filter(page_id__in=pages, action="wagtail.publish")
                                     .exclude(revision_id=None).order_by("timestamp", "pk")
                                     .values_list("page_id", "timestamp", "revision_id")):
        publications.setdefault(page_id, []).append((at, revision_id))
    ranges = {}  # page id → (revision live when last synced, last revision published since)
    for page_id, published in publications.items():
        synced = synced_at[pages[page_id].translation_key, pages[page_id].locale_id]
        before = [revision for at, revision in published if at <= synced]
        since = [revision for at, revision in published if at > synced]
        if since:
            ranges[page_id] = (before[-1] if before else 0, max(since))
    if not ranges:
        return set()
    revisions = Revision.page_revisions.filter(
        object_id__in=[str(pk) for pk in ranges], id__gt=min(low for low, _high in ranges.values()),
    ).exclude(Exists(MinorChange.objects.filter(revision=OuterRef("pk")))).values_list("object_id", "id")
    return {int(object_id) for object_id, revision_id in revisions
            if ranges[int(object_id)][0] < revision_id <= ranges[int(object_id)][1]}


def mark_minor(revision):
    MinorChange.objects.get_or_create(revision=revision)


# --------------------------------------------------------------------------------------------- listing


class Row:
    """One page of the commune and its version in one language."""

    def __init__(self, page, site_language):
        self.page, self.site_language = page, site_language
        self.target = None  # the page in that language (not an alias), if translated
        self.translation = None  # wagtail-localize's synced translation of it, if any
        self.progress = None  # (strings, translated)
        self.out_of_date = False

    @property
    def status(self):
        if self.target is None:
            return "Chưa dịch"
        if self.target.moderation == WorkflowState.STATUS_IN_PROGRESS:
            return "Đang chờ duyệt"
        if self.target.moderation == WorkflowState.STATUS_NEEDS_CHANGES:
            return "Người duyệt yêu cầu sửa"
        if self.target.live and not self.target.has_unpublished_changes:
            return "Đã xuất bản"
        return "Bản nháp"

    @property
    def may_submit(self):
        return self.translation is not None and self.target.moderation != WorkflowState.STATUS_IN_PROGRESS

    @property
    def incomplete(self):
        return self.progress is not None and self.progress[1] < self.progress[0]


def rows_for(site_language, pages):
    """The rows of these (Vietnamese) pages of the commune in one language, in a few queries."""
    locale = Locale.objects.get(language_code=site_language.language.code)
    rows = [Row(page, site_language) for page in pages]
    keys = [row.page.translation_key for row in rows]
    moderation = WorkflowState.objects.active().filter(
        base_content_type=ContentType.objects.get_for_model(Page), object_id=Cast(OuterRef("pk"), CharField()))
    targets = {page.translation_key: page for page in Page.objects.filter(
        translation_key__in=keys, locale=locale, alias_of__isnull=True).annotate(
        moderation=Subquery(moderation.values("status")[:1])).defer_streamfields()}
    translations = {t.source.object_id: t for t in Translation.objects.filter(
        source__object_id__in=keys, source__locale_id__in={row.page.locale_id for row in rows}, target_locale=locale,
        enabled=True).select_related("source")}
    stale = out_of_date_pages([row.page for row in rows if row.page.translation_key in translations])
    progress = _progress([t.source_id for t in translations.values()], locale)
    for row in rows:
        row.target = targets.get(row.page.translation_key)
        row.translation = translations.get(row.page.translation_key) if row.target is not None else None
        if row.translation is not None:
            row.out_of_date = row.page.pk in stale
            row.progress = progress.get(row.translation.source_id, (0, 0))
    return rows


def _progress(source_ids, locale):
    """{source id: (strings, translated into locale)}, as wagtail-localize's `Translation.get_progress`."""
    translated = StringTranslation.objects.filter(translation_of_id=OuterRef("string_id"), context_id=OuterRef("context_id"),
                                                  locale=locale, has_error=False)
    result = {}
    for source_id, is_translated in (StringSegment.objects.filter(source_id__in=source_ids)
                                     .annotate(is_translated=Exists(translated)).values_list("source_id", "is_translated")):
        total, done = result.get(source_id, (0, 0))
        result[source_id] = (total + 1, done + int(is_translated))
    return result


# ------------------------------------------------------------------------------------------ moderation


class CannotSubmit(Exception):
    pass


def submit_for_moderation(translation, user):
    """Saves the translation into its page as a new draft and starts the commune's workflow on it."""
    page = translation.get_target_instance()
    permissions = page.permissions_for_user(user)
    if not permissions.can_edit():
        raise CannotSubmit("Bạn không có quyền sửa bản dịch này.")
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise CannotSubmit("Bản dịch này đang chờ duyệt.")
    workflow = page.get_workflow()
    if state is None and (workflow is None or not permissions.can_submit_for_moderation()):
        raise CannotSubmit("Trang này không có quy trình duyệt để gửi.")
    translation.save_target(user=user, publish=False)
    page = Page.objects.get(pk=page.pk).specific
    if state is not None:  # sent back with changes requested: resubmitted, as Wagtail's editor does
        state.resume(user)
    else:
        workflow.start(page, user)
    return page


# ---------------------------------------------------------------------------- no synchronised trees


class TreeSynchronisationRefused(Exception):
    pass


def refuse_locale_synchronisation(sender, instance, raw=False, **kwargs):
    """wagtail-localize's "synchronise content from another locale" copies every page of the source
    locale, every site's, into the other as aliases: a Ba Na portal and a Ba Na version of every commune,
    which nobody asked for. Translations here are made page by page, inside one commune."""
    raise TreeSynchronisationRefused("Không đồng bộ cả cây trang giữa các ngôn ngữ: hãy dịch từng trang của xã.")


def forbid_locale_synchronisation():
    """Takes the option off the locale form and refuses the row however it is saved."""
    from django.db.models.signals import pre_save
    from wagtail_localize.locales.components import LOCALE_COMPONENTS
    from wagtail_localize.models import LocaleSynchronization

    LOCALE_COMPONENTS[:] = [component for component in LOCALE_COMPONENTS
                            if component["model"] is not LocaleSynchronization]
    pre_save.connect(refuse_locale_synchronisation, sender=LocaleSynchronization,
                     dispatch_uid="languages-no-locale-synchronisation")
