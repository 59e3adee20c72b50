"""What giving freed memory back after a heavy query costs a query worker, and what it saves.

    .venv/bin/python -m bench.trim --store build/bench/1000000/store --repeat 3 --rounds 1

A query worker calls ``malloc_trim`` after any query over ``HEAVY_SECONDS`` (query/workers.py):
memory a heavy query freed stays in the allocator's arenas otherwise, and an idle worker keeps
that query's peak. This measures the trade on the heavy named questions of ``queries/`` (those
whose first answer takes longer than ``HEAVY_SECONDS``): each is answered ``--repeat`` times
back to back, as a query worker answers it (``run_job`` with the spool, N-Triples for a graph,
SPARQL JSON otherwise), in a fresh process with the trim and in another without it, in turns
for ``--rounds``. Each process reports its own CPU seconds, minor page faults, peak RSS and RSS
at the end, counted from after it opened the store; the answers' sizes must agree between
the two (it stops otherwise).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench import load


@dataclass(frozen=True)
class Figures:
    cpu_s: float
    minor_faults: int
    peak_rss_mib: float
    end_rss_mib: float
    sizes: tuple[int, ...]  # each answer's bytes, in order


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _answer(store: Any, query: load.Query) -> tuple[int, float]:
    """One answer as a query worker writes it (``run_job`` with the spool): its size in bytes
    and the seconds it took; a spooled answer's file is closed at once."""
    from weihai_kg.query import spool
    from weihai_kg.query.run import Job, run_job

    started = time.monotonic()
    answer = run_job(store, Job(query.text, "ntriples" if query.graph else "json", 0), spool_at=spool.SPOOL_BYTES)
    if isinstance(answer.body, spool.Spool):
        answer.body.close()
    return len(answer.body), time.monotonic() - started


def _answered(store_path: str, queries: list[load.Query], repeat: int, trim: bool) -> Figures:
    """In a fresh process: the queries answered ``repeat`` times each, as a query worker does."""
    from pyoxigraph import Store

    from weihai_kg.query.workers import HEAVY_SECONDS, memory_trimmer

    store = Store.read_only(store_path)
    give_back = memory_trimmer() if trim else (lambda: None)
    before = resource.getrusage(resource.RUSAGE_SELF)
    sizes = []
    for query in queries:
        for _ in range(repeat):
            size, seconds = _answer(store, query)
            sizes.append(size)
            if seconds > HEAVY_SECONDS:
                give_back()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return Figures(
        cpu_s=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        minor_faults=after.ru_minflt - before.ru_minflt,
        peak_rss_mib=after.ru_maxrss / 1024,  # KiB on Linux
        end_rss_mib=_rss_mib(),
        sizes=tuple(sizes),
    )


def _heavy(store_path: str, queries: list[load.Query]) -> list[str]:
    """In a fresh process: the kinds of the queries whose first answer takes over HEAVY_SECONDS."""
    from pyoxigraph import Store

    from weihai_kg.query.workers import HEAVY_SECONDS

    store = Store.read_only(store_path)
    return [query.kind for query in queries if _answer(store, query)[1] > HEAVY_SECONDS]


def _in_fresh_process(fn: object, *args: object) -> object:
    # spawn, not fork: each measured process starts with nothing of this one's heap
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("build/bench/1000000/store"))
    parser.add_argument("--repeat", type=int, default=3, help="times each heavy question is answered in a row")
    parser.add_argument("--rounds", type=int, default=1, help="pairs of processes (with and without the trim), in turns")
    parser.add_argument("--all", action="store_true", help="every named question, not only the heavy ones (a short run on small data)")
    args = parser.parse_args()
    if not args.store.exists():
        raise SystemExit(f"no store at {args.store}; build it with: python -m bench.build --triples 1000000")
    store = str(args.store)
    named = load.named_queries()
    kinds = [q.kind for q in named] if args.all else _in_fresh_process(_heavy, store, named)
    queries = [q for q in named if q.kind in kinds]  # type: ignore[operator]
    if not queries:
        raise SystemExit("no named question here takes longer than HEAVY_SECONDS; run with --all, or on larger data")
    print(f"{args.store}: {len(queries)} questions × {args.repeat}: {', '.join(q.kind.removeprefix('named:') for q in queries)}")
    runs: dict[bool, list[Figures]] = {True: [], False: []}
    for _ in range(args.rounds):
        for trim in (True, False):
            runs[trim].append(_in_fresh_process(_answered, store, queries, args.repeat, trim))  # type: ignore[arg-type]
    if runs[True][0].sizes != runs[False][0].sizes:
        print("the answers' sizes differ with and without the trim", file=sys.stderr)
        return 1
    for trim, figures in runs.items():
        for f in figures:
            label = "with malloc_trim   " if trim else "without malloc_trim"
            print(f"{label}  cpu {f.cpu_s:.3f} s  minor faults {f.minor_faults:,}  peak RSS {f.peak_rss_mib:.0f} MiB  RSS at the end {f.end_rss_mib:.0f} MiB")
    cpu = {trim: sum(f.cpu_s for f in fs) / len(fs) for trim, fs in runs.items()}
    end = {trim: sum(f.end_rss_mib for f in fs) / len(fs) for trim, fs in runs.items()}
    print(f"the trim costs {100 * (cpu[True] / cpu[False] - 1):+.1f} % CPU and leaves {end[True]:.0f} MiB against {end[False]:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
