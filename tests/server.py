"""Starting a real ``weihai-kg serve`` process on a free local port for a test, and stopping it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(store: Path | None, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A weihai-kg server on 127.0.0.1; yields its base URL; always stopped, with its children."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "weihai_kg", "serve", *(["--store", str(store)] if store else []), "--port", str(port), *args]
    with running_process(command, base + "/healthz", timeout=30, env=env):
        yield base


@contextmanager
def running_process(
    command: list[str], ready_url: str, timeout: float = 600, env: dict[str, str] | None = None, cwd: Path = ROOT, inherit: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """A server ``command`` in its own session, run from ``cwd`` (the checkout), until
    ``ready_url`` answers (below 500); always stopped, with its children. Its environment is
    this one with ``env`` over it, or (``inherit=False``) ``env`` alone."""
    # The server's log goes to a file: an unread pipe would fill and stall the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115  closed in the finally below
    environment = {**(os.environ if inherit else {}), **(env or {})}
    proc = subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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
        _stop_group(proc)
        log.close()


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process and its session; one that already ended (a server that could not
    start) leaves nothing to stop, and its error, not a ProcessLookupError, is what to see."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        proc.wait()
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextmanager
def oxigraph_server(location: Path, *args: str, read_only: bool = False) -> Iterator[str]:
    """The Oxigraph server from PyPI (the venv's ``oxigraph``) on 127.0.0.1; yields its query URL."""
    port = free_port()
    query = f"http://127.0.0.1:{port}/query"
    mode = "serve-read-only" if read_only else "serve"
    command = [str(Path(sys.executable).parent / "oxigraph"), mode, "--location", str(location), "--bind", f"127.0.0.1:{port}", *args]
    with running_process(command, f"{query}?query=ASK%7B%7D"):
        yield query
