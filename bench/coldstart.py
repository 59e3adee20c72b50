"""Cold start: from launching the server to its first answer, on a built store.

    .venv/bin/python -m bench.coldstart --triples 1000000 --repeat 5

Launches ``weihai-kg serve`` (and ``oxigraph serve-read-only`` on the same quads, for
comparison) on 127.0.0.1, asks one SPARQL query every 5 ms from the moment of launch, and
reports how long the first 200 took: the median and worst of ``--repeat`` launches.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from tests.server import free_port

from bench.throughput import prepared

ROOT = Path(__file__).resolve().parent.parent

BIN = Path(sys.executable).parent


QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/weihai-kg/ontology#Plan> }"


def first_answer(command: list[str], url: str, limit: float = 60) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while time.perf_counter() - started < limit:
            try:
                if requests.get(url, params={"query": QUERY}, headers={"Accept": "application/sparql-results+json"}, timeout=5).status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {proc.returncode}")
            time.sleep(0.005)
        raise RuntimeError(f"no answer within {limit} s")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    store, location, _ = prepared(args.triples)
    ours, theirs = [], []
    for _ in range(args.repeat):
        port = free_port()
        ours.append(first_answer([str(BIN / "weihai-kg"), "serve", "--store", str(store), "--port", str(port)], f"http://127.0.0.1:{port}/sparql"))
        port = free_port()
        command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        theirs.append(first_answer(command, f"http://127.0.0.1:{port}/query"))
    print(f"cold start to first answer, {args.triples} triples, {args.repeat} launches each")
    for name, times in (("weihai-kg serve", ours), ("oxigraph serve-read-only", theirs)):
        print(f"  {name:<26} median {statistics.median(times):.3f} s, worst {max(times):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
