"""Commune radio's audio: what a bulletin, a minority-language version or an emergency alert sounds like
on the loudspeakers, made in the background and found again by a content key.

Keys. `SpeechAudio.key` is the SHA-256 of everything that shapes the audio:

    text read by an engine   "tts|<commune id or ''>|<language>|<engine>|<voice>|<speed>|<speakable text>"
    an uploaded recording    "rec|<commune id or ''>|<language>|<sha256 of the recording's bytes>"

The speakable text is `core.speech.speakable` of the bulletin's text (an alert's: headline, description
and instruction); engine, voice and speed are the commune's `RadioSettings` (espeak-ng's defaults for an
alert the portal issues), the voice being the engine's default when the commune left it blank and the
speed written with two decimals ("1.00"). Saving unchanged text gives the same key and finds the audio
already made; changed text, another engine, voice or speed, or another recording give a new key.

Keys are set whenever objects are saved (`broadcasts.signals`): the rows, and the content of every
Wagtail revision of a bulletin, so the revision an approver publishes names the audio they listened to.
`RadioBulletin.audio_key`, `BulletinVersion.audio_key`, `Alert.radio_audio_key`; empty means no audio
(an alert with no radio repeats, a version whose recording is not uploaded yet, a bulletin with no text).

Making. `audio_request` (after commit) creates the key's `SpeechAudio` row, pending, and enqueues
`broadcasts.tasks.produce_speech_audio`; a ready row is reused and nothing is synthesised again; a
failed row waits for `audio_retry` (the admin's "Thử lại") or for a new key. The task (`audio_produce`)
synthesises the text with the engine or reads the recording, normalises the loudness and encodes a
64 kbps mono MP3 (`tts.audio`), stores it content-addressed with its duration (`assets.asset_store`),
marks the row ready and bumps the feeds of the communes concerned, so devices fetch it. Any failure marks
the row failed with a Vietnamese message the editor can act on (details go to the log): it never
escapes the task, and the editor's save never fails because of it.

Reading. `audio_for_keys` (the device feed, the admin), `bulletin_audio_status` (listen and approve).
"""

import dataclasses
import hashlib
import logging
import subprocess  # noqa: S404 - only for its TimeoutExpired; nothing is run from here
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Revision

from broadcasts.assets import asset_store
from broadcasts.content_languages import label
from broadcasts.models import (
    Alert,
    Asset,
    AudioState,
    BulletinVersion,
    RadioBulletin,
    RadioSettings,
    SpeechAudio,
)
from broadcasts.services import feeds_touch
from broadcasts.tts.audio import AudioError, EncodedAudio, encode_recording, encode_speech
from broadcasts.tts.engines import ENGINES, SpeechEngineError, engine_for
from core.speech import speakable

logger = logging.getLogger(__name__)

TTS = "tts"
RECORDING = "rec"
# What the engines' voices speak; a text in another language needs its recording.
SPOKEN_LANGUAGES = {"vi"}
# A pending row not finished within this time (a lost task, a stopped worker) is enqueued again by the
# next save that asks for it, or by "Thử lại".
PENDING_STALE = timedelta(minutes=10)
ERROR_MAX = 1000
CHUNK = 1024 * 1024
# How many of a commune's bulletins' latest revisions `audio_source` looks through for a key.
REVISIONS_SEARCHED = 200

RETRY_HINT = "Bấm “Thử lại” để tạo lại âm thanh."
UNEXPECTED_MESSAGE = "Có lỗi khi tạo âm thanh. Hãy bấm “Thử lại”; nếu vẫn lỗi, hãy báo quản trị hệ thống."
TIMEOUT_MESSAGE = (
    "Tạo âm thanh quá thời gian cho phép. Hãy bấm “Thử lại”; nếu bản tin rất dài, hãy chia thành các bản tin ngắn hơn."
)
RECORDING_UNREADABLE_MESSAGE = "Không đọc được bản ghi âm đã tải lên. Hãy tải lên lại tệp ghi âm."
SOURCE_GONE_MESSAGE = (
    "Không còn tìm thấy nội dung của âm thanh này (bản tin hoặc cảnh báo đã được sửa hay xóa). "
    "Hãy lưu lại bản tin để tạo âm thanh mới."
)


