"""Admin of the commune radio ("Đài truyền thanh"), every screen through the tenancy layer:

- radio bulletins: a snippet with drafts, revisions, locking and the commune's two-step workflow, like
  board notices; on its edit (and approval) screen, the audio of the bulletin and of each
  minority-language version, playable, with a retry for failed audio, and the warnings the bulletin
  would cause in its clusters' programme;
- relays and the commune's radio settings (one row per commune, created on first visit);
- "Lịch phát": a cluster's programme for one day as a timeline, with its warnings;
- "Tổng quan": the commune's clusters with their status, and minutes broadcast per ISO week by class
  and by language (aggregated in the database).

Turning pages and other features' content (answered questions) into bulletins is in `admin_views.py`.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.snippets.views.snippets import IndexView

from broadcasts import admin_translations, admin_views, content_languages, programme, selectors, speech
from broadcasts.admin_devices import device_status
from broadcasts.admin_notices import BoardNoticeCreateView, local_datetime, notice_state
from broadcasts.admin_views import user_communes
from broadcasts.content_languages import LanguageFormMixin
from broadcasts.content_languages import label as language_label
from broadcasts.forms import OTHER_COMMUNE, DaysField
from broadcasts.models import (
    ISO_DAYS,
    AudioState,
    BroadcastClass,
    Device,
    DeviceKind,
    Play,
    PlayOutcome,
    RadioBulletin,
    RadioSettings,
    Relay,
    SpeakerTarget,
)
from core.numbers import BIGINT_MAX, parse_int
from sites.scoping import CommuneOwnedSnippetViewSet, CommuneOwnedViewSet, commune_object_view, scoped_queryset
from sites.tenancy import commune_sites_for_user, user_is_portal_staff

LOCAL_ZONE = ZoneInfo(settings.TIME_ZONE)
DAY_LABELS = dict(ISO_DAYS)
DATE_FORMAT = "%d/%m/%Y"
DASHBOARD_WEEKS = 8
PLAYED_OUTCOMES = (PlayOutcome.COMPLETED, PlayOutcome.INTERRUPTED)
UNKNOWN = "Không rõ"


# ----------------------------------------------------------------------------------------------- words


def days_text(days):
    return ", ".join(DAY_LABELS[day] for day in days if day in DAY_LABELS) if days else "Mọi ngày"


def speaker_targets(item):
    """Where a bulletin or relay plays, in words."""
    if item.target == SpeakerTarget.AREAS:
        return "Thôn: " + ", ".join(area.name for area in item.target_areas.all())
    if item.target == SpeakerTarget.DEVICES:
        return "Cụm loa: " + ", ".join(device.name for device in item.target_devices.all())
    return "Toàn xã"


def slot_times(bulletin):
    times = sorted(slot.time for slot in bulletin.slots.all())
    return ", ".join(time.strftime("%H:%M") for time in times) or "Chưa có giờ phát"


def duration_text(milliseconds):
    """m:ss (h:mm:ss from an hour up)."""
    if milliseconds is None:
        return ""
    seconds = round(milliseconds / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def minutes_text(minutes):
    """One decimal, Vietnamese style: 12,5."""
    return f"{minutes:.1f}".replace(".", ",")


def parse_day(value):
    """A dd/mm/yyyy date between 2000 and 2100 (a programme outside has nothing, and the calendar's ends
    would overflow), or None."""
    try:
        day = datetime.datetime.strptime((value or "").strip(), DATE_FORMAT).date()
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def day_bounds(day):
    """The local day as aware datetimes: its midnight and the next one."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=LOCAL_ZONE)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LOCAL_ZONE)


# ----------------------------------------------------------------------------------------------- forms


