"""The one cache of a served build: answers (named queries, pages, and /sparql when
configured) and what is computed once per build (dumps, VoID, the ontology page).

Correct by construction: each served snapshot (one build, opened read-only) has its own
cache, and every key starts with that build's id, so an answer can only come back for the
very store that produced it; switching to a new build starts an empty cache and drops the
old one with its snapshot. Bounded in bytes, least recently used first out (cachetools'
LRUCache weighs each entry by its body). Errors are never stored (only what the caller
puts), and one entry may not take more than a quarter of the bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cachetools import LRUCache

from weihai_kg.query.spool import Body, Spool


@dataclass(frozen=True)
class Cached:
    body: Body  # a Spool is read into memory only to be kept
    media_type: str


class ResultCache:
    """LRU over (build id, key) → Cached, holding at most ``max_bytes`` of bodies (0: off)."""

    def __init__(self, build_id: str, max_bytes: int) -> None:
        self.build_id = build_id
        self.max_bytes = max_bytes
        self._items: LRUCache[tuple[str, Hashable], Cached] = LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda c: len(c.body))
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
            else:
                self.hits += 1
            return found

    def fetch(self, key: Hashable, compute: Callable[[], Cached], keep: bool = True) -> tuple[Cached, bool]:
        """The answer for ``key`` and whether it was kept; computed on a miss, and kept when
        ``keep``. Errors raised by ``compute`` propagate and are not kept."""
        found = self.get(key) if keep else None
        if found is not None:
            return found, True
        found = compute()
        if keep:
            found = self.put(key, found)
        return found, False

    def put(self, key: Hashable, value: Cached) -> Cached:
        """Keep ``value``, unless it is too large; what to answer with: a spooled answer that is
        kept is read into memory, and answered from there."""
        if not self.max_bytes or len(value.body) > self.max_bytes // 4:  # one answer may not push out most others
            return value
        if isinstance(value.body, Spool):
            value = Cached(value.body.read(), value.media_type)
        with self._lock:
            self._items[(self.build_id, key)] = value
        return value

    @property
    def size(self) -> tuple[int, int]:
        """(entries, bytes)."""
        with self._lock:
            return len(self._items), int(self._items.currsize)