@dataclass(frozen=True)
class SpeechSource:
    """What one audio is made from, with its key: a speakable text for an engine, or a stored recording.
    Plain values, so it travels to the worker as the task's argument."""

    key: str
    kind: str  # TTS or RECORDING
    commune_id: int | None
    language: str
    engine: str = ""
    voice: str = ""
    speed: str = "1.00"
    text: str = ""  # speakable text (TTS)
    recording: str = ""  # storage name of the recording (RECORDING)
    alert: bool = False  # an emergency alert's audio: the devices' alert feeds change too

    def as_task_args(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_task_args(cls, data: dict) -> "SpeechSource":
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in names})


# -------------------------------------------------------------------------------------------- keys


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def speed_text(speed) -> str:
    """The speed as keys write it: two decimals, whether it comes from the database or a default."""
    try:
        return f"{Decimal(str(speed)):.2f}"
    except (InvalidOperation, ValueError):
        return "1.00"


def tts_key(*, commune_id: int | None, language: str, engine: str, voice: str, speed, text: str) -> str:
    """The key of `text` (already speakable) read by `engine` with `voice` at `speed`."""
    return _sha256(f"tts|{commune_id or ''}|{language}|{engine}|{voice}|{speed_text(speed)}|{text}")


def recording_key(*, commune_id: int | None, language: str, sha256: str) -> str:
    """The key of a recording whose bytes have this SHA-256."""
    return _sha256(f"rec|{commune_id or ''}|{language}|{sha256}")


def speech_settings(commune_id: int | None) -> tuple[str, str, str]:
    """(engine, voice, speed) a commune's radio reads with: its `RadioSettings`, created with the
    defaults (espeak-ng) the first time; espeak-ng's defaults for the portal (no commune)."""
    if commune_id is None:
        radio = RadioSettings()
    else:
        radio, _ = RadioSettings.objects.get_or_create(commune_id=commune_id)
    engine = radio.engine
    voice = radio.voice or (ENGINES[engine].default_voice if engine in ENGINES else "")
    return engine, voice, speed_text(radio.speed)


def file_sha256(field_file) -> str | None:
    """SHA-256 of a file field's bytes, whether an upload not stored yet or a stored file. None when
    it cannot be read (the key then names the missing file, and making the audio fails visibly)."""
    if not field_file:
        return None
    digest = hashlib.sha256()
    try:
        if getattr(field_file, "_committed", True):
            with field_file.storage.open(field_file.name, "rb") as handle:
                for chunk in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(chunk)
        else:
            upload = field_file.file
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    except Exception as error:  # noqa: BLE001 - any storage's failure: a save must not fail because of it
        logger.warning("Cannot read the recording %s to hash it: %r", field_file.name, error)
        return None
    return digest.hexdigest()


def store_upload(field_file) -> bool:
    """Store a file field's upload that was never saved (Wagtail saves only a revision, not the row, when
    a live bulletin is edited), so the revision names a file the worker can read. True when stored."""
    if not field_file or getattr(field_file, "_committed", True):
        return False
    field_file.save(field_file.name.rsplit("/", 1)[-1], field_file.file, save=False)
    return True


def _text_source(*, commune_id, language, text, alert=False) -> SpeechSource | None:
    spoken = speakable(text or "")
    if not spoken:
        return None
    engine, voice, speed = speech_settings(commune_id)
    key = tts_key(commune_id=commune_id, language=language, engine=engine, voice=voice, speed=speed, text=spoken)
    return SpeechSource(key=key, kind=TTS, commune_id=commune_id, language=language, engine=engine, voice=voice,
                        speed=speed, text=spoken, alert=alert)


def _recording_source(*, commune_id, language, recording, alert=False) -> SpeechSource:
    digest = file_sha256(recording) or f"missing:{recording.name}"
    return SpeechSource(key=recording_key(commune_id=commune_id, language=language, sha256=digest), kind=RECORDING,
                        commune_id=commune_id, language=language, recording=recording.name, alert=alert)


