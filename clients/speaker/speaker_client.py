#!/usr/bin/env python3
"""Reference client for a commune loudspeaker cluster (cụm loa) of the portal's device API.

What a vendor builds on: one file, Python 3.10+, standard library only. It

- polls the device's snapshot (`GET devices/<id>/snapshot`, schema `vn-portal-device-feed/1`) with
  `If-None-Match`, at `next_check_at` or every `poll_interval_s`, and the emergency alerts
  (`GET devices/<id>/alerts`) every `alerts_poll_interval_s`; honours 304, and backs off exponentially
  with jitter on errors, `Retry-After` first (429, 503);
- corrects its clock by the server's `now` (the same bounds the board player narrows);
- downloads every asset the snapshot and the alerts list, resumes interrupted downloads with `Range`,
  checks each file's SHA-256 before using it, and keeps them on disk by their hash;
- plays the snapshot's `schedule` (files and relayed streams) through a pluggable audio sink, never
  outside an item's `valid_from`/`valid_until`, from the last good snapshot when the network is gone
  and after a restart;
- plays a new emergency at once: whatever plays is interrupted, the alert's audio plays `repeats` times
  `gap_s` apart, and the schedule comes back (a relay whose window is still open resumes);
- reports: a heartbeat after every snapshot poll (and every minute while an emergency is in force),
  and batched proof-of-play records kept on disk until the server has acknowledged them.

Run it:

    python speaker_client.py --base-url https://cong.example.vn --device-id 17 \
        --token-file /etc/loa/token --cache-dir /var/lib/loa

See README.md next to this file for the sink interface and the options.
"""

from __future__ import annotations

import argparse
import datetime
import email.utils
import gzip
import hashlib
import json
import logging
import os
import random
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

APP_VERSION = "loa-tham-chieu-1"
FEED_SCHEMA = "vn-portal-device-feed/1"
API_PATH = "/api/devices/v1/"
UTC = datetime.timezone.utc
VIETNAM = datetime.timezone(datetime.timedelta(hours=7), "ICT")
OUTCOMES = ("completed", "interrupted", "skipped", "failed")
MAX_PLAYS_KEPT = 5000
PLAYS_BATCH = 500
MAX_ERRORS_KEPT = 20
EMERGENCY_HEARTBEAT_S = 60
BACKOFF_BASE_S = 5.0
MIN_POLL_S = 2.0
EXTENSIONS = {"audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav",
              "audio/ogg": "ogg", "audio/aac": "aac", "audio/mp4": "m4a", "audio/flac": "flac"}
CHUNK = 64 * 1024

log = logging.getLogger("speaker_client")


# ------------------------------------------------------------------------------------------- time


def parse_time(value) -> float | None:
    """An RFC 3339 time with its offset → Unix seconds; None for anything else (a naive time is ambiguous)."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.timestamp()


def format_time(seconds: float) -> str:
    """Unix seconds → RFC 3339 in Vietnam's time, to the millisecond."""
    return datetime.datetime.fromtimestamp(seconds, VIETNAM).isoformat(timespec="milliseconds")


def as_datetime(seconds: float | None) -> datetime.datetime | None:
    return None if seconds is None else datetime.datetime.fromtimestamp(seconds, VIETNAM)


class SystemClock:
    """The real clocks. Tests pass an object with the same three methods whose time moves on `sleep`."""

    def now(self) -> float:
        """Wall-clock Unix seconds (the client corrects them by the server's `now`)."""
        return time.time()

    def monotonic(self) -> float:
        """For intervals: never jumps when the wall clock is corrected."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class ClockSync:
    """The server's clock is the truth. An answer stamped S that left between `sent` and `received`
    (local wall seconds) bounds the offset to [S − received, S + precision − sent]; successive answers
    narrow the bounds (each widened by 100 ppm of drift since the last), and bounds that no longer meet
    mean a clock jumped: start again. The offset used is the middle of the bounds."""

    def __init__(self, offset: float = 0.0):
        self.offset = offset
        self._bounds: tuple[float, float, float] | None = None

    def learn(self, server: float | None, sent: float, received: float, *, precision: float = 0.001) -> None:
        if server is None:
            return
        low, high = server - received, server + precision - sent
        if self._bounds is not None:
            old_low, old_high, at = self._bounds
            drift = abs(received - at) / 10000
            kept_low, kept_high = max(low, old_low - drift), min(high, old_high + drift)
            if kept_low <= kept_high:
                low, high = kept_low, kept_high
        self._bounds = (low, high, received)
        self.offset = (low + high) / 2


def precision_of(text: str | None) -> float:
    """An RFC 3339 time with a fraction is to the millisecond; without one, to the second."""
    return 0.001 if text and "." in text else 1.0


# -------------------------------------------------------------------------------------------- HTTP


@dataclass
class Response:
    status: int
    headers: dict = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None


class TransportError(OSError):
    """The request did not get an answer (no network, DNS, TLS, timeout)."""


class UrllibTransport:
    """The default HTTP layer. `request(..., into=writer)` streams a 2xx body into `writer` instead of
    keeping it in memory (media downloads): `writer.start(status)` first if it has one, then
    `writer.write(chunk)`. Errors come back as responses; only a missing answer raises
    `TransportError`. Any object with this `request` method can replace it (tests use a fake)."""

    def __init__(self, *, ca_file: str | None = None, user_agent: str = f"speaker-client/{APP_VERSION}"):
        self.context = ssl.create_default_context(cafile=ca_file)
        self.user_agent = user_agent

    def request(self, method: str, url: str, *, headers: dict | None = None, body: bytes | None = None,
                timeout: float = 20.0, into=None) -> Response:
        if not url.lower().startswith(("https://", "http://")):
            raise TransportError(f"Not an http(s) URL: {url[:80]}")
        headers = {"User-Agent": self.user_agent, **(headers or {})}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - checked above
        try:
            answer = urllib.request.urlopen(request, timeout=timeout, context=self.context)  # noqa: S310
        except urllib.error.HTTPError as error:  # 304 and every 4xx/5xx: an answer, not a failure
            try:
                data = error.read(256 * 1024) if error.fp is not None else b""
            except OSError:
                data = b""
            finally:
                error.close()
            return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, _decoded(error.headers, data))
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise TransportError(str(getattr(error, "reason", error))) from error
        try:
            with answer:
                headers = {k.lower(): v for k, v in answer.headers.items()}
                if into is not None and 200 <= answer.status < 300:
                    if hasattr(into, "start"):
                        into.start(answer.status)
                    while True:
                        chunk = answer.read(CHUNK)
                        if not chunk:
                            break
                        into.write(chunk)
                    return Response(answer.status, headers, b"")
                return Response(answer.status, headers, _decoded(answer.headers, answer.read()))
        except OSError as error:  # the connection dropped mid-body
            raise TransportError(str(error)) from error


def _decoded(headers, data: bytes) -> bytes:
    if data and (headers.get("Content-Encoding") or "").lower() == "gzip":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            return b""
    return data


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


def retry_after_s(value: str | None, now: float) -> float | None:
    """`Retry-After`: seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now) if moment is not None else None


def backoff_delay(failures: int, *, cap: float, retry_after: float | None, rng: random.Random,
                  base: float = BACKOFF_BASE_S) -> float:
    """Retry-After when the server gave one (plus up to a second of jitter); otherwise exponential
    (5 s, 10 s, 20 s … up to `cap`), from half to all of the step."""
    if retry_after is not None:
        return retry_after + rng.random()
    step = min(cap, base * 2 ** max(0, failures - 1))
    return step / 2 + rng.random() * step / 2


def api_root(base_url: str) -> str:
    """The API's root from the portal's address (or the API's own address)."""
    root = base_url.rstrip("/")
    if root.endswith(API_PATH.rstrip("/")):
        return root + "/"
    return root + API_PATH


