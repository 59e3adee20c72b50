"""Resource abuse, short versions (``bench/abuse.py`` runs them longer and prints the table
in the README): for each case, the limit that stops it, the status the abuser gets, and that
a well-behaved client on another address keeps getting answers meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
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
    slow_bodies,
)
from .server import running_server


@pytest.fixture(scope="module")
def base(built: tuple[Path, BuildInfo]) -> Iterator[str]:
    with running_server(built[0], "--timeout", "2", "--query-workers", "3", "--threads", "16") as url:
        yield url


def served_meanwhile(outcome: Outcome, p99_seconds: float = 1.5) -> None:
    assert outcome.errors == 0 and len(outcome.latencies) >= 3, outcome
    assert outcome.p(0.99) < p99_seconds, f"{outcome.case}: p99 {outcome.p(0.99):.2f} s"


def test_cartesian_products_are_stopped_by_the_time_limit(base: str) -> None:
    outcome = run_case(base, "cartesian product ×2", queries([CARTESIAN] * 2, parallel=2))
    assert outcome.abuser == {"503": 2}
    served_meanwhile(outcome)


def test_one_client_cannot_take_every_worker(base: str) -> None:
    outcome = run_case(base, "6 parallel slow queries, one client", queries([CARTESIAN] * 6, parallel=6))
    assert outcome.abuser["429"] >= 3 and outcome.abuser["503"] >= 2  # two run (and time out), the rest are refused
    served_meanwhile(outcome)


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
    # all four finish at once, from one address: the per-client limit may refuse the last
    assert set(outcome.abuser) <= {"200", "429"} and outcome.abuser["200"] >= 2, outcome.abuser
    served_meanwhile(outcome)


def test_a_burst_of_connections(base: str) -> None:
    outcome = run_case(base, "burst of 100 clients", burst(100))
    assert set(outcome.abuser) <= {"200", "503"} and outcome.abuser["200"] >= 90, outcome.abuser
    served_meanwhile(outcome, p99_seconds=5.0)