def bulletin_source(bulletin: RadioBulletin) -> SpeechSource | None:
    """The bulletin's own audio (its language): the recording if uploaded, else the text read aloud."""
    if bulletin.recording:
        return _recording_source(commune_id=bulletin.commune_id, language=bulletin.language,
                                 recording=bulletin.recording)
    return _text_source(commune_id=bulletin.commune_id, language=bulletin.language, text=bulletin.text)


def version_source(version: BulletinVersion, *, commune_id: int | None = None) -> SpeechSource | None:
    """A minority-language version's audio: its recording (no engine speaks these languages)."""
    if not version.recording:
        return None
    if commune_id is None:
        commune_id = version.bulletin.commune_id
    return _recording_source(commune_id=commune_id, language=version.language, recording=version.recording)


def alert_text(alert: Alert) -> str:
    """What the radio reads of an alert: its headline, description and instruction."""
    parts = [part.strip().rstrip(".").strip() for part in (alert.headline, alert.description, alert.instruction)]
    return ". ".join(part for part in parts if part)


def alert_source(alert: Alert) -> SpeechSource | None:
    """An alert's audio (Vietnamese): its recording, or its text read by the issuing commune's engine.
    None when it is not broadcast on the radio (`radio_repeats` 0)."""
    if not alert.radio_repeats:
        return None
    if alert.radio_recording:
        return _recording_source(commune_id=alert.issuer_id, language="vi", recording=alert.radio_recording, alert=True)
    return _text_source(commune_id=alert.issuer_id, language="vi", text=alert_text(alert), alert=True)


def speech_sources(item) -> list[SpeechSource]:
    """The sources of a bulletin (its own and its versions'), a version, an alert, or a source itself."""
    if isinstance(item, SpeechSource):
        return [item]
    if isinstance(item, RadioBulletin):
        found = [bulletin_source(item)]
        found += [version_source(version, commune_id=item.commune_id) for version in item.versions.all()]
    elif isinstance(item, BulletinVersion):
        found = [version_source(item)]
    elif isinstance(item, Alert):
        found = [alert_source(item)]
    else:
        raise TypeError(f"No speech audio for {type(item).__name__}")
    return [source for source in found if source is not None]


def revision_content_with_keys(content: dict) -> tuple[dict, list[SpeechSource]]:
    """A bulletin revision's content with the audio keys of the bulletin and of each version written
    in, and the sources of those keys (to request once the revision is committed)."""
    bulletin = RadioBulletin.from_serializable_data(content, check_fks=False)
    own = bulletin_source(bulletin)
    content = {**content, "audio_key": own.key if own else ""}
    sources = [own] if own else []
    versions = []
    for data, version in zip(content.get("versions") or [], bulletin.versions.all(), strict=False):
        source = version_source(version, commune_id=bulletin.commune_id)
        versions.append({**data, "audio_key": source.key if source else ""})
        sources += [source] if source else []
    if "versions" in content:
        content["versions"] = versions
    return content, sources


def bulletin_revision_type_id() -> int:
    return ContentType.objects.get_for_model(RadioBulletin).pk


# ------------------------------------------------------------------------------------------ making


def audio_request(*items) -> list[SpeechAudio]:
    """The audio of each item (a `RadioBulletin` with its versions, a `BulletinVersion`, an `Alert`, or a
    `SpeechSource`): the key's row is created pending and the task enqueued; a ready row is reused
    (nothing is made again), a pending one is left to its task (enqueued again once stale), a failed one
    waits for `audio_retry` or a new key. Call it after the save commits (`audio_request_on_commit`)."""
    rows = []
    seen = set()
    for item in items:
        for source in speech_sources(item):
            if source.key in seen:
                continue
            seen.add(source.key)
            rows.append(_request(source))
    return rows


def audio_request_on_commit(*items) -> None:
    """`audio_request` once the current transaction commits; a failure there is logged, never raised
    into the editor's save."""
    if items:
        transaction.on_commit(lambda: audio_request(*items), robust=True)


def _request(source: SpeechSource) -> SpeechAudio:
    audio, created = SpeechAudio.objects.get_or_create(
        key=source.key,
        defaults={"commune_id": source.commune_id, "language": source.language, "engine": source.engine},
    )
    stale = audio.state == AudioState.PENDING and audio.updated_at < timezone.now() - PENDING_STALE
    if created or stale:
        if stale:
            audio.save(update_fields=["updated_at"])
        _enqueue(audio, source)
        audio.refresh_from_db()
    return audio


