"""Soak: the named-query mix at concurrency 16 for ten minutes (by default) against a real
server; fails if any request errs or the server's memory grows past the bound.

    .venv/bin/python -m bench.soak --seconds 600
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.server import running_server
from tests.soak import soak

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--growth-mib", type=float, default=64, help="allowed memory growth after warm-up")
    parser.add_argument("--store", default=str(ROOT / "build" / "store"))
    args = parser.parse_args()
    with running_server(Path(args.store)) as base:
        result = soak(base, args.seconds, args.concurrency)
    print(result.summary())
    growth = (result.memory[-1] - result.memory[0]) / 1024
    print(f"memory growth after warm-up: {growth:.1f} MiB (bound {args.growth_mib:g} MiB)")
    for error in result.errors[:10]:
        print("  " + error)
    return 0 if not result.errors and growth <= args.growth_mib else 1


if __name__ == "__main__":
    sys.exit(main())
