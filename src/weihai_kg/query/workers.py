"""Query workers: separate processes that each hold the store open read-only and answer one
query at a time.

pyoxigraph cannot cancel a running query, so the only way to stop one that runs too long is
to stop the process running it. A query that overruns its time limit has its worker killed
and replaced; other queries keep running in the other workers meanwhile.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from weihai_kg.errors import KgError, QueryTimeout, ServiceBusy, WorkerFailed
from weihai_kg.query.run import Answer, Job

log = logging.getLogger(__name__)
_SPAWN = multiprocessing.get_context("spawn")
_FORK = multiprocessing.get_context("fork")
_PARENT_ENDS: set[Connection] = set()  # this process's ends of its workers' pipes


def _context() -> multiprocessing.context.BaseContext:
    """Fork while the process has a single thread (the pool made at start-up, before the
    server's threads and before the store is opened here): the child has everything imported
    and starts in milliseconds. Otherwise (a worker replaced, a new build opened, from a
    request thread) spawn a fresh interpreter: forking a threaded process is unsafe. Threads
    are counted by the kernel, so those of native libraries count too."""
    return _FORK if _os_threads() == 1 else _SPAWN


def _os_threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # no /proc: assume threads, and spawn
        return 2


class _Worker:
    def __init__(self, store_path: Path) -> None:
        ctx = _context()
        if ctx is _FORK:
            # The child shares the parent's memory until it writes to it, and Python's cycle
            # collector writes to every object it visits: frozen objects are left out of its
            # collections, so they are not copied into each worker by the first full one.
            gc.freeze()
        self.conn, child = ctx.Pipe()
        # Registered before the fork, so the child closes this end too: the worker must see
        # the pipe close (and exit) when the server process ends, however it ends.
        _PARENT_ENDS.add(self.conn)
        self.process: BaseProcess = ctx.Process(target=_serve, args=(str(store_path), child), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        _PARENT_ENDS.discard(self.conn)
        self.conn.close()


class WorkerPool:
    """A fixed number of query worker processes with a time limit per query."""

    def __init__(self, store_path: Path, size: int, timeout: float) -> None:
        self.store_path = store_path
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.store_path)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)
        self._add()

    def run(self, job: Job) -> Answer:
        """Answer ``job`` within the time limit.

        Raises what the worker sent back (QuerySyntaxError, ResultTooLarge), or QueryTimeout,
        ServiceBusy or WorkerFailed.
        """
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ServiceBusy(f"all query workers stayed busy for {self.timeout:g} s; try again later") from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                log.warning("query over %.1f s; stopping its worker", self.timeout)
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped")
            reply: object = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as e:
            self._replace(worker)
            raise WorkerFailed(f"a query worker failed: {e}") from e
        self._idle.put(worker)
        return unpack(reply)

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def unpack(reply: object) -> Answer:
    """A worker's reply as the Answer it is, or the KgError it sent back, raised here."""
    if isinstance(reply, KgError):
        raise reply
    if not isinstance(reply, Answer):
        raise WorkerFailed(f"a query worker answered {type(reply).__name__}")
    return reply


def _serve(store_path: str, conn: Connection) -> None:
    """The worker's loop: open the store once, then answer jobs until the pipe closes."""
    from pyoxigraph import Store

    # A forked worker inherits the web server's handlers, which only note a stop request: the
    # worker would then ignore the SIGTERM its parent sends on the way out, and the parent
    # would wait for it until its kill timeout. Stopping is all these signals should do here.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for inherited in list(_PARENT_ENDS):  # a forked child holds its siblings' pipe ends:
        inherited.close()  # close them, so that a dead worker's pipe reads as closed
    _PARENT_ENDS.clear()

    from weihai_kg.query.run import run_job

    store = Store.read_only(store_path)
    give_back = _memory_trimmer()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        reply: Answer | KgError
        try:
            reply = run_job(store, job)
        except KgError as e:  # the error object itself goes back, and is raised there
            reply = e
        conn.send(reply)
        if time.monotonic() - started > HEAVY_SECONDS:
            give_back()


HEAVY_SECONDS = 0.05  # a query this long may have sorted or grouped much: give its memory back


def _memory_trimmer() -> Callable[[], object]:
    """glibc's ``malloc_trim(0)``: memory a heavy query freed stays in the allocator's arenas
    (pyoxigraph allocates through it too) and would keep an idle worker at that query's peak.
    A no-op where the C library has no such call."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], object] = libc.malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)
