"""Sharing the server: one busy client alone, then two at once, against weihai-kg as
``weihai-kg serve`` starts it.

    .venv/bin/python -m bench.fairness --triples 2000 --mix generic --concurrency 8 --seconds 10

Each client sends ``--concurrency`` requests at a time from its own loopback address
(127.0.0.2, 127.0.0.3), spread over two processes so that the client's own GIL is not the
limit. Prints for each client its requests per second and its errors (any answer but 200:
a 429 is one), then the ratio of the two clients' throughputs. Results go to
``bench/results/fairness-*.json``. ``tests/test_fair_share.py`` runs a short version.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from dataclasses import dataclass

from tests.server import running_server

from bench import load
from bench.throughput import RESULTS, prepared

CLIENTS = ("127.0.0.2", "127.0.0.3")


@dataclass
class Share:
    client: str
    requests: int
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def share(url: str, mix: list[load.Query], clients: tuple[str, ...], concurrency: int, seconds: float, seed: int = 7) -> list[Share]:
    """Every client in ``clients`` sends ``concurrency`` requests at a time for ``seconds``, all at once."""
    jobs, owners = [], []
    for i, client in enumerate(clients):
        for part in (concurrency - concurrency // 2, concurrency // 2):
            if part:
                jobs.append((url, mix, seconds, part, seed + len(jobs), client))
                owners.append(i)
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        started = time.perf_counter()
        results = pool.map(load._client, jobs)
        elapsed = time.perf_counter() - started
    shares = [Share(c, 0, 0, elapsed) for c in clients]
    for owner, (done, errors, _) in zip(owners, results, strict=True):
        shares[owner].requests += done
        shares[owner].errors += errors
    return shares


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=2000)
    parser.add_argument("--mix", default="generic", choices=load.MIXES)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--serve-arg", action="append", default=[], help="an extra argument for weihai-kg serve (repeatable)")
    args = parser.parse_args()
    store, _, _ = prepared(args.triples)
    with running_server(store, "--access-log", "off", *args.serve_arg) as base:
        url = base + "/sparql"
        mix = load.build_mix(args.mix, url, 7)
        share(url, mix, CLIENTS[:1], args.concurrency, 1.0)  # warm-up, not counted
        alone = share(url, mix, CLIENTS[:1], args.concurrency, args.seconds)
        both = share(url, mix, CLIENTS, args.concurrency, args.seconds)
    rows = [("alone", alone[0])] + [(f"together {i + 1}", s) for i, s in enumerate(both)]
    print(f"\nmix {args.mix}, {args.triples} triples, each client at c={args.concurrency}, {args.seconds:g} s")
    print(f"{'client':<12} {'address':<10} {'req/s':>9} {'errors':>7}")
    for name, s in rows:
        print(f"{name:<12} {s.client:<10} {s.rate:>9.1f} {s.errors:>7}")
    ratio = min(s.rate for s in both) / max(s.rate for s in both)
    print(f"slower ÷ faster of the two together: {ratio:.3f}; together ÷ alone: {sum(s.rate for s in both) / alone[0].rate:.3f}")
    RESULTS.mkdir(exist_ok=True)
    record = {"args": vars(args), "alone": vars(alone[0]), "together": [vars(s) for s in both], "ratio": round(ratio, 3)}
    (RESULTS / f"fairness-{args.mix}-{args.triples}-c{args.concurrency}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
