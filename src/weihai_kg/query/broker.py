"""One set of query workers for the whole server, shared by all its web workers.

When each web worker kept query workers of its own, the fair share stopped at its walls: a
client whose heavy queries fell on one web worker waited for that one's workers while the
other's sat idle, two clients were shared out separately in each, and every web worker held
its own fork server and idle workers. ``weihai-kg serve`` now starts one broker process before
its web workers; it holds the fair share and the worker pools, and web workers hand it every
query that needs a worker over a Unix socket. The broker reads only who asks and for which
build: the pickled Job goes to a worker, and the worker's pickled reply comes back, as bytes
(with a large answer's file descriptor beside it: ``query.spool``).

A web worker still serving the previous build during a switch names that build's path, so
the broker keeps a pool per build; one not asked for a minute, with nothing running, is
closed. Run it with ``python -m weihai_kg.query.broker``; it stops when its parent does.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import TYPE_CHECKING

from weihai_kg.errors import ConfigError, KgError, TooManyQueries, WorkerFailed
from weihai_kg.query import spool
from weihai_kg.query.fair_share import FairShare
from weihai_kg.query.workers import WorkerPool, memory_trimmer, unpack

if TYPE_CHECKING:  # not loaded in the broker, which never reads a Job or an Answer (nor loads pyoxigraph)
    from weihai_kg.query.run import Answer, Job

log = logging.getLogger(__name__)
SOCKET_NAME = "broker"
TRIM_BYTES = 1 << 20  # after passing on a reply this large, give the memory it held back
POOL_KEPT_SECONDS = 60.0  # a previous build's pool, unused this long and idle, is closed
CONNECT_SECONDS = 5.0  # how long a web worker waits for a broker that is (re)starting


class Broker:
    """The fair share of ``slots`` query workers between every client of the server; each
    build's workers are started when needed and stop after ``idle_seconds`` (0: kept). How
    many queries one client may have waiting is each web worker's to say (``BrokerLink``): it
    is their threads that waiting queries hold."""

    def __init__(self, slots: int, timeout: float, idle_seconds: float) -> None:
        self.slots = slots
        self.timeout = timeout
        self.idle_seconds = idle_seconds
        self.share = FairShare(slots, 0)
        self._trim = memory_trimmer()
        self._pools: dict[str, WorkerPool] = {}
        self._asked: dict[str, float] = {}
        self._lock = threading.Lock()

    def answer(self, client: str, store_path: str, job: bytes) -> tuple[bytes, int | None]:
        """A worker's reply frame to the pickled ``job`` on the build at ``store_path`` (with
        its spool's descriptor), or the KgError that stopped it (a full queue, the time limit,
        a dead worker)."""
        try:
            # The pickled job's digest names the question (the broker never unpickles it).
            with self.share.slot(client, self.timeout, hashlib.blake2b(job, digest_size=8).digest()):
                return self._pool(store_path).run_pickled(job)
        except KgError as e:
            return spool.frame_of(e), None
        except Exception as e:  # a fault here must reach the web worker as an answer, not hang it
            log.exception("query broker fault")
            return spool.frame_of(WorkerFailed(f"the query broker failed: {e}")), None

    def _pool(self, store_path: str) -> WorkerPool:
        now = time.monotonic()
        with self._lock:
            for path, old in list(self._pools.items()):  # builds no longer served
                if path != store_path and now - self._asked[path] > POOL_KEPT_SECONDS and not old.busy:
                    old.close()
                    del self._pools[path], self._asked[path]
            pool = self._pools.get(store_path)
            if pool is None:
                # Each pool may start every slot's worker: the fair share keeps the running
                # queries of all builds together within the slots.
                pool = WorkerPool(Path(store_path), self.slots, self.timeout, self.idle_seconds)
                self._pools[store_path] = pool
            self._asked[store_path] = now
            return pool

    def serve(self, address: str) -> None:
        """Answer web workers on the Unix socket ``address`` until the process ends."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(address)  # left by a broker that was killed
        with Listener(address, family="AF_UNIX", backlog=256) as listener:
            while True:
                conn = listener.accept()
                threading.Thread(target=self._converse, args=(conn,), name="broker-connection", daemon=True).start()

    def _converse(self, conn: Connection) -> None:
        """One web worker thread's connection: a query at a time, until it closes."""
        with conn:
            while True:
                try:
                    # Only this user can reach the socket (its folder is 0700): the server's own web workers.
                    client, store_path, job = pickle.loads(conn.recv_bytes())  # noqa: S301
                    reply, fd = self.answer(client, store_path, job)
                    spool.give(conn, reply, fd)
                except (EOFError, OSError):
                    return
                if len(reply) >= TRIM_BYTES:  # each connection's thread allocates from its own arena
                    del reply
                    self._trim()

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


