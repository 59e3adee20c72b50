"""The reference servers, on the same data as a weihai-kg store.

    .venv/bin/python -m bench.references --store build/bench/1m/store

Dumps the store's quads (the named graphs and the union default graph, exactly what
weihai-kg serves), loads them with ``oxigraph load`` (timed) and starts
``oxigraph serve-read-only`` on that copy and ``rdflib-endpoint serve`` on the dump, each on
127.0.0.1 and a free port; prints their URLs and waits until interrupted. ``bench/run.py``
uses the same functions to measure against them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.server import free_port, oxigraph_server, running_process

ROOT = Path(__file__).resolve().parent.parent

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
def oxigraph_reference(location: Path) -> Iterator[str]:
    """``oxigraph serve-read-only`` on the copy made by ``oxigraph_load``; yields its query URL."""
    with oxigraph_server(location, read_only=True) as url:
        yield url


@contextmanager
def rdflib_server(dump: Path) -> Iterator[str]:
    """``rdflib-endpoint serve`` on the dump; yields its query URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)]
    with running_process(command, f"{url}?query=ASK%7B%7D"):
        yield url


@contextmanager
def minimal_endpoint(store: Path, workers: str = "2", threads: str = "8") -> Iterator[str]:
    """``bench/minimal_endpoint.py`` (no checks, no limits) under granian on ``store``;
    yields its query URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    command = [
        str(BIN / "granian"), "--interface", "wsgi", "--workers", workers, "--blocking-threads", threads,
        "--host", "127.0.0.1", "--port", str(port), "--no-ws", "--working-dir", str(ROOT / "bench"), "minimal_endpoint:app",
    ]  # fmt: skip
    with running_process(command, f"{url}?query=ASK%7B%7D", env={"WEIHAI_KG_STORE": str(store.resolve())}):
        yield url


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
    with oxigraph_reference(work / "oxigraph") as oxigraph_url:
        print(f"oxigraph serve-read-only: {oxigraph_url}", flush=True)
        if args.rdflib:
            with rdflib_server(dump) as rdflib_url:
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
