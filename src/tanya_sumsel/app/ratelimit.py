"""Questions per client per minute, so one client cannot starve the two cores: a sliding window per client key
(the login name, else the address), a polite message with the wait when the limit is reached."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_CLIENTS = 10_000  # windows kept; the least recently seen client is forgotten first


class RateLimiter:
    """At most `per_minute` questions per client key in any 60 seconds (0: no limit)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """0 when the client may ask now (and the question is counted), else the seconds until it may."""
        if self.per_minute <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            times = self._seen.pop(key, None) or deque()
            while times and now - times[0] >= 60.0:
                times.popleft()
            self._seen[key] = times
            if len(self._seen) > MAX_CLIENTS:
                self._seen.popitem(last=False)
            if len(times) >= self.per_minute:
                return max(0.1, 60.0 - (now - times[0]))
            times.append(now)
            return 0.0


def message(seconds: float, limit: int, lang: str) -> str:
    """The polite refusal, in the question's language."""
    wait = max(1, round(seconds))
    if lang == "en":
        return f"Too many questions in the last minute (limit {limit}). Please try again in {wait} s."
    return f"Terlalu banyak pertanyaan dalam semenit terakhir (batas {limit}). Silakan coba lagi dalam {wait} detik."
