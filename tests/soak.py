"""The soak run: the named-query mix at a fixed concurrency for a while, counting answers and
errors and sampling the whole server's memory (PSS of the process the harness started
and its descendants: main process, web workers, query workers, fork servers)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from .abuse import session_from
from .processes import server_pid, tree_pss

MIX = [
    "agency-projects",
    "area-projects",
    "projects-per-area",
    "korea-projects-investment",
    "projects-in-month",
    "action-plan-targets",
    "incheon-weihai-links",
    "projects-per-sector",
    "entity-names",
    "plans",
    "wekoreago",
    "report-sources",
    "spelling-variants",
    "floor-areas",
    "label-search",
    "agency-network",
]


@dataclass
class Soak:
    answers: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    memory: list[int] = field(default_factory=list)  # KiB of PSS, once a second after warm-up
    seconds: float = 0.0

    def summary(self) -> str:
        total = sum(self.answers.values())
        return (
            f"{total} answers in {self.seconds:.0f} s ({total / self.seconds:.0f}/s), errors {len(self.errors)}, "
            f"memory (PSS, whole server) {self.memory[0] / 1024:.0f} MiB at start (after warm-up), peak {max(self.memory) / 1024:.0f} MiB, "
            f"end {self.memory[-1] / 1024:.0f} MiB"
        )


def soak(base: str, seconds: float, concurrency: int = 16) -> Soak:
    result = Soak()
    pid = server_pid(base)
    stop = threading.Event()

    def client(offset: int) -> None:
        session = session_from(f"127.0.0.{10 + offset}")  # many users: one loopback address each
        i = offset
        while not stop.is_set():
            name = MIX[i % len(MIX)]
            i += 1
            try:
                response = session.get(f"{base}/queries/{name}", headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"}, timeout=30)
                result.answers[response.status_code] += 1
                if response.status_code != 200:
                    result.errors.append(f"{response.status_code} {name}: {response.text[:100]}")
            except requests.RequestException as e:
                result.errors.append(repr(e))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(min(5.0, seconds / 6))  # warm-up: caches and worker processes settle
    while time.monotonic() - started < seconds:
        result.memory.append(tree_pss(pid))
        time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    result.memory.append(tree_pss(pid))
    result.seconds = time.monotonic() - started
    return result