class BrokerLink:
    """A web worker's connections to the broker at ``address``, one per thread at a time.
    Each query handed over holds one of this web worker's threads until it is answered, so
    the web worker bounds what one client may have there: the broker's ``slots`` running and
    ``queue_limit`` waiting (0: no limit), as its own fair share would; the rest of its threads
    stay for other clients."""

    def __init__(self, address: str, timeout: float, slots: int = 0, queue_limit: int = 0) -> None:
        self.address = address
        self.most = slots + queue_limit if queue_limit else 0
        self._held: dict[str, int] = {}
        self._held_lock = threading.Lock()
        # The broker bounds each query: its wait in the fair share and its run are each
        # within the time limit. Past both (and a margin), the broker itself is stuck.
        self.wait = 2 * timeout + 5
        self._idle: deque[Connection] = deque()

    def run(self, client: str, store_path: Path, job: Job) -> Answer:
        """The answer to ``job`` on the build at ``store_path``, from the broker's workers when
        ``client``'s turn comes. A broker that ended (and is being started again) loses the
        queries it held: they are asked anew, on a new connection, for up to CONNECT_SECONDS.
        That is safe: the broker runs no query itself, so no query can have ended it."""
        with self._held_lock:
            held = self._held.get(client, 0)
            if self.most and held >= self.most:
                raise TooManyQueries(f"this client already has {held} queries running or waiting for a query worker here; wait for one to finish")
            self._held[client] = held + 1
        try:
            return self._ask(client, store_path, job)
        finally:
            with self._held_lock:
                left = self._held[client] - 1
                if left:
                    self._held[client] = left
                else:
                    del self._held[client]

    def _ask(self, client: str, store_path: Path, job: Job) -> Answer:
        request = pickle.dumps((client, str(store_path), pickle.dumps(job)))
        deadline = time.monotonic() + CONNECT_SECONDS
        while True:
            conn = self._take()
            try:
                if conn is None:
                    conn = Client(self.address, family="AF_UNIX")
                conn.send_bytes(request)
                if not conn.poll(self.wait):
                    conn.close()
                    raise WorkerFailed(f"the query broker gave no answer within {self.wait:g} s")
                reply, fd = spool.take(conn)
            except (EOFError, OSError) as e:  # not listening yet, or gone: its other connections too
                if conn is not None:
                    conn.close()
                self.drop()
                if time.monotonic() > deadline:
                    raise WorkerFailed(f"the query broker is not answering ({self.address}): {e}") from e
                time.sleep(0.05)
                continue
            self._idle.append(conn)
            return unpack(spool.opened(reply, fd))

    def _take(self) -> Connection | None:
        """An idle connection, if there is one (another thread may take the last first)."""
        try:
            return self._idle.pop()
        except IndexError:
            return None

    def drop(self) -> None:
        while self._idle:
            with contextlib.suppress(IndexError):
                self._idle.pop().close()

    def runner(self, store_path: Path) -> BrokeredRunner:
        return BrokeredRunner(self, store_path)


class BrokeredRunner:
    """What a build's query service runs a query with when the server has a broker: the
    broker's fair share and workers, for that build."""

    def __init__(self, link: BrokerLink, store_path: Path) -> None:
        self.link = link
        self.store_path = store_path

    def run(self, job: Job, client: str) -> Answer:
        return self.link.run(client, self.store_path, job)

    def close(self) -> None:
        """Nothing to close here: the broker stops a build's idle workers itself."""


class BrokerProcess:
    """The broker, run by ``weihai-kg serve`` beside its web workers: started before them,
    started again if it dies (its web workers reconnect on their next query), stopped with
    the server."""

    def __init__(self, slots: int, timeout: float, idle_seconds: float) -> None:
        self._folder = tempfile.mkdtemp(prefix="weihai-kg-")  # mode 0700: only this user may connect
        self.address = str(Path(self._folder) / SOCKET_NAME)
        self._command = [sys.executable, "-m", "weihai_kg.query.broker", self.address]
        self._command += ["--slots", str(slots), "--timeout", str(timeout), "--idle", str(idle_seconds)]
        self._stopping = threading.Event()
        self._owner = os.getpid()
        self.process = self._start()
        threading.Thread(target=self._watch, name="query-broker-watch", daemon=True).start()

    def _start(self) -> subprocess.Popen[bytes]:
        Path(self.address).unlink(missing_ok=True)  # the new broker's socket is what to wait for
        process = subprocess.Popen(self._command)  # noqa: S603  this interpreter and our own module
        deadline = time.monotonic() + 30
        while not Path(self.address).exists():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise ConfigError(f"the query broker did not start (exit {process.poll()}); its error is above")
            time.sleep(0.01)
        return process

    def _watch(self) -> None:
        while not self._stopping.is_set():
            code = self.process.wait()
            # A stop signal (Ctrl-C, or the whole server's process group stopped) is the
            # server stopping, not a fault.
            if self._stopping.is_set() or code in (-signal.SIGTERM, -signal.SIGINT):
                return
            log.error("the query broker ended (exit %s); starting it again", code)
            try:
                self.process = self._start()
            except ConfigError as e:
                log.error("%s", e)
                time.sleep(1)

    def stop(self) -> None:
        """Stop the broker: in the process that started it only. gunicorn forks its web
        workers from inside ``serve`` and ends them with SystemExit, which unwinds through
        the same ``finally`` in each of them."""
        if os.getpid() != self._owner:
            return
        self._stopping.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)


def _leave_with_parent(parent: int) -> None:
    """End this process when the server that started it is gone (even killed outright)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m weihai_kg.query.broker", description=__doc__.split("\n\n")[0])
    parser.add_argument("address", help="the Unix socket to listen on")
    parser.add_argument("--slots", type=int, required=True, help="query workers running at once, for the whole server")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a query may wait, and then run")
    parser.add_argument("--idle", type=float, default=0.0, help="seconds before an idle worker stops (0: never)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="[%(levelname)s] broker: %(message)s")
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the server and this with it, without a traceback
    threading.Thread(target=_leave_with_parent, args=(os.getppid(),), daemon=True).start()
    broker = Broker(args.slots, args.timeout, args.idle)
    try:
        broker.serve(args.address)
    finally:
        broker.close()


if __name__ == "__main__":
    main()