class SpeakerTargetsForm(WagtailAdminModelForm):
    """Bulletins and relays: a commune (always: there are no portal-wide bulletins), days as
    checkboxes, and targets among the areas and speaker clusters of that commune only."""

    days = DaysField(label="Các ngày trong tuần", help_text="Không chọn ngày nào: phát mọi ngày.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "commune" in self.fields:
            self.fields["commune"].required = True
            self.fields["commune"].empty_label = None
        commune_id = self.instance.commune_id
        areas, devices = self.fields.get("target_areas"), self.fields.get("target_devices")
        if devices is not None:
            devices.queryset = devices.queryset.filter(kind=DeviceKind.SPEAKER)
        # The tenancy layer narrows these to the user's communes afterwards; an existing item narrows
        # them to its own commune (portal staff see every commune's otherwise).
        for field in (areas, devices):
            if field is not None and commune_id is not None:
                field.queryset = field.queryset.filter(commune_id=commune_id)
        if devices is not None:
            devices.queryset = devices.queryset.select_related("area")
            devices.label_from_instance = lambda d: f"{d.name} ({d.area.name})" if d.area_id else d.name

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune") if "commune" in self.fields else self.instance.commune
        target = cleaned.get("target")
        areas = list(cleaned.get("target_areas") or [])
        devices = list(cleaned.get("target_devices") or [])
        # Checked here too: saving a draft defers the fields' own `required` (Wagtail), and the
        # database would refuse a bulletin of no commune.
        if commune is None and "commune" in self.fields and "commune" not in self.errors:
            self.add_error("commune", "Hãy chọn xã.")
        if commune is not None:
            if any(area.commune_id != commune.pk for area in areas):
                self.add_error("target_areas", OTHER_COMMUNE.format(what="thôn, tổ dân phố"))
            if any(device.commune_id != commune.pk for device in devices):
                self.add_error("target_devices", OTHER_COMMUNE.format(what="cụm loa"))
        if target == SpeakerTarget.AREAS and not areas:
            self.add_error("target_areas", "Hãy chọn ít nhất một thôn, tổ dân phố.")
        if target == SpeakerTarget.DEVICES and not devices:
            self.add_error("target_devices", "Hãy chọn ít nhất một cụm loa.")
        # What the chosen target does not use is not kept.
        if target != SpeakerTarget.AREAS:
            cleaned["target_areas"] = []
        if target != SpeakerTarget.DEVICES:
            cleaned["target_devices"] = []
        return cleaned


class RadioBulletinForm(LanguageFormMixin, SpeakerTargetsForm):
    """A bulletin: in a language of its commune, its minority-language versions each in a language of
    their own, none in the bulletin's own language."""

    language_formsets = ("versions",)


class RelayForm(SpeakerTargetsForm):
    pass


# ------------------------------------------------------------------------------- audio and warnings


def bulletin_audio(bulletin):
    """[(language, SpeechAudio or None)] for the bulletin (a row or a revision's object) and each version."""
    return speech.bulletin_audio_status(bulletin)


def audio_retry(audio):
    return speech.audio_retry(audio)


def bulletin_warnings(bulletin, day):
    """The warnings the bulletin (as edited) would cause or suffer on its commune's clusters on `day`."""
    return programme.bulletin_warnings(bulletin, day)


def device_programme(device, start, end, now):
    """What the cluster plays between `start` and `end`, and the warnings about it."""
    return selectors.device_programme(device, start, end, now)


def bulletin_first_day(bulletin, today=None):
    """The first day from today (within a week) the bulletin plays on: its validity and its weekdays."""
    today = today or timezone.localdate()
    if bulletin.valid_from:
        today = max(today, timezone.localdate(bulletin.valid_from))
    for offset in range(7):
        day = today + datetime.timedelta(days=offset)
        if not bulletin.days or day.isoweekday() in bulletin.days:
            return day
    return today


@dataclass
class AudioRow:
    language: str
    label: str
    audio: object  # SpeechAudio or None

    @property
    def state(self):
        return self.audio.state if self.audio is not None else None

    @property
    def url(self):
        asset = self.audio.asset if self.audio is not None and self.audio.state == AudioState.READY else None
        return asset.file.url if asset is not None and asset.file else ""

    @property
    def duration(self):
        asset = self.audio.asset if self.audio is not None else None
        return duration_text(asset.duration_ms) if asset is not None else ""


def audio_rows(bulletin):
    return [AudioRow(language, language_label(language), audio)
            for language, audio in bulletin_audio(bulletin)]


UNTIMED_WARNINGS = {"no_audio"}  # about the item as a whole, not a moment


def warning_rows(warnings):
    return [{
        "at": "" if w.kind in UNTIMED_WARNINGS or not w.at else timezone.localtime(w.at).strftime("%H:%M"),
        "message": w.message, "kind": w.kind, "device": getattr(w, "device_name", ""),
    } for w in warnings]


class BulletinCheckPanel(Panel):
    """Listen and check before approving: the audio of the bulletin and of each version (a player when
    ready, the error and "Thử lại" when it failed), and the warnings the bulletin would cause."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "broadcasts/admin/radio_bulletin_check_panel.html"

        def is_shown(self):
            return self.instance is not None and self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            bulletin = self.instance
            day = bulletin_first_day(bulletin)
            warnings = bulletin_warnings(bulletin, day)
            context.update({
                "audio_rows": audio_rows(bulletin),
                "retry_url": reverse("wagtailsnippets_broadcasts_radiobulletin:audio_retry", args=[bulletin.pk]),
                "can_retry": self.request.user.has_perm("broadcasts.change_radiobulletin"),
                "day": day,
                "warnings": warning_rows(warnings),
                "programme_url": reverse("radio_programme:index") + "?" + urlencode({"ngay": day.strftime(DATE_FORMAT)}),
            })
            return context


@never_cache
@require_POST
@commune_object_view(RadioBulletin, permissions=["broadcasts.change_radiobulletin"])
def audio_retry_view(request, bulletin):
    """"Thử lại" for a failed audio of this bulletin (the audio named in the POST must be one of its own)."""
    edit_url = reverse("wagtailsnippets_broadcasts_radiobulletin:edit", args=[bulletin.pk])
    latest = bulletin.get_latest_revision_as_object()
    rows = audio_rows(latest)
    wanted = request.POST.get("audio", "")
    audio = next((row.audio for row in rows if row.audio is not None and str(row.audio.pk) == wanted), None)
    if audio is None:
        raise Http404
    if audio.state != AudioState.FAILED:
        messages.info(request, "Âm thanh này không bị lỗi: không cần tạo lại.")
        return redirect(edit_url)
    audio_retry(audio)
    messages.success(request, "Đã yêu cầu tạo lại âm thanh. Tải lại trang sau ít phút để nghe thử.")
    return redirect(edit_url)


# -------------------------------------------------------------------------------------------- bulletins


class RadioBulletinFilterSet(WagtailFilterSet):
    commune = django_filters.ModelChoiceFilter(label="Xã", queryset=user_communes, empty_label="Tất cả")
    broadcast_class = django_filters.ChoiceFilter(label="Mức độ", choices=BroadcastClass.choices, empty_label="Tất cả")
    live = django_filters.BooleanFilter(
        label="Trạng thái", widget=forms.Select(choices=[("", "Tất cả"), ("true", "Đã duyệt"), ("false", "Chưa duyệt")]),
    )

    class Meta:
        model = RadioBulletin
        fields = ["commune", "broadcast_class", "live"]


class RadioBulletinIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune__unit").prefetch_related(
            "slots", "target_areas", "target_devices"
        )


class RadioBulletinCreateView(BoardNoticeCreateView):
    """A new bulletin of commune staff is submitted to their commune's workflow as it is created."""


class RadioBulletinViewSet(CommuneOwnedSnippetViewSet):
    model = RadioBulletin
    icon = "media"
    menu_label = "Bản tin phát thanh"
    add_to_admin_menu = False
    index_view_class = RadioBulletinIndexView
    add_view_class = RadioBulletinCreateView
    filterset_class = RadioBulletinFilterSet
    search_fields = ["title", "text"]
    search_backend_name = None
    ordering = ["-valid_from"]
    list_display = [
        TitleColumn("title", label="Tiêu đề", url_name="wagtailsnippets_broadcasts_radiobulletin:edit"),
        Column("commune", label="Xã", accessor=lambda b: b.commune.name),
        Column("broadcast_class", label="Mức độ", accessor="get_broadcast_class_display"),
        Column("state", label="Trạng thái", accessor=notice_state),
        Column("slots", label="Giờ phát", accessor=slot_times),
        Column("validity", label="Hiệu lực",
               accessor=lambda b: f"{local_datetime(b.valid_from)} – {local_datetime(b.valid_until)}"),
        Column("targets", label="Phát trên", accessor=speaker_targets),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    BulletinCheckPanel(heading="Nghe thử và kiểm tra trước khi duyệt"),
                    FieldPanel("commune"),
                    FieldPanel("title"),
                    FieldPanel("text"),
                    FieldRowPanel([FieldPanel("language"), FieldPanel("broadcast_class"), FieldPanel("display_order")]),
                    FieldPanel("recording"),
                    FieldRowPanel([FieldPanel("source_label", read_only=True), FieldPanel("source_page", read_only=True)]),
                ],
                heading="Nội dung",
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
                    FieldPanel("days"),
                    InlinePanel("slots", heading="Giờ phát trong ngày", label="Giờ phát"),
                    FieldRowPanel([FieldPanel("repeats"), FieldPanel("repeat_gap_min")]),
                ],
                heading="Lịch phát",
            ),
            ObjectList(
                [
                    FieldPanel("target", widget=forms.RadioSelect),
                    MultiFieldPanel(
                        [
                            FieldPanel("target_areas", widget=forms.CheckboxSelectMultiple),
                            FieldPanel("target_devices", widget=forms.CheckboxSelectMultiple),
                        ],
                        heading="Chọn thôn hoặc cụm loa",
                    ),
                ],
                heading="Nơi phát",
            ),
            ObjectList(
                [InlinePanel("versions", heading="Bản tiếng dân tộc thiểu số", label="Bản tiếng dân tộc",
                             help_text="Cụm loa ở thôn đặt ngôn ngữ này phát bản này thay cho bản tiếng Việt.")],
                heading="Bản tiếng dân tộc",
            ),
        ],
        base_form_class=RadioBulletinForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/am-thanh/thu-lai/", audio_retry_view, name="audio_retry"),
            path("<int:pk>/ban-dich/", admin_translations.translate_bulletin_view, name="translate"),
        ]