# ----------------------------------------------------------------------------------------- storage


class Store:
    """Small JSON files in the cache folder, written atomically (a power cut leaves the old or the
    new file, never half of one)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def read(self, name: str, default=None):
        try:
            return json.loads((self.folder / name).read_text("utf-8"))
        except (OSError, ValueError):
            return default

    def write(self, name: str, value) -> None:
        path = self.folder / name
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out, ensure_ascii=False, separators=(",", ":"))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class AssetCache:
    """Media by SHA-256 under `<cache>/media/`. A download goes to `<sha256>.part` (resumed with `Range`
    and `If-Range` after an interruption), is hashed, and becomes `<sha256>.<ext>` only if the hash
    matches. A file on disk is hashed again the first time this process uses it (SD cards rot).

    Downloads run in one background thread (`background=True`), so a large file on a slow SIM never
    holds up the schedule or an emergency; `fetch` downloads at once in the caller's thread (emergency
    audio), under the same per-file lock. A file that failed is queued again only after a pause (10 s,
    doubling up to 10 minutes)."""

    RETRY_BASE_S, RETRY_CAP_S = 10.0, 600.0

    def __init__(self, folder, transport, *, timeout: float, note_error, background: bool, monotonic=time.monotonic):
        self.folder = Path(folder) / "media"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.transport, self.timeout, self.note_error, self.background = transport, timeout, note_error, background
        self.monotonic = monotonic
        self._failed: dict[str, tuple[int, float]] = {}  # sha256 → (failures, not before)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._verified: set[str] = set()
        self._queue: deque = deque()
        self._queued: set[str] = set()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False

    @staticmethod
    def extension(asset: dict) -> str:
        ext = EXTENSIONS.get(str(asset.get("mime") or "").lower())
        if ext:
            return ext
        suffix = Path(urllib.parse.urlsplit(str(asset.get("url") or "")).path).suffix.lstrip(".").lower()
        return suffix if suffix.isalnum() and len(suffix) <= 5 else "bin"

    def path(self, asset: dict) -> Path:
        return self.folder / f"{asset['sha256']}.{self.extension(asset)}"

    def _lock(self, sha256: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(sha256, threading.Lock())

    def ready(self, asset: dict | None) -> Path | None:
        """The checked file of an asset, or None when it is not (or no longer) on disk."""
        if not valid_asset(asset):
            return None
        path = self.path(asset)
        if not path.exists():
            return None
        sha256 = asset["sha256"]
        if sha256 not in self._verified:
            with self._lock(sha256):
                if sha256 not in self._verified:
                    if file_sha256(path) != sha256:
                        self.note_error("asset_corrupt", f"{asset['id']}: the file on disk changed; downloading it again")
                        path.unlink(missing_ok=True)
                        return None
                    self._verified.add(sha256)
        return path

    def fetch(self, asset: dict) -> Path | None:
        """Download now (if needed) and return the checked file, or None."""
        if not valid_asset(asset):
            return None
        sha256 = asset["sha256"]
        with self._lock(sha256):
            if not self.path(asset).exists():
                if not self._download(asset):
                    failures = self._failed.get(sha256, (0, 0.0))[0] + 1
                    pause = min(self.RETRY_CAP_S, self.RETRY_BASE_S * 2 ** (failures - 1))
                    self._failed[sha256] = (failures, self.monotonic() + pause)
                    return None
                self._failed.pop(sha256, None)
        return self.ready(asset)

    def _download(self, asset: dict) -> bool:
        sha256, final = asset["sha256"], self.path(asset)
        part = self.folder / f"{sha256}.part"
        have = part.stat().st_size if part.exists() else 0
        headers = {}
        if have:
            headers = {"Range": f"bytes={have}-", "If-Range": f'"{sha256}"'}
        try:
            with open(part, "ab") as out:
                response = self.transport.request("GET", asset["url"], headers=headers, timeout=self.timeout,
                                                  into=_RangeWriter(out, have))
        except TransportError as error:
            self.note_error("asset_failed", f"{asset['id']}: {error} (kept {part.stat().st_size} bytes to resume)")
            return False
        if response.status == 416:
            part.unlink(missing_ok=True)
            self.note_error("asset_failed", f"{asset['id']}: range refused; starting again")
            return False
        if not 200 <= response.status < 300:
            detail = ""
            try:
                detail = (response.json() or {}).get("error", "")
            except (ValueError, AttributeError):
                pass
            self.note_error("asset_failed", f"{asset['id']}: HTTP {response.status} {detail}".strip())
            return False
        digest = file_sha256(part)
        if digest != sha256:
            part.unlink(missing_ok=True)
            self.note_error("asset_sha256_mismatch", f"{asset['id']}: the file's SHA-256 is {digest}")
            return False
        os.replace(part, final)
        self._verified.add(sha256)
        log.info("downloaded %s (%s bytes)", asset["id"], final.stat().st_size)
        return True

    def want(self, assets) -> None:
        """Queue what is not on disk yet (the background thread, or `pump`, downloads it)."""
        now = self.monotonic()
        with self._wake:
            for asset in assets:
                if not valid_asset(asset) or asset["sha256"] in self._queued or self.path(asset).exists():
                    continue
                if self._failed.get(asset["sha256"], (0, 0.0))[1] <= now:
                    self._queue.append(dict(asset))
                    self._queued.add(asset["sha256"])
            self._wake.notify()
        if self.background and self._thread is None and self._queue:
            self._thread = threading.Thread(target=self._work, name="speaker-downloads", daemon=True)
            self._thread.start()

    def pump(self) -> None:
        """Without a background thread: download everything queued, now."""
        if self.background:
            return
        while self._queue:
            asset = self._queue.popleft()
            self._queued.discard(asset["sha256"])
            self.fetch(asset)

    def pending(self) -> int:
        return len(self._queue)

    def _work(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closing:
                    self._wake.wait()
                if self._closing:
                    return
                asset = self._queue.popleft()
            try:
                self.fetch(asset)
            except Exception as error:  # noqa: BLE001 - the thread must live on; the error is reported
                self.note_error("asset_failed", f"{asset.get('id')}: {error!r}")
            finally:
                with self._wake:
                    self._queued.discard(asset["sha256"])

    def purge(self, keep: set[str]) -> None:
        """Delete files no asset of the snapshot or the alerts names any more."""
        for path in self.folder.iterdir():
            sha256 = path.name.split(".", 1)[0]
            if sha256 in keep or sha256 in self._queued:
                continue
            lock = self._lock(sha256)
            if lock.acquire(blocking=False):  # a file being downloaded is left for the next purge
                try:
                    path.unlink(missing_ok=True)
                    self._verified.discard(sha256)
                finally:
                    lock.release()

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify_all()


class _RangeWriter:
    """Appends to a partial download when the server answers 206, starts over on a 200 (the whole file:
    the server ignores ranges, or `If-Range` did not match)."""

    def __init__(self, handle, have: int):
        self.handle, self.have = handle, have

    def start(self, status: int) -> None:
        if status != 206 and self.have:
            self.handle.seek(0)
            self.handle.truncate()
            self.have = 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)


def valid_asset(asset) -> bool:
    return (isinstance(asset, dict) and isinstance(asset.get("sha256"), str) and len(asset["sha256"]) == 64
            and all(c in "0123456789abcdef" for c in asset["sha256"]) and isinstance(asset.get("url"), str))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------- sinks


class Sink:
    """Where audio goes. Play calls return at once (the client tracks time and calls `stop`); a new
    play call replaces whatever the sink was playing.

    - `play_file(path, *, item_id, until)`: play a local file (checked against its SHA-256).
    - `play_stream(url, *, item_id, until)`: play a live stream (a relay of the province's or national
      radio) until stopped.
    - `stop()`: silence, at once.
    - `is_playing()` (optional): False once the sound has ended by itself (the file is over, the stream
      dropped); None when the sink cannot tell.

    `until` is the latest moment the play may last (a timezone-aware datetime, server time): the client
    stops the sink then in any case; a sink may use it as a safety net.
    """

    def play_file(self, path: str, *, item_id: str, until: datetime.datetime | None) -> None:
        raise NotImplementedError

    def play_stream(self, url: str, *, item_id: str, until: datetime.datetime | None) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def is_playing(self) -> bool | None:
        return None


class SinkEvent(NamedTuple):
    event: str  # "file", "stream", "stop"
    item_id: str | None
    at: float  # wall-clock Unix seconds when the sink was told
    target: str | None = None  # the file's path or the stream's URL
    until: datetime.datetime | None = None


class RecordingSink(Sink):
    """Plays nothing; records what would have been played and when: `events` is a list of
    `SinkEvent(event, item_id, at, target, until)`. For tests and for a dry run."""

    def __init__(self, now=time.time):
        self.now = now
        self.events: list[SinkEvent] = []
        self.current: str | None = None
        self._lock = threading.Lock()

    def _add(self, event: SinkEvent) -> None:
        with self._lock:
            self.events.append(event)

    def play_file(self, path, *, item_id, until):
        if self.current is not None:
            self.stop()
        self.current = item_id
        self._add(SinkEvent("file", item_id, self.now(), str(path), until))

    def play_stream(self, url, *, item_id, until):
        if self.current is not None:
            self.stop()
        self.current = item_id
        self._add(SinkEvent("stream", item_id, self.now(), url, until))

    def stop(self):
        if self.current is not None:
            self._add(SinkEvent("stop", self.current, self.now()))
        self.current = None

    def is_playing(self):
        return self.current is not None

    def snapshot(self) -> list[SinkEvent]:
        with self._lock:
            return list(self.events)


PLAYERS = (
    ("ffplay", ["-nodisp", "-autoexit", "-hide_banner", "-loglevel", "error", "{}"]),
    ("mpg123", ["-q", "{}"]),
)


class CommandSink(Sink):
    """Plays through an external program: `ffplay -nodisp -autoexit` (Debian package ffmpeg) or `mpg123`,
    whichever is installed, or `command` (a list or a string with `{}` for the file or URL)."""

    def __init__(self, command=None):
        if command is None:
            for program, arguments in PLAYERS:
                found = shutil.which(program)
                if found:
                    command = [found, *arguments]
                    break
            else:
                raise RuntimeError("No audio player found: install ffmpeg (ffplay) or mpg123, or pass --player")
        self.command = shlex.split(command) if isinstance(command, str) else list(command)
        if "{}" not in self.command:
            self.command.append("{}")
        self.process: subprocess.Popen | None = None

    def _start(self, target: str) -> None:
        self.stop()
        arguments = [target if part == "{}" else part for part in self.command]
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)  # noqa: S603

    def play_file(self, path, *, item_id, until):
        self._start(str(path))

    def play_stream(self, url, *, item_id, until):
        self._start(url)

    def stop(self):
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=2)

    def is_playing(self):
        return self.process is not None and self.process.poll() is None


# ---------------------------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class Entry:
    """One line of the snapshot's `schedule`, with its item's validity."""

    key: str
    item_id: str
    start: float
    end: float
    kind: str  # "audio" | "relay"
    klass: str
    asset_id: str | None = None
    stream_url: str | None = None
    language: str | None = None
    revision: int | None = None
    duration_s: float | None = None
    valid_from: float | None = None
    valid_until: float | None = None

    @property
    def play_from(self) -> float:
        return max(self.start, self.valid_from) if self.valid_from is not None else self.start

    @property
    def play_until(self) -> float:
        return min(self.end, self.valid_until) if self.valid_until is not None else self.end


@dataclass(frozen=True)
class AlertPlan:
    """An emergency alert with radio audio: what to play, how often, and while it is in force."""

    item_id: str
    revision: int | None
    asset_id: str
    duration_s: float | None
    repeats: int
    gap_s: float
    language: str | None
    valid_from: float | None
    valid_until: float | None

    def in_force(self, t: float) -> bool:
        return (self.valid_from is None or self.valid_from <= t) and (self.valid_until is None or t < self.valid_until)


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _integer(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def schedule_of(snapshot: dict | None) -> list[Entry]:
    """The snapshot's schedule as entries, sorted by start. Alerts' lines are left out: an alert plays by
    its item's `audio` (at once when the alerts call brings it, then `repeats` times `gap_s` apart), so
    that it never waits for the next snapshot; the relay the server split around it resumes by its own
    lines. Lines that cannot play (no times, no asset or stream) are left out too."""
    if not isinstance(snapshot, dict):
        return []
    items = {item.get("id"): item for item in snapshot.get("items") or [] if isinstance(item, dict)}
    assets = {asset.get("id"): asset for asset in snapshot.get("assets") or [] if isinstance(asset, dict)}
    entries = []
    for line in snapshot.get("schedule") or []:
        if not isinstance(line, dict):
            continue
        item_id, start, end = line.get("item_id"), parse_time(line.get("start_at")), parse_time(line.get("end_at"))
        if not isinstance(item_id, str) or start is None or end is None or end <= start:
            continue
        item = items.get(item_id) or {}
        if item_id.startswith("alert-") or item.get("type") == "alert":
            continue
        kind = line.get("kind") or item.get("kind")
        asset_id = line.get("asset_id") or item.get("asset_id")
        stream_url = line.get("stream_url") or item.get("stream_url")
        if kind == "relay" and not isinstance(stream_url, str):
            continue
        if kind == "audio" and not isinstance(asset_id, str):
            continue
        if kind not in ("audio", "relay"):
            continue
        duration = _number(line.get("duration_s")) or _number(item.get("duration_s"))
        if duration is None and asset_id in assets:
            duration = _number(assets[asset_id].get("duration_s"))
        entries.append(Entry(
            key=f"{item_id}@{line.get('start_at')}", item_id=item_id, start=start, end=end, kind=kind,
            klass=str(line.get("class") or item.get("class") or "routine"),
            asset_id=asset_id if kind == "audio" else None, stream_url=stream_url if kind == "relay" else None,
            language=line.get("language") or item.get("language"),
            revision=_integer(item.get("revision")), duration_s=duration,
            valid_from=parse_time(item.get("valid_from")), valid_until=parse_time(item.get("valid_until")),
        ))
    entries.sort(key=lambda entry: (entry.start, entry.end))
    return entries


def due_entry(entries: list[Entry], t: float) -> Entry | None:
    """The entry that should sound at `t` (within its window and its item's validity)."""
    for entry in entries:
        if entry.start > t:
            break
        if entry.play_from <= t < entry.play_until:
            return entry
    return None


def trigger_of(klass: str) -> str:
    return {"priority": "priority", "emergency": "emergency"}.get(klass, "scheduled")


def alert_plans(items) -> list[AlertPlan]:
    """Alert items that have radio audio, in the server's order (most severe first)."""
    plans = []
    for item in items or []:
        if not isinstance(item, dict) or item.get("type", "alert") != "alert" or not isinstance(item.get("id"), str):
            continue
        audio = item.get("audio")
        if not isinstance(audio, dict) or not isinstance(audio.get("asset_id"), str):
            continue
        repeats = _integer(audio.get("repeats"))
        repeats = 1 if repeats is None else repeats
        if repeats < 1:
            continue
        plans.append(AlertPlan(
            item_id=item["id"], revision=_integer(item.get("revision")), asset_id=audio["asset_id"],
            duration_s=_number(audio.get("duration_s")), repeats=repeats,
            gap_s=max(0.0, _number(audio.get("gap_s")) or 0.0), language=audio.get("language") or item.get("language"),
            valid_from=parse_time(item.get("valid_from")),
            valid_until=parse_time(item.get("valid_until") or item.get("expires")),
        ))
    return plans


# ------------------------------------------------------------------------------------------ client


@dataclass
class Config:
    base_url: str
    device_id: int
    token: str
    cache_dir: str
    poll_interval_s: float | None = None  # overrides the server's poll_interval_s
    alerts_interval_s: float | None = None  # overrides the server's alerts_poll_interval_s
    start_grace_s: float = 30.0  # an audio item starts at most this late, else it is skipped
    resume_in_gap_s: float = 30.0  # the schedule resumes between an alert's repeats only in gaps this long
    relay_retry_s: float = 10.0  # a dropped relay stream is tried again after this
    plays_flush_s: float = 30.0  # proof of play waiting longer than this is sent after an alerts poll
    max_sleep_s: float = 1.0  # the loop looks at least this often
    request_timeout_s: float = 20.0
    download_timeout_s: float = 120.0
    background_downloads: bool = True
    firmware: str = ""


@dataclass
class Playing:
    """What the sink is playing, for the client's bookkeeping and the proof-of-play record."""

    key: str
    item_id: str
    mode: str  # "alert" | "schedule"
    kind: str  # "audio" | "relay"
    klass: str
    trigger: str
    started_wall: float  # server time
    started_mono: float
    until: float  # server time: the play stops then at the latest
    ends: float | None = None  # server time: when the file should be over (its duration)
    planned_until: float = 0.0  # `until` when it started (a new schedule may move `until`)
    language: str | None = None
    revision: int | None = None
    asset_id: str | None = None


class SpeakerClient:
    def __init__(self, config: Config, *, sink: Sink, transport=None, clock=None, rng: random.Random | None = None):
        self.config = config
        self.sink = sink
        self.transport = transport or UrllibTransport()
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self.root = api_root(config.base_url)
        self.store = Store(config.cache_dir)
        self.cache = AssetCache(config.cache_dir, self.transport, timeout=config.download_timeout_s,
                                note_error=self.note_error, background=config.background_downloads,
                                monotonic=self.clock.monotonic)
        self.sync = ClockSync()
        self._errors_lock = threading.Lock()
        self.errors: list[dict] = []
        self.snapshot: dict | None = None
        self.snapshot_etag: str | None = None
        self.snapshot_at = 0.0  # local wall time of the last good answer (200 or 304)
        self.alerts: dict | None = None
        self.alerts_etag: str | None = None
        self.alerts_at = 0.0
        self.entries: list[Entry] = []
        self.playing: Playing | None = None
        self._playing_stream: str | None = None
        self.done: dict[str, float] = {}  # schedule entries started, skipped or failed → their end
        self.waiting: dict[str, Entry] = {}  # audio entries due but not started yet
        self.retry_at: dict[str, float] = {}  # relays whose stream dropped → when to try again
        self.progress: dict[str, dict] = {}  # alert id → {"done": plays so far, "next": when the next is due}
        self.plays: list[dict] = []
        self.failures = {"snapshot": 0, "alerts": 0}
        self.next_snapshot = 0.0  # monotonic
        self.next_alerts = 0.0
        self.next_check_at: float | None = None  # server time
        self.last_heartbeat: float | None = None  # monotonic
        self.last_flush_attempt: float | None = None
        self.started_mono = self.clock.monotonic()
        self._stop = threading.Event()
        # The playback loop and the network thread share the state above under this lock; HTTP calls
        # and downloads happen outside it. Errors have their own lock (the download thread notes them).
        self._lock = threading.RLock()
        self._restore()

    # -------------------------------------------------------------------------------- state

    def now(self) -> float:
        """Server time, as far as this device knows it."""
        return self.clock.now() + self.sync.offset

    def note_error(self, code: str, message: str) -> None:
        log.warning("%s: %s", code, message)
        with self._errors_lock:
            self.errors.append({"code": code[:64], "message": message[:300], "at": format_time(self.now())})
            del self.errors[:-MAX_ERRORS_KEPT]

    def _restore(self) -> None:
        state = self.store.read("state.json", {}) or {}
        if state.get("device_id") != self.config.device_id:
            # Another device's cache: nothing of it is ours (and its plays are not ours to report).
            for name in ("snapshot.json", "alerts.json", "plays.json"):
                (self.store.folder / name).unlink(missing_ok=True)
            state = {"device_id": self.config.device_id}
            self.store.write("state.json", state)
        self.sync.offset = _number(state.get("clock_offset_s")) or 0.0
        self.progress = {k: v for k, v in (state.get("alerts") or {}).items() if isinstance(v, dict)}
        self.done = {k: v for k, v in (state.get("done") or {}).items() if isinstance(v, int | float)}
        self.errors = [e for e in state.get("errors") or [] if isinstance(e, dict)][-MAX_ERRORS_KEPT:]
        snapshot = self.store.read("snapshot.json")
        if isinstance(snapshot, dict) and isinstance(snapshot.get("body"), dict):
            self.snapshot, self.snapshot_etag = snapshot["body"], snapshot.get("etag")
            self.snapshot_at = _number(snapshot.get("at")) or 0.0
            self.entries = schedule_of(self.snapshot)
        alerts = self.store.read("alerts.json")
        if isinstance(alerts, dict) and isinstance(alerts.get("body"), dict):
            self.alerts, self.alerts_etag = alerts["body"], alerts.get("etag")
            self.alerts_at = _number(alerts.get("at")) or 0.0
        plays = self.store.read("plays.json", [])
        self.plays = [p for p in plays if isinstance(p, dict)] if isinstance(plays, list) else []
        if self.snapshot:
            log.info("restored the snapshot (revision %s) and %d plays to report", self.snapshot.get("revision"),
                     len(self.plays))

    def _save_state(self) -> None:
        with self._errors_lock:
            errors = list(self.errors)
        self.store.write("state.json", {"device_id": self.config.device_id, "clock_offset_s": self.sync.offset,
                                        "alerts": self.progress, "done": self.done, "errors": errors})

    # ------------------------------------------------------------------------------ network

    def _call(self, method: str, path: str, *, etag: str | None = None, payload=None) -> tuple[Response, float, float]:
        headers = {"Authorization": f"Bearer {self.config.token}", "Accept": "application/json",
                   "Accept-Encoding": "gzip"}
        body = None
        if etag:
            headers["If-None-Match"] = etag
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        sent = self.clock.now()
        try:
            response = self.transport.request(method, self.root + path, headers=headers, body=body,
                                              timeout=self.config.request_timeout_s)
        except TransportError as error:
            raise ApiError(0, "network", f"No answer from the server: {error}") from error
        received = self.clock.now()
        if response.status == 304 or 200 <= response.status < 300:
            return response, sent, received
        code, message = f"http_{response.status}", f"HTTP {response.status}"
        try:
            data = response.json()
            if isinstance(data, dict):
                code, message = str(data.get("error") or code), str(data.get("message") or message)
        except ValueError:
            pass
        raise ApiError(response.status, code, message, retry_after_s(response.header("Retry-After"), received))

    def _learn_from_date(self, response: Response, sent: float, received: float) -> None:
        date = response.header("Date")
        if date:
            try:
                moment = email.utils.parsedate_to_datetime(date)
            except (TypeError, ValueError):
                return
            if moment is not None and moment.tzinfo is not None:
                self.sync.learn(moment.timestamp(), sent, received, precision=1.0)

    def _learn_from_body(self, body: dict, sent: float, received: float) -> None:
        text = body.get("now") if isinstance(body, dict) else None
        self.sync.learn(parse_time(text), sent, received, precision=precision_of(text))

    def poll_interval(self) -> float:
        if self.config.poll_interval_s:
            return self.config.poll_interval_s
        return float((self.snapshot or {}).get("poll_interval_s") or 300)

    def alerts_interval(self) -> float:
        if self.config.alerts_interval_s:
            return self.config.alerts_interval_s
        value = (self.alerts or {}).get("poll_interval_s") or (self.snapshot or {}).get("alerts_poll_interval_s")
        return float(value or 30)

    def poll_snapshot(self) -> bool:
        device = self.config.device_id
        with self._lock:
            etag = self.snapshot_etag
        try:
            response, sent, received = self._call("GET", f"devices/{device}/snapshot", etag=etag)
            body = None if response.status == 304 else self._body(response)
            if body is not None and (not str(body.get("schema", "")).startswith(FEED_SCHEMA)
                                     or body.get("device_id") != device):
                raise ApiError(response.status, "bad_snapshot", "The snapshot is not a feed for this device")
        except ApiError as error:
            self.note_error(error.code, error.message)
            with self._lock:
                self.failures["snapshot"] += 1
                self.next_snapshot = self.clock.monotonic() + backoff_delay(
                    self.failures["snapshot"], cap=self.poll_interval(), retry_after=error.retry_after, rng=self.rng)
            if error.status:  # the server answered: it can hear about the problem
                self.heartbeat()
            return False
        with self._lock:
            if body is None:
                self._learn_from_date(response, sent, received)
            else:
                self._learn_from_body(body, sent, received)
                self.snapshot, self.snapshot_etag = body, response.header("ETag")
                self.entries = schedule_of(body)
                self.next_check_at = parse_time(body.get("next_check_at"))
                log.info("snapshot revision %s: %d schedule entries, %d assets", body.get("revision"),
                         len(self.entries), len(body.get("assets") or []))
            self.snapshot_at = self.clock.now()
            self.store.write("snapshot.json", {"etag": self.snapshot_etag, "body": self.snapshot, "at": self.snapshot_at})
            self.failures["snapshot"] = 0
            self.next_snapshot = self.clock.monotonic() + self._snapshot_delay()
            wanted = self._wanted_assets(self.snapshot)
        self.cache.want(wanted)
        self._purge()
        self.heartbeat()
        return True

    @staticmethod
    def _body(response: Response) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ApiError(response.status, "bad_body", "The answer is not a JSON object")
        return body

    def _snapshot_delay(self) -> float:
        delay = self.poll_interval()
        if self.next_check_at is not None:
            delay = min(delay, max(MIN_POLL_S, self.next_check_at - self.now()))
        return delay

    def poll_alerts(self) -> bool:
        device = self.config.device_id
        with self._lock:
            etag = self.alerts_etag
        try:
            response, sent, received = self._call("GET", f"devices/{device}/alerts", etag=etag)
            body = None if response.status == 304 else self._body(response)
            if body is not None and (body.get("device_id") != device
                                     or not isinstance(body.get("alerts", body.get("items")), list)):
                raise ApiError(response.status, "bad_alerts", "The alerts list is not for this device")
        except ApiError as error:
            self.note_error(error.code, error.message)
            with self._lock:
                self.failures["alerts"] += 1
                self.next_alerts = self.clock.monotonic() + backoff_delay(
                    self.failures["alerts"], cap=max(self.alerts_interval(), 60), retry_after=error.retry_after,
                    rng=self.rng)
            return False
        with self._lock:
            if body is None:
                self._learn_from_date(response, sent, received)
            else:
                self._learn_from_body(body, sent, received)
                self.alerts, self.alerts_etag = body, response.header("ETag")
                log.info("alerts revision %s: %d in force", body.get("revision"), len(self._alert_items(body)))
            self.alerts_at = self.clock.now()
            self.store.write("alerts.json", {"etag": self.alerts_etag, "body": self.alerts, "at": self.alerts_at})
            self.failures["alerts"] = 0
            self.next_alerts = self.clock.monotonic() + self.alerts_interval()
            t, plans, assets = self.now(), self.plans(), self._assets_by_id()
            wanted = self._wanted_assets(self.alerts)
        # An emergency's audio is fetched now, in this thread: nothing else matters more.
        for plan in plans:
            if plan.in_force(t) and self.cache.ready(assets.get(plan.asset_id)) is None:
                if plan.asset_id not in assets:
                    self.note_error("asset_unknown", f"{plan.item_id}: no asset {plan.asset_id} listed")
                elif self.cache.fetch(assets[plan.asset_id]) is None:
                    self.note_error("alert_audio_missing", f"{plan.item_id}: could not download its audio")
        self.cache.want(wanted)
        if body is not None:
            self.update_playback()  # a new emergency starts now, not at the playback loop's next turn
        return True

    @staticmethod
    def _alert_items(body) -> list:
        if not isinstance(body, dict):
            return []
        items = body.get("alerts", body.get("items"))
        return items if isinstance(items, list) else []

    @staticmethod
    def _wanted_assets(body) -> list[dict]:
        return [a for a in (body or {}).get("assets") or [] if valid_asset(a)]

    def _assets_by_id(self) -> dict[str, dict]:
        """Assets of the snapshot and of the alerts (the newer listing of an asset wins: fresher URL)."""
        bodies = [self.snapshot, self.alerts]
        if self.snapshot_at > self.alerts_at:
            bodies.reverse()
        found = {}
        for body in bodies:
            for asset in self._wanted_assets(body):
                found[asset.get("id") or f"sha256:{asset['sha256']}"] = asset
        return found

    def _purge(self) -> None:
        with self._lock:
            if self.snapshot is None:
                return
            keep = {asset["sha256"] for asset in self._assets_by_id().values()}
        self.cache.purge(keep)

    def missing_assets(self) -> list[str]:
        return [asset_id for asset_id, asset in self._assets_by_id().items() if not self.cache.path(asset).exists()]

    def heartbeat(self) -> bool:
        with self._lock:
            report, errors = self._heartbeat_report()
        try:
            response, sent, received = self._call("POST", f"devices/{self.config.device_id}/heartbeat", payload=report)
        except ApiError as error:
            log.info("heartbeat not delivered: %s", error.message)
            return False
        try:
            body = response.json() or {}
        except ValueError:
            body = {}
        with self._lock:
            self.last_heartbeat = self.clock.monotonic()
            if isinstance(body, dict):
                self._learn_from_body(body, sent, received)
                next_check = parse_time(body.get("next_check_at"))
                if next_check is not None:
                    self.next_check_at = next_check
            with self._errors_lock:  # sent and heard: those are reported (any noted meanwhile stay)
                self.errors = [error for error in self.errors if error not in errors]
            self._save_state()
        self.send_plays()
        return True

    def _heartbeat_report(self) -> tuple[dict, list]:
        with self._errors_lock:
            errors = list(self.errors)
        missing = self.missing_assets()
        report = {
            "status": "error" if self.snapshot is None else ("degraded" if errors or missing else "ok"),
            "app_version": APP_VERSION,
            "uptime_s": round(self.clock.monotonic() - self.started_mono, 1),
            "clock_offset_s": round(self.sync.offset, 3),
            "missing_assets": missing[:100],
            "errors": errors,
        }
        if self.config.firmware:
            report["firmware"] = self.config.firmware[:64]
        if self.snapshot is not None:
            report["snapshot_revision"] = str(self.snapshot.get("revision"))[:64]
        if self.alerts is not None:
            report["alerts_revision"] = str(self.alerts.get("revision"))[:64]
        try:
            usage = shutil.disk_usage(self.store.folder)
            report["storage"] = {"free_bytes": usage.free, "total_bytes": usage.total}
        except OSError:
            pass
        if self.playing is not None:
            current = {"id": self.playing.item_id, "started_at": format_time(self.playing.started_wall)}
            if self.playing.revision is not None:
                current["revision"] = self.playing.revision
            report["current_item"] = current
        return report, errors

    def send_plays(self) -> None:
        """Send what is waiting, 500 at a time. Accepted, duplicate (already there) and rejected (it never
        will pass) records leave the queue; on no answer or a server error they stay, on disk."""
        self.last_flush_attempt = self.clock.monotonic()
        while True:
            with self._lock:
                batch = list(self.plays[:PLAYS_BATCH])
            if not batch:
                return
            try:
                response, _, _ = self._call("POST", f"devices/{self.config.device_id}/plays", payload={"records": batch})
            except ApiError as error:
                if error.status not in (400, 413):
                    log.info("plays not delivered (%d waiting): %s", len(batch), error.message)
                    return
                # The batch itself is refused: it will never pass.
                self.note_error("plays_refused", f"{len(batch)} records refused: {error.message}")
            else:
                try:
                    result = response.json() or {}
                except ValueError:
                    result = {}
                for rejected in result.get("rejected") or [] if isinstance(result, dict) else []:
                    self.note_error("play_rejected",
                                    f"{rejected.get('record_id')}: {json.dumps(rejected.get('errors'))[:200]}")
            sent = {record.get("record_id") for record in batch}
            with self._lock:
                self.plays = [record for record in self.plays if record.get("record_id") not in sent]
                self.store.write("plays.json", self.plays)

    # ---------------------------------------------------------------------------- playing

    def plans(self) -> list[AlertPlan]:
        """The alerts to voice: the alerts endpoint is the authority once it has answered since the
        snapshot; before that (offline start, an old alerts body), the snapshot's alert items count too."""
        items = list(self._alert_items(self.alerts))
        if self.snapshot is not None and (self.alerts is None or self.snapshot_at > self.alerts_at):
            seen = {item.get("id") for item in items if isinstance(item, dict)}
            items += [item for item in self.snapshot.get("items") or []
                      if isinstance(item, dict) and item.get("type") == "alert" and item.get("id") not in seen]
        return alert_plans(items)

    def _record(self, playing: Playing, outcome: str, *, interrupted_by: str | None = None) -> None:
        lasted = max(0.0, self.clock.monotonic() - playing.started_mono)
        self._add_record(playing.item_id, klass=playing.klass, trigger=playing.trigger, outcome=outcome,
                         started=playing.started_wall, ended=playing.started_wall + lasted,
                         language=playing.language, revision=playing.revision, asset_id=playing.asset_id,
                         interrupted_by=interrupted_by)

    def _add_record(self, item_id: str, *, klass: str, trigger: str, outcome: str, started: float, ended: float,
                    language: str | None = None, revision: int | None = None, asset_id: str | None = None,
                    interrupted_by: str | None = None) -> None:
        started_ms = round(started * 1000)
        ended_ms = max(started_ms + 1, round(ended * 1000))  # the server refuses zero-length records
        record = {"record_id": str(uuid.uuid4()), "item_id": item_id[:64], "class": klass, "trigger": trigger,
                  "started_at": format_time(started_ms / 1000), "ended_at": format_time(ended_ms / 1000),
                  "outcome": outcome}
        if revision is not None:
            record["item_revision"] = revision
        if language:
            record["language"] = language
        if asset_id:
            record["asset_id"] = asset_id
        if interrupted_by:
            record["interrupted_by"] = interrupted_by
        log.info("play %s %s %s → %s", item_id, record["started_at"], record["ended_at"], outcome)
        self.plays.append(record)
        del self.plays[:-MAX_PLAYS_KEPT]
        self.store.write("plays.json", self.plays)

    def _finish(self, outcome: str, *, interrupted_by: str | None = None) -> None:
        playing, self.playing = self.playing, None
        if playing is None:
            return
        self.sink.stop()
        self._record(playing, outcome, interrupted_by=interrupted_by)
        if playing.mode == "alert":
            progress = self.progress.setdefault(playing.item_id, {"done": 0, "next": None})
            if outcome != "interrupted" or playing.ends is not None and self.now() >= playing.ends - 0.5:
                progress["done"] = int(progress.get("done") or 0) + 1
            gap = next((p.gap_s for p in self.plans() if p.item_id == playing.item_id), 0.0)
            progress["next"] = self.now() + gap
        self._save_state()

    def _end_if_over(self, t: float, plans: list[AlertPlan]) -> None:
        outcome = self._ended(self.playing, t, plans)
        if outcome is None:
            return
        if outcome == "failed":
            self.note_error("play_failed", f"{self.playing.item_id}: the sound stopped early")
            if self.playing.kind == "relay":
                self.retry_at[self.playing.key] = t + self.config.relay_retry_s
        self._finish(outcome)

    def _ended(self, playing: Playing, t: float, plans: list[AlertPlan]) -> str | None:
        """Why the current play is over ("completed", "interrupted", "failed"), or None while it goes on."""
        sounding = self.sink.is_playing()
        if playing.mode == "alert":
            plan = next((p for p in plans if p.item_id == playing.item_id), None)
            if plan is None or not plan.in_force(t):
                return "completed" if playing.ends is not None and t >= playing.ends else "interrupted"
        elif playing.key not in {entry.key for entry in self.entries}:
            return "interrupted"  # the item left the schedule (withdrawn, or a new schedule)
        if playing.ends is not None and t >= playing.ends:
            return "completed"
        if t >= playing.until:
            if playing.kind == "relay":  # its window's end, unless a new schedule cut the window short
                return "completed" if playing.until >= playing.planned_until - 0.5 else "interrupted"
            return "completed" if playing.ends is None else "interrupted"
        if sounding is False:  # the sound stopped by itself
            if playing.kind == "audio" and (playing.ends is None or t >= playing.ends - 1.0):
                return "completed"
            return "failed"
        return None

    def _alert_due(self, plan: AlertPlan, t: float) -> bool:
        progress = self.progress.get(plan.item_id)
        if progress is None or progress.get("revision") != plan.revision:
            progress = self.progress[plan.item_id] = {"done": 0, "next": t, "revision": plan.revision}
            self._save_state()
        done = int(progress.get("done") or 0)
        next_at = _number(progress.get("next"))
        return done < plan.repeats and (next_at is None or next_at <= t) and plan.in_force(t)

    def _in_short_gap(self, plans: list[AlertPlan], t: float) -> bool:
        """Between two repeats of an alert with a short gap, the speakers stay silent."""
        for plan in plans:
            progress = self.progress.get(plan.item_id) or {}
            done, next_at = int(progress.get("done") or 0), _number(progress.get("next"))
            if (0 < done < plan.repeats and next_at is not None and next_at > t and plan.in_force(t)
                    and plan.gap_s < self.config.resume_in_gap_s):
                return True
        return False

    def update_playback(self) -> None:
        """Decide what sounds now: the current play may be over; a due emergency interrupts anything
        but another emergency; otherwise the schedule's entry for this moment plays."""
        with self._lock:
            self._update_playback()

    def _update_playback(self) -> None:
        t = self.now()
        plans = self.plans()
        assets = self._assets_by_id()
        entry = due_entry(self.entries, t)
        if entry is not None and entry.kind == "audio" and entry.key not in self.done:
            self.waiting.setdefault(entry.key, entry)
        self._give_up_waiting(t, assets)
        self._follow_schedule_change(t)
        if self.playing is not None and self.playing.mode == "alert":
            self._end_if_over(t, plans)

        # 1. Emergencies: a due alert whose audio is here interrupts anything but another alert (so an
        # emergency, not a schedule that changed for it, is what a play it cuts is reported cut by).
        if self.playing is None or self.playing.mode != "alert":
            for plan in plans:
                if not self._alert_due(plan, t):
                    continue
                path = self.cache.ready(assets.get(plan.asset_id))
                if path is None:
                    continue  # its audio is being fetched; the schedule goes on meanwhile
                if self.playing is not None:
                    if self.playing.mode == "schedule" and self.playing.kind == "audio":
                        self.done[self.playing.key] = self.playing.until  # a bulletin is not started again
                    self._finish("interrupted", interrupted_by=plan.item_id)
                self._start_alert(plan, path, t)
                return
        if self.playing is not None and self.playing.mode == "alert":
            return
        if self.playing is not None:
            self._end_if_over(t, plans)
        if self._in_short_gap(plans, t):
            return

        # 2. The schedule.
        if (self.playing is not None and entry is not None and entry.key != self.playing.key
                and entry.key not in self.done):
            self._finish("interrupted" if self.playing.ends is None or t < self.playing.ends else "completed",
                         interrupted_by=entry.item_id)
        if self.playing is None and entry is not None and entry.key not in self.done:
            self._start_entry(entry, t, assets)
        self._forget_past(t)

    def _follow_schedule_change(self, t: float) -> None:
        """A new snapshot may cut the playing relay's window differently: a new end (it stops then), or a
        new key, when the same stream of the same item is due now (it goes on without a break)."""
        playing = self.playing
        if playing is None or playing.mode != "schedule" or playing.kind != "relay":
            return
        same = next((entry for entry in self.entries if entry.key == playing.key), None)
        if same is not None:
            playing.until = same.play_until
            return
        entry = due_entry(self.entries, t)
        if entry is not None and entry.kind == "relay" and entry.item_id == playing.item_id:
            stream = next((e.stream_url for e in self.entries if e.key == entry.key), None)
            if stream == self._playing_stream:
                playing.key, playing.until = entry.key, entry.play_until

    def _begin(self, playing: Playing) -> None:
        playing.planned_until = playing.until
        self.playing = playing

    def _start_alert(self, plan: AlertPlan, path: Path, t: float) -> None:
        done = int(self.progress[plan.item_id].get("done") or 0)
        until = plan.valid_until if plan.valid_until is not None else t + (plan.duration_s or 600)
        ends = t + plan.duration_s if plan.duration_s else None
        log.info("EMERGENCY %s: play %d of %d", plan.item_id, done + 1, plan.repeats)
        self.sink.play_file(str(path), item_id=plan.item_id, until=as_datetime(min(until, ends or until)))
        self._begin(Playing(key=f"{plan.item_id}#{done + 1}", item_id=plan.item_id, mode="alert", kind="audio",
                               klass="emergency", trigger="emergency", started_wall=t,
                               started_mono=self.clock.monotonic(), until=until, ends=ends, language=plan.language,
                               revision=plan.revision, asset_id=plan.asset_id))

    def _start_entry(self, entry: Entry, t: float, assets: dict) -> None:
        trigger = trigger_of(entry.klass)
        until = entry.play_until
        if entry.kind == "relay":
            if self.retry_at.get(entry.key, 0) > t:
                return
            self.retry_at.pop(entry.key, None)
            log.info("relay %s from %s", entry.item_id, entry.stream_url)
            self.sink.play_stream(entry.stream_url, item_id=entry.item_id, until=as_datetime(until))
            self._playing_stream = entry.stream_url
            self._begin(Playing(key=entry.key, item_id=entry.item_id, mode="schedule", kind="relay",
                                   klass=entry.klass, trigger=trigger, started_wall=t,
                                   started_mono=self.clock.monotonic(), until=until, language=entry.language,
                                   revision=entry.revision))
            return
        asset = assets.get(entry.asset_id)
        path = self.cache.ready(asset)
        if path is None:
            if asset is not None:
                self.cache.want([asset])
            return  # it may still arrive within the grace (`_give_up_waiting` decides)
        log.info("play %s (%s)", entry.item_id, entry.asset_id)
        ends = t + entry.duration_s if entry.duration_s else None
        # A file started a little late may run past its slot while nothing else is due, never past its
        # item's validity.
        hard_stop = entry.valid_until if entry.valid_until is not None else max(until, ends or until)
        self.sink.play_file(str(path), item_id=entry.item_id, until=as_datetime(min(hard_stop, ends or hard_stop)))
        self._begin(Playing(key=entry.key, item_id=entry.item_id, mode="schedule", kind="audio",
                               klass=entry.klass, trigger=trigger, started_wall=t,
                               started_mono=self.clock.monotonic(), until=hard_stop, ends=ends,
                               language=entry.language, revision=entry.revision, asset_id=entry.asset_id))
        self.done[entry.key] = entry.end
        self.waiting.pop(entry.key, None)
        self._save_state()

    def _give_up_waiting(self, t: float, assets: dict) -> None:
        """An audio entry that came due but has not started (its file is missing, an emergency held the
        speakers, the device started late) is reported once its window is over or the grace has passed:
        "failed" without its file, "skipped" otherwise. It is not started afterwards."""
        keys = {entry.key for entry in self.entries}
        for key, entry in list(self.waiting.items()):
            if key in self.done or key not in keys:
                del self.waiting[key]
                continue
            if t < entry.play_until and t - entry.play_from <= self.config.start_grace_s:
                continue
            missing = self.cache.ready(assets.get(entry.asset_id)) is None
            if missing:
                self.note_error("audio_missing", f"{entry.item_id}: {entry.asset_id} is not here; not played")
            self._add_record(entry.item_id, outcome="failed" if missing else "skipped", klass=entry.klass,
                             trigger=trigger_of(entry.klass), started=entry.play_from,
                             ended=min(t, entry.play_until), language=entry.language, revision=entry.revision,
                             asset_id=entry.asset_id)
            self.done[key] = entry.end
            del self.waiting[key]
            self._save_state()

    def _forget_past(self, t: float) -> None:
        past = [key for key, end in self.done.items() if end < t - 3600]
        for key in past:
            del self.done[key]
        live = {plan.item_id for plan in self.plans()}
        gone = [key for key in self.progress if key not in live]
        for key in gone:
            del self.progress[key]
        if past or gone:
            self._save_state()

    # ------------------------------------------------------------------------------- loop

    def network_duties(self) -> float:
        """The polls and reports that are due (and queued downloads, without a background thread).
        Returns the seconds until the next one."""
        mono = self.clock.monotonic()
        if mono >= self.next_alerts:
            self.poll_alerts()
        if mono >= self.next_snapshot:
            self.poll_snapshot()
        elif self._emergency_in_force() and (self.last_heartbeat is None
                                             or mono - self.last_heartbeat >= EMERGENCY_HEARTBEAT_S):
            self.heartbeat()
        if self._plays_due():
            self.send_plays()
        self.cache.pump()
        mono = self.clock.monotonic()
        moments = [self.next_alerts - mono, self.next_snapshot - mono, self.config.max_sleep_s]
        return max(0.001, min(moments))

    def _plays_due(self) -> bool:
        """Proof of play goes with every heartbeat, and on its own after `plays_flush_s`, or after one
        alerts interval when it reports an emergency (the portal follows who has voiced an alert)."""
        with self._lock:
            if not self.plays:
                return False
            if self.last_flush_attempt is None:
                return True
            wait = self.config.plays_flush_s
            if any(record.get("trigger") == "emergency" for record in self.plays):
                wait = min(wait, self.alerts_interval())
        return self.clock.monotonic() - self.last_flush_attempt >= wait

    def step(self) -> float:
        """One turn of both loops in this thread (tests drive the client with it): the network's
        duties, then the playback decision. Returns how long to sleep before the next turn."""
        network = self.network_duties()
        self.update_playback()
        return max(0.001, min(network, self._playback_sleep()))

    def _emergency_in_force(self) -> bool:
        with self._lock:
            t = self.now()
            return any(plan.in_force(t) for plan in self.plans())

    def _playback_sleep(self) -> float:
        with self._lock:
            t = self.now()
            moments = [self.config.max_sleep_s]
            if self.playing is not None:
                moments += [self.playing.until - t] + ([self.playing.ends - t] if self.playing.ends else [])
            upcoming = next((entry.play_from for entry in self.entries if entry.play_from > t), None)
            if upcoming is not None:
                moments.append(upcoming - t)
            for progress in self.progress.values():
                next_at = _number(progress.get("next"))
                if next_at is not None and next_at > t:
                    moments.append(next_at - t)
            for retry in self.retry_at.values():
                if retry > t:
                    moments.append(retry - t)
        return max(0.001, min(moments))

    def run(self) -> None:
        """Until `stop()`: the network's duties in a thread of their own (a slow or silent network never
        delays a start or a stop), the playback decisions in this one."""
        log.info("speaker client %s for device %s at %s", APP_VERSION, self.config.device_id, self.root)
        network = threading.Thread(target=self._network_loop, name="speaker-network", daemon=True)
        network.start()
        try:
            while not self._stop.is_set():
                try:
                    self.update_playback()
                except Exception:  # noqa: BLE001 - one bad item must not silence the speakers for good
                    log.exception("playback failed")
                    self.note_error("client_error", "playback: see the device's log")
                self.clock.sleep(self._playback_sleep())
        finally:
            self._stop.set()
            network.join(timeout=self.config.request_timeout_s + 5)
            self.close()

    def _network_loop(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self.network_duties()
            except Exception:  # noqa: BLE001 - the loop must go on; the error is reported
                log.exception("network duties failed")
                self.note_error("client_error", "network: see the device's log")
                delay = BACKOFF_BASE_S
            self.clock.sleep(delay)

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        """Stop the sound (a play cut by the shutdown is reported as interrupted) and try once to
        deliver the proof of play; what is not delivered stays on disk for the next start."""
        with self._lock:
            if self.playing is not None:
                if self.playing.mode == "schedule" and self.playing.kind == "audio":
                    self.done[self.playing.key] = self.playing.until
                self._finish("interrupted")
            self.sink.stop()
            self.cache.close()
            self._save_state()
        if self.plays:
            self.send_plays()


# -------------------------------------------------------------------------------- registration


def register_and_claim(transport, base_url: str, *, hardware_id: str, commune: str, name: str = "",
                       model: str = "", firmware: str = "", claim_file: Path, clock=None, max_wait_s: float | None = None
                       ) -> tuple[int, str]:
    """Register as a speaker (once: the claim secret is kept in `claim_file`), then wait for an official
    to approve the device and collect its token. Returns (device id, token)."""
    clock = clock or SystemClock()
    root = api_root(base_url)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    kept = None
    if claim_file.exists():
        try:
            kept = json.loads(claim_file.read_text("utf-8"))
        except ValueError:
            kept = None
    if not kept:
        payload = {"hardware_id": hardware_id, "commune": commune, "kind": "speaker", "name": name, "model": model,
                   "firmware": firmware, "capabilities": {"audio": ["audio/mpeg"], "relay": True}}
        response = transport.request("POST", root + "register", headers=headers,
                                     body=json.dumps(payload).encode("utf-8"))
        if response.status != 202:
            raise ApiError(response.status, "register_failed", response.body.decode("utf-8", "replace")[:300])
        kept = response.json()
        _write_private(claim_file, json.dumps(kept))
        log.info("registered as device %s; waiting for approval", kept["device_id"])
    waited, started = 0.0, clock.monotonic()
    while True:
        response = transport.request("POST", root + "claim", headers={**headers,
                                                                      "Authorization": f"Bearer {kept['claim_secret']}"})
        if response.status == 200:
            data = response.json()
            claim_file.unlink(missing_ok=True)
            return int(data["device_id"]), data["token"]
        if response.status != 202:
            raise ApiError(response.status, "claim_failed", response.body.decode("utf-8", "replace")[:300])
        wait = retry_after_s(response.header("Retry-After"), clock.now()) or 60.0
        waited = clock.monotonic() - started
        if max_wait_s is not None and waited + wait > max_wait_s:
            raise ApiError(202, "not_approved", "The device is still waiting for approval")
        clock.sleep(wait)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)


# ------------------------------------------------------------------------------------------ main


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description="Reference client for a commune loudspeaker cluster.")
    parser.add_argument("--base-url", required=True, help="The portal, e.g. https://cong.example.vn")
    parser.add_argument("--device-id", type=int, help="The device's id (not needed with --register)")
    parser.add_argument("--token-file", required=True, type=Path, help="A file holding the device's token")
    parser.add_argument("--cache-dir", required=True, type=Path, help="Where the snapshot, media and reports live")
    parser.add_argument("--sink", choices=["command", "recording"], default="command",
                        help="command: ffplay or mpg123 (default); recording: play nothing, log what would play")
    parser.add_argument("--player", help="A player command instead of ffplay/mpg123, with {} for the file or URL")
    parser.add_argument("--poll-interval", type=float, help="Seconds between snapshot polls (default: the server's)")
    parser.add_argument("--alerts-interval", type=float, help="Seconds between alerts polls (default: the server's)")
    parser.add_argument("--ca-file", help="CA certificates to trust (a portal with its own CA)")
    parser.add_argument("--firmware", default="", help="Reported in heartbeats")
    parser.add_argument("--register", action="store_true", help="Register this device and wait for approval first")
    parser.add_argument("--commune", help="With --register: the commune's unit code, e.g. 23524")
    parser.add_argument("--hardware-id", help="With --register: a serial number or MAC address")
    parser.add_argument("--name", default="", help="With --register: a name for the admin, e.g. Cụm loa thôn 3")
    parser.add_argument("--log-level", default="INFO")
    arguments = parser.parse_args(argv)
    if arguments.register and not (arguments.commune and arguments.hardware_id):
        parser.error("--register needs --commune and --hardware-id")
    if not arguments.register and arguments.device_id is None:
        parser.error("--device-id is required (or --register)")
    return arguments


