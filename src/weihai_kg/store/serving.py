"""The build being served, and switching to a new one while serving.

Each request works on one snapshot (a store opened read-only plus its query workers), taken
when the request starts and given back when it ends, so it sees one build from start to
finish. When ``weihai-kg build`` repoints the store link, the next check opens the new build
and makes it current; the old snapshot is closed once its last request is done. Clients see
the old graph or the new one, never a mix, and no request fails because of the switch.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from weihai_kg.errors import KgError
from weihai_kg.query.cache import ResultCache
from weihai_kg.query.fair_share import Shared
from weihai_kg.query.service import Limits, QueryService, ServiceReader
from weihai_kg.store.degrees import load_degrees
from weihai_kg.store.layout import BuildInfo, current_build, open_build
from weihai_kg.store.reading import ReadStore

if TYPE_CHECKING:
    from weihai_kg.query.broker import BrokerLink
    from weihai_kg.query.remote import RemoteEndpoints
    from weihai_kg.read.search import SearchIndex

log = logging.getLogger(__name__)
OWN_READS_SECONDS = 60.0  # remote mode: how long the server's own statement reads may take


@dataclass
class Snapshot:
    """One served build: its store (embedded, or a remote server), what was built, its query
    service and its cache."""

    store: ReadStore
    info: BuildInfo
    path: Path
    service: QueryService
    results: ResultCache  # the build's one cache: answers, and what is computed once per build
    users: int = 0
    retired: bool = False

    @property
    def build_id(self) -> str:
        return self.info.build_id

    @cached_property
    def search(self) -> SearchIndex:
        """The build's name index (``read.search``), read on first use; made from the store
        when the build has none (a remote store). Computed twice at worst, by two first users."""
        from weihai_kg.read.search import load_index

        index = load_index(self.path, self.store)
        # The index is some million long-lived objects at 1M triples: left to the collector,
        # its next full collection walks them all in the middle of a keystroke (200 ms). One
        # collection now, then everything alive moved where collections never look (it is
        # still freed when the snapshot goes).
        gc.collect()
        gc.freeze()
        return index

    @property
    def reader(self) -> ServiceReader:
        """The store as pages, views and exports read it: SPARQL through the query service."""
        return ServiceReader(self.service, self.store)


class Serving:
    """The current snapshot of ``store_path``, checked for a new build at most every ``check_every`` seconds (0: never)."""

    def __init__(
        self,
        store_path: Path,
        limits: Limits,
        check_every: float = 1.0,
        cache_bytes: int = 0,
        remote: RemoteEndpoints | None = None,
        broker: BrokerLink | None = None,
    ) -> None:
        self.store_path = store_path
        self.limits = limits
        self.remote = remote
        self.broker = broker
        # A remote store changes without telling us: no build to watch, no answers to keep.
        self.check_every = 0 if remote else check_every
        self.cache_bytes = 0 if remote else cache_bytes
        self._lock = threading.Lock()
        self._reloading = threading.Lock()
        self._current = self._open()
        self._checked = time.monotonic()

    def _open(self) -> Snapshot:
        if self.remote is not None:
            from weihai_kg.query.remote import RemoteRunner, RemoteStore

            runner = RemoteRunner(self.remote, self.limits.timeout)
            # The server's own reads (dumps, VoID, pages: statement lookups, not a client's
            # query) are not held to the client's time limit, as the embedded store's local
            # reads are not; they still end, at OWN_READS_SECONDS.
            own = RemoteRunner(self.remote, max(self.limits.timeout, OWN_READS_SECONDS))
            info = BuildInfo(f"remote {self.remote.query}", "", "", 0)
            service = QueryService(Shared(runner, self.limits.workers, self.limits.client_queue, self.limits.timeout), self.limits)
            return Snapshot(RemoteStore(own), info, Path("remote"), service, ResultCache(info.build_id, 0))
        target, info = current_build(self.store_path)
        service = QueryService.embedded(target, self.limits, self.broker)
        try:
            opened = open_build(target, info)
        except KgError:
            service.close()
            raise
        service.attach_local(opened.store, load_degrees(opened.path))
        return Snapshot(opened.store, info, opened.path, service, ResultCache(info.build_id, self.cache_bytes))

    @property
    def current(self) -> Snapshot:
        return self._current

    def acquire(self) -> Snapshot:
        """The snapshot a request works on; release it when the request ends."""
        if self.check_every and time.monotonic() - self._checked >= self.check_every:
            self.reload()
        with self._lock:
            snapshot = self._current
            snapshot.users += 1
            return snapshot

    def release(self, snapshot: Snapshot) -> None:
        with self._lock:
            snapshot.users -= 1
            close = snapshot.retired and snapshot.users == 0
        if close:
            snapshot.service.close()

    def reload(self) -> bool:
        """Switch to the build the store link points at, if it changed; True when it did.

        A build that cannot be opened is logged and the current one kept.
        """
        if not self._reloading.acquire(blocking=False):
            return False  # another thread is switching already
        try:
            self._checked = time.monotonic()
            if self.remote is not None or self.store_path.resolve() == self._current.path:
                return False
            try:
                fresh = self._open()
            except KgError as e:
                log.error("new build not opened, still serving %s: %s", self._current.build_id, e)
                return False
            with self._lock:
                old, self._current = self._current, fresh
                old.retired = True
                close = old.users == 0
            if close:
                old.service.close()
            log.info("now serving build %s (was %s)", fresh.build_id, old.build_id)
            return True
        finally:
            self._reloading.release()

    def close(self) -> None:
        with self._lock:
            self._current.retired = True
            close = self._current.users == 0
        if close:
            self._current.service.close()
