"""Build time, validation time and peak memory at one size, against ``oxigraph load``.

    .venv/bin/python -m bench.build --triples 1000000

Generates the data (bench/generate.py) unless present, then times, each in its own process
with its peak memory (``/usr/bin/time``-style, from ``wait4``): ``weihai-kg validate``;
``weihai-kg build`` (load, union, validation, optimize); and ``oxigraph load`` plus
``oxigraph optimize`` of the same quads the build wrote (a dump of the built store), so both
sides end with the same store. Prints one table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.references import dump_store

ROOT = Path(__file__).resolve().parent.parent

BIN = Path(sys.executable).parent


def timed(command: list[str]) -> tuple[float, float, str]:
    """Seconds, peak RSS in MiB, and the output of ``command`` (which must succeed)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.decode(errors='replace')[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, out.decode(errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, help="default: build/bench/<size>")
    args = parser.parse_args()
    work = Path(os.path.relpath((args.work or ROOT / "build" / "bench" / f"{args.triples}").resolve(), ROOT))
    os.chdir(ROOT)  # paths relative to the checkout, in the commands and in what they print
    if not (work / "data" / "reports.nq").exists():
        subprocess.run([sys.executable, "-m", "bench.generate", "--triples", str(args.triples), "--out", str(work)], check=True, cwd=ROOT)
    rows = []
    seconds, mib, _ = timed([str(BIN / "weihai-kg"), "validate", "--root", str(work)])
    rows.append(("weihai-kg validate (sparql engine)", seconds, mib))
    store = work / "store"
    seconds, mib, out = timed([str(BIN / "weihai-kg"), "build", "--root", str(work), "--store", str(store)])
    rows.append(("weihai-kg build (load, validate, optimize)", seconds, mib))
    steps = [line for line in out.splitlines() if line.startswith("•")]
    dump = dump_store(store, work / "store.nq")
    location = work / "oxigraph"
    shutil.rmtree(location, ignore_errors=True)
    load_s, load_mib, _ = timed([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)])
    rows.append(("oxigraph load (the same quads)", load_s, load_mib))
    opt_s, opt_mib, _ = timed([str(BIN / "oxigraph"), "optimize", "--location", str(location)])
    rows.append(("oxigraph optimize", opt_s, opt_mib))
    print(f"\n{args.triples} triples ({work})")
    print("\n".join(steps))
    print(f"{'step':<44} {'seconds':>8} {'peak MiB':>9}")
    for name, s, m in rows:
        print(f"{name:<44} {s:>8.1f} {m:>9.0f}")
    build_s = rows[1][1]
    print(f"build ÷ (oxigraph load + optimize): {build_s / (load_s + opt_s):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