# ---------------------------------------------------------------------------------------------- relays


class RelayFilterSet(WagtailFilterSet):
    commune = django_filters.ModelChoiceFilter(label="Xã", queryset=user_communes, empty_label="Tất cả")

    class Meta:
        model = Relay
        fields = ["commune", "enabled"]


class RelayIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune__unit").prefetch_related(
            "target_areas", "target_devices")


class RelayViewSet(CommuneOwnedViewSet):
    model = Relay
    icon = "resubmit"
    menu_label = "Lịch tiếp âm"
    url_prefix = "radio/tiep-am"
    name = "radio_relay"
    add_to_admin_menu = False
    index_view_class = RelayIndexView
    filterset_class = RelayFilterSet
    copy_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    list_display = [
        TitleColumn("name", label="Chương trình", url_name="radio_relay:edit"),
        Column("commune", label="Xã", accessor=lambda r: r.commune.name),
        Column("hours", label="Giờ", accessor=lambda r: f"{r.start:%H:%M} – {r.end:%H:%M}"),
        Column("days", label="Ngày", accessor=lambda r: days_text(r.days)),
        Column("broadcast_class", label="Mức độ", accessor="get_broadcast_class_display"),
        Column("enabled", label="Đang áp dụng", accessor=lambda r: "Có" if r.enabled else "Tạm dừng"),
        Column("targets", label="Phát trên", accessor=speaker_targets),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("commune"),
            FieldPanel("name"),
            FieldPanel("stream_url"),
            FieldRowPanel([FieldPanel("broadcast_class"), FieldPanel("enabled")]),
            FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
            FieldPanel("days"),
            FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
            FieldPanel("target", widget=forms.RadioSelect),
            MultiFieldPanel(
                [
                    FieldPanel("target_areas", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("target_devices", widget=forms.CheckboxSelectMultiple),
                ],
                heading="Chọn thôn hoặc cụm loa",
            ),
        ],
        base_form_class=RelayForm,
    )


