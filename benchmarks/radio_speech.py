"""Commune radio speech: how fast espeak-ng reads a 300-word Vietnamese bulletin into what speakers play,
and how big the MP3 is.

Each run takes the same bulletin (300 words as written, with dates, times, numbers and abbreviations)
through the steps the background task runs (`broadcasts.speech.audio_produce`, without the database):
normalise (`core.speech.speakable`), synthesise with espeak-ng (`tts.engines`), normalise the loudness
(EBU R128, two ffmpeg passes) and encode a 64 kbps mono MP3 (`tts.audio.encode_speech`, which also
decodes the MP3 once for its exact duration). It prints the medians over --repeat runs of:

    compute s          wall time of the three steps
    audio s / compute s  seconds of audio made per second of compute (synthesis alone, and all steps)
    MP3 bytes / minute   the size of a minute of speech as devices download it

    .venv/bin/python benchmarks/radio_speech.py
    .venv/bin/python benchmarks/radio_speech.py --repeat 5 --speed 1.25

Needs espeak-ng and ffmpeg (Debian packages `espeak-ng`, `ffmpeg`). Times depend on the machine and
what else runs on it; the ratios are what to compare.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--words", type=int, default=300)
parser.add_argument("--voice", default="vi", help="espeak-ng voice: vi, vi-vn-x-central, vi-vn-x-south")
parser.add_argument("--speed", type=float, default=1.0)
args = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.test_settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")  # keep the table readable

import django  # noqa: E402

django.setup()

from broadcasts.tts.audio import encode_speech  # noqa: E402
from broadcasts.tts.engines import engine_for  # noqa: E402
from core.speech import speakable  # noqa: E402

SENTENCES = [
    "Thông báo của UBND xã Đắk La về kế hoạch tiêm chủng mở rộng và phòng chống thiên tai tháng 9/2025.",
    "Từ 7h30 ngày 15/9/2025, trạm y tế xã tổ chức tiêm vắc xin sởi và bại liệt cho trẻ từ 9 đến 18 tháng tuổi.",
    "Đề nghị các gia đình có con trong độ tuổi đưa trẻ đến đúng giờ, mang theo sổ tiêm chủng và thẻ BHYT.",
    "Theo Quyết định số 124/QĐ-UBND, mỗi thôn cử 2 cán bộ hỗ trợ ghi danh và hướng dẫn bà con xếp hàng.",
    "Trung tâm khí tượng thủy văn tỉnh dự báo từ ngày 18 đến ngày 20 có mưa to, lượng mưa 100-150 mm.",
    "Ban chỉ huy PCTT&TKCN xã yêu cầu các hộ ven sông Đắk Psi chủ động gia cố nhà cửa, chuẩn bị lương thực.",
    "Không qua lại ngầm tràn khi nước lên, không vớt củi trên sông, theo dõi thông tin trên loa truyền thanh.",
    "Khi cần hỗ trợ khẩn cấp, bà con gọi số 0912 345 678 của trực ban xã hoặc đường dây nóng 112.",
    "Hội nông dân xã hướng dẫn thu hoạch sớm 35 ha lúa đã chín để giảm thiệt hại do mưa lũ.",
    "Mức hỗ trợ giống cây trồng sau thiên tai là 1.500.000 đồng mỗi héc ta, nộp hồ sơ tại bộ phận một cửa.",
    "UBND xã đề nghị trưởng các thôn, tổ dân phố phổ biến thông báo này đến từng hộ gia đình.",
]


def bulletin(words: int) -> str:
    """`words` words as written, cycling through a commune's usual announcements."""
    chosen, index = [], 0
    while len(chosen) < words:
        chosen += SENTENCES[index % len(SENTENCES)].split()
        index += 1
    text = " ".join(chosen[:words])
    return text if text.endswith(".") else text + "."


def run(text: str, engine) -> dict:
    started = time.perf_counter()
    spoken = speakable(text)
    normalised = time.perf_counter()
    clips = engine.synthesize(spoken, voice=args.voice, speed=args.speed)
    synthesised = time.perf_counter()
    audio = encode_speech([clip.audio for clip in clips])
    encoded = time.perf_counter()
    return {
        "normalise_s": normalised - started,
        "synthesis_s": synthesised - normalised,
        "encode_s": encoded - synthesised,
        "compute_s": encoded - started,
        "audio_s": audio.duration_s,
        "bytes": audio.size_bytes,
        "lufs": audio.loudness_lufs,
        "clips": len(clips),
    }


def main():
    missing = [name for name in ("espeak-ng", "ffmpeg") if shutil.which(name) is None]
    if missing:
        sys.exit(f"Not installed: {', '.join(missing)} (apt-get install espeak-ng ffmpeg)")
    text = bulletin(args.words)
    engine = engine_for("espeak")
    print(f"bulletin: {len(text.split())} words as written, {len(speakable(text).split())} words spoken, "
          f"{len(text)} characters; voice {args.voice}, speed {args.speed}")
    runs = [run(text, engine) for _ in range(args.repeat)]

    def median(name):
        return statistics.median(r[name] for r in runs)

    rows = [
        ("audio (s)", f"{median('audio_s'):.1f}"),
        ("compute (s): normalise", f"{median('normalise_s'):.3f}"),
        ("compute (s): synthesis, espeak-ng", f"{median('synthesis_s'):.2f}"),
        ("compute (s): loudness + MP3, ffmpeg", f"{median('encode_s'):.2f}"),
        ("compute (s): total", f"{median('compute_s'):.2f}"),
        ("audio s / compute s: synthesis", f"{statistics.median(r['audio_s'] / r['synthesis_s'] for r in runs):.0f}"),
        ("audio s / compute s: all steps", f"{statistics.median(r['audio_s'] / r['compute_s'] for r in runs):.1f}"),
        ("MP3 bytes / minute", f"{statistics.median(r['bytes'] / r['audio_s'] * 60 for r in runs):,.0f}"),
        ("loudness (LUFS, target -23)", f"{median('lufs'):.1f}"),
    ]
    for label, value in rows:
        print(f"{label:<38} {value:>10}")
    print(f"(medians over {args.repeat} runs)")


if __name__ == "__main__":
    main()
