"""The commune radio's admin: bulletins (form, targets, versions, workflow, listen and approve), relays,
settings, the day's programme, the dashboard, turning pages and answered questions into bulletins,
the menu and the roles' permissions. Commune B's staff reach nothing of commune A's, anywhere."""

import datetime
import json
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from broadcasts import admin_radio
from broadcasts.models import (
    Area,
    Asset,
    AudioState,
    BroadcastClass,
    BulletinSlot,
    Device,
    DeviceKind,
    DeviceState,
    DisplayType,
    Play,
    PlayOutcome,
    RadioBulletin,
    RadioSettings,
    Relay,
    SpeakerTarget,
    SpeechAudio,
)
from communes.models import DocumentIndexPage, LegalDocumentPage, NewsIndexPage, NewsPage
from questions.models import Question, QuestionState, new_tracking_code
from tests.conftest import client_for

BULLETINS = "/quan-tri/snippets/broadcasts/radiobulletin"
RELAYS = "/quan-tri/radio/tiep-am"
SETTINGS = "/quan-tri/radio/cai-dat"
PROGRAMME = "/quan-tri/radio/lich-phat/"
DASHBOARD = "/quan-tri/radio/tong-quan/"
SOURCES = "/quan-tri/radio/ban-tin-tu-hoi-dap/"


