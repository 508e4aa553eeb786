"""Per-device and per-address rate limits, counted in this process's memory.

A sliding-window counter (the previous fixed window's count, weighted by how much of it still overlaps
the sliding window, plus the current one's): O(1) memory per key and no I/O, so the 304 path stays a
single indexed read. A shared counter (database cache, Redis) would cost a write per poll.

The price: each gunicorn worker counts on its own, so a device spreading its requests over W workers
gets up to W × the limit. That is enough to stop a device stuck in a tight loop, which is what it is
for; put nginx's `limit_req` in front for a hard, shared limit.

Settings (read at each call, so tests can change them; `cms/settings.py` may set them from the environment):
- `DEVICE_API_RATE_LIMIT` (default "120/60"): requests per device per window of seconds.
- `DEVICE_API_REGISTER_RATE_LIMIT` (default "30/3600"): registrations and claims per client address.
"""

import math
import threading
import time

from django.conf import settings

DEFAULTS = {"DEVICE_API_RATE_LIMIT": "120/60", "DEVICE_API_REGISTER_RATE_LIMIT": "30/3600"}


def limit_of(setting: str) -> tuple[int, float]:
    """("120/60") → (120, 60.0). A malformed value fails loudly rather than disabling the limit."""
    value = getattr(settings, setting, DEFAULTS[setting])
    count, _, seconds = str(value).partition("/")
    count, seconds = int(count), float(seconds or 60)
    if count < 1 or seconds <= 0:
        raise ValueError(f"{setting}={value!r}: expected '<requests>/<seconds>' with both positive")
    return count, seconds


class SlidingWindow:
    def __init__(self):
        self._lock = threading.Lock()
        self._windows = {}  # key → [window index, count in the previous window, count in this one]
        self._sweep_at = 0.0

    def hit(self, key, *, limit: int, period: float, now: float | None = None) -> int:
        """Count a request for `key`. Returns 0 when allowed, else the seconds to wait (Retry-After)."""
        now = time.monotonic() if now is None else now
        index, into = divmod(now, period)
        with self._lock:
            self._sweep(now, period)
            window = self._windows.get(key)
            if window is None or window[0] < index - 1:
                window = self._windows[key] = [index, 0, 0]
            elif window[0] == index - 1:
                window[:] = [index, window[2], 0]
            estimate = window[1] * (1 - into / period) + window[2]
            if estimate >= limit:
                return max(1, math.ceil(period - into))
            window[2] += 1
            return 0

    def _sweep(self, now, period):
        """Forget keys idle for two windows, now and then, so memory follows the active devices."""
        if now < self._sweep_at:
            return
        self._sweep_at = now + period
        current = now // period
        for key in [k for k, w in self._windows.items() if w[0] < current - 1]:
            del self._windows[key]

    def clear(self):
        with self._lock:
            self._windows.clear()


devices = SlidingWindow()
addresses = SlidingWindow()


def device_wait(device_id: int) -> int:
    limit, period = limit_of("DEVICE_API_RATE_LIMIT")
    return devices.hit(device_id, limit=limit, period=period)


def address_wait(address: str | None) -> int:
    limit, period = limit_of("DEVICE_API_REGISTER_RATE_LIMIT")
    return addresses.hit(address or "-", limit=limit, period=period)
