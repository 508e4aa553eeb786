"""Text-to-speech for commune radio: Vietnamese text normalised (`core.speech`), split at sentence
boundaries to each engine's limit, synthesised by the commune's engine, then loudness-normalised
(EBU R128) and encoded as MP3 (`audio.py`).

- `engines.py`  one interface, four engines: espeak-ng (offline, the default), FPT.AI, Viettel AI, Zalo AI
- `audio.py`    ffmpeg: join, normalise, encode; duration and sha256
- `text.py`     splitting text at sentence boundaries
"""
