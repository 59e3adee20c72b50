"""Abusive clients for the abuse tests and ``bench/abuse.py``: each case runs while a
well-behaved client on another loopback address keeps asking ordinary questions, and
reports what the abuser got and the well-behaved client's latencies."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from requests.adapters import HTTPAdapter

PLANS = "PREFIX wh: <https://w3id.org/weihai-kg/ontology#> SELECT ?plan WHERE { ?plan a wh:Plan }"


class SourceAddressAdapter(HTTPAdapter):
    """Connections from a chosen loopback address (127.0.0.2, …), so the server sees another client."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]


def session_from(source: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddressAdapter(source))
    return session


@dataclass
class Outcome:
    case: str
    abuser: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def p(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def row(self) -> str:
        abuser = ", ".join(f"{k}×{v}" for k, v in sorted(self.abuser.items()))
        return (
            (
                f"| {self.case} | {abuser} | {len(self.latencies)} | {self.errors} | {statistics.median(self.latencies) * 1000:.0f} ms | "
                f"{self.p(0.99) * 1000:.0f} ms |"
            )
            if self.latencies
            else f"| {self.case} | {abuser} | 0 | {self.errors} | – | – |"
        )


def bystander(base: str, stop: threading.Event, outcome: Outcome) -> None:
    session = session_from("127.0.0.2")
    while not stop.is_set():
        started = time.monotonic()
        try:
            response = session.get(base + "/sparql", params={"query": PLANS}, timeout=30)
            if response.status_code == 200:
                outcome.latencies.append(time.monotonic() - started)
            else:
                outcome.errors += 1
        except requests.RequestException:
            outcome.errors += 1
        time.sleep(0.02)


def run_case(base: str, case: str, abuse: Callable[[str, Outcome], None], at_least: float = 1.0) -> Outcome:
    """Run ``abuse`` while a bystander asks questions, for ``at_least`` seconds in all."""
    outcome = Outcome(case)
    stop = threading.Event()
    watcher = threading.Thread(target=bystander, args=(base, stop, outcome))
    started = time.monotonic()
    watcher.start()
    try:
        abuse(base, outcome)
        time.sleep(max(0.0, at_least - (time.monotonic() - started)))
    finally:
        stop.set()
        watcher.join()
    return outcome


def queries(texts: list[str], parallel: int = 1) -> Callable[[str, Outcome], None]:
    def abuse(base: str, outcome: Outcome) -> None:
        session = session_from("127.0.0.1")

        def one(text: str) -> None:
            try:
                response = session.post(base + "/sparql", data={"query": text}, timeout=60)
                outcome.abuser[str(response.status_code)] += 1
            except requests.RequestException as e:
                outcome.abuser[type(e).__name__] += 1

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(one, texts))

    return abuse


def slow_bodies(connections: int, seconds: float) -> Callable[[str, Outcome], None]:
    """Clients that send their request body a byte at a time."""

    def abuse(base: str, outcome: Outcome) -> None:
        host, port = base.removeprefix("http://").split(":")
        body = b"query=ASK%7B%7D" + b"+" * 200
        sockets = []
        for _ in range(connections):
            s = socket.create_connection((host, int(port)), source_address=("127.0.0.1", 0))
            s.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode()
            )
            sockets.append(s)
        sent = 0
        while sent < len(body):
            for s in sockets:
                try:
                    s.sendall(body[sent : sent + 1])
                except OSError:
                    outcome.abuser["dropped"] += 1
            sent += 1
            time.sleep(seconds / len(body))
        for s in sockets:
            s.settimeout(5)
            try:
                status = s.recv(64).split(b" ")[1].decode() if sent >= len(body) else "unfinished"
            except (OSError, IndexError):
                status = "closed"
            outcome.abuser[status] += 1
            s.close()

    return abuse


def burst(connections: int) -> Callable[[str, Outcome], None]:
    """Many clients connecting at once (each from its own loopback address), each asking one question."""

    def abuse(base: str, outcome: Outcome) -> None:
        def one(i: int) -> None:
            session = session_from(f"127.0.{1 + i // 250}.{1 + i % 250}")
            try:
                outcome.abuser[str(session.get(base + "/sparql", params={"query": PLANS}, timeout=60).status_code)] += 1
            except requests.RequestException as e:
                outcome.abuser[type(e).__name__] += 1

        with ThreadPoolExecutor(max_workers=connections) as pool:
            list(pool.map(one, range(connections)))

    return abuse


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CYCLIC_PATH = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX wh: <https://w3id.org/weihai-kg/ontology#> "
    "SELECT (COUNT(*) AS ?n) WHERE { ?x (wh:involves|^wh:involves|wh:partOfPlan|^wh:partOfPlan|wh:inArea|^wh:inArea)* ?y . ?y ?p ?z }"
)
REGEX = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?t ?q ?r FILTER (REGEX(CONCAT(STR(?o), STR(?r)), "^(a+)+$|(x+x+)+y|(.*a){20}")) }'
HUGE_OFFSET = "SELECT * WHERE { ?s ?p ?o } OFFSET 1000000000000 LIMIT 1000000000000"
MANY_VARIABLES = "SELECT " + " ".join(f"?v{i}" for i in range(2500)) + " WHERE { }"
HUGE_LITERAL = 'ASK { ?s ?p "' + "가" * 30000 + '" }'
