"""The server's query broker: one set of query workers, and one fair share, for every web
worker of ``weihai-kg serve``. Tried as a client meets it: connections to a real server,
placed on its web workers by the kernel, and the server's processes read from /proc."""

from __future__ import annotations

import http.client
import os
import pickle
import signal
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

import pytest
import requests

from weihai_kg.query import broker as broker_module
from weihai_kg.query import spool
from weihai_kg.query.broker import Broker
from weihai_kg.query.run import Answer, Job
from weihai_kg.store.layout import BuildInfo

from .abuse import session_from
from .processes import connection_owner, every, role, server_pid, tree
from .server import running_server

# About 0.7 s in a worker on the report (no work bound: the web process never runs it);
# each use renames ?n so that no answer comes from the result cache.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t . ?b a ?u . ?c a ?v . FILTER(?t = ?u) }"


def _reply(sent: tuple[bytes, int | None]) -> object:
    return spool.opened(*sent)  # the broker's own reply frame, in this process


def _roles(main: int) -> dict[int, str]:
    return {pid: role(pid, main) for pid in tree(main)}


def _count(main: int, wanted: str) -> int:
    return sum(r == wanted for r in _roles(main).values())


def _connections_by_web_worker(base: str, count: int) -> dict[int, list[http.client.HTTPConnection]]:
    """``count`` keep-alive connections, grouped by the web worker the kernel gave each to."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    grouped: dict[int, list[http.client.HTTPConnection]] = defaultdict(list)
    for _ in range(count):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", "/healthz")
        assert conn.getresponse().read()
        assert conn.sock is not None
        grouped[connection_owner(base, conn.sock.getsockname()[1])].append(conn)
    return grouped


def _ask(conn: http.client.HTTPConnection, query: str, statuses: list[int], retry_after: list[str | None] | None = None) -> None:
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    response.read()
    statuses.append(response.status)
    if retry_after is not None and response.status == 429:
        retry_after.append(response.getheader("Retry-After"))


def _at_once(jobs: list[tuple[http.client.HTTPConnection, str]]) -> list[int]:
    statuses: list[int] = []
    threads = [threading.Thread(target=_ask, args=(conn, query, statuses)) for conn, query in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_one_web_workers_queries_use_every_query_worker_and_the_server_never_more(built: tuple[Path, BuildInfo]) -> None:
    """Two heavy queries on connections the kernel gave to the same web worker run at once,
    each in a query worker of its own, while the other web worker has none running (work
    conserving: with a pool per web worker, 1 each on 2 cores, the second waited for the
    first). Three at once, two of them on one web worker and one on the other, still start
    no more query workers than the server's number."""
    with running_server(built[0], "--workers", "2", "--query-workers", "2", "--access-log", "off") as base:
        main = server_pid(base)
        grouped = _connections_by_web_worker(base, 16)
        assert len(grouped) == 2, "the kernel gave every connection to one web worker"
        first, other = sorted(grouped.values(), key=len, reverse=True)
        assert len(first) >= 2
        assert _count(main, "query worker") == 0

        assert _at_once([(first[0], SLOW.replace("?n", "?n1")), (first[1], SLOW.replace("?n", "?n2"))]) == [200, 200]
        assert _count(main, "query worker") == 2  # the second did not wait for the first

        seen: list[int] = []
        with every(0.02, lambda: seen.append(_count(main, "query worker"))):
            trio = [(first[0], SLOW.replace("?n", "?n3")), (first[1], SLOW.replace("?n", "?n4")), (other[0], SLOW.replace("?n", "?n5"))]
            assert _at_once(trio) == [200, 200, 200]
        assert max(seen) == 2
        for conns in grouped.values():
            for conn in conns:
                conn.close()


def test_the_whole_server_has_one_broker_one_fork_server_and_one_resource_tracker(built: tuple[Path, BuildInfo]) -> None:
    """Queries needing a worker from both web workers start the broker's one fork server and
    resource tracker, not one of each per web worker (16 MiB each, README, Speed and scale)."""
    with running_server(built[0], "--workers", "2", "--access-log", "off") as base:
        main = server_pid(base)
        grouped = _connections_by_web_worker(base, 16)
        assert len(grouped) == 2
        for i, conns in enumerate(grouped.values()):
            assert _at_once([(conns[0], SLOW.replace("?n", f"?m{i}"))]) == [200]
        roles = sorted(_roles(main).values())
        assert roles.count("query broker") == 1
        assert roles.count("fork server") == 1
        assert roles.count("resource tracker") == 1
        assert roles.count("web worker") == 2
        for conns in grouped.values():
            for conn in conns:
                conn.close()