def local(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def cluster(site, name, *, area=None, **extra):
    return Device.objects.create(commune=site, name=name, kind=DeviceKind.SPEAKER, area=area, **extra)


def bulletin_data(commune=None, *, title="Lịch tiêm chủng mở rộng tháng 9", text="Trạm y tế xã tiêm chủng sáng thứ Năm.",
                  language="vi", days=(), slots=("06:00",), versions=(), target=SpeakerTarget.ALL, areas=(),
                  devices=(), broadcast_class=BroadcastClass.ROUTINE, action=None):
    now = timezone.now()
    data = nested_form_data({
        "title": title,
        "text": text,
        "language": language,
        "broadcast_class": broadcast_class,
        "display_order": "0",
        "valid_from": local(now),
        "valid_until": local(now + datetime.timedelta(days=7)),
        "repeats": "1",
        "repeat_gap_min": "0",
        "target": target,
        "slots": inline_formset([{"time": time} for time in slots]),
        "versions": inline_formset([{"language": lang, "text": f"Bản {lang}", "recording": recording}
                                    for lang, recording in versions]),
    })
    if commune is not None:
        data["commune"] = str(commune.pk)
    if days:
        data["days"] = [str(day) for day in days]
    if areas:
        data["target_areas"] = [str(area.pk) for area in areas]
    if devices:
        data["target_devices"] = [str(device.pk) for device in devices]
    if action:
        data[action] = "1"
    return data


def recording(name="ban-ghi.mp3"):
    return SimpleUploadedFile(name, b"ID3\x03\x00\x00\x00" + b"\x00" * 64, content_type="audio/mpeg")


def draft(site, title="Thông báo lịch họp dân thôn 1", **fields):
    bulletin = RadioBulletin(commune=site, title=title, text="Họp dân lúc 19 giờ tại nhà văn hóa.", live=False,
                             **fields)
    bulletin.save()
    bulletin.save_revision()
    return bulletin


def refused(response):
    """403, or the admin's answer to PermissionDenied: back to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/quan-tri/")


# ------------------------------------------------------------------------------------------- bulletins


def enable_ba_na(commune):
    """Versions are in languages the commune has enabled (languages.SiteLanguage)."""
    from languages.models import Language
    from languages.services import enable_language

    enable_language(Language.objects.get(code="bdq"), commune)


def test_an_editor_creates_a_bulletin_with_days_slots_targets_and_a_minority_language_version(district):
    enable_ba_na(district.a)
    area = Area.objects.create(commune=district.a, name="Thôn 1", language="bdq")
    speaker = cluster(district.a, "Cụm loa thôn 1", area=area)
    response = client_for(district.editor_a).post(f"{BULLETINS}/add/", bulletin_data(
        district.a, days=[5, 1], slots=["06:00", "17:30"], target=SpeakerTarget.DEVICES, devices=[speaker],
        versions=[("bdq", recording())]))
    assert response.status_code == 302, response.content.decode()[:3000]
    bulletin = RadioBulletin.objects.get()
    assert (bulletin.commune, bulletin.days, bulletin.live) == (district.a, [1, 5], False)
    assert sorted(slot.time.strftime("%H:%M") for slot in bulletin.slots.all()) == ["06:00", "17:30"]
    assert list(bulletin.target_devices.all()) == [speaker]
    assert [version.language for version in bulletin.versions.all()] == ["bdq"]


def test_the_bulletin_form_offers_only_the_communes_areas_and_speaker_clusters(district):
    Area.objects.create(commune=district.a, name="Thôn Kon Gung")
    Area.objects.create(commune=district.b, name="Thôn riêng Hà Mòn")
    cluster(district.a, "Cụm loa trung tâm")
    cluster(district.b, "Cụm loa riêng Hà Mòn")
    Device.objects.create(commune=district.a, name="Bảng LED trụ sở", kind=DeviceKind.BOARD,
                          display_type=DisplayType.LED, width=192, height=64)
    html = client_for(district.editor_a).get(f"{BULLETINS}/add/").content.decode()
    assert "Thôn Kon Gung" in html and "Cụm loa trung tâm" in html
    assert "Hà Mòn" not in html
    assert "Bảng LED trụ sở" not in html  # boards are not speakers
    assert 'type="checkbox" name="days" value="7"' in html


def test_a_commune_editor_cannot_target_another_communes_clusters_or_areas_even_by_posting_their_ids(district):
    other_area = Area.objects.create(commune=district.b, name="Thôn riêng Hà Mòn")
    other_cluster = cluster(district.b, "Cụm loa riêng Hà Mòn")
    client = client_for(district.editor_a)
    for data in (bulletin_data(district.a, target=SpeakerTarget.DEVICES, devices=[other_cluster]),
                 bulletin_data(district.a, target=SpeakerTarget.AREAS, areas=[other_area]),
                 bulletin_data(district.b)):
        response = client.post(f"{BULLETINS}/add/", data)
        assert response.status_code == 200
        assert "riêng Hà Mòn" not in response.content.decode()
    assert not RadioBulletin.objects.exists()


def test_portal_staff_cannot_target_one_communes_clusters_from_another_communes_bulletin(district):
    other_cluster = cluster(district.b, "Cụm loa Hà Mòn")
    response = client_for(district.district_admin).post(f"{BULLETINS}/add/", bulletin_data(
        district.a, target=SpeakerTarget.DEVICES, devices=[other_cluster]))
    assert response.status_code == 200
    assert "Chỉ được chọn cụm loa của xã đã chọn" in response.content.decode()
    assert not RadioBulletin.objects.exists()


def test_an_areas_target_needs_an_area_and_unused_targets_are_not_kept(district):
    area = Area.objects.create(commune=district.a, name="Thôn 2")
    speaker = cluster(district.a, "Cụm loa thôn 2")
    client = client_for(district.editor_a)
    response = client.post(f"{BULLETINS}/add/", bulletin_data(district.a, target=SpeakerTarget.AREAS))
    assert "Hãy chọn ít nhất một thôn, tổ dân phố." in response.content.decode()
    response = client.post(f"{BULLETINS}/add/", bulletin_data(
        district.a, target=SpeakerTarget.AREAS, areas=[area], devices=[speaker]))
    assert response.status_code == 302
    bulletin = RadioBulletin.objects.get()
    assert list(bulletin.target_areas.all()) == [area] and not bulletin.target_devices.exists()


def test_a_version_repeating_a_language_is_refused(district):
    enable_ba_na(district.a)
    response = client_for(district.editor_a).post(f"{BULLETINS}/add/", bulletin_data(
        district.a, versions=[("bdq", recording("a.mp3")), ("bdq", recording("b.mp3"))]))
    assert response.status_code == 200
    assert "Mỗi ngôn ngữ chỉ có một bản" in response.content.decode()
    assert not RadioBulletin.objects.exists()


def test_an_editor_submits_a_bulletin_and_the_communes_approver_approves_it(district):
    editor = client_for(district.editor_a)
    response = editor.post(f"{BULLETINS}/add/", bulletin_data(district.a, action="action-submit"))
    assert response.status_code == 302, response.content.decode()[:2000]
    bulletin = RadioBulletin.objects.get()
    state = WorkflowState.objects.for_instance(bulletin).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.workflow == district.a.workflow
    editor.post(f"{BULLETINS}/edit/{bulletin.pk}/", bulletin_data(district.a, action="action-publish"))
    bulletin.refresh_from_db()
    assert bulletin.live is False  # editors do not publish

    task_state = state.current_task_state
    for user in (district.editor_b, district.approver_b):
        other = client_for(user)
        assert bulletin.title not in other.get(f"{BULLETINS}/").content.decode()
        assert other.get(f"{BULLETINS}/edit/{bulletin.pk}/").status_code in (403, 404)
        url = f"{BULLETINS}/workflow/action/{bulletin.pk}/approve/{task_state.pk}/"
        assert other.post(url).status_code in (403, 404)
    bulletin.refresh_from_db()
    assert bulletin.live is False

    approver = client_for(district.approver_a)
    response = approver.post(f"{BULLETINS}/workflow/action/{bulletin.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert response.status_code in (200, 302)
    bulletin.refresh_from_db()
    assert bulletin.live is True
    assert RadioBulletin.objects.on_air().filter(pk=bulletin.pk).exists()


def test_the_listing_shows_only_the_users_communes_bulletins_with_state_class_and_hours(district):
    own = draft(district.a, broadcast_class=BroadcastClass.PRIORITY)
    BulletinSlot.objects.create(bulletin=own, time=datetime.time(17, 30))
    other = draft(district.b, title="Bản tin riêng của Hà Mòn")
    html = client_for(district.editor_a).get(f"{BULLETINS}/").content.decode()
    assert own.title in html and "Ưu tiên" in html and "Bản nháp" in html and "17:30" in html
    assert other.title not in html
    portal = client_for(district.district_admin).get(f"{BULLETINS}/").content.decode()
    assert own.title in portal and other.title in portal


# ----------------------------------------------------------------------------------- listen and approve


def ready_audio(site, key, *, language="vi", duration_ms=83_000):
    asset = Asset(sha256=key, size_bytes=10, mime="audio/mpeg", duration_ms=duration_ms)
    asset.file.save(f"{key[:12]}.mp3", ContentFile(b"ID3"), save=False)
    asset.save()
    return SpeechAudio.objects.create(key=key, commune=site, language=language, state=AudioState.READY, asset=asset)


@pytest.fixture
def audio_of(monkeypatch):
    """The bulletin's audio as `broadcasts.speech` reports it: [(language, SpeechAudio or None)]."""
    status = {}
    monkeypatch.setattr(admin_radio, "bulletin_audio", lambda bulletin: status.get(bulletin.pk, []))
    return status


def test_the_edit_screen_plays_ready_audio_and_shows_pending_and_failed_audio_with_a_retry(district, audio_of):
    bulletin = draft(district.a)
    ready = ready_audio(district.a, "a" * 64)
    failed = SpeechAudio.objects.create(key="b" * 64, commune=district.a, language="bdq", state=AudioState.FAILED,
                                        error="Bản ghi âm hỏng: không đọc được tệp.")
    pending = SpeechAudio.objects.create(key="c" * 64, commune=district.a, language="sed")
    audio_of[bulletin.pk] = [("vi", ready), ("bdq", failed), ("sed", pending), ("jra", None)]
    html = client_for(district.approver_a).get(f"{BULLETINS}/edit/{bulletin.pk}/").content.decode()
    assert f'<audio controls preload="none" src="{ready.asset.file.url}">' in html
    assert "thời lượng 1:23" in html
    assert "Bản ghi âm hỏng: không đọc được tệp." in html
    assert f'name="audio" value="{failed.pk}">Thử lại</button>' in html
    assert "Đang tạo âm thanh" in html and "Chưa có âm thanh" in html


def test_the_edit_screen_plays_the_audio_speech_made_for_the_bulletins_text(district):
    bulletin = draft(district.a)
    assert bulletin.audio_key  # set by broadcasts.speech on save
    audio = ready_audio(district.a, bulletin.audio_key, duration_ms=61_400)
    html = client_for(district.approver_a).get(f"{BULLETINS}/edit/{bulletin.pk}/").content.decode()
    assert f'src="{audio.asset.file.url}"' in html and "thời lượng 1:01" in html


def test_retrying_a_failed_audio_asks_speech_again_and_only_for_the_bulletins_own_audio(district):
    bulletin = draft(district.a)
    failed = SpeechAudio.objects.create(key=bulletin.audio_key, commune=district.a, state=AudioState.FAILED,
                                        error="Bộ đọc không trả lời.")
    unrelated = SpeechAudio.objects.create(key="d" * 64, commune=district.a, state=AudioState.FAILED, error="Lỗi")
    url = f"{BULLETINS}/{bulletin.pk}/am-thanh/thu-lai/"
    # Commune B's staff cannot retry (nor learn of) commune A's audio.
    assert client_for(district.editor_b).post(url, {"audio": failed.pk}).status_code == 404
    client = client_for(district.editor_a)
    assert client.get(url).status_code == 405
    assert client.post(url, {"audio": unrelated.pk}).status_code == 404
    failed.refresh_from_db()
    assert failed.state == AudioState.FAILED
    response = client.post(url, {"audio": failed.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"/edit/{bulletin.pk}/")
    failed.refresh_from_db()
    assert (failed.state, failed.error) == (AudioState.PENDING, "")


def test_the_edit_screen_shows_the_warnings_the_bulletin_would_cause(district, monkeypatch):
    bulletin = draft(district.a, valid_from=timezone.now() - datetime.timedelta(days=1))
    at = timezone.now().replace(hour=6, minute=0)
    seen = []

    def warnings(item, day):
        seen.append((item.pk, day))
        return [SimpleNamespace(kind="collision", item_id=f"bulletin-{item.pk}", at=at,
                                message="Trùng giờ với “Thời sự tỉnh” trên Cụm loa thôn 1: lùi sang 06:05.")]

    monkeypatch.setattr(admin_radio, "bulletin_warnings", warnings)
    html = client_for(district.approver_a).get(f"{BULLETINS}/edit/{bulletin.pk}/").content.decode()
    assert "Trùng giờ với “Thời sự tỉnh” trên Cụm loa thôn 1" in html
    assert seen == [(bulletin.pk, timezone.localdate())]


def test_the_first_day_a_bulletin_plays_follows_its_validity_and_weekdays():
    monday = datetime.date(2025, 9, 1)
    bulletin = RadioBulletin(days=[3], valid_from=datetime.datetime(2025, 9, 1, 8, tzinfo=datetime.UTC))
    assert admin_radio.bulletin_first_day(bulletin, today=monday) == datetime.date(2025, 9, 3)


# -------------------------------------------------------------------------------------------- relays


def relay_data(site, **overrides):
    data = {
        "commune": str(site.pk), "name": "Thời sự Đài Phát thanh tỉnh", "stream_url": "https://radio.example.vn/thoi-su.mp3",
        "broadcast_class": BroadcastClass.ROUTINE, "enabled": "on", "start": "18:00", "end": "18:30",
        "valid_from": local(timezone.now()), "valid_until": "", "target": SpeakerTarget.ALL,
    }
    data.update(overrides)
    return data


def test_an_editor_schedules_a_relay_on_their_communes_clusters(district):
    speaker = cluster(district.a, "Cụm loa thôn 1")
    other = cluster(district.b, "Cụm loa riêng Hà Mòn")
    client = client_for(district.editor_a)
    assert "Cụm loa riêng Hà Mòn" not in client.get(f"{RELAYS}/new/").content.decode()
    response = client.post(f"{RELAYS}/new/", relay_data(district.a, target=SpeakerTarget.DEVICES,
                                                         target_devices=[str(other.pk)]))
    assert response.status_code == 200 and not Relay.objects.exists()
    response = client.post(f"{RELAYS}/new/", relay_data(district.a, target=SpeakerTarget.DEVICES, days=["1", "2"],
                                                         target_devices=[str(speaker.pk)]))
    assert response.status_code == 302, response.content.decode()[:3000]
    relay = Relay.objects.get()
    assert (relay.commune, relay.days, list(relay.target_devices.all())) == (district.a, [1, 2], [speaker])


def test_commune_b_reaches_nothing_of_commune_as_relays(district):
    relay = Relay.objects.create(commune=district.a, name="Tiếp âm riêng Đắk La", stream_url="https://radio.example.vn/a",
                                 start=datetime.time(18), end=datetime.time(18, 30))
    other = client_for(district.editor_b)
    assert relay.name not in other.get(f"{RELAYS}/").content.decode()
    assert other.get(f"{RELAYS}/edit/{relay.pk}/").status_code == 404
    assert other.post(f"{RELAYS}/delete/{relay.pk}/").status_code in (403, 404)
    assert Relay.objects.filter(pk=relay.pk).exists()
    assert relay.name in client_for(district.editor_a).get(f"{RELAYS}/").content.decode()


# ------------------------------------------------------------------------------------------- settings


def test_a_communes_settings_are_made_on_first_visit_and_edited_by_its_staff(district):
    client = client_for(district.editor_a)
    response = client.get(f"{SETTINGS}/")
    settings = RadioSettings.objects.get(commune=district.a)
    assert response.status_code == 302 and response["Location"] == f"{SETTINGS}/edit/{settings.pk}/"
    assert not RadioSettings.objects.filter(commune=district.b).exists()
    # The screens open: the edit screen (it once linked to a usage screen the viewset does not have) and
    # its history (which loads its results from a URL that was missing): both answered 500.
    screen = client.get(response["Location"])
    assert screen.status_code == 200 and 'name="max_slot_min"' in screen.content.decode()
    assert f"{SETTINGS}/history/{settings.pk}/" in screen.content.decode()
    assert client.get(f"{SETTINGS}/history/{settings.pk}/").status_code == 200
    assert client.get(f"{SETTINGS}/history-results/{settings.pk}/").status_code == 200
    response = client.post(f"{SETTINGS}/edit/{settings.pk}/", {
        "quiet_from": "22:00", "quiet_until": "05:00", "max_slot_min": "15", "engine": "espeak", "voice": "",
        "speed": "1.10"})
    assert response.status_code == 302, response.content.decode()[:3000]
    settings.refresh_from_db()
    assert (settings.quiet_from, settings.max_slot_min, str(settings.speed)) == (datetime.time(22), 15, "1.10")


def test_commune_b_cannot_read_or_change_commune_as_settings(district):
    settings = RadioSettings.objects.create(commune=district.a)
    other = client_for(district.editor_b)
    assert other.get(f"{SETTINGS}/edit/{settings.pk}/").status_code == 404
    assert other.post(f"{SETTINGS}/edit/{settings.pk}/", {"quiet_from": "00:00", "quiet_until": "23:59",
                                                          "max_slot_min": "240", "engine": "espeak",
                                                          "speed": "2"}).status_code == 404
    settings.refresh_from_db()
    assert settings.max_slot_min == 30
    listing = client_for(district.district_admin).get(f"{SETTINGS}/")
    assert listing.status_code == 200
    assert "Xã Đắk La" in listing.content.decode() and "Xã Hà Mòn" in listing.content.decode()


# ------------------------------------------------------------------------------------------- programme


@pytest.fixture
def programme_of(monkeypatch):
    """What `selectors.device_programme` answers, for the screens (the scheduler is tested on its own)."""
    calls = []

    def device_programme(device, start, end, now):
        calls.append((device, start, end))
        entry = SimpleNamespace(item_id="bulletin-1", start=start + datetime.timedelta(hours=6),
                                end=start + datetime.timedelta(hours=6, minutes=2), kind="audio", klass="priority",
                                language="bdq", title="Lịch tiêm chủng tháng 9")
        relay = SimpleNamespace(item_id="relay-1", start=start + datetime.timedelta(hours=18),
                                end=start + datetime.timedelta(hours=18, minutes=30), kind="relay", klass="routine",
                                language=None, title="Thời sự Đài Phát thanh tỉnh")
        warning = SimpleNamespace(kind="overrun", item_id="bulletin-1", at=entry.start,
                                  message="Lượt phát 06:00 dài hơn 30 phút cho phép.")
        return SimpleNamespace(entries=[relay, entry], warnings=[warning])

    monkeypatch.setattr(admin_radio, "device_programme", device_programme)
    return calls


def test_the_programme_shows_a_clusters_day_as_a_timeline_with_its_warnings(district, programme_of):
    speaker = cluster(district.a, "Cụm loa thôn 1")
    response = client_for(district.editor_a).get(PROGRAMME, {"cum_loa": speaker.pk, "ngay": "05/09/2025"})
    assert response.status_code == 200
    html = response.content.decode()
    device, start, end = programme_of[0]
    assert device == speaker and timezone.localtime(start).date() == datetime.date(2025, 9, 5)
    assert (end - start) == datetime.timedelta(days=1)
    assert html.index("06:00:00 – 06:02:00") < html.index("18:00:00 – 18:30:00")  # in time order
    assert "Lịch tiêm chủng tháng 9" in html and "Tiếng Ba Na" in html and "Ưu tiên" in html and "Tiếp âm" in html
    assert "Lượt phát 06:00 dài hơn 30 phút cho phép." in html
    assert 'style="left: 25.000%; width: 0.200%"' in html  # 06:00 is a quarter of the day
    assert 'style="left: 75.000%; width: 2.083%"' in html


def test_the_programme_defaults_to_today_and_the_first_cluster_and_explains_a_bad_date(district, programme_of):
    speaker = cluster(district.a, "Cụm loa thôn 1")
    client = client_for(district.editor_a)
    assert client.get(PROGRAMME).status_code == 200
    assert programme_of[-1][0] == speaker
    assert timezone.localtime(programme_of[-1][1]).date() == timezone.localdate()
    html = client.get(PROGRAMME, {"ngay": "31/02/2025"}).content.decode()
    assert "Ngày phải có dạng ngày/tháng/năm" in html


def test_commune_b_cannot_see_commune_as_clusters_programme(district, programme_of):
    speaker = cluster(district.a, "Cụm loa riêng Đắk La")
    cluster(district.b, "Cụm loa Hà Mòn")
    other = client_for(district.editor_b)
    assert other.get(PROGRAMME, {"cum_loa": speaker.pk}).status_code == 404
    html = other.get(PROGRAMME).content.decode()
    assert "Cụm loa riêng Đắk La" not in html and "Cụm loa Hà Mòn" in html
    assert all(device != speaker for device, _, _ in programme_of)


def live_bulletin(site, *, title="Lịch tiêm chủng tháng 9", slots=(datetime.time(6),), duration_ms=120_000):
    """A published bulletin playing every day at `slots`, with its audio ready."""
    bulletin = RadioBulletin(commune=site, title=title, text="Trạm y tế xã tiêm chủng sáng thứ Năm.", live=False,
                             valid_from=timezone.now() - datetime.timedelta(days=2),
                             valid_until=timezone.now() + datetime.timedelta(days=7))
    bulletin.slots = [BulletinSlot(time=time) for time in slots]
    bulletin.save()
    bulletin.save_revision().publish()
    bulletin.refresh_from_db()
    ready_audio(site, bulletin.audio_key, duration_ms=duration_ms)
    return bulletin


def test_the_programme_of_a_cluster_comes_from_the_commune_s_live_bulletins_and_relays(district):
    speaker = cluster(district.a, "Cụm loa thôn 1", state=DeviceState.ACTIVE)
    bulletin = live_bulletin(district.a)
    Relay.objects.create(commune=district.a, name="Thời sự Đài Phát thanh tỉnh", stream_url="https://radio.example.vn/a",
                         start=datetime.time(18), end=datetime.time(18, 30),
                         valid_from=timezone.now() - datetime.timedelta(days=2))
    live_bulletin(district.b, title="Bản tin riêng của Hà Mòn")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = client_for(district.editor_a).get(PROGRAMME, {"cum_loa": speaker.pk,
                                                         "ngay": tomorrow.strftime("%d/%m/%Y")}).content.decode()
    assert "06:00:00 – 06:02:00" in html and bulletin.title in html
    assert "18:00:00 – 18:30:00" in html and "Thời sự Đài Phát thanh tỉnh" in html
    assert "Bản tin riêng của Hà Mòn" not in html


def test_the_edit_screen_warns_of_a_bulletin_longer_than_the_communes_longest_turn(district):
    cluster(district.a, "Cụm loa thôn 1", state=DeviceState.ACTIVE)
    RadioSettings.objects.create(commune=district.a, max_slot_min=1)
    bulletin = live_bulletin(district.a, duration_ms=150_000)
    html = client_for(district.approver_a).get(f"{BULLETINS}/edit/{bulletin.pk}/").content.decode()
    assert "⚠ Cụm loa thôn 1, 06:00: " in html and "dài quá 1 phút" in html


# ------------------------------------------------------------------------------------------- dashboard


def play(device, started, minutes, *, broadcast_class="routine", language="vi", outcome=PlayOutcome.COMPLETED):
    import uuid

    return Play.objects.create(device=device, record_id=uuid.uuid4(), item_id="bulletin-1", started_at=started,
                               ended_at=started + datetime.timedelta(minutes=minutes), outcome=outcome,
                               broadcast_class=broadcast_class, language=language)


def test_the_dashboard_lists_clusters_with_status_and_last_contact(district):
    area = Area.objects.create(commune=district.a, name="Thôn Kon Gung", language="sed")
    now = timezone.now()
    online = cluster(district.a, "Cụm loa Kon Gung", area=area, state=DeviceState.ACTIVE, last_seen_at=now)
    cluster(district.a, "Cụm loa thôn 3", state=DeviceState.ACTIVE, last_seen_at=now - datetime.timedelta(hours=2))
    html = client_for(district.editor_a).get(DASHBOARD).content.decode()
    assert online.name in html and "Thôn Kon Gung" in html and "Tiếng Xơ Đăng" in html
    assert "Trực tuyến" in html and "Mất kết nối" in html
    assert timezone.localtime(now).strftime("%d/%m/%Y %H:%M") in html


def test_minutes_per_week_are_summed_by_class_and_language_in_the_database(district, django_assert_max_num_queries):
    speaker = cluster(district.a, "Cụm loa thôn 1")
    today = timezone.localdate()
    this_monday = datetime.datetime.combine(today - datetime.timedelta(days=today.isoweekday() - 1),
                                            datetime.time(6), tzinfo=admin_radio.LOCAL_ZONE)
    play(speaker, this_monday, 10)
    play(speaker, this_monday + datetime.timedelta(hours=1), 2.5, broadcast_class="priority", language="bdq",
         outcome=PlayOutcome.INTERRUPTED)
    play(speaker, this_monday + datetime.timedelta(hours=2), 30, outcome=PlayOutcome.SKIPPED)  # never ran
    play(speaker, this_monday - datetime.timedelta(weeks=1), 4, broadcast_class="emergency")
    play(speaker, this_monday - datetime.timedelta(weeks=9), 60)  # older than the table
    plays = Play.objects.all()
    with django_assert_max_num_queries(1):
        table = admin_radio.minutes_by_week(plays, field="broadcast_class", today=today)
    assert len(table) == 8
    assert table[this_monday.date()] == {"routine": 10, "priority": 2.5}
    assert table[this_monday.date() - datetime.timedelta(weeks=1)] == {"emergency": 4}
    by_language = admin_radio.minutes_by_week(plays, field="language", today=today)
    assert by_language[this_monday.date()] == {"vi": 10, "bdq": 2.5}

    html = client_for(district.editor_a).get(DASHBOARD).content.decode()
    year, week, _ = today.isocalendar()
    assert f"Tuần {week}/{year}" in html
    assert "<td>10,0</td><td>2,5</td><td>0,0</td><td><strong>12,5</strong></td>" in html  # routine, priority, emergency
    assert "Tiếng Ba Na" in html


def test_commune_b_sees_nothing_of_commune_as_clusters_and_minutes(district):
    speaker = cluster(district.a, "Cụm loa riêng Đắk La")
    play(speaker, timezone.now() - datetime.timedelta(hours=1), 42)
    other = client_for(district.editor_b)
    html = other.get(DASHBOARD).content.decode()
    assert "Cụm loa riêng Đắk La" not in html and "42,0" not in html
    assert other.get(DASHBOARD, {"xa": district.a.pk}).status_code == 404
    assert "<select" not in html  # one commune: no filter


def test_portal_staff_filter_the_dashboard_by_commune(district):
    cluster(district.a, "Cụm loa Đắk La")
    cluster(district.b, "Cụm loa Hà Mòn")
    client = client_for(district.district_admin)
    html = client.get(DASHBOARD).content.decode()
    assert "Cụm loa Đắk La" in html and "Cụm loa Hà Mòn" in html and 'name="xa"' in html
    html = client.get(DASHBOARD, {"xa": district.b.pk}).content.decode()
    assert "Cụm loa Hà Mòn" in html and "Cụm loa Đắk La" not in html


# ------------------------------------------------------------------------------ pages → bulletins


def published_news(site, title="Ra quân vệ sinh môi trường"):
    index = NewsIndexPage.objects.child_of(site.home).first()
    page = NewsPage(title=title, intro="Sáng Chủ nhật, toàn xã ra quân vệ sinh đường làng.",
                    body=[("heading", "Thời gian"), ("paragraph", "<p>Từ <b>7 giờ</b> sáng.</p>")])
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_news_item_becomes_a_draft_bulletin_of_its_commune(district):
    page = published_news(district.a)
    client = client_for(district.editor_a)
    url = f"/quan-tri/radio/ban-tin-tu-trang/{page.pk}/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Tạo bản nháp bản tin" in confirm.content.decode()
    assert not RadioBulletin.objects.exists()
    response = client.post(url)
    bulletin = RadioBulletin.objects.get()
    assert response["Location"] == f"{BULLETINS}/edit/{bulletin.pk}/"
    assert (bulletin.commune, bulletin.live, bulletin.source_page_id) == (district.a, False, page.pk)
    assert bulletin.source_label == "Tin tức: Ra quân vệ sinh môi trường"
    assert bulletin.text == ("Ra quân vệ sinh môi trường\n\nSáng Chủ nhật, toàn xã ra quân vệ sinh đường làng."
                             "\n\nThời gian\n\nTừ 7 giờ sáng.")
    assert bulletin.latest_revision is not None


def test_a_legal_document_becomes_a_bulletin_reading_its_number_body_and_summary(district):
    index = DocumentIndexPage.objects.child_of(district.a.home).first()
    page = LegalDocumentPage(title="Quyết định về phòng chống thiên tai", document_type="quyet-dinh",
                             number="15/QĐ-UBND", issuing_body="UBND xã Đắk La", issue_date=datetime.date(2025, 8, 4),
                             summary="Kiện toàn Ban chỉ huy phòng chống thiên tai của xã.")
    index.add_child(instance=page)
    page.save_revision().publish()
    client_for(district.editor_a).post(f"/quan-tri/radio/ban-tin-tu-trang/{page.pk}/")
    bulletin = RadioBulletin.objects.get()
    assert "số 15/QĐ-UBND ngày 04/08/2025 của UBND xã Đắk La." in bulletin.text
    assert bulletin.text.endswith("Kiện toàn Ban chỉ huy phòng chống thiên tai của xã.")
    assert bulletin.source_label == "Văn bản 15/QĐ-UBND"


def test_commune_b_cannot_turn_commune_as_page_into_a_bulletin(district):
    page = published_news(district.a)
    other = client_for(district.editor_b)
    response = other.post(f"/quan-tri/radio/ban-tin-tu-trang/{page.pk}/")
    assert response.status_code == 404 or refused(response)
    assert not RadioBulletin.objects.exists()


def test_the_page_header_offers_the_bulletin_only_to_those_who_may_add_one(district):
    page = published_news(district.a)
    html = client_for(district.editor_a).get(f"/quan-tri/pages/{page.pk}/edit/").content.decode()
    assert f"/quan-tri/radio/ban-tin-tu-trang/{page.pk}/" in html


# ---------------------------------------------------------------------------- questions → bulletins


def published_question(site, title="Hỗ trợ làm nhà cho hộ nghèo", **fields):
    now = timezone.now()
    defaults = {"public_text": "Gia đình tôi thuộc hộ nghèo, xin hỏi thủ tục đề nghị hỗ trợ làm nhà.",
                "original_text": "Tôi là Nguyễn Văn A, số điện thoại 0905123456, hộ nghèo thôn 1...",
                "answer": "Hộ gia đình nộp đơn tại bộ phận một cửa của xã.", "state": QuestionState.PUBLISHED,
                "published_at": now, "answered_at": now}
    return Question.objects.create(commune=site.home, title=title, tracking_code=new_tracking_code(),
                                   **(defaults | fields))


def test_an_answered_question_chosen_by_the_commune_becomes_a_redacted_draft_bulletin(district):
    question = published_question(district.a)
    published_question(district.a, title="Câu hỏi chưa công khai", state=QuestionState.ANSWERED)
    published_question(district.b, title="Câu hỏi riêng của Hà Mòn")
    client = client_for(district.editor_a)
    listing = client.get(SOURCES).content.decode()
    assert question.title in listing
    assert "Câu hỏi chưa công khai" not in listing and "Câu hỏi riêng của Hà Mòn" not in listing
    confirm = client.get(SOURCES, {"nguon": "cau-hoi", "muc": question.pk})
    assert confirm.status_code == 200 and "0905123456" not in confirm.content.decode()
    response = client.post(SOURCES, {"nguon": "cau-hoi", "muc": question.pk})
    bulletin = RadioBulletin.objects.get()
    assert response["Location"] == f"{BULLETINS}/edit/{bulletin.pk}/"
    assert (bulletin.commune, bulletin.live, bulletin.title) == (district.a, False, question.title)
    assert bulletin.source_label == f"Hỏi đáp: {question.title}"
    assert bulletin.text == (f"Hỏi: {question.public_text}\n\nTrả lời: {question.answer}")
    assert "0905123456" not in bulletin.text and "Nguyễn Văn A" not in bulletin.text


def test_another_communes_question_private_answers_and_unpublished_ones_are_not_found(district):
    other = published_question(district.b, title="Câu hỏi riêng của Hà Mòn")
    private = published_question(district.a, title="Trả lời riêng", private=True)
    client = client_for(district.editor_a)
    for question in (other, private):
        assert client.get(SOURCES, {"nguon": "cau-hoi", "muc": question.pk}).status_code == 404
        assert client.post(SOURCES, {"nguon": "cau-hoi", "muc": question.pk}).status_code == 404
    assert client.get(SOURCES, {"nguon": "khong-co"}).status_code == 404
    assert not RadioBulletin.objects.exists()


def test_the_questions_listing_links_a_published_answer_to_the_radio(district):
    question = published_question(district.a)
    html = client_for(district.editor_a).get("/quan-tri/hoi-dap/cau-hoi/").content.decode()
    assert f"/quan-tri/radio/ban-tin-tu-hoi-dap/?nguon=cau-hoi&amp;muc={question.pk}" in html


def test_a_user_without_the_bulletin_permission_cannot_convert(district):
    question = published_question(district.a)
    district.a.editors.permissions.remove(*district.a.editors.permissions.filter(codename="add_radiobulletin"))
    response = client_for(district.editor_a).post(SOURCES, {"nguon": "cau-hoi", "muc": question.pk})
    assert refused(response)
    assert not RadioBulletin.objects.exists()


# ------------------------------------------------------------------------------------ areas and menu


def test_an_areas_language_is_set_in_its_form(district):
    enable_ba_na(district.a)
    response = client_for(district.editor_a).post("/quan-tri/bang-tin/thon-to-dan-pho/new/", {
        "commune": str(district.a.pk), "name": "Làng Kon Gung", "kind": "lang", "code": "", "language": "bdq"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Area.objects.get().language == "bdq"


def menu_labels(response):
    """The labels of the admin's sidebar, which it ships as JSON."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', response.content.decode(), re.S).group(1)
    return set(re.findall(r'"label": "((?:[^"\\]|\\.)*)"', json.dumps(json.loads(props), ensure_ascii=False)))


def test_the_radio_menu_shows_its_screens_to_commune_staff(district):
    labels = menu_labels(client_for(district.editor_a).get("/quan-tri/"))
    assert {"Đài truyền thanh", "Bản tin phát thanh", "Lịch phát", "Lịch tiếp âm", "Tạo bản tin từ hỏi đáp",
            "Tình trạng cụm loa, thời lượng phát", "Cài đặt đài truyền thanh"} <= labels


def test_commune_roles_hold_the_radio_permissions(district):
    editor, approver = district.editor_a, district.approver_a
    assert editor.has_perm("broadcasts.add_radiobulletin") and editor.has_perm("broadcasts.change_relay")
    assert editor.has_perm("broadcasts.change_radiosettings")
    assert not editor.has_perm("broadcasts.publish_radiobulletin")
    assert approver.has_perm("broadcasts.publish_radiobulletin") and approver.has_perm("broadcasts.delete_relay")
    assert not approver.has_perm("broadcasts.add_radiosettings")


def test_the_radio_screens_need_their_permissions(district):
    nobody = User.objects.create_user("khach", "khach@example.vn", "matkhau-thu-nghiem")
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = client_for(nobody)
    for url in (PROGRAMME, DASHBOARD, SOURCES):
        assert refused(client.get(url)), url


def test_the_programme_and_dashboard_answer_any_parameter_without_a_500(district):
    from tests.hardening.test_no_500_fuzz import NASTY

    client = client_for(district.editor_a)
    for value in NASTY + ["31/12/9999", "01/01/0001", "31/12/2100", "01/01/1999"]:
        for url, name in [("/quan-tri/radio/lich-phat/", "cum_loa"), ("/quan-tri/radio/lich-phat/", "ngay"),
                          ("/quan-tri/radio/tong-quan/", "xa")]:
            response = client.get(url, {name: value})
            assert response.status_code in (200, 400, 404), (url, name, value, response.status_code)