def main(argv=None) -> int:
    arguments = parse_arguments(argv)
    logging.basicConfig(level=arguments.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    transport = UrllibTransport(ca_file=arguments.ca_file)
    device_id = arguments.device_id
    if arguments.register and not arguments.token_file.exists():
        device_id, token = register_and_claim(
            transport, arguments.base_url, hardware_id=arguments.hardware_id, commune=arguments.commune,
            name=arguments.name, firmware=arguments.firmware, claim_file=arguments.cache_dir / "claim.json")
        _write_private(arguments.token_file, token)
        _write_private(arguments.cache_dir / "device_id", str(device_id))
        sys.stdout.write(f"Approved: device {device_id}; token saved to {arguments.token_file}\n")
    elif device_id is None:
        device_id = int((arguments.cache_dir / "device_id").read_text().strip())
    token = arguments.token_file.read_text("utf-8").strip()
    sink = RecordingSink() if arguments.sink == "recording" else CommandSink(arguments.player)
    config = Config(base_url=arguments.base_url, device_id=device_id, token=token, cache_dir=str(arguments.cache_dir),
                    poll_interval_s=arguments.poll_interval, alerts_interval_s=arguments.alerts_interval,
                    firmware=arguments.firmware)
    client = SpeakerClient(config, sink=sink, transport=transport)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: client.stop())
    client.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
