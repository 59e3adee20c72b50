"""Query workers: started from the fork server when a query needs one (from any thread, in
milliseconds), stopped when idle, replaced when they die; none outlives its server."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from weihai_kg.errors import WorkerFailed
from weihai_kg.query.run import Job
from weihai_kg.query.workers import WorkerPool
from weihai_kg.store.layout import BuildInfo

from .processes import role, server_pid, tree

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# OPTIONAL has no work bound (query/work_bound.py): a server always sends this to a worker
NEEDS_A_WORKER = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?x } }"


def test_workers_start_on_demand_from_any_thread_and_retire_when_idle(built: tuple[Path, BuildInfo]) -> None:
    pool = WorkerPool(built[0].resolve(), 2, 10, idle_seconds=0.5)
    try:
        assert pool.started == 0  # an idle server holds no worker
        answers: list[bytes] = []
        started = time.monotonic()
        threads = [threading.Thread(target=lambda: answers.append(pool.run(Job(COUNT, "json", 10)).body)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(answers) == 4 and all(b'"n"' in a for a in answers)
        assert time.monotonic() - started < 5  # forked, not a fresh interpreter each
        assert 1 <= pool.started <= 2  # never more than the pool's size
        deadline = time.monotonic() + 10
        while pool.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.started == 0  # retired after half a second idle
        assert b'"n"' in pool.run(Job(COUNT, "json", 10)).body  # and started again when needed
    finally:
        pool.close()


def test_a_dead_worker_fails_fast_and_is_replaced(built: tuple[Path, BuildInfo]) -> None:
    pool = WorkerPool(built[0].resolve(), 2, 10)
    try:
        pool.run(Job(COUNT, "json", 10))
        victim = pool._idle[-1]
        victim.process.kill()
        victim.process.join()
        started = time.monotonic()
        with pytest.raises(WorkerFailed):  # the most recently used worker is lent first: the dead one
            pool.run(Job(COUNT, "json", 10))
        assert time.monotonic() - started < 5
        assert pool.run(Job(COUNT, "json", 10)).body.startswith(b"{")  # a new worker answers
    finally:
        pool.close()


def test_no_worker_outlives_its_server(built: tuple[Path, BuildInfo]) -> None:
    """Forked workers must not keep their own pipe open: when the server stops, they exit."""
    from .server import running_server

    with running_server(built[0], "--query-workers", "2") as base:
        import requests

        roots = {server_pid(base)}
        assert requests.get(base + "/sparql", params={"query": NEEDS_A_WORKER}, timeout=10).status_code == 200
        pids = set().union(*(tree(pid) for pid in roots))
        assert len(pids) >= 4  # the server's main process, its web worker, the fork server, a query worker
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in pids):
        time.sleep(0.1)
    assert not [pid for pid in pids if Path(f"/proc/{pid}").exists() and _alive(pid)]


def test_the_fork_server_starts_with_the_first_query_worker(built: tuple[Path, BuildInfo]) -> None:
    """A server answering only queries it runs in the web process (lookups, bounded joins)
    holds no fork server and no resource tracker (about 16 MiB); the first query that needs a
    worker starts them, in the server's query broker."""
    from .server import running_server

    with running_server(built[0], "--workers", "1") as base:
        import requests

        roots = {server_pid(base)}

        def helpers() -> list[str]:
            found = [_cmdline(Path(f"/proc/{pid}")) for pid in set().union(*(tree(pid) for pid in roots))]
            return [c for c in found if "multiprocessing.forkserver" in c or "multiprocessing.resource_tracker" in c]

        lookup = "SELECT ?p ?o WHERE { <https://w3id.org/weihai-kg/id/place/weihai> ?p ?o }"
        assert requests.get(base + "/sparql", params={"query": lookup}, timeout=10).status_code == 200
        assert requests.get(base + "/healthz", timeout=10).status_code == 200
        assert helpers() == []
        assert requests.get(base + "/sparql", params={"query": NEEDS_A_WORKER}, timeout=10).status_code == 200
        started = helpers()  # the resource tracker, the fork server, and the worker forked from it (the same command line)
        assert any("resource_tracker" in c for c in started) and sum("forkserver" in c for c in started) == 2


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_text()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def testmemory_trimmer_is_glibc_malloc_trim() -> None:
    """Workers give a heavy query's memory back with malloc_trim (1: memory released, 0: none
    to release); a no-op lambda would return None."""
    from weihai_kg.query.workers import memory_trimmer

    assert memory_trimmer()() in (0, 1)


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_a_stopped_server_exits_at_once_with_its_workers(built: tuple[Path, BuildInfo], server: str) -> None:
    """SIGTERM to the server's main process stops it and every query worker in well under a
    second: forked workers do not keep the web server's signal handlers, which would make
    them ignore the stop and keep their parent waiting until its kill timeout (10 s)."""
    import os
    import signal

    import requests

    from .server import free_port

    port = free_port()
    command = [sys.executable, "-m", "weihai_kg", "serve", "--store", str(built[0]), "--port", str(port), "--server", server, "--query-workers", "2"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": NEEDS_A_WORKER}, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        pids = set(tree(proc.pid))
        assert len(pids) >= 4  # main, web worker, fork server, a query worker
        started = time.monotonic()
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
        while time.monotonic() - started < 15 and any(_alive(pid) for pid in pids):
            time.sleep(0.05)
        assert not [pid for pid in pids if _alive(pid)]
        assert time.monotonic() - started < 3
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_a_server_stopped_while_its_workers_start_exits_at_once(built: tuple[Path, BuildInfo], server: str) -> None:
    """A stop that reaches the web workers while they are still building the app (Ctrl-C
    just after starting, or a test that stops a server one worker of which has answered) ends
    them at once, not after the server's 10 s kill timeout: granian forks its workers with the
    main process's stop handler, which would only set a flag in the worker's copy of it."""
    import os
    import signal

    from .server import free_port

    command = [sys.executable, "-m", "weihai_kg", "serve", "--store", str(built[0]), "--port", str(free_port()), "--server", server, "--workers", "2"]
    env = {**os.environ, "WEIHAI_KG_FAULT": "app-building"}  # each web worker waits 3 s in create_app (faults.py)
    log = tempfile.TemporaryFile()  # noqa: SIM115  closed with the test; read when a check fails
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)

    def said() -> str:
        log.seek(0)
        return log.read().decode("utf-8", "replace")[-3000:]

    try:
        deadline = time.monotonic() + 30
        while len(tree(proc.pid)) < 3 and time.monotonic() < deadline:  # the main process and both web workers
            time.sleep(0.01)
        assert len(tree(proc.pid)) >= 3, f"processes {tree(proc.pid)}, exit {proc.poll()}; the server said:\n{said()}"
        time.sleep(0.5)  # well inside the pause
        started = time.monotonic()
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
        # gunicorn's workers stop once the app is built (after the 3 s pause): not the 10 s kill timeout
        assert time.monotonic() - started < 6.5, said()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_a_killed_web_worker_is_replaced_and_the_query_workers_serve_on(built: tuple[Path, BuildInfo], server: str) -> None:
    """A web worker that dies (here: SIGKILL) is replaced by the server and answers resume;
    the query workers belong to the server's broker, not to it, so they keep answering the
    other web workers."""
    import os
    import signal

    import requests

    from .server import running_server

    with running_server(built[0], "--server", server, "--query-workers", "2", "--access-log", "off") as base:
        main = server_pid(base)
        assert requests.get(base + "/sparql", params={"query": NEEDS_A_WORKER}, timeout=10).status_code == 200
        roles = {pid: role(pid, main) for pid in tree(main)}
        worker = next(pid for pid, r in roles.items() if r == "web worker")
        kept = {pid for pid, r in roles.items() if r in ("query broker", "fork server", "query worker")}
        assert len(kept) >= 3
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 15
        answered = 0
        while time.monotonic() < deadline and answered < 4:  # on either web worker, the new one too
            try:
                again = NEEDS_A_WORKER.replace("?n", f"?n{answered}")  # not from the result cache
                answered += requests.get(base + "/sparql", params={"query": again}, timeout=5).status_code == 200
            except requests.RequestException:
                time.sleep(0.1)
        assert answered == 4
        assert all(_alive(pid) for pid in kept)
        # dead is not yet reaped: the server collects its child when it next looks (under load, a moment later)
        while time.monotonic() < deadline and worker in tree(main):
            time.sleep(0.1)
        assert worker not in tree(main)


