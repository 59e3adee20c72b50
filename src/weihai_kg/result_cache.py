"""A bounded cache of answers for one served build.

Correct by construction: each served snapshot (one build, opened read-only) has its own
cache, and every key starts with that build's id, so an answer can only come back for the
very store that produced it; switching to a new build starts an empty cache and drops the
old one with its snapshot. Bounded in bytes, least recently used first out. Errors are
never stored (only what the caller puts).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cached:
    body: bytes
    media_type: str


class ResultCache:
    """LRU over (build id, key) → Cached, holding at most ``max_bytes`` of bodies (0: off)."""

    def __init__(self, build_id: str, max_bytes: int) -> None:
        self.build_id = build_id
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, Hashable], Cached] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Cached | None:
        if not self.max_bytes:
            return None
        with self._lock:
            found = self._items.get((self.build_id, key))
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end((self.build_id, key))
            self.hits += 1
            return found

    def fetch(self, key: Hashable, compute: Callable[[], Cached]) -> tuple[Cached, bool]:
        """The answer for ``key`` and whether it was kept; computed and kept on a miss.
        Errors raised by ``compute`` propagate and are not kept."""
        found = self.get(key)
        if found is not None:
            return found, True
        found = compute()
        self.put(key, found)
        return found, False

    def put(self, key: Hashable, value: Cached) -> None:
        size = len(value.body)
        if not self.max_bytes or size > self.max_bytes // 4:  # one answer may not push out most others
            return
        full_key = (self.build_id, key)
        with self._lock:
            old = self._items.pop(full_key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[full_key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted.body)

    @property
    def size(self) -> tuple[int, int]:
        """(entries, bytes)."""
        with self._lock:
            return len(self._items), self._bytes
