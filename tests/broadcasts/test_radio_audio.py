"""Commune radio's audio (broadcasts/speech.py, broadcasts/tasks.py): keys that follow what is read,
audio made once in the background and reused, failures an editor sees and retries, recordings,
minority-language versions, alerts read out when published, feeds bumped when audio is ready, tenancy.

Most tests use a fake engine (counting its calls) and a fake encoder, so they need neither espeak-ng
nor ffmpeg; the recording and end-to-end tests use the real tools and skip without them."""

import datetime
import hashlib
import math
import shutil
import struct
import wave
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from broadcasts import speech
from broadcasts.alerts import alert_cancel, alert_publish, alert_update_draft
from broadcasts.models import (
    AudioState,
    BulletinVersion,
    CommuneFeed,
    RadioBulletin,
    RadioSettings,
    SpeechAudio,
)
from broadcasts.tts.audio import EncodedAudio
from broadcasts.tts.engines import Clip, SpeechEngineError
from core.speech import speakable
from tests.broadcasts.test_alerts_services import commune_publisher, make_alert, portal_publisher

TEXT = "Ngày 15/9, UBND xã tổ chức tiêm chủng mở rộng tại trạm y tế. Đề nghị bà con đưa trẻ đến đúng giờ."

needs_ffmpeg = pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed (apt-get install ffmpeg)")
needs_audio_tools = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("ffmpeg")),
    reason="espeak-ng and ffmpeg are not installed (apt-get install espeak-ng ffmpeg)",
)


