"""Speech engines (broadcasts/tts): the cloud adapters against a local server that speaks each vendor's
documented contract (no test reaches the internet), espeak-ng and the MP3 encoding for real."""

import json
import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from broadcasts.tts.audio import TARGET_LUFS, encode_speech
from broadcasts.tts.engines import SpeechEngineError, engine_for
from broadcasts.tts.text import split_for_engine

FAKE_MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00fake-mp3-bytes"


class Vendor(BaseHTTPRequestHandler):
    """One local server for the three vendors, recording what each received."""

    received = []
    fpt_not_ready_polls = 2
    polls = 0

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        host = f"http://{self.headers['Host']}"
        if self.path == "/hmi/tts/v5":
            Vendor.received.append(("fpt", self.headers, body.decode()))
            if self.headers.get("api-key") != "fpt-key":
                return self._send(401, {"error": 1, "message": "Invalid API key"})
            return self._send(200, {"async": f"{host}/fpt-files/{len(Vendor.received)}.mp3", "error": 0,
                                    "message": "The content will be returned after a few seconds under the async link.",
                                    "request_id": "abc"})
        if self.path == "/tts/speech_synthesis":
            payload = json.loads(body)
            Vendor.received.append(("viettel", self.headers, payload))
            if payload.get("token") != "viettel-token":
                return self._send(401, {"code": 401, "message": "Token không hợp lệ"})
            return self._send(200, FAKE_MP3, "audio/mpeg")
        if self.path == "/v1/tts/synthesize":
            form = urllib.parse.parse_qs(body.decode())
            Vendor.received.append(("zalo", self.headers, form))
            if self.headers.get("apikey") != "zalo-key":
                return self._send(200, {"error_code": -1, "error_message": "Invalid apikey"})
            return self._send(200, {"data": {"url": f"{host}/zalo-files/1.mp3"}, "error_code": 0,
                                    "error_message": "Successful."})
        return self._send(404, {"error": "not found"})

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/fpt-files/"):
            Vendor.polls += 1
            if Vendor.polls <= Vendor.fpt_not_ready_polls:  # FPT's file appears a few seconds later
                return self._send(404, b"Not Found", "text/plain")
            return self._send(200, FAKE_MP3, "audio/mpeg")
        if self.path.startswith("/zalo-files/"):
            return self._send(200, FAKE_MP3, "audio/mpeg")
        return self._send(404, b"Not Found", "text/plain")


@pytest.fixture
def vendor(settings):
    Vendor.received, Vendor.polls = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Vendor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.TTS_FPT_URL = f"{base}/hmi/tts/v5"
    settings.TTS_FPT_API_KEY = "fpt-key"
    settings.TTS_FPT_POLL_WAIT_S = 0.01
    settings.TTS_VIETTEL_URL = f"{base}/tts/speech_synthesis"
    settings.TTS_VIETTEL_TOKEN = "viettel-token"
    settings.TTS_ZALO_URL = f"{base}/v1/tts/synthesize"
    settings.TTS_ZALO_API_KEY = "zalo-key"
    yield Vendor
    server.shutdown()
    server.server_close()


LONG_TEXT = " ".join(f"Câu thông báo số {i} gửi tới bà con trong xã." for i in range(1, 200))


def test_it_splits_text_at_sentence_boundaries_within_the_limit():
    pieces = split_for_engine(LONG_TEXT, 300)
    assert all(len(piece) <= 300 for piece in pieces)
    assert all(piece.endswith(".") for piece in pieces)
    assert " ".join(pieces) == LONG_TEXT


def test_a_sentence_longer_than_the_limit_is_cut_at_commas_then_between_words():
    sentence = ", ".join(["bà con chú ý phòng tránh lũ quét"] * 20) + "."
    pieces = split_for_engine(sentence, 100)
    assert all(len(piece) <= 100 for piece in pieces)
    assert " ".join(pieces).split() == sentence.split()


def test_fpt_posts_the_text_and_polls_the_async_link_until_the_file_is_ready(vendor):
    clips = engine_for("fpt").synthesize("Xin chào bà con.", voice="leminh", speed=1.0)
    assert [clip.audio for clip in clips] == [FAKE_MP3]
    name, headers, body = vendor.received[0]
    assert (name, body, headers["voice"], headers["speed"]) == ("fpt", "Xin chào bà con.", "leminh", "0")
    assert vendor.polls == 3  # two 404s while FPT prepares the file, then the MP3


def test_fpt_sends_a_long_bulletin_in_pieces_of_at_most_5000_characters(vendor):
    text = LONG_TEXT * 3
    clips = engine_for("fpt").synthesize(text)
    sent = [body for name, _, body in vendor.received if name == "fpt"]
    assert len(clips) == len(sent) > 1
    assert all(len(piece) <= 5000 for piece in sent)