# --------------------------------------------------------------------------------------------- settings


def radio_settings_ensure(*, communes):
    """One settings row per commune, with the defaults, for those that have none yet."""
    missing = communes.exclude(radio_settings__isnull=False).values_list("pk", flat=True)
    RadioSettings.objects.bulk_create([RadioSettings(commune_id=pk) for pk in missing], ignore_conflicts=True)


class RadioSettingsIndexView(generic.IndexView):
    """Made on first visit: a row for each of the user's communes. A commune's staff go straight to theirs."""

    def get(self, request, *args, **kwargs):
        if request.user.has_perm("broadcasts.change_radiosettings"):
            radio_settings_ensure(communes=commune_sites_for_user(request.user))
        if not self.results_only and not user_is_portal_staff(request.user):
            own = list(scoped_queryset(RadioSettings, request.user, "change").values_list("pk", flat=True)[:2])
            if len(own) == 1 and request.user.has_perm("broadcasts.change_radiosettings"):
                return redirect("radio_settings:edit", own[0])
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("commune__unit")


class RadioSettingsForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quiet_from") is not None and cleaned.get("quiet_from") == cleaned.get("quiet_until"):
            self.add_error("quiet_until", "Giờ kết thúc khác giờ bắt đầu (hoặc đặt 00:00–00:01 nếu không cần).")
        return cleaned


