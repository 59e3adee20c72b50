"""Query workers: separate processes that each hold the store open read-only and answer one
query at a time.

pyoxigraph cannot cancel a running query, so the only way to stop one that runs too long is
to stop the process running it. A query that overruns its time limit has its worker killed
(a new one starts when a query needs it); other queries keep running in the other workers
meanwhile. Which client's query gets the next worker is the fair share's call
(``query/fair_share.py``); the pool only starts, lends and retires workers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import pickle
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING

from weihai_kg.errors import KgError, QueryTimeout, ServiceBusy, WorkerFailed
from weihai_kg.query import spool

if TYPE_CHECKING:  # pyoxigraph, which query.run imports, is loaded where queries run: the broker needs neither
    from weihai_kg.query.run import Answer, Job

log = logging.getLogger(__name__)
# Workers are forked from a fork server: a small process started (spawned) with pyoxigraph
# and the query code imported, which forks a worker in milliseconds whenever one is needed.
# Forking the web process itself is unsafe once it runs threads, and spawning a fresh
# interpreter per worker costs a tenth of a second.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["pyoxigraph", "weihai_kg.query.run"])


class _Worker:
    def __init__(self, store_path: Path) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process: BaseProcess = _CONTEXT.Process(target=_serve, args=(str(store_path), child), daemon=True)
        self.process.start()
        child.close()
        self.last_used = time.monotonic()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Up to ``size`` query worker processes with a time limit per query, started when a
    query needs one and stopped after ``idle_seconds`` without work (0: kept), so an idle
    server holds no worker and no worker's store caches."""

    def __init__(self, store_path: Path, size: int, timeout: float, idle_seconds: float = 0.0) -> None:
        self.store_path = store_path
        self.size = size
        self.timeout = timeout
        self.idle_seconds = idle_seconds
        self._idle: list[_Worker] = []  # most recently used last: taken first, so the others can retire
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._changed = threading.Condition()
        self._closed = threading.Event()
        # The fork server (and the resource tracker multiprocessing starts with it) comes up
        # with the first worker, not here: a server answering only queries run in the web
        # process never needs them (about 18 MiB per web worker); the first worker of each
        # web worker waits about 50 ms more for it.
        if idle_seconds:
            threading.Thread(target=self._retire_idle, name="retire-idle-query-workers", daemon=True).start()

    @property
    def started(self) -> int:
        """Workers running now, busy or idle."""
        with self._changed:
            return len(self._idle) + len(self._busy)

    def _take(self) -> _Worker:
        """An idle worker, or a new one while there are fewer than ``size``; waits up to the
        time limit for one to come back otherwise."""
        deadline = time.monotonic() + self.timeout
        with self._changed:
            while not self._idle and len(self._busy) + self._starting >= self.size:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ServiceBusy(f"all query workers stayed busy for {self.timeout:g} s; try again later")
                self._changed.wait(left)
            if self._idle:
                worker = self._idle.pop()
                self._busy.add(worker)
                return worker
            self._starting += 1  # counted towards the size while it starts, outside the lock
        try:
            worker = _Worker(self.store_path)
        finally:
            with self._changed:
                self._starting -= 1
                self._changed.notify()
        with self._changed:
            self._busy.add(worker)
        return worker

    def _give_back(self, worker: _Worker, alive: bool) -> None:
        if not alive:
            worker.stop()
        with self._changed:
            self._busy.discard(worker)
            if alive:
                worker.last_used = time.monotonic()
                self._idle.append(worker)
            self._changed.notify()

    @property
    def busy(self) -> int:
        """Workers answering a query now, or starting to."""
        with self._changed:
            return len(self._busy) + self._starting

    def run(self, job: Job) -> Answer:
        """Answer ``job`` within the time limit.

        Raises what the worker sent back (QuerySyntaxError, ResultTooLarge), or QueryTimeout,
        ServiceBusy or WorkerFailed.
        """
        return unpack(spool.opened(*self.run_pickled(pickle.dumps(job))))

    def run_pickled(self, job: bytes) -> tuple[bytes, int | None]:
        """``run`` on a pickled Job, giving back the worker's reply frame (an Answer, or the
        KgError it raised) unread, with a large answer's file descriptor (``query.spool``):
        the query broker passes both on as they are. Raises QueryTimeout, ServiceBusy or
        WorkerFailed."""
        worker = self._take()
        try:
            worker.conn.send_bytes(job)
            if not worker.conn.poll(self.timeout):
                log.warning("query over %.1f s; stopping its worker", self.timeout)
                self._give_back(worker, alive=False)
                raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped")
            reply = spool.take(worker.conn)
        except (EOFError, OSError, BrokenPipeError) as e:
            self._give_back(worker, alive=False)
            raise WorkerFailed(f"a query worker failed: {e}") from e
        self._give_back(worker, alive=True)
        return reply

    def _retire_idle(self) -> None:
        while not self._closed.wait(max(self.idle_seconds / 4, 0.05)):
            now = time.monotonic()
            with self._changed:
                retired = [w for w in self._idle if now - w.last_used >= self.idle_seconds]
                self._idle = [w for w in self._idle if w not in retired]
            for worker in retired:
                worker.stop()

    def close(self) -> None:
        self._closed.set()
        with self._changed:
            workers = self._idle + list(self._busy)
            self._idle, self._busy = [], set()
        for worker in workers:
            worker.stop()


def unpack(reply: object) -> Answer:
    """A worker's reply as the Answer it is, or the KgError it sent back, raised here."""
    from weihai_kg.query.run import Answer

    if isinstance(reply, KgError):
        raise reply
    if not isinstance(reply, Answer):
        raise WorkerFailed(f"a query worker answered {type(reply).__name__}")
    return reply


def _serve(store_path: str, conn: Connection) -> None:
    """The worker's loop: open the store once, then answer jobs until the pipe closes."""
    from pyoxigraph import Store

    # Stopping is all these signals should do in a worker, whatever handlers it was given.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    from weihai_kg.query.run import run_job

    store = Store.read_only(store_path)
    give_back = memory_trimmer()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        reply: Answer | KgError
        try:
            reply = run_job(store, job, spool_at=spool.SPOOL_BYTES)
        except KgError as e:  # the error object itself goes back, and is raised there
            reply = e
        try:
            spool.send(conn, reply)
        except OSError as e:  # the temp folder is full, say: the web worker hears of it
            reply = WorkerFailed(f"a query worker could not pass its answer on: {e}")
            spool.send(conn, reply)
        if time.monotonic() - started > HEAVY_SECONDS:
            give_back()


HEAVY_SECONDS = 0.05  # a query this long may have sorted or grouped much: give its memory back


def memory_trimmer() -> Callable[[], object]:
    """glibc's ``malloc_trim(0)``: memory a heavy query freed stays in the allocator's arenas
    (pyoxigraph allocates through it too) and would keep an idle worker at that query's peak.
    A no-op where the C library has no such call."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], object] = libc.malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)