def tone_wav(seconds=1.0, rate=22050, channels=1, frequency=440.0):
    """A short WAV of a sine tone, as a phone's recorder would save it."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        sample = int(12000 * math.sin(2 * math.pi * frequency * i / rate))
        frames += struct.pack("<h", sample) * channels
    buffer = BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(channels)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(bytes(frames))
    return buffer.getvalue()


class FakeEngine:
    """Counts what it is asked to read; fails with `fail_with` when set."""

    def __init__(self):
        self.calls = []
        self.fail_with = None

    def synthesize(self, text, *, voice="", speed=1.0):
        self.calls.append((text, voice, speed))
        if self.fail_with is not None:
            raise self.fail_with
        return [Clip(text.encode(), "audio/wav")]


def fake_encoded(data: bytes, duration_s=2.5) -> EncodedAudio:
    mp3 = b"ID3" + hashlib.sha256(data).digest()
    return EncodedAudio(data=mp3, sha256=hashlib.sha256(mp3).hexdigest(), size_bytes=len(mp3), duration_s=duration_s,
                        loudness_lufs=-23.0)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def engine(monkeypatch, media):
    """The fake engine behind every commune's radio, and a fake encoder (the real ones are tested below
    and in test_tts_engines.py)."""
    fake = FakeEngine()
    monkeypatch.setattr(speech, "engine_for", lambda name: fake)
    monkeypatch.setattr(speech, "encode_speech", lambda clips: fake_encoded(b"".join(clips)))
    monkeypatch.setattr(speech, "encode_recording", lambda data: fake_encoded(data, duration_s=1.0))
    return fake


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the audio requests, hence the tasks: the immediate backend)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_bulletin(commune, text=TEXT, **fields):
    return RadioBulletin.objects.create(commune=commune, title=fields.pop("title", "Tiêm chủng mở rộng"), text=text,
                                        **fields)


def audio_of(key) -> SpeechAudio:
    return SpeechAudio.objects.select_related("asset").get(key=key)


# -------------------------------------------------------------------------------------------- keys


def test_the_key_is_the_sha256_of_the_commune_language_engine_voice_speed_and_speakable_text(district, engine, committed):
    with committed():
        bulletin = make_bulletin(district.a)

    expected = f"tts|{district.a.pk}|vi|espeak|vi|1.00|{speakable(TEXT)}"
    assert bulletin.audio_key == hashlib.sha256(expected.encode()).hexdigest()
    assert RadioBulletin.objects.get(pk=bulletin.pk).audio_key == bulletin.audio_key
    assert RadioSettings.objects.filter(commune=district.a).exists()  # created with its defaults


def test_saving_unchanged_text_reuses_the_audio(district, engine, committed):
    with committed():
        bulletin = make_bulletin(district.a)
    key = bulletin.audio_key

    with committed():
        bulletin.title = "Tiêm chủng mở rộng (cập nhật)"
        bulletin.save()
    with committed():
        bulletin.save_revision().publish()

    bulletin.refresh_from_db()
    assert bulletin.audio_key == key
    assert len(engine.calls) == 1
    assert SpeechAudio.objects.count() == 1
    audio = audio_of(key)
    assert audio.state == AudioState.READY and audio.attempts == 1
    assert audio.asset.mime == "audio/mpeg" and audio.asset.duration_ms == 2500
    assert audio.compute_s is not None


def test_text_that_reads_the_same_shares_its_audio(district, engine, committed):
    with committed():
        first = make_bulletin(district.a, text="Hôm nay UBND xã thông báo.")
        second = make_bulletin(district.a, text="Hôm nay ủy ban nhân dân xã thông báo.", title="Bản khác")

    assert first.audio_key == second.audio_key
    assert engine.calls == [("Hôm nay ủy ban nhân dân xã thông báo.", "vi", 1.0)]


def test_changed_text_gets_a_new_key_and_its_own_audio(district, engine, committed):
    with committed():
        bulletin = make_bulletin(district.a)
    old = bulletin.audio_key

    with committed():
        bulletin.text = "Lịch tiêm chủng dời sang sáng thứ Bảy."
        bulletin.save()

    assert bulletin.audio_key != old
    assert len(engine.calls) == 2
    assert audio_of(bulletin.audio_key).state == AudioState.READY
    assert audio_of(old).state == AudioState.READY  # the earlier audio stays for what still names it


def test_another_voice_or_speed_is_another_audio(district, engine, committed):
    with committed():
        bulletin = make_bulletin(district.a)
    old = bulletin.audio_key
    RadioSettings.objects.filter(commune=district.a).update(voice="vi-vn-x-south", speed="1.25")

    with committed():
        bulletin.save()

    assert bulletin.audio_key != old
    assert engine.calls[-1][1:] == ("vi-vn-x-south", 1.25)


def test_a_commune_keys_only_its_own_audio(district, engine, committed):
    with committed():
        a = make_bulletin(district.a)
        b = make_bulletin(district.b)

    assert a.audio_key != b.audio_key
    assert audio_of(a.audio_key).commune == district.a
    assert audio_of(b.audio_key).commune == district.b


def test_a_draft_of_a_live_bulletin_names_its_own_audio_and_the_live_row_keeps_the_one_on_air(district, engine, committed):
    with committed():
        bulletin = make_bulletin(district.a)
        bulletin.save_revision().publish()
    bulletin.refresh_from_db()
    on_air = bulletin.audio_key

    bulletin.text = "Lịch tiêm chủng dời sang sáng thứ Bảy."
    with committed():
        draft = bulletin.save_revision()  # Wagtail saves only the revision of a live object

    assert RadioBulletin.objects.get(pk=bulletin.pk).audio_key == on_air
    assert draft.content["audio_key"] not in ("", on_air)
    assert speech.bulletin_audio_status(draft.as_object()) == [("vi", audio_of(draft.content["audio_key"]))]
    assert audio_of(draft.content["audio_key"]).state == AudioState.READY  # ready for the approver to hear

    with committed():
        draft.publish()
    assert RadioBulletin.objects.get(pk=bulletin.pk).audio_key == draft.content["audio_key"]
    assert len(engine.calls) == 2


def test_a_bulletin_without_text_has_no_audio(district, engine, committed):
    with committed():
        bulletin = make_bulletin(district.a, text="  ")

    assert bulletin.audio_key == ""
    assert not SpeechAudio.objects.exists()
    assert speech.bulletin_audio_status(bulletin) == [("vi", None)]


# ----------------------------------------------------------------------------- failures and retries


def test_a_failing_engine_marks_the_audio_failed_with_a_vietnamese_message_and_raises_nothing(district, engine, committed):
    engine.fail_with = SpeechEngineError("Chưa cấu hình khóa API của FPT.AI (TTS_FPT_API_KEY).", detail="no key")

    with committed():
        bulletin = make_bulletin(district.a)

    audio = audio_of(bulletin.audio_key)
    assert audio.state == AudioState.FAILED and audio.asset is None and audio.attempts == 1
    assert audio.error == "Chưa cấu hình khóa API của FPT.AI (TTS_FPT_API_KEY). Bấm “Thử lại” để tạo lại âm thanh."


def test_an_unexpected_error_is_a_failure_to_retry_not_a_crash(district, engine, committed):
    engine.fail_with = RuntimeError("disk full")

    with committed():
        bulletin = make_bulletin(district.a)

    audio = audio_of(bulletin.audio_key)
    assert audio.state == AudioState.FAILED
    assert audio.error == speech.UNEXPECTED_MESSAGE and "disk full" not in audio.error


def test_failed_audio_is_made_again_only_by_retry_and_then_succeeds(district, engine, committed):
    engine.fail_with = SpeechEngineError("Không kết nối được dịch vụ FPT.AI. Hãy thử lại sau.")
    with committed():
        bulletin = make_bulletin(district.a)
    with committed():
        bulletin.save()  # unchanged text: the failure stays until someone asks again
    assert len(engine.calls) == 1
    assert audio_of(bulletin.audio_key).error == "Không kết nối được dịch vụ FPT.AI. Hãy thử lại sau."

    engine.fail_with = None
    with committed():
        audio = speech.audio_retry(audio_of(bulletin.audio_key))
    assert audio.state == AudioState.PENDING  # until the worker picks it up

    audio.refresh_from_db()
    assert audio.state == AudioState.READY and audio.error == "" and audio.attempts == 2
    assert len(engine.calls) == 2


def test_retrying_audio_whose_text_is_gone_says_so(district, engine, committed):
    engine.fail_with = SpeechEngineError("eSpeak NG không tạo được âm thanh.")
    with committed():
        bulletin = make_bulletin(district.a)
    audio = audio_of(bulletin.audio_key)
    RadioBulletin.objects.filter(pk=bulletin.pk).delete()

    with committed():
        audio = speech.audio_retry(audio)

    assert audio.state == AudioState.FAILED and audio.error == speech.SOURCE_GONE_MESSAGE


def test_a_pending_audio_whose_task_was_lost_is_enqueued_again_by_the_next_save(district, engine, committed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran it
        bulletin = make_bulletin(district.a)
    speech.audio_request(bulletin)  # rows are created at commit; the lost task is simulated below
    SpeechAudio.objects.filter(key=bulletin.audio_key).update(
        state=AudioState.PENDING, asset=None, updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    calls = len(engine.calls)

    with committed():
        bulletin.save()

    assert audio_of(bulletin.audio_key).state == AudioState.READY
    assert len(engine.calls) == calls + 1


def test_a_text_in_a_minority_language_without_its_recording_asks_for_one(district, engine, committed):
    with committed():
        bulletin = make_bulletin(district.a, language="bdq", text="Bản tin bằng tiếng Ba Na.")

    audio = audio_of(bulletin.audio_key)
    assert audio.state == AudioState.FAILED
    assert audio.error.startswith("Chưa có bộ đọc tự động cho tiếng Ba Na: hãy tải lên bản ghi âm")
    assert engine.calls == []


# ------------------------------------------------------------------------------------------ recordings


def test_a_bulletin_with_a_recording_plays_the_recording(district, engine, committed):
    data = tone_wav()
    with committed():
        bulletin = make_bulletin(district.a, recording=SimpleUploadedFile("thong-bao.wav", data, "audio/wav"))

    assert bulletin.audio_key == speech.recording_key(commune_id=district.a.pk, language="vi",
                                                      sha256=hashlib.sha256(data).hexdigest())
    audio = audio_of(bulletin.audio_key)
    assert audio.state == AudioState.READY and audio.engine == ""
    assert engine.calls == []  # nothing is read aloud


def test_each_minority_language_version_gets_the_audio_of_its_recording(district, engine, committed):
    bulletin = RadioBulletin(commune=district.a, title="Tiêm chủng", text=TEXT)
    bulletin.versions = [
        BulletinVersion(language="bdq", text="(bản dịch tiếng Ba Na)",
                        recording=SimpleUploadedFile("ba-na.wav", tone_wav(frequency=300), "audio/wav")),
        BulletinVersion(language="sed", text="(bản dịch tiếng Xơ Đăng)"),  # recording not uploaded yet
    ]
    with committed():
        bulletin.save()

    ba_na, xo_dang = bulletin.versions.order_by("sort_order")
    assert ba_na.audio_key == speech.recording_key(
        commune_id=district.a.pk, language="bdq", sha256=hashlib.sha256(tone_wav(frequency=300)).hexdigest()
    )
    assert xo_dang.audio_key == ""
    status = speech.bulletin_audio_status(bulletin)
    assert [(language, audio and audio.state) for language, audio in status] == [
        ("vi", AudioState.READY), ("bdq", AudioState.READY), ("sed", None)
    ]


def test_a_recording_uploaded_while_editing_a_live_bulletin_is_stored_with_its_revision(district, engine, committed, media):
    with committed():
        bulletin = make_bulletin(district.a)
        bulletin.save_revision().publish()
    bulletin.refresh_from_db()
    data = tone_wav(frequency=500)

    bulletin.recording = SimpleUploadedFile("ghi-am.wav", data, "audio/wav")
    with committed():
        draft = bulletin.save_revision()

    stored = draft.content["recording"]
    assert stored.startswith("radio-recordings/") and (media / stored).read_bytes() == data
    assert draft.content["audio_key"] == speech.recording_key(
        commune_id=district.a.pk, language="vi", sha256=hashlib.sha256(data).hexdigest()
    )
    assert audio_of(draft.content["audio_key"]).state == AudioState.READY


@needs_ffmpeg
def test_a_recording_is_loudness_normalised_and_encoded_as_64_kbps_mono_mp3(district, committed, media):
    with committed():
        bulletin = make_bulletin(district.a, recording=SimpleUploadedFile(
            "thong-bao.wav", tone_wav(seconds=3, rate=48000, channels=2), "audio/wav"))

    audio = audio_of(bulletin.audio_key)
    assert audio.state == AudioState.READY, audio.error
    asset = audio.asset
    data = asset.file.read()
    assert data[:3] == b"ID3" or data[0] == 0xFF
    assert 2900 <= asset.duration_ms <= 3100
    assert 7000 < asset.size_bytes / (asset.duration_ms / 1000) < 9500  # 64 kbps = 8,000 bytes a second
    assert asset.sha256 == hashlib.sha256(data).hexdigest()


@needs_ffmpeg
def test_a_file_that_is_not_audio_fails_with_a_message_about_the_recording(district, committed, media):
    with committed():
        bulletin = make_bulletin(district.a, recording=SimpleUploadedFile("ghi-am.mp3", b"not audio at all", "audio/mpeg"))

    audio = audio_of(bulletin.audio_key)
    assert audio.state == AudioState.FAILED
    assert audio.error.startswith("Không đọc được bản ghi âm")


@needs_audio_tools
def test_espeak_reads_a_bulletin_into_a_stored_mp3_with_its_duration(district, committed, media):
    with committed():
        bulletin = make_bulletin(district.a, text="Thông báo của UBND xã. Bà con chú ý phòng chống lũ quét.")

    audio = audio_of(bulletin.audio_key)
    assert audio.state == AudioState.READY, audio.error
    assert audio.engine == "espeak" and audio.compute_s > 0
    asset = audio.asset
    data = asset.file.read()
    assert data[:3] == b"ID3" or data[0] == 0xFF
    assert asset.mime == "audio/mpeg" and asset.sha256 == hashlib.sha256(data).hexdigest()
    assert 2000 < asset.duration_ms < 30000
    assert 7000 < asset.size_bytes / (asset.duration_ms / 1000) < 9500


# ---------------------------------------------------------------------------------------------- alerts


def test_publishing_an_alert_requests_its_audio(district, engine, committed):
    with committed():
        alert = make_alert(issuer=district.a, communes=[district.a])
    assert engine.calls == []  # a draft is not read out

    with committed():
        alert_publish(alert=alert, user=commune_publisher(district.a))

    alert.refresh_from_db()
    text = speakable(speech.alert_text(alert))
    assert text.startswith("Lũ quét trên sông Đắk Psi. Mưa lớn kéo dài")
    assert alert.radio_audio_key == speech.tts_key(commune_id=district.a.pk, language="vi", engine="espeak",
                                                   voice="vi", speed=1, text=text)
    assert audio_of(alert.radio_audio_key).state == AudioState.READY
    assert engine.calls == [(text, "vi", 1.0)]


def test_an_alert_not_broadcast_on_the_radio_has_no_audio(district, engine, committed):
    with committed():
        alert = alert_publish(alert=make_alert(issuer=district.a, communes=[district.a], radio_repeats=0),
                              user=commune_publisher(district.a))

    assert alert.radio_audio_key == ""
    assert not SpeechAudio.objects.exists()


def test_an_alert_with_a_recording_plays_it(district, engine, committed):
    data = tone_wav(frequency=880)
    alert = make_alert(issuer=district.a, communes=[district.a],
                       radio_recording=SimpleUploadedFile("canh-bao.wav", data, "audio/wav"))
    with committed():
        alert = alert_publish(alert=alert, user=commune_publisher(district.a))

    assert alert.radio_audio_key == speech.recording_key(commune_id=district.a.pk, language="vi",
                                                         sha256=hashlib.sha256(data).hexdigest())
    assert audio_of(alert.radio_audio_key).state == AudioState.READY
    assert engine.calls == []


def test_a_cancel_message_is_not_read_out_and_an_update_keeps_the_radio_settings(district, engine, committed):
    publisher = commune_publisher(district.a)
    with committed():
        original = alert_publish(alert=make_alert(issuer=district.a, communes=[district.a], radio_repeats=5,
                                                  radio_gap_min=3), user=publisher)
    calls = len(engine.calls)
    update = alert_update_draft(original=original, user=publisher)
    with committed():
        cancel = alert_cancel(original=original, user=publisher, note="Nước đã rút, bà con trở về nhà.")

    cancel.refresh_from_db()
    assert (update.radio_repeats, update.radio_gap_min) == (5, 3)
    assert cancel.radio_repeats == 0 and cancel.radio_audio_key == ""
    assert len(engine.calls) == calls  # nothing more was synthesised for the cancel


def test_a_portal_alert_is_read_with_espeak_and_every_affected_commune_refetches_when_it_is_ready(
    district, engine, django_capture_on_commit_callbacks
):
    alert = make_alert(issuer=None, communes=[district.a, district.b])
    with django_capture_on_commit_callbacks() as callbacks:
        alert_publish(alert=alert, user=portal_publisher())
    before = {feed.commune_id: feed.alerts_revision for feed in CommuneFeed.objects.all()}

    for callback in callbacks:  # the commit: the audio is made
        callback()

    alert.refresh_from_db()
    audio = audio_of(alert.radio_audio_key)
    assert audio.state == AudioState.READY and audio.commune is None and audio.engine == "espeak"
    after = {feed.commune_id: feed.alerts_revision for feed in CommuneFeed.objects.all()}
    assert after[district.a.pk] == before[district.a.pk] + 1
    assert after[district.b.pk] == before[district.b.pk] + 1


# ------------------------------------------------------------------------------------- feeds, reading


def test_the_commune_feed_revision_is_bumped_when_audio_becomes_ready(district, engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        make_bulletin(district.a)
    CommuneFeed.objects.get_or_create(commune=district.a)
    CommuneFeed.objects.get_or_create(commune=district.b)
    before = {feed.commune_id: feed.revision for feed in CommuneFeed.objects.all()}

    for callback in callbacks:
        callback()

    after = {feed.commune_id: feed.revision for feed in CommuneFeed.objects.all()}
    assert after == {district.a.pk: before[district.a.pk] + 1, district.b.pk: before[district.b.pk]}


def test_audio_for_keys_reads_the_rows_with_their_assets_in_one_query(district, engine, committed, django_assert_num_queries):
    with committed():
        first = make_bulletin(district.a)
        second = make_bulletin(district.a, text="Lịch tiêm chủng dời sang sáng thứ Bảy.", title="Dời lịch")

    with django_assert_num_queries(1):
        found = speech.audio_for_keys([first.audio_key, second.audio_key, "", "0" * 64])
        sizes = {key: audio.asset.size_bytes for key, audio in found.items()}
    assert set(sizes) == {first.audio_key, second.audio_key}
    with django_assert_num_queries(0):
        assert speech.audio_for_keys(["", ""]) == {}


def test_commune_staff_see_only_their_communes_audio(district, engine, committed):
    with committed():
        a = make_bulletin(district.a)
        alert_publish(alert=make_alert(issuer=None, communes=[district.a]), user=portal_publisher())
    portal_audio = SpeechAudio.objects.get(commune__isnull=True)

    assert list(SpeechAudio.objects.for_user(district.editor_a)) == [audio_of(a.audio_key)]
    assert not SpeechAudio.objects.for_user(district.editor_b).exists()
    assert not SpeechAudio.objects.editable_by(district.editor_b).filter(key=a.audio_key).exists()
    assert set(SpeechAudio.objects.for_user(district.district_admin)) == {audio_of(a.audio_key), portal_audio}