SETTINGS_WITHOUT = {"add", "copy", "delete", "usage"}


class RadioSettingsViewSet(CommuneOwnedViewSet):
    model = RadioSettings
    icon = "cog"
    menu_label = "Cài đặt đài truyền thanh"
    url_prefix = "radio/cai-dat"
    name = "radio_settings"
    add_to_admin_menu = False
    index_view_class = RadioSettingsIndexView
    copy_view_enabled = False
    ordering = ["commune__unit__name"]
    list_display = [
        TitleColumn("commune", label="Xã", url_name="radio_settings:edit", accessor=lambda s: s.commune.name),
        Column("quiet", label="Giờ yên tĩnh", accessor=lambda s: f"{s.quiet_from:%H:%M} – {s.quiet_until:%H:%M}"),
        Column("max_slot_min", label="Tối đa mỗi lượt (phút)"),
        Column("engine", label="Bộ đọc", accessor="get_engine_display"),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("quiet_from"), FieldPanel("quiet_until")], heading="Giờ yên tĩnh",
                          help_text="Trong giờ yên tĩnh chỉ bản tin khẩn cấp được phát."),
            FieldPanel("max_slot_min"),
            FieldRowPanel([FieldPanel("engine"), FieldPanel("voice"), FieldPanel("speed")]),
        ],
        base_form_class=RadioSettingsForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        # One row per commune, made by the index: nothing to add, copy or delete, and nothing refers to
        # it (no usage screen: the edit screen would link to a URL that does not exist).
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "delete_url_name": None, "copy_url_name": None, "usage_url_name": None,
               **kwargs})

    def get_urlpatterns(self):
        # The viewset's own patterns, less those of the screens it has none of (SETTINGS_WITHOUT): a
        # hand-written list once left out history_results, and the history screen, linking to it, answered 500.
        return [pattern for pattern in super().get_urlpatterns()
                if getattr(pattern, "name", None) not in SETTINGS_WITHOUT]


# ------------------------------------------------------------------------------------------- programme


def speaker_clusters(user):
    """The speaker clusters this user may see, with their commune and area."""
    return scoped_queryset(Device, user, "view").filter(kind=DeviceKind.SPEAKER).select_related(
        "commune__unit", "area").order_by("commune__unit__name", "name")


def timeline_rows(plan, day_start, day_end):
    """The programme's entries as table rows, with where their bar sits in the day (percent)."""
    day_seconds = (day_end - day_start).total_seconds()
    warned = {w.item_id for w in plan.warnings}
    rows = []
    for entry in sorted(plan.entries, key=lambda e: e.start):
        start, end = max(entry.start, day_start), min(entry.end, day_end)
        broadcast_class, kind, language = entry.klass, entry.kind, entry.language or ""
        rows.append({
            "start": timezone.localtime(entry.start).strftime("%H:%M:%S"),
            "end": timezone.localtime(entry.end).strftime("%H:%M:%S"),
            "duration": duration_text((entry.end - entry.start).total_seconds() * 1000),
            "title": entry.title or entry.item_id,
            "kind": "Tiếp âm" if kind == "relay" else "Bản tin",
            "broadcast_class": broadcast_class,
            "class_label": dict(BroadcastClass.choices).get(broadcast_class, broadcast_class),
            "language": language_label(language),
            # Strings for a style attribute: the template's localisation would write a decimal comma.
            "left": f"{(start - day_start).total_seconds() / day_seconds * 100:.3f}",
            "width": f"{max((end - start).total_seconds() / day_seconds * 100, 0.2):.3f}",
            "warned": entry.item_id in warned,
        })
    return rows