def _enqueue(audio: SpeechAudio, source: SpeechSource) -> None:
    """Hand the audio to the task queue. A queue that cannot be reached is logged: the row stays
    pending, and "Thử lại" or the next save enqueues it again."""
    from broadcasts.tasks import produce_speech_audio

    try:
        produce_speech_audio.enqueue(audio.pk, source.as_task_args())
    except Exception:  # noqa: BLE001 - the editor's save must not fail because the queue is down
        logger.exception("Could not enqueue speech audio %s", audio.key)


def audio_retry(audio: SpeechAudio) -> SpeechAudio:
    """The admin's "Thử lại": make a failed (or stuck) audio again, from the bulletin, version or alert
    its key was computed from. A ready audio is left as it is."""
    if audio.state == AudioState.READY:
        return audio
    rows = SpeechAudio.objects.filter(pk=audio.pk)
    source = audio_source(audio)
    if source is None:
        rows.update(state=AudioState.FAILED, error=SOURCE_GONE_MESSAGE, updated_at=timezone.now())
    else:
        rows.update(state=AudioState.PENDING, error="", updated_at=timezone.now())
        transaction.on_commit(lambda: _enqueue(audio, source), robust=True)
    audio.refresh_from_db()
    return audio


def _candidates(audio: SpeechAudio) -> Iterator:
    """Objects that may carry this audio's key, the likeliest first (lazily: the search stops at a hit)."""
    key = audio.key
    yield from Alert.objects.filter(radio_audio_key=key)[:1]
    yield from RadioBulletin.objects.filter(audio_key=key)[:1]
    yield from BulletinVersion.objects.filter(audio_key=key).select_related("bulletin")[:1]
    if audio.commune_id is None:
        return
    # A draft of a live bulletin lives only in its revisions.
    latest = (RadioBulletin.objects.filter(commune_id=audio.commune_id, latest_revision__isnull=False)
              .order_by("-updated_at").values("latest_revision_id")[:REVISIONS_SEARCHED])
    for revision in Revision.objects.filter(pk__in=latest):
        content = revision.content or {}
        keys = {content.get("audio_key")} | {v.get("audio_key") for v in content.get("versions") or []}
        if key in keys:
            yield RadioBulletin.from_serializable_data(content, check_fks=False)


def audio_source(audio: SpeechAudio) -> SpeechSource | None:
    """What an audio is made from, found again by its key; None when nothing carries it any more (or the
    commune's engine changed since, so the same content now has another key)."""
    for item in _candidates(audio):
        for source in speech_sources(item):
            if source.key == audio.key:
                return source
    return None


def _editor_message(error: Exception) -> str:
    message = str(error).strip() or UNEXPECTED_MESSAGE
    if "thử lại" not in message.lower():
        message = f"{message} {RETRY_HINT}"
    return message[:ERROR_MAX]


def _encode(source: SpeechSource) -> EncodedAudio:
    if source.kind == RECORDING:
        try:
            with default_storage.open(source.recording, "rb") as handle:
                data = handle.read()
        except Exception as error:  # noqa: BLE001 - a missing file, or any storage's failure
            raise AudioError(RECORDING_UNREADABLE_MESSAGE, detail=f"{source.recording}: {error}") from error
        return encode_recording(data)
    if source.language not in SPOKEN_LANGUAGES:
        name = label(source.language)
        raise SpeechEngineError(
            f"Chưa có bộ đọc tự động cho {name[:1].lower()}{name[1:]}: hãy tải lên bản ghi âm của bản tin.",
            detail=f"language {source.language} is not spoken by {source.engine}",
        )
    clips = engine_for(source.engine).synthesize(source.text, voice=source.voice, speed=float(source.speed))
    return encode_speech([clip.audio for clip in clips])