def test_a_killed_broker_is_started_again_and_queries_go_on(built: tuple[Path, BuildInfo]) -> None:
    """The broker killed outright (as by the out-of-memory killer): the server starts another,
    the web workers reconnect, and the next query needing a worker is answered; the old
    broker's workers end with it."""
    with running_server(built[0], "--workers", "2", "--access-log", "off") as base:
        main = server_pid(base)
        assert requests.get(base + "/sparql", params={"query": SLOW}, timeout=30).status_code == 200
        roles = _roles(main)
        (old,) = [pid for pid, r in roles.items() if r == "query broker"]
        old_workers = [pid for pid, r in roles.items() if r in ("fork server", "query worker")]
        os.kill(old, signal.SIGKILL)
        answered = [requests.get(base + "/sparql", params={"query": SLOW.replace("?n", f"?k{i}")}, timeout=30).status_code for i in range(4)]
        assert answered == [200] * 4  # from both web workers: each kept connections to the old broker
        brokers = [pid for pid, r in _roles(main).items() if r == "query broker"]
        assert len(brokers) == 1 and brokers[0] != old
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() and pid in tree(old) for pid in old_workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in old_workers if pid in tree(main)]


def test_the_broker_keeps_a_pool_per_build_and_closes_one_no_longer_asked_for(
    built: tuple[Path, BuildInfo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web worker still on the previous build during a switch names that build: the broker
    answers it from that build's workers; a build not asked for (here: at once) whose workers
    are idle is closed when another is asked for."""
    monkeypatch.setattr(broker_module, "POOL_KEPT_SECONDS", 0.0)
    previous = tmp_path / "previous"
    previous.symlink_to(built[0].resolve())  # another path: another build for the broker
    broker = Broker(slots=1, timeout=10, idle_seconds=0)
    try:
        job = pickle.dumps(Job(SLOW, "json", 10))
        for path in (str(previous), str(built[0].resolve())):
            answer = _reply(broker.answer("client", path, job))
            assert isinstance(answer, Answer) and b'"n"' in answer.body
        assert list(broker._pools) == [str(built[0].resolve())]
        failed = _reply(broker.answer("client", str(tmp_path / "missing"), job))
        assert isinstance(failed, Exception)  # a store that cannot be opened comes back as an error, not a hang
    finally:
        broker.close()


def test_a_web_worker_bounds_one_clients_queries_at_the_broker(built: tuple[Path, BuildInfo]) -> None:
    """Each query handed to the broker holds a web worker thread until answered, so a web
    worker lets one client have the broker's workers running and CLIENT_QUEUE waiting, and
    answers the next 429 with Retry-After; another client still gets its queries answered."""
    env = {"WEIHAI_KG_CLIENT_QUEUE": "1"}
    with running_server(built[0], "--workers", "1", "--query-workers", "1", "--access-log", "off", env=env) as base:
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        greedy = [http.client.HTTPConnection(host, int(port), timeout=30) for _ in range(3)]
        statuses: list[int] = []
        retry_after: list[str | None] = []
        threads = [threading.Thread(target=_ask, args=(conn, SLOW.replace("?n", f"?g{i}"), statuses, retry_after)) for i, conn in enumerate(greedy)]
        for t in threads:
            t.start()
            time.sleep(0.1)  # in turn: the first runs, the second waits, the third finds the client's share full
        other = session_from("127.0.0.2").get(base + "/sparql", params={"query": SLOW.replace("?n", "?o")}, timeout=30)
        for t in threads:
            t.join()
        assert sorted(statuses) == [200, 200, 429]
        assert retry_after and (retry_after[0] or "").isdigit()
        assert other.status_code == 200
        refused = requests.get(base + "/sparql", params={"query": SLOW.replace("?n", "?r")}, timeout=30)
        assert refused.status_code == 200  # the share is free again
        for conn in greedy:
            conn.close()