def test_serve_shares_one_query_worker_per_core_between_all_web_workers(built: tuple[Path, BuildInfo]) -> None:
    """What "auto" chose reaches every web worker: /healthz says how many query workers the
    server's broker may start, the same from each web worker and whatever their number. An
    app without a broker (under another WSGI server) shares the cores out between its web
    workers."""
    import os

    import requests

    from weihai_kg.cli import SERVE_DEFAULTS
    from weihai_kg.web import query_workers

    from .server import running_server

    cores = len(os.sched_getaffinity(0))
    for web_workers in (SERVE_DEFAULTS["workers"], 1):
        with running_server(built[0], "--workers", str(web_workers), "--access-log", "off") as base:
            said = {requests.get(base + "/healthz", timeout=10).json()["query_workers"] for _ in range(6)}
        assert said == {cores}, (web_workers, said)
    alone = {"QUERY_WORKERS": "auto", "BROKER": "", "WEB_WORKERS": 2}
    assert query_workers(alone) == max(1, cores // 2)
    assert query_workers({**alone, "QUERY_WORKERS": "3"}) == 3


def test_an_idle_servers_query_worker_stops_after_the_idle_setting(built: tuple[Path, BuildInfo]) -> None:
    """QUERY_WORKER_IDLE_SECONDS travels from the environment through ``serve`` to the
    server's query broker: the worker a query started is gone once the server has been idle that long,
    and the next query starts another."""
    import requests

    from .server import running_server

    def query_workers(main: int) -> int:
        return sum(role(pid, main) == "query worker" for pid in tree(main))

    with running_server(built[0], "--workers", "1", "--access-log", "off", env={"WEIHAI_KG_QUERY_WORKER_IDLE_SECONDS": "1"}) as base:
        main = server_pid(base)
        assert requests.get(base + "/sparql", params={"query": NEEDS_A_WORKER}, timeout=10).status_code == 200
        assert query_workers(main) == 1
        deadline = time.monotonic() + 20  # one second idle, checked every quarter second; generous for a loaded machine
        while query_workers(main) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert query_workers(main) == 0
        again = NEEDS_A_WORKER.replace("?n", "?count")  # another text: the first answer is in the result cache
        assert requests.get(base + "/sparql", params={"query": again}, timeout=10).status_code == 200
        assert query_workers(main) == 1
