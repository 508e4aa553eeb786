"""From synthesised clips (or an uploaded recording) to what speakers play: one MP3, 64 kbps mono at
44.1 kHz for speech, loudness-normalised to EBU R128 (−23 LUFS integrated, −1 dBTP) with ffmpeg's
two-pass `loudnorm`, with its duration, size, sha256 and measured loudness (Debian package `ffmpeg`).
"""

import hashlib
import json
import re
import shutil
import subprocess  # noqa: S404 - ffmpeg is run without a shell, with argument lists built here
import tempfile
from dataclasses import dataclass
from pathlib import Path

TARGET_LUFS = -23.0
TRUE_PEAK_DB = -1.0
LOUDNESS_RANGE = 11.0
SPEECH_BITRATE = "64k"
SAMPLE_RATE = 44100


class AudioError(Exception):
    """Encoding failed; the message is for the editor, `detail` for the log."""

    def __init__(self, message, *, detail=""):
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class EncodedAudio:
    data: bytes
    sha256: str
    size_bytes: int
    duration_s: float
    loudness_lufs: float | None
    mime: str = "audio/mpeg"
    bitrate_kbps: int = 64
    sample_rate: int = SAMPLE_RATE
    channels: int = 1


def _ffmpeg():
    program = shutil.which("ffmpeg")
    if program is None:
        raise AudioError("Máy chủ chưa cài ffmpeg (gói ffmpeg), chưa thể xử lý âm thanh.", detail="ffmpeg not on PATH")
    return program


def _run(arguments, *, timeout=300):
    try:
        return subprocess.run(arguments, capture_output=True, timeout=timeout, check=True)  # noqa: S603
    except subprocess.CalledProcessError as error:
        raise AudioError("Không xử lý được tệp âm thanh.", detail=error.stderr.decode(errors="replace")[-800:]) from error
    except (subprocess.SubprocessError, OSError) as error:
        raise AudioError("Không xử lý được tệp âm thanh.", detail=str(error)) from error


def _loudnorm_report(stderr):
    """The JSON block ffmpeg's loudnorm prints at the end of its log."""
    match = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr.decode(errors="replace"))
    if not match:
        raise AudioError("Không đo được độ lớn âm thanh.", detail=stderr.decode(errors="replace")[-800:])
    return json.loads(match.group(0))


def encode_speech(clips: list[bytes]) -> EncodedAudio:
    """Join the clips (WAV or MP3, any rate) in order, normalise the loudness, encode as MP3."""
    if not clips:
        raise AudioError("Không có âm thanh để xử lý.")
    ffmpeg = _ffmpeg()
    with tempfile.TemporaryDirectory(prefix="tts-") as folder:
        inputs = []
        for index, clip in enumerate(clips):
            path = Path(folder) / f"clip-{index}"
            path.write_bytes(clip)
            inputs += ["-i", str(path)]
        chains = "".join(
            f"[{i}:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=mono[a{i}];" for i in range(len(clips))
        )
        joined = "".join(f"[a{i}]" for i in range(len(clips))) + f"concat=n={len(clips)}:v=0:a=1[joined]"
        target = f"I={TARGET_LUFS}:TP={TRUE_PEAK_DB}:LRA={LOUDNESS_RANGE}"

        # Pass 1: measure.
        measure = _run([ffmpeg, "-hide_banner", "-nostdin", *inputs, "-filter_complex",
                        f"{chains}{joined};[joined]loudnorm={target}:print_format=json[out]",
                        "-map", "[out]", "-f", "null", "-"])
        measured = _loudnorm_report(measure.stderr)
        # Pass 2: apply the measured correction linearly, encode.
        output = Path(folder) / "out.mp3"
        second = (
            f"loudnorm={target}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}:"
            f"measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}:"
            f"offset={measured['target_offset']}:linear=true:print_format=json"
        )
        encode = _run([ffmpeg, "-hide_banner", "-nostdin", "-y", *inputs, "-filter_complex",
                       f"{chains}{joined};[joined]{second},aresample={SAMPLE_RATE}[out]", "-map", "[out]",
                       "-ac", "1", "-ar", str(SAMPLE_RATE), "-codec:a", "libmp3lame", "-b:a", SPEECH_BITRATE,
                       str(output)])
        report = _loudnorm_report(encode.stderr)
        data = output.read_bytes()
    duration = mp3_duration(data)
    try:
        loudness = float(report.get("output_i"))
    except (TypeError, ValueError):
        loudness = None
    return EncodedAudio(data=data, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data),
                        duration_s=duration, loudness_lufs=loudness)


def encode_recording(data: bytes) -> EncodedAudio:
    """An uploaded recording (MP3, WAV, OGG, M4A, AAC or FLAC; any rate, mono or stereo) to the profile
    synthesised speech has: loudness-normalised, 64 kbps mono MP3 at 44.1 kHz."""
    if not data:
        raise AudioError("Tệp ghi âm trống; hãy tải lên lại bản ghi âm.", detail="empty recording")
    _ffmpeg()  # a missing ffmpeg is the server's problem, and says so
    try:
        return encode_speech([data])
    except AudioError as error:
        raise AudioError(
            "Không đọc được bản ghi âm: tệp hỏng hoặc không phải âm thanh (hoặc quá ngắn, chỉ có im lặng). "
            "Hãy tải lên một tệp MP3 hoặc WAV khác.", detail=error.detail,
        ) from error


def mp3_duration(data: bytes) -> float:
    """The duration of an MP3 in seconds, by decoding it (exact, unlike a bitrate estimate)."""
    ffmpeg = _ffmpeg()
    with tempfile.NamedTemporaryFile(suffix=".mp3") as file:
        file.write(data)
        file.flush()
        result = _run([ffmpeg, "-hide_banner", "-nostdin", "-i", file.name, "-f", "null", "-"])
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", result.stderr.decode(errors="replace"))
    if not times:
        raise AudioError("Không đọc được độ dài tệp âm thanh.")
    hours, minutes, seconds = times[-1]
    return round(int(hours) * 3600 + int(minutes) * 60 + float(seconds), 2)