def audio_produce(*, audio_id: int, source: dict) -> str:
    """Make one audio (the task's work): synthesise or read the recording, normalise, encode, store, mark
    ready and bump the feeds. Returns the row's state afterwards; never raises."""
    audio = SpeechAudio.objects.filter(pk=audio_id).first()
    if audio is None:
        return "missing"
    if audio.state != AudioState.PENDING:
        return audio.state  # made already, or failed and waiting for "Thử lại"
    rows = SpeechAudio.objects.filter(pk=audio.pk)
    started = time.perf_counter()
    try:
        speech = SpeechSource.from_task_args(source)
        encoded = _encode(speech)
        asset = asset_store(data=encoded.data, mime="audio/mpeg")
        duration_ms = round(encoded.duration_s * 1000)
        if asset.duration_ms != duration_ms:
            Asset.objects.filter(pk=asset.pk).update(duration_ms=duration_ms)
    except (SpeechEngineError, AudioError) as error:
        return _fail(rows, audio, _editor_message(error), error.detail, started)
    except (TimeoutError, subprocess.TimeoutExpired) as error:
        return _fail(rows, audio, TIMEOUT_MESSAGE, repr(error), started)
    except Exception as error:  # noqa: BLE001 - whatever happens, the editor sees a failure to retry
        logger.exception("Speech audio %s failed unexpectedly", audio.key)
        return _fail(rows, audio, UNEXPECTED_MESSAGE, repr(error), started)
    rows.update(state=AudioState.READY, error="", asset=asset, attempts=F("attempts") + 1,
                compute_s=round(time.perf_counter() - started, 3), updated_at=timezone.now())
    _touch_feeds(audio, speech)
    logger.info("Speech audio %s ready: %.1f s, %d bytes", audio.key[:12], encoded.duration_s, encoded.size_bytes)
    return AudioState.READY


def _fail(rows, audio: SpeechAudio, message: str, detail: str, started: float) -> str:
    rows.update(state=AudioState.FAILED, error=message, attempts=F("attempts") + 1,
                compute_s=round(time.perf_counter() - started, 3), updated_at=timezone.now())
    logger.warning("Speech audio %s failed: %s (%s)", audio.key[:12], message, (detail or "")[-800:])
    return AudioState.FAILED


def _touch_feeds(audio: SpeechAudio, source: SpeechSource) -> None:
    """Devices refetch once their audio exists: the commune's feed, and for an alert the feeds of every
    commune it affects (all communes for a portal alert nobody carries any more)."""
    communes = {audio.commune_id} if audio.commune_id is not None else set()
    if source.alert:
        communes |= set(Alert.objects.filter(radio_audio_key=audio.key, communes__isnull=False)
                        .values_list("communes", flat=True))
    feeds_touch(communes=communes or None, alerts=source.alert)


def alert_audio_on_publish(*, alert: Alert) -> str:
    """On publish: the alert's audio key (stored if its text changed since it was saved, as a cancel's
    does) and its audio requested once the publish commits. Returns the key ("" when not on the radio)."""
    source = alert_source(alert)
    key = source.key if source else ""
    if key != alert.radio_audio_key:
        Alert.objects.filter(pk=alert.pk).update(radio_audio_key=key)
        alert.radio_audio_key = key
    if source is not None:
        audio_request_on_commit(source)
    return key


# ----------------------------------------------------------------------------------------- reading


def audio_for_keys(keys: Iterable[str]) -> dict[str, SpeechAudio]:
    """{key: SpeechAudio} of these keys (those that have a row), with their assets, in one query."""
    wanted = {key for key in keys if key}
    if not wanted:
        return {}
    return {audio.key: audio for audio in SpeechAudio.objects.filter(key__in=wanted).select_related("asset")}


def bulletin_audio_status(bulletin: RadioBulletin) -> list[tuple[str, SpeechAudio | None]]:
    """[(language, SpeechAudio or None)] of a bulletin (a row, or a revision's `as_object()`): its own
    language first, then each version, by the keys it was saved with. None: no audio asked for yet
    (no recording uploaded, or saved before keys existed)."""
    entries = [(bulletin.language, bulletin.audio_key)]
    entries += [(version.language, version.audio_key) for version in bulletin.versions.all()]
    found = audio_for_keys(key for _, key in entries)
    return [(language, found.get(key) if key else None) for language, key in entries]