@never_cache
def programme_view(request):
    """A cluster's programme for one day: pick a cluster of the user's communes and a day (dd/mm/yyyy)."""
    if not request.user.has_perm("broadcasts.view_radiobulletin"):
        raise PermissionDenied
    clusters = list(speaker_clusters(request.user))
    wanted = request.GET.get("cum_loa", "")
    if wanted:
        device = next((c for c in clusters if str(c.pk) == wanted), None)
        if device is None:
            raise Http404
    else:
        device = clusters[0] if clusters else None
    day_error = ""
    day = timezone.localdate()
    if request.GET.get("ngay"):
        day = parse_day(request.GET["ngay"])
        if day is None:
            day_error = "Ngày phải có dạng ngày/tháng/năm, ví dụ 05/09/2025."
            day = timezone.localdate()
    rows = warnings = None
    if device is not None:
        start, end = day_bounds(day)
        plan = device_programme(device, start, end, timezone.now())
        rows, warnings = timeline_rows(plan, start, end), warning_rows(plan.warnings)
    return TemplateResponse(request, "broadcasts/admin/radio_programme.html", {
        "clusters": clusters, "device": device, "day": day, "day_text": day.strftime(DATE_FORMAT),
        "day_error": day_error, "rows": rows, "warnings": warnings,
        "previous_day": (day - datetime.timedelta(days=1)).strftime(DATE_FORMAT),
        "next_day": (day + datetime.timedelta(days=1)).strftime(DATE_FORMAT),
        "hours": [{"label": f"{hour:02d}:00", "left": f"{hour / 24 * 100:.3f}"} for hour in range(0, 24, 3)],
    })


programme_view.tenant_scoped = "clusters of the user's communes (speaker_clusters)"


# ------------------------------------------------------------------------------------------- dashboard


def week_starts(today, weeks=DASHBOARD_WEEKS):
    """The Mondays of the last `weeks` ISO weeks, newest first."""
    monday = today - datetime.timedelta(days=today.isoweekday() - 1)
    return [monday - datetime.timedelta(weeks=n) for n in range(weeks)]


def _week_of(value):
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def minutes_by_week(plays, *, field, today, weeks=DASHBOARD_WEEKS):
    """Minutes broadcast per ISO week and per value of `field` (the class or the language), summed by
    the database: {monday: {value: minutes}}, for plays that ran (completed or interrupted)."""
    mondays = week_starts(today, weeks)
    since = datetime.datetime.combine(mondays[-1], datetime.time.min, tzinfo=LOCAL_ZONE)
    duration = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    totals = (
        plays.filter(started_at__gte=since, outcome__in=PLAYED_OUTCOMES)
        .annotate(week=TruncWeek("started_at", tzinfo=LOCAL_ZONE))
        .values("week", field).annotate(total=Sum(duration)).order_by()
    )
    table = {monday: {} for monday in mondays}
    for row in totals:
        week = _week_of(row["week"])
        if week in table and row["total"] is not None:
            key = row[field] or ""
            table[week][key] = table[week].get(key, 0) + row["total"].total_seconds() / 60
    return table


def minutes_table(table, columns):
    """Rows for the template: the week, each column's minutes and the week's total."""
    rows = []
    for monday, values in table.items():
        year, week, _ = monday.isocalendar()
        sunday = monday + datetime.timedelta(days=6)
        rows.append({
            "week": f"Tuần {week}/{year}",
            "dates": f"{monday:%d/%m} – {sunday:%d/%m}",
            "cells": [minutes_text(values.get(key, 0)) for key, _ in columns],
            "total": minutes_text(sum(values.values())),
        })
    return rows


