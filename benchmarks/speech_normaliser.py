"""The Vietnamese text normaliser (`core.speech`) on its corpus: how many of the hand-written input/expected
pairs of tests/core/test_speech_text.py it reads exactly right, and how fast it reads a bulletin.

    .venv/bin/python benchmarks/speech_normaliser.py

The suite requires every pair to pass; this script prints the same judgement as a figure (and the pairs
that fail, while the normaliser is being changed), plus the median time to normalise the corpus's texts.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.speech import number_words, speakable  # noqa: E402
from tests.core.test_speech_text import NUMBERS, TEXTS  # noqa: E402


def main():
    wrong = [(n, number_words(n), e) for n, e in NUMBERS if number_words(n) != e]
    wrong += [(t, speakable(t), e) for t, e in TEXTS if speakable(t) != e]
    total = len(NUMBERS) + len(TEXTS)
    print(f"pairs: {total} ({len(NUMBERS)} numbers, {len(TEXTS)} texts)")
    print(f"exactly right: {total - len(wrong)} of {total} ({100 * (total - len(wrong)) / total:.1f}%)")
    for given, got, expected in wrong:
        print(f"  {given!r}\n    got:      {got}\n    expected: {expected}")
    text = " ".join(t for t, _ in TEXTS)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        speakable(text)
        times.append(time.perf_counter() - start)
    print(f"normalising all {len(TEXTS)} texts at once ({len(text.split())} words): "
          f"median {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
