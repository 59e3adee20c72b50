"""Throughput and latency of weihai-kg against the reference servers, on the same data.

    .venv/bin/python -m bench.throughput --triples 1000000 --mix full --concurrency 8
    .venv/bin/python -m bench.throughput --triples 2000 --mix full --concurrency 8 --rdflib

Generates and builds the data at that size if needed (``--triples 2000``: the real report
as it is), copies the built store's quads into an Oxigraph directory with ``oxigraph load``,
starts ``weihai-kg serve``, ``oxigraph serve-read-only`` (and with ``--rdflib``
``rdflib-endpoint serve``) on 127.0.0.1, checks they give the same answers, runs the load
generator (bench/load.py: A B B A rounds) and prints req/s, p50, p99, errors, the ratio to
weihai-kg and each server's peak memory (PSS summed over its process tree). Results also go to
``bench/results/``.

weihai-kg runs as ``weihai-kg serve`` (and so ``scripts/serve``) starts it — its web workers,
threads, query workers, fair share and result cache — except for rows up to 1,000,000 (the
references have no row limit, and answers must be equal), a 60-s time limit (heavy queries
at 1M take seconds), and no access log (the references log no requests; ``--access-log -``
keeps it). ``--workers``, ``--threads``, ``--query-workers`` and ``--cache`` measure other
settings; the minimal endpoint runs under the same web workers and threads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.processes import every, server_pid, tree_pss
from tests.server import running_server

from bench import load
from bench.references import dump_store, minimal_endpoint, oxigraph_load, oxigraph_reference, rdflib_server
from weihai_kg.cli import SERVE_DEFAULTS

ROOT = Path(__file__).resolve().parent.parent

BIN = Path(sys.executable).parent


RESULTS = ROOT / "bench" / "results"


def prepared(triples: int) -> tuple[Path, Path, Path]:
    """(weihai-kg store, Oxigraph copy, N-Quads dump) for that size, made once."""
    if triples <= 3000:
        work = ROOT / "build" / "bench" / "report"
        root = ROOT
    else:
        work = ROOT / "build" / "bench" / f"{triples}"
        root = work
        if not (work / "data" / "reports.nq").exists():
            subprocess.run([sys.executable, "-m", "bench.generate", "--triples", str(triples), "--out", str(work)], check=True, cwd=ROOT)
    store = work / "store"
    if not store.exists():
        subprocess.run([str(BIN / "weihai-kg"), "build", "--root", str(root), "--store", str(store)], check=True)
    dump = dump_store(store, work / "store.nq")
    location = work / "oxigraph"
    if not (location / "CURRENT").exists():
        print(f"oxigraph load: {oxigraph_load(dump, location)}", flush=True)
    return store, location, dump


@contextmanager
def peak_memory(pids: dict[str, int]) -> Iterator[dict[str, int]]:
    peaks = dict.fromkeys(pids, 0)

    def sample() -> None:
        for name, pid in pids.items():
            peaks[name] = max(peaks[name], tree_pss(pid))

    with every(0.5, sample):
        yield peaks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--mix", default="full", choices=load.MIXES)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rdflib", action="store_true", help="also measure rdflib-endpoint")
    parser.add_argument("--minimal", action="store_true", help="also measure bench/minimal_endpoint.py: the floor of a Python request path")
    parser.add_argument("--cache", choices=["named", "all", "off"], help="WEIHAI_KG_RESULT_CACHE (default: the server's)")
    parser.add_argument("--cache-mib", type=int, help="bound of the result cache (WEIHAI_KG_RESULT_CACHE_BYTES) in MiB (default: the server's)")
    parser.add_argument("--workers", help="web worker processes of weihai-kg (default: serve's)")
    parser.add_argument("--threads", help="threads per web worker (default: serve's)")
    parser.add_argument("--query-workers", help="query processes per web worker, at most (default: the server's)")
    parser.add_argument("--access-log", default="off", help="weihai-kg's request log (off: like the references, which log no requests)")
    parser.add_argument("--unique", action="store_true", help="every request a query text never sent before (a result cache only misses)")
    parser.add_argument("--name", help="results file name (default: from the arguments)")
    args = parser.parse_args()
    store, location, dump = prepared(args.triples)
    env = {"WEIHAI_KG_MAX_ROWS": "1000000", "WEIHAI_KG_QUERY_TIMEOUT": "60"}
    if args.cache:
        env["WEIHAI_KG_RESULT_CACHE"] = args.cache
    if args.cache_mib:
        env["WEIHAI_KG_RESULT_CACHE_BYTES"] = str(args.cache_mib * 1024 * 1024)
    options = ["--access-log", args.access_log]
    for flag, value in (("--workers", args.workers), ("--threads", args.threads), ("--query-workers", args.query_workers)):
        if value:
            options += [flag, value]
    web_workers, threads = args.workers or str(SERVE_DEFAULTS["workers"]), args.threads or str(SERVE_DEFAULTS["threads"])
    with ExitStack() as stack:
        endpoints = {"weihai-kg": stack.enter_context(running_server(store, *options, env=env)) + "/sparql"}
        endpoints["oxigraph"] = stack.enter_context(oxigraph_reference(location))
        if args.rdflib:
            endpoints["rdflib"] = stack.enter_context(rdflib_server(dump))
        if args.minimal:
            endpoints["minimal"] = stack.enter_context(minimal_endpoint(store, web_workers, threads))
        pids = {name: server_pid(url) for name, url in endpoints.items()}
        # Entities are sampled from Oxigraph: the sampling query (20,000 sorted rows) is the
        # harness's, and would otherwise leave weihai-kg a query worker that the light mixes
        # never need, counted in its memory.
        mix = load.build_mix(args.mix, endpoints["oxigraph"], 7)
        problems = load.check_answers(endpoints, mix)
        if problems:
            print("dropped from the mix, answers differ:\n  " + "\n  ".join(p for _, p in problems))
            dropped = {id(q) for q, _ in problems}
            mix = [q for q in mix if id(q) not in dropped]
        print(f"{len(mix)} queries of mix '{args.mix}' at {args.triples} triples: every endpoint gives the same answers", flush=True)
        results = {}
        for c in args.concurrency:
            with peak_memory(pids) as peaks:
                table = load.measure(endpoints, mix, c, args.rounds, args.seconds, unique=args.unique, pids=pids)
            for name in table:
                table[name]["peak_pss_mib"] = round(peaks[name] / 1024, 1)
            load.print_table(f"mix {args.mix}, {args.triples} triples, concurrency {c}", table)
            print("peak memory (MiB): " + ", ".join(f"{n} {table[n]['peak_pss_mib']}" for n in table))
            results[str(c)] = table
    RESULTS.mkdir(exist_ok=True)
    name = args.name or f"{args.mix}-{args.triples}-c{'-'.join(map(str, args.concurrency))}-cache-{args.cache or 'default'}"
    record = {"args": vars(args), "queries": len(mix), "dropped": [p for _, p in problems], "results": results}
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
