"""What the hop to a query worker costs, and what a leaner hop would save.

    .venv/bin/python -m bench.hop --store build/bench/1000000/store --repeat 3000

The same query (a one-hop join from one entity, answered as SPARQL JSON) four ways, in
turns: in this process (no hop); through ``WorkerPool.run`` (a multiprocessing pipe, the Job
and Answer pickled, as the server does); through a raw socket pair to a worker process that
reads a length-prefixed query and writes the body back (no pickling, no Connection object);
and through shared memory, the query and the body written into one shared block and each
side woken by an eventfd (no copy through the kernel: what is left is the two wake-ups).
Prints the median µs per query of each.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import struct
import sys
import time
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path

from weihai_kg.query.run import Job, run_job
from weihai_kg.query.workers import WorkerPool
from weihai_kg.store.layout import current_build, open_store

QUERY = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?x ?label WHERE { <https://w3id.org/weihai-kg/id/project/china-korea-trade-ecommerce-park> ?p ?x . ?x skos:prefLabel ?label }"
)


def _raw_worker(store_path: str, sock: socket.socket) -> None:
    from pyoxigraph import QueryResultsFormat, Store

    store = Store.read_only(store_path)
    while True:
        head = sock.recv(4, socket.MSG_WAITALL)
        if len(head) < 4:
            return
        text = sock.recv(struct.unpack("!I", head)[0], socket.MSG_WAITALL).decode("utf-8")
        body = store.query(text).serialize(format=QueryResultsFormat.JSON) or b""  # type: ignore[union-attr]
        sock.sendall(struct.pack("!I", len(body)) + body)


def _raw_ask(sock: socket.socket, text: str) -> bytes:
    data = text.encode("utf-8")
    sock.sendall(struct.pack("!I", len(data)) + data)
    size = struct.unpack("!I", sock.recv(4, socket.MSG_WAITALL))[0]
    return sock.recv(size, socket.MSG_WAITALL)


SHARED_BYTES = 8 * 1024 * 1024  # the shared block: a length word, then the query or the body


def _shared_worker(store_path: str, name: str, wake: int, done: int) -> None:
    from pyoxigraph import QueryResultsFormat, Store

    store = Store.read_only(store_path)
    block = SharedMemory(name=name)
    buf = block.buf
    while True:
        os.eventfd_read(wake)
        size = struct.unpack_from("!I", buf, 0)[0]
        if size == 0:
            block.close()
            return
        text = bytes(buf[4 : 4 + size]).decode("utf-8")
        body = store.query(text).serialize(format=QueryResultsFormat.JSON) or b""  # type: ignore[union-attr]
        struct.pack_into("!I", buf, 0, len(body))
        buf[4 : 4 + len(body)] = body
        os.eventfd_write(done, 1)


class _SharedHop:
    """The asking side of the shared-memory hop (a forked worker: the eventfds are inherited)."""

    def __init__(self, store_path: str) -> None:
        self.block = SharedMemory(create=True, size=SHARED_BYTES)
        self.wake, self.done = os.eventfd(0), os.eventfd(0)
        self.process = multiprocessing.get_context("fork").Process(target=_shared_worker, args=(store_path, self.block.name, self.wake, self.done), daemon=True)
        self.process.start()

    def ask(self, text: str) -> bytes:
        data = text.encode("utf-8")
        buf = self.block.buf
        struct.pack_into("!I", buf, 0, len(data))
        buf[4 : 4 + len(data)] = data
        os.eventfd_write(self.wake, 1)
        os.eventfd_read(self.done)
        size = struct.unpack_from("!I", buf, 0)[0]
        return bytes(buf[4 : 4 + size])

    def close(self) -> None:
        struct.pack_into("!I", self.block.buf, 0, 0)
        os.eventfd_write(self.wake, 1)
        self.process.join(5)
        self.block.close()
        self.block.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("build/store"))
    parser.add_argument("--repeat", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # The shared-memory worker is forked (it inherits the eventfds), so before this process
    # opens a store or starts threads that a fork could catch holding a lock.
    shared = _SharedHop(str(current_build(args.store)[0]))
    opened = open_store(args.store)
    job = Job(QUERY, "json", 10_000)
    pool = WorkerPool(opened.path, 1, 30)
    ours, theirs = socket.socketpair()
    raw = multiprocessing.get_context("forkserver").Process(target=_raw_worker, args=(str(opened.path), theirs), daemon=True)
    raw.start()
    theirs.close()
    ways = {
        "in process": lambda: run_job(opened.store, job).body,
        "WorkerPool.run (pipe, pickled Job/Answer)": lambda: pool.run(job).body,
        "raw socket pair (length-prefixed bytes)": lambda: _raw_ask(ours, QUERY),
        "shared memory (one block, eventfd wake-ups)": lambda: shared.ask(QUERY),
    }
    answers = {name: way() for name, way in ways.items()}
    if len(set(answers.values())) != 1:
        raise SystemExit("the four ways gave different answers")
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, way in ways.items():
            started = time.perf_counter()
            for _ in range(args.repeat):
                way()
            times[name].append((time.perf_counter() - started) / args.repeat * 1e6)
    for name, values in times.items():
        print(f"{name:<44} median {statistics.median(values):7.1f} µs per query  ({', '.join(f'{v:.0f}' for v in values)})")
    pool.close()
    ours.close()
    raw.join(5)
    shared.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
