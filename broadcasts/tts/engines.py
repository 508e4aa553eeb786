"""Speech engines behind one interface, chosen per commune.

Every engine takes normalised Vietnamese text (`core.speech.speakable`), split at sentence boundaries
to its own limit (`text.split_for_engine`), and returns one audio clip per piece; `audio.py` joins,
normalises and encodes them. Engines:

- `espeak`  espeak-ng, offline and free, the default (Debian package `espeak-ng`). Robotic but
            intelligible; always available, so a commune without a contract still has radio.
- `fpt`     FPT.AI TTS v5: POST the text with `api-key` and `voice` headers; the answer names a URL
            (`async`) where the MP3 appears a few seconds later, polled until it does.
- `viettel` Viettel AI: POST JSON with the token; the answer is the audio itself.
- `zalo`    Zalo AI: POST a form with the `apikey` header; the answer names the audio's URL.

The cloud contracts are those of the vendors' public documentation; their base URLs are settings, so
tests point them at a local server that speaks the same contract (tests/broadcasts/test_tts_engines.py)
and no test reaches the internet.
"""

import json
import shutil
import subprocess  # noqa: S404 - espeak-ng is run without a shell, with a fixed argument list
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from broadcasts.tts.text import split_for_engine


class SpeechEngineError(Exception):
    """Synthesis failed; the message is for the editor (Vietnamese), `detail` for the log."""

    def __init__(self, message, *, detail=""):
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class Clip:
    audio: bytes
    mime: str  # "audio/wav" or "audio/mpeg"


def _setting(name, default):
    return getattr(settings, name, default)


class SpeechEngine:
    """One engine. Subclasses set `name`, `label`, `max_chars`, `voices` and write `synthesize_piece`."""

    name = ""
    label = ""
    max_chars = 1000
    voices: dict[str, str] = {}
    default_voice = ""

    def synthesize(self, text: str, *, voice: str = "", speed: float = 1.0) -> list[Clip]:
        """Clips for the whole text, in order. Raises `SpeechEngineError`."""
        voice = voice or self.default_voice
        if self.voices and voice not in self.voices:
            raise SpeechEngineError(f"Giọng đọc “{voice}” không có trong {self.label}.")
        pieces = split_for_engine(text, self.max_chars)
        if not pieces:
            raise SpeechEngineError("Không có nội dung để đọc.")
        return [self.synthesize_piece(piece, voice=voice, speed=speed) for piece in pieces]

    def synthesize_piece(self, text: str, *, voice: str, speed: float) -> Clip:
        raise NotImplementedError


# ------------------------------------------------------------------------------------------ offline


class EspeakEngine(SpeechEngine):
    name = "espeak"
    label = "eSpeak NG (ngoại tuyến)"
    max_chars = 4000
    voices = {"vi": "Miền Bắc", "vi-vn-x-central": "Miền Trung", "vi-vn-x-south": "Miền Nam"}
    default_voice = "vi"

    def synthesize_piece(self, text, *, voice, speed):
        program = shutil.which("espeak-ng")
        if program is None:
            raise SpeechEngineError(
                "Máy chủ chưa cài eSpeak NG (gói espeak-ng), chưa thể tạo âm thanh từ văn bản.",
                detail="espeak-ng not found on PATH",
            )
        words_per_minute = str(round(160 * speed))
        try:
            result = subprocess.run(  # noqa: S603 - fixed program, text on stdin
                [program, "-v", voice, "-s", words_per_minute, "--stdout", "--stdin"],
                input=text.encode(), capture_output=True, timeout=120, check=True,
            )
        except (subprocess.SubprocessError, OSError) as error:
            raise SpeechEngineError("eSpeak NG không tạo được âm thanh.", detail=str(error)) from error
        return Clip(result.stdout, "audio/wav")


# -------------------------------------------------------------------------------------------- cloud


class HttpEngine(SpeechEngine):
    """Shared HTTP plumbing: timeouts, errors in words an editor understands."""

    timeout_s = 30

    def _request(self, url, *, data=None, headers=None, method="POST"):
        request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SpeechEngineError(
                f"Không kết nối được dịch vụ {self.label}. Hãy thử lại sau.", detail=str(error)
            ) from error

    def _json(self, body):
        try:
            return json.loads(body.decode())
        except (ValueError, UnicodeDecodeError) as error:
            raise SpeechEngineError(f"{self.label} trả lời không hợp lệ.", detail=body[:200].decode(errors="replace")) from error

    def _download(self, url, *, attempts=1, wait_s=0.0):
        """GET an audio URL; an asynchronous engine's file answers 404 until it is ready."""
        for attempt in range(attempts):
            status, content_type, body = self._request(url, method="GET")
            if status == 200 and body:
                return Clip(body, "audio/mpeg" if "mpeg" in content_type or url.endswith(".mp3") else "audio/wav")
            if status not in (404, 202) or attempt == attempts - 1:
                break
            time.sleep(wait_s)
        raise SpeechEngineError(f"{self.label} chưa trả về tệp âm thanh. Hãy thử lại.", detail=f"{url}: HTTP {status}")


