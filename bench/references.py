"""The reference servers, on the same data as a weihai-kg store.

    .venv/bin/python bench/references.py --store build/bench/1m/store

Dumps the store's quads (the named graphs and the union default graph, exactly what
weihai-kg serves), loads them with ``oxigraph load`` (timed) and starts
``oxigraph serve-read-only`` on that copy and ``rdflib-endpoint serve`` on the dump, each on
127.0.0.1 and a free port; prints their URLs and waits until interrupted. ``bench/run.py``
uses the same functions to measure against them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.server import free_port  # noqa: E402

BIN = Path(sys.executable).parent


def dump_store(store: Path, out: Path) -> Path:
    """The store's quads as N-Quads (written once per build)."""
    from pyoxigraph import RdfFormat, Store

    if not out.exists():
        Store.read_only(str(store.resolve())).dump(output=str(out), format=RdfFormat.N_QUADS)
    return out


def oxigraph_load(dump: Path, location: Path, optimize: bool = True) -> dict[str, float]:
    """``oxigraph load`` (and ``optimize``, as its own advice for read-heavy use) into a fresh
    directory; returns the seconds each took."""
    shutil.rmtree(location, ignore_errors=True)
    timings = {}
    started = time.perf_counter()
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)], check=True, capture_output=True)
    timings["load_s"] = time.perf_counter() - started
    if optimize:
        started = time.perf_counter()
        subprocess.run([str(BIN / "oxigraph"), "optimize", "--location", str(location)], check=True, capture_output=True)
        timings["optimize_s"] = time.perf_counter() - started
    return timings


@contextmanager
def process(command: list[str], ready_url: str, timeout: float = 600) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in its own session until ``ready_url`` answers; always stopped."""
    log = tempfile.TemporaryFile()  # noqa: SIM115  closed below; a pipe nobody reads would stall the server
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(ready_url, timeout=5).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"{command[0]} did not start:\n{log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.05)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@contextmanager
def oxigraph_server(location: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    query = f"http://127.0.0.1:{port}/query"
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with process(command, f"{query}?query=ASK%7B%7D") as proc:
        yield query, proc


@contextmanager
def rdflib_server(dump: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)]
    with process(command, f"{url}?query=ASK%7B%7D") as proc:
        yield url, proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a weihai-kg store (the build/store link)")
    parser.add_argument("--work", type=Path, help="where to keep the dump and the Oxigraph copy (default: beside the store)")
    parser.add_argument("--rdflib", action="store_true", help="also start rdflib-endpoint (slow to load past ~100k triples)")
    args = parser.parse_args()
    work = args.work or args.store.parent / "references"
    work.mkdir(parents=True, exist_ok=True)
    dump = dump_store(args.store, work / "store.nq")
    print(f"oxigraph load: {oxigraph_load(dump, work / 'oxigraph')}")
    with oxigraph_server(work / "oxigraph") as (oxigraph_url, _):
        print(f"oxigraph serve-read-only: {oxigraph_url}", flush=True)
        if args.rdflib:
            with rdflib_server(dump) as (rdflib_url, _):
                print(f"rdflib-endpoint: {rdflib_url}", flush=True)
                _wait()
        else:
            _wait()
    return 0


def _wait() -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
