"""Abuse cases against a real server, each with a well-behaved client on another loopback
address measuring its latency meanwhile; prints the Markdown table kept in the README.

    .venv/bin/python -m bench.abuse                 # starts its own server, with serve's defaults
    .venv/bin/python -m bench.abuse --url http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.abuse import (
    CARTESIAN,
    CYCLIC_PATH,
    HUGE_LITERAL,
    HUGE_OFFSET,
    MANY_VARIABLES,
    REGEX,
    burst,
    queries,
    run_case,
    slow_bodies,
)
from tests.server import running_server

ROOT = Path(__file__).resolve().parent.parent


def cases() -> list[tuple[str, object]]:
    return [
        ("nothing (baseline)", queries([])),
        ("cartesian product ×2 in parallel", queries([CARTESIAN] * 2, parallel=2)),
        ("8 parallel slow queries from one client", queries([CARTESIAN] * 8, parallel=8)),
        ("cyclic property path ×4", queries([CYCLIC_PATH] * 4, parallel=2)),
        ("backtracking-prone REGEX ×4", queries([REGEX] * 4, parallel=2)),
        ("huge OFFSET/LIMIT ×20", queries([HUGE_OFFSET] * 20, parallel=4)),
        ("2,500 variables ×20", queries([MANY_VARIABLES] * 20, parallel=4)),
        ("30,000-character literal ×20", queries([HUGE_LITERAL] * 20, parallel=4)),
        ("6 clients sending a byte at a time (10 s)", slow_bodies(6, 10.0)),
        ("burst of 300 clients at once", burst(300)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--store", default=str(ROOT / "build" / "store"))
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each case runs at least")
    args = parser.parse_args()

    def run(base: str) -> None:
        print("| abuse | what the abuser got | bystander answers | bystander errors | bystander p50 | bystander p99 |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, abuse in cases():
            print(run_case(base, name, abuse, at_least=args.seconds).row(), flush=True)  # type: ignore[arg-type]

    if args.url:
        run(args.url.rstrip("/"))
    else:
        with running_server(Path(args.store)) as base:
            run(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