class FptEngine(HttpEngine):
    name = "fpt"
    label = "FPT.AI"
    max_chars = 5000
    voices = {
        "banmai": "Ban Mai (nữ miền Bắc)", "thuminh": "Thu Minh (nữ miền Bắc)", "leminh": "Lê Minh (nam miền Bắc)",
        "myan": "Mỹ An (nữ miền Trung)", "giahuy": "Gia Huy (nam miền Trung)", "lannhi": "Lan Nhi (nữ miền Nam)",
        "linhsan": "Linh San (nữ miền Nam)",
    }
    default_voice = "banmai"

    def synthesize_piece(self, text, *, voice, speed):
        key = _setting("TTS_FPT_API_KEY", "")
        if not key:
            raise SpeechEngineError("Chưa cấu hình khóa API của FPT.AI (TTS_FPT_API_KEY).")
        # FPT's speed runs from -3 (slow) to 3 (fast); 1.0 is 0.
        fpt_speed = str(max(-3, min(3, round((speed - 1.0) * 6))))
        status, _, body = self._request(
            _setting("TTS_FPT_URL", "https://api.fpt.ai/hmi/tts/v5"), data=text.encode(),
            headers={"api-key": key, "voice": voice, "speed": fpt_speed, "format": "mp3"},
        )
        answer = self._json(body)
        if status != 200 or answer.get("error") not in (0, "0") or not answer.get("async"):
            raise SpeechEngineError(
                f"FPT.AI từ chối yêu cầu: {answer.get('message') or status}.", detail=json.dumps(answer)[:300]
            )
        return self._download(
            answer["async"], attempts=_setting("TTS_FPT_POLL_ATTEMPTS", 30), wait_s=_setting("TTS_FPT_POLL_WAIT_S", 2.0)
        )


class ViettelEngine(HttpEngine):
    name = "viettel"
    label = "Viettel AI"
    max_chars = 2000
    voices = {
        "hn-quynhanh": "Quỳnh Anh (nữ miền Bắc)", "hn-thanhtung": "Thanh Tùng (nam miền Bắc)",
        "hue-maingoc": "Mai Ngọc (nữ miền Trung)", "hue-baoquoc": "Bảo Quốc (nam miền Trung)",
        "hcm-diemmy": "Diễm My (nữ miền Nam)", "hcm-minhquan": "Minh Quân (nam miền Nam)",
    }
    default_voice = "hn-quynhanh"

    def synthesize_piece(self, text, *, voice, speed):
        token = _setting("TTS_VIETTEL_TOKEN", "")
        if not token:
            raise SpeechEngineError("Chưa cấu hình mã truy cập của Viettel AI (TTS_VIETTEL_TOKEN).")
        payload = {"text": text, "voice": voice, "speed": round(max(0.8, min(1.2, speed)), 1),
                   "tts_return_option": 3, "token": token, "without_filter": False}
        status, content_type, body = self._request(
            _setting("TTS_VIETTEL_URL", "https://viettelai.vn/tts/speech_synthesis"),
            data=json.dumps(payload).encode(), headers={"Content-Type": "application/json", "Accept": "*/*"},
        )
        if status == 200 and content_type.startswith("audio/") and body:
            return Clip(body, "audio/mpeg")
        answer = self._json(body) if body else {}
        raise SpeechEngineError(
            f"Viettel AI từ chối yêu cầu: {answer.get('message') or status}.", detail=json.dumps(answer)[:300]
        )


class ZaloEngine(HttpEngine):
    name = "zalo"
    label = "Zalo AI"
    max_chars = 2000
    voices = {"1": "Nữ miền Nam", "2": "Nữ miền Bắc", "3": "Nam miền Nam", "4": "Nam miền Bắc"}
    default_voice = "2"

    def synthesize_piece(self, text, *, voice, speed):
        key = _setting("TTS_ZALO_API_KEY", "")
        if not key:
            raise SpeechEngineError("Chưa cấu hình khóa API của Zalo AI (TTS_ZALO_API_KEY).")
        form = urllib.parse.urlencode(
            {"input": text, "speaker_id": voice, "speed": round(max(0.8, min(1.2, speed)), 1), "encode_type": 1}
        ).encode()
        status, _, body = self._request(
            _setting("TTS_ZALO_URL", "https://api.zalo.ai/v1/tts/synthesize"), data=form,
            headers={"apikey": key, "Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = self._json(body)
        url = (answer.get("data") or {}).get("url")
        if status != 200 or answer.get("error_code") not in (0, "0") or not url:
            raise SpeechEngineError(
                f"Zalo AI từ chối yêu cầu: {answer.get('error_message') or status}.", detail=json.dumps(answer)[:300]
            )
        return self._download(url, attempts=3, wait_s=1.0)


ENGINES = {engine.name: engine for engine in (EspeakEngine, FptEngine, ViettelEngine, ZaloEngine)}
ENGINE_CHOICES = [(name, engine.label) for name, engine in ENGINES.items()]


def engine_for(name: str) -> SpeechEngine:
    try:
        return ENGINES[name]()
    except KeyError as error:
        raise SpeechEngineError(f"Không có bộ đọc “{name}”.") from error
