"""Search as a person typing meets it: the latency of ``/search`` (JSON, 8 suggestions) for
each keystroke of a few names, on the real report and on the benchmark's generated data.

    .venv/bin/python -m bench.search --triples 3000 --triples 1000000

For each size: builds the store once (``bench.throughput.prepared``; the build writes the
name index), starts ``weihai-kg serve`` on 127.0.0.1, asks once to load the index, then types
each name one character at a time (every prefix is a request, as the search box sends them)
and reports p50, p95 and the worst answer time, the index's size and the time the build
took to make it. Targets (issue 14): within 50 ms on the real data, 200 ms at 1M triples.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import requests
from pyoxigraph import Store
from tests.server import running_server

from bench.throughput import prepared
from weihai_kg.read.search import build_index, index_path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TYPED = ["웨이하이항그룹유한공사", "port group", "德克隆", "원딩구", "Wendeng District Smart Tourism", "上韓網", "스마트 관광", "e-commerce platform"]
TARGET_MS = {3000: 50.0, 1_000_000: 200.0}


def keystrokes() -> list[str]:
    return [name[:i] for name in TYPED for i in range(1, len(name) + 1) if name[:i].strip()]


def measure(triples: int, rounds: int) -> str:
    store, _, _ = prepared(triples)
    build_dir = store.resolve()
    started = time.perf_counter()
    index = build_index(Store.read_only(str(build_dir)))
    made = time.perf_counter() - started
    size = index_path(build_dir).stat().st_size if index_path(build_dir).exists() else 0
    times: list[float] = []
    with running_server(store) as base:
        session = requests.Session()
        t = time.perf_counter()
        session.get(base + "/search", params={"q": "a"}, headers={"Accept": "application/json"}, timeout=120)  # loads the index
        first = time.perf_counter() - t
        for _ in range(rounds):
            for q in keystrokes():
                t = time.perf_counter()
                response = session.get(base + "/search", params={"q": q, "limit": 8}, headers={"Accept": "application/json"}, timeout=30)
                times.append((time.perf_counter() - t) * 1000)
                response.raise_for_status()
    times.sort()
    p50, p95, worst = statistics.median(times), times[int(len(times) * 0.95)], times[-1]
    target = TARGET_MS.get(triples, 200.0)
    return (
        f"{triples} triples: {len(index)} named entities, index {size / 1e6:.1f} MB (made in {made:.1f} s; "
        f"the first search after start, which reads it, {first:.2f} s)\n"
        f"  {len(times)} keystrokes: p50 {p50:.1f} ms, p95 {p95:.1f} ms, worst {worst:.1f} ms "
        f"(target {target:.0f} ms: {'met' if p95 <= target else 'MISSED'} at p95)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, action="append", help="data sizes (default: 3000 and 1000000)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    for triples in args.triples or [3000, 1_000_000]:
        report = measure(triples, args.rounds)
        print(report, end="", flush=True)
        (RESULTS / f"search-{triples}.txt").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
