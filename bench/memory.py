"""Where weihai-kg's memory is: each process's share at the moment the whole server peaked.

    .venv/bin/python -m bench.memory --triples 1000000 --mix full --concurrency 1 --seconds 8

Starts ``weihai-kg serve`` as ``bench/throughput.py`` does (rows up to 1,000,000, a 60-s time
limit, no access log, ``--cache named`` unless told), runs the mix against it alone as
``throughput`` does (a warm-up, then two slots of ``--seconds`` a round, new connections each
slot), samples the PSS of every process of the server every 0.2 s, and prints, for the
sample where their sum peaked, each process with its role (main, web worker, query broker,
fork server, resource tracker, query worker) and its PSS, then each process's own peak. ``throughput``
says how much; this says which process holds it. Entities for the mix are sampled from an
Oxigraph copy, so that sampling starts no query worker here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.processes import every, pss, role, server_pid, tree
from tests.server import running_server

from bench import load
from bench.references import oxigraph_reference
from bench.throughput import prepared

SAMPLE_SECONDS = 0.2


@dataclass
class Peak:
    total: int = 0  # KiB, the largest sum seen
    at_peak: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid: (role, KiB) in that sample
    own: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid: (role, its own largest KiB)


@contextmanager
def sampled(main: int) -> Iterator[Peak]:
    """Samples the server's processes while the block runs; the Peak fills in as it goes."""
    peak = Peak()

    def sample() -> None:
        parts = {pid: (role(pid, main), pss(pid)) for pid in tree(main)}
        for pid, (kind, kib) in parts.items():
            if kib > peak.own.get(pid, ("", 0))[1]:
                peak.own[pid] = (kind, kib)
        total = sum(kib for _, kib in parts.values())
        if total > peak.total:
            peak.total, peak.at_peak = total, parts

    with every(SAMPLE_SECONDS, sample):
        yield peak


def measure(url: str, mix: list[load.Query], concurrency: int, rounds: int, seconds: float) -> tuple[Peak, dict[str, float]]:
    """The peak, and the load's own figures (``load.measure``: a warm-up, then two slots a round)."""
    with sampled(server_pid(url)) as peak:
        table = load.measure({"weihai-kg": url}, mix, concurrency, rounds, seconds)
    return peak, table["weihai-kg"]


def report(peak: Peak) -> str:
    lines = [f"peak of the whole server: {peak.total / 1024:.1f} MiB; at that moment:"]
    for pid, (kind, kib) in sorted(peak.at_peak.items(), key=lambda item: -item[1][1]):
        lines.append(f"  {kind:<17} {pid:>8} {kib / 1024:8.1f} MiB")
    lines.append("each process's own peak:")
    for pid, (kind, kib) in sorted(peak.own.items(), key=lambda item: -item[1][1]):
        lines.append(f"  {kind:<17} {pid:>8} {kib / 1024:8.1f} MiB")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--mix", default="full", choices=load.MIXES)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--cache", default="named", choices=["named", "all", "off"], help="WEIHAI_KG_RESULT_CACHE")
    parser.add_argument("--serve-arg", action="append", default=[], help="an extra argument for weihai-kg serve (repeatable)")
    args = parser.parse_args()
    store, location, _ = prepared(args.triples)
    env = {"WEIHAI_KG_MAX_ROWS": "1000000", "WEIHAI_KG_QUERY_TIMEOUT": "60", "WEIHAI_KG_RESULT_CACHE": args.cache}
    with running_server(store, "--access-log", "off", *args.serve_arg, env=env) as base, oxigraph_reference(location) as reference:
        mix = load.build_mix(args.mix, reference, 7)
        peak, row = measure(base + "/sparql", mix, args.concurrency, args.rounds, args.seconds)
    print(f"mix {args.mix}, {args.triples} triples, concurrency {args.concurrency}, {args.rounds} rounds of 2 slots of {args.seconds:g} s")
    print(f"{row['req_per_s']} req/s, {row['errors']} errors")
    print(report(peak))
    return 0


if __name__ == "__main__":
    sys.exit(main())
