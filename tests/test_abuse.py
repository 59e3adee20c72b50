"""Resource abuse, short versions (``bench/abuse.py`` runs them longer and prints the table
in the README): for each case, the limit that stops it, the status the abuser gets, and that
a well-behaved client on another address keeps getting answers meanwhile."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from weihai_kg.store.layout import BuildInfo

from .abuse import (
    CARTESIAN,
    CYCLIC_PATH,
    HUGE_LITERAL,
    HUGE_OFFSET,
    MANY_VARIABLES,
    REGEX,
    Outcome,
    burst,
    queries,
    run_case,
    session_from,
    slow_bodies,
)
from .server import running_server

# One pattern from a constant: answered in the web process, without a worker.
LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/weihai-kg/id/place/weihai> ?p ?o }"
# Outside what the web process answers itself (an OPTIONAL), so it needs a query worker.
NEEDS_A_WORKER = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t OPTIONAL { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def base(built: tuple[Path, BuildInfo]) -> Iterator[str]:
    with running_server(built[0], "--timeout", "2", "--query-workers", "3") as url:
        warm_up(url)
        yield url


def warm_up(base: str) -> None:
    """Ask each kind of question on a few connections at once, so both web workers have
    answered one in process and started a query worker (and its fork server) before a case
    measures the bystander: the cases are about one client's effect on another, and a fresh
    server's first answers (cold start, measured by ``bench/coldstart.py``) are not."""

    def ask(_: int) -> None:
        session = session_from("127.0.0.3")
        for text in (LOOKUP, NEEDS_A_WORKER):
            assert session.post(base + "/sparql", data={"query": text}, timeout=60).status_code == 200

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(ask, range(4)))


def served_meanwhile(outcome: Outcome, p99_seconds: float = 1.5) -> None:
    assert outcome.errors == 0 and len(outcome.latencies) >= 3, outcome
    assert outcome.p(0.99) < p99_seconds, f"{outcome.case}: p99 {outcome.p(0.99):.2f} s"


def test_cartesian_products_are_stopped_by_the_time_limit(base: str) -> None:
    outcome = run_case(base, "cartesian product ×2", queries([CARTESIAN] * 2, parallel=2))
    assert outcome.abuser == {"503": 2}
    served_meanwhile(outcome)


def test_one_client_with_slow_queries_delays_another_by_one_query_at_most(base: str) -> None:
    """A client alone may fill every worker, but another client's query takes the next free
    worker, ahead of the first client's waiting ones (``test_fair_share`` shows the order):
    it waits for one query to end (here, at its time limit of 2 s), not for all six."""
    done: dict[str, float] = {}
    started = time.monotonic()

    def abuser(i: int) -> None:
        response = session_from("127.0.0.1").post(base + "/sparql", data={"query": CARTESIAN}, timeout=60)
        done[f"abuser {i} {response.status_code}"] = time.monotonic() - started

    threads = [threading.Thread(target=abuser, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the six are running or waiting
    response = session_from("127.0.0.2").post(base + "/sparql", data={"query": NEEDS_A_WORKER}, timeout=60)
    waited = time.monotonic() - started
    for t in threads:
        t.join()
    assert response.status_code == 200, response.text
    # three ran to their time limit, three waited that long for a worker: 503, never 429
    assert sorted(k.split()[-1] for k in done) == ["503"] * 6, done
    assert waited < 2 + 2.5, f"waited {waited:.1f} s"  # one 2-s query, and a loaded machine's slack


def test_heavy_queries_waiting_leave_threads_for_light_ones(base: str) -> None:
    """24 heavy queries from one client at once (a notebook at c=32 on heavy questions) wait
    for the query workers without taking every thread: a query the web process answers
    itself, from that client as from another, is answered meanwhile, not after them (with
    8 threads per web worker it waited for the first heavy ones to end, 2 s here)."""
    outcome = Outcome("24 heavy queries from one client")
    heavy = threading.Thread(target=queries([CARTESIAN] * 24, parallel=24), args=(base, outcome))
    heavy.start()
    time.sleep(0.4)  # the 24 are running or waiting for a worker
    waited = {}
    for source in ("127.0.0.1", "127.0.0.2"):
        started = time.monotonic()
        response = session_from(source).get(base + "/sparql", params={"query": LOOKUP}, timeout=30)
        waited[source] = time.monotonic() - started
        assert response.status_code == 200, response.text
    heavy.join()
    assert outcome.abuser == {"503": 24}, outcome.abuser  # all ran to the limit or waited it out; none refused 429
    assert max(waited.values()) < 1.0, waited


@pytest.mark.parametrize(
    "name,text,statuses",
    [
        ("cyclic property path", CYCLIC_PATH, {"200", "503"}),
        ("backtracking-prone REGEX", REGEX, {"200", "503"}),
        ("huge OFFSET and LIMIT", HUGE_OFFSET, {"200"}),
        ("2,500 variables", MANY_VARIABLES, {"200"}),
        ("30,000-character literal", HUGE_LITERAL, {"413"}),
    ],
)
def test_expensive_queries_end_within_the_limit(base: str, name: str, text: str, statuses: set[str]) -> None:
    outcome = run_case(base, name, queries([text]))
    assert set(outcome.abuser) <= statuses, outcome.abuser
    served_meanwhile(outcome)


def test_slow_clients_do_not_stop_others(base: str) -> None:
    outcome = run_case(base, "4 clients sending a byte at a time", slow_bodies(4, 3.0))
    assert outcome.abuser == {"200": 4}, outcome.abuser  # all four finish at once, from one address: none refused
    served_meanwhile(outcome)


def test_a_burst_of_connections(base: str) -> None:
    outcome = run_case(base, "burst of 100 clients", burst(100))
    assert set(outcome.abuser) <= {"200", "503"} and outcome.abuser["200"] >= 90, outcome.abuser
    served_meanwhile(outcome, p99_seconds=5.0)
