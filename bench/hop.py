"""What the hop to a query worker costs, and what a leaner hop would save.

    .venv/bin/python -m bench.hop --store build/bench/1000000/store --repeat 3000

The same query (a one-hop join from one entity, answered as SPARQL JSON) three ways, in
turns: in this process (no hop); through ``WorkerPool.run`` (a multiprocessing pipe, the Job
and Answer pickled, as the server does); through a raw socket pair to a worker process that
reads a length-prefixed query and writes the body back (no pickling, no Connection object:
the least a process hop can cost). Prints the median µs per query of each.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import struct
import sys
import time
from pathlib import Path

from weihai_kg.query.run import Job, run_job
from weihai_kg.query.workers import WorkerPool
from weihai_kg.store.layout import open_store

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("build/store"))
    parser.add_argument("--repeat", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
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
    }
    answers = {name: way() for name, way in ways.items()}
    if len(set(answers.values())) != 1:
        raise SystemExit("the three ways gave different answers")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