def test_fpt_gives_up_with_a_message_when_the_file_never_appears(vendor, settings):
    vendor.fpt_not_ready_polls = 1000
    settings.TTS_FPT_POLL_ATTEMPTS = 3
    try:
        with pytest.raises(SpeechEngineError, match="chưa trả về tệp âm thanh"):
            engine_for("fpt").synthesize("Xin chào.")
    finally:
        vendor.fpt_not_ready_polls = 2


def test_a_wrong_fpt_key_is_reported_in_words_the_editor_understands(vendor, settings):
    settings.TTS_FPT_API_KEY = "sai"
    with pytest.raises(SpeechEngineError, match="FPT.AI từ chối yêu cầu: Invalid API key"):
        engine_for("fpt").synthesize("Xin chào.")


def test_viettel_posts_json_with_the_token_and_receives_the_audio_itself(vendor):
    clips = engine_for("viettel").synthesize("Thông báo lịch tiêm chủng.", voice="hcm-diemmy", speed=1.1)
    assert clips[0].audio == FAKE_MP3 and clips[0].mime == "audio/mpeg"
    _, _, payload = vendor.received[0]
    assert payload == {"text": "Thông báo lịch tiêm chủng.", "voice": "hcm-diemmy", "speed": 1.1,
                       "tts_return_option": 3, "token": "viettel-token", "without_filter": False}


def test_viettel_refusal_carries_its_message(vendor, settings):
    settings.TTS_VIETTEL_TOKEN = "sai"
    with pytest.raises(SpeechEngineError, match="Token không hợp lệ"):
        engine_for("viettel").synthesize("Xin chào.")


def test_zalo_posts_a_form_with_the_apikey_and_downloads_the_returned_url(vendor):
    clips = engine_for("zalo").synthesize("Bà con chú ý.", voice="4")
    assert clips[0].audio == FAKE_MP3
    _, headers, form = vendor.received[0]
    assert headers["apikey"] == "zalo-key"
    assert form["input"] == ["Bà con chú ý."] and form["speaker_id"] == ["4"] and form["encode_type"] == ["1"]


def test_zalo_error_codes_are_reported(vendor, settings):
    settings.TTS_ZALO_API_KEY = "sai"
    with pytest.raises(SpeechEngineError, match="Invalid apikey"):
        engine_for("zalo").synthesize("Xin chào.")


def test_an_engine_without_its_key_says_which_setting_is_missing(settings):
    settings.TTS_VIETTEL_TOKEN = ""
    with pytest.raises(SpeechEngineError, match="TTS_VIETTEL_TOKEN"):
        engine_for("viettel").synthesize("Xin chào.")


def test_an_unreachable_engine_is_an_error_not_a_crash(settings):
    settings.TTS_ZALO_URL = "http://127.0.0.1:9/v1/tts/synthesize"  # the discard port: nothing listens
    settings.TTS_ZALO_API_KEY = "zalo-key"
    with pytest.raises(SpeechEngineError, match="Không kết nối được"):
        engine_for("zalo").synthesize("Xin chào.")


def test_an_unknown_voice_is_refused_before_any_request():
    with pytest.raises(SpeechEngineError, match="Giọng đọc"):
        engine_for("fpt").synthesize("Xin chào.", voice="khong-co")


needs_audio_tools = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("ffmpeg")),
    reason="espeak-ng and ffmpeg are not installed (apt-get install espeak-ng ffmpeg)",
)


@needs_audio_tools
def test_espeak_speaks_vietnamese_and_the_result_is_a_loudness_normalised_64_kbps_mono_mp3():
    clips = engine_for("espeak").synthesize("Thông báo của ủy ban nhân dân xã. Bà con chú ý phòng chống lũ quét.")
    assert clips[0].audio[:4] == b"RIFF"
    audio = encode_speech([clip.audio for clip in clips] * 2)
    assert audio.data[:3] == b"ID3" or audio.data[0] == 0xFF
    assert 3 < audio.duration_s < 30
    bytes_per_second = audio.size_bytes / audio.duration_s
    assert 7000 < bytes_per_second < 9000  # 64 kbps = 8,000 bytes a second
    assert abs(audio.loudness_lufs - TARGET_LUFS) < 1.5
    assert len(audio.sha256) == 64


@needs_audio_tools
def test_encoding_is_deterministic_so_unchanged_text_reuses_its_audio():
    clips = [clip.audio for clip in engine_for("espeak").synthesize("Xin chào bà con.")]
    assert encode_speech(clips).sha256 == encode_speech(clips).sha256