def _columns(table, known, always):
    """The known columns (those in `always` even when empty), then any other value the plays carry
    ("Không rõ" for none)."""
    present = {key for values in table.values() for key in values}
    columns = [(key, label) for key, label in known if key in present or key in always]
    extra = sorted(present - {key for key, _ in known})
    return columns + [(key, language_label(key) if key else UNKNOWN) for key in extra]


@never_cache
def dashboard_view(request):
    """The commune's clusters (status, last contact) and minutes broadcast per week by class and language.
    Portal staff filter by commune; commune staff see their own communes."""
    if not request.user.has_perm("broadcasts.view_device"):
        raise PermissionDenied
    communes = commune_sites_for_user(request.user).select_related("unit").order_by("unit__name")
    commune = None
    if request.GET.get("xa"):
        commune = communes.filter(pk=parse_int(request.GET["xa"], minimum=1, maximum=BIGINT_MAX)).first()
        if commune is None:
            raise Http404
    clusters = speaker_clusters(request.user)
    plays = scoped_queryset(Play, request.user, "view").filter(device__kind=DeviceKind.SPEAKER)
    if commune is not None:
        clusters = clusters.filter(commune=commune)
        plays = plays.filter(device__commune=commune)
    now = timezone.now()
    today = timezone.localdate(now)
    by_class = minutes_by_week(plays, field="broadcast_class", today=today)
    by_language = minutes_by_week(plays, field="language", today=today)
    class_columns = _columns(by_class, list(BroadcastClass.choices), always=set(BroadcastClass.values))
    language_columns = _columns(by_language, content_languages.choices(None), always={"vi"})
    cluster_rows = [{
        "device": device, "commune": device.commune.name, "area": device.area.name if device.area_id else "–",
        "language": language_label(device.area.language) if device.area_id else "–",
        "status": device_status(device, now), "online": device.is_online(now),
        "last_seen": local_datetime(device.last_seen_at) if device.last_seen_at else "Chưa liên lạc",
    } for device in clusters]
    return TemplateResponse(request, "broadcasts/admin/radio_dashboard.html", {
        "communes": communes, "commune": commune, "show_filter": len(communes) > 1,
        "clusters": cluster_rows, "now": now,
        "class_columns": [label for _, label in class_columns],
        "class_rows": minutes_table(by_class, class_columns),
        "language_columns": [label for _, label in language_columns],
        "language_rows": minutes_table(by_language, language_columns),
        "weeks": DASHBOARD_WEEKS,
    })


dashboard_view.tenant_scoped = "the user's communes (commune_sites_for_user, scoped_queryset)"


# ---------------------------------------------------------------------------------------------- menu


class PermissionMenuItem(MenuItem):
    permission = ""

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class RadioScreenViewSet(ViewSet):
    """A hand-written screen of the radio menu, shown to users holding `permission`."""

    permission = ""
    view = None

    @cached_property
    def menu_item_class(self):
        return type(f"{type(self).__name__}MenuItem", (PermissionMenuItem,), {"permission": self.permission})

    def get_urlpatterns(self):
        return [path("", self.view, name="index")]


class ProgrammeViewSet(RadioScreenViewSet):
    name = "radio_programme"
    url_prefix = "radio/lich-phat"
    icon = "time"
    menu_label = "Lịch phát"
    permission = "broadcasts.view_radiobulletin"
    view = staticmethod(programme_view)


class DashboardViewSet(RadioScreenViewSet):
    name = "radio_dashboard"
    url_prefix = "radio/tong-quan"
    icon = "table"
    menu_label = "Tình trạng cụm loa, thời lượng phát"
    permission = "broadcasts.view_device"
    view = staticmethod(dashboard_view)


class BulletinSourcesViewSet(RadioScreenViewSet):
    name = "radio_sources"
    url_prefix = "radio/ban-tin-tu-hoi-dap"
    icon = "help"
    menu_label = "Tạo bản tin từ hỏi đáp"
    permission = "broadcasts.add_radiobulletin"
    view = staticmethod(admin_views.bulletin_from_source_view)


class RadioGroup(ViewSetGroup):
    menu_label = "Đài truyền thanh"
    menu_icon = "media"
    menu_order = 251
    items = (RadioBulletinViewSet, ProgrammeViewSet, RelayViewSet, BulletinSourcesViewSet, DashboardViewSet,
             RadioSettingsViewSet)
