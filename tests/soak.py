"""The soak run: the named-query mix at a fixed concurrency for a while, counting answers and
errors and sampling the server's memory (the web worker and its query workers)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .abuse import session_from

ROOT = Path(__file__).resolve().parent.parent
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


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


@dataclass
class Soak:
    answers: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        total = sum(self.answers.values())
        return (
            f"{total} answers in {self.seconds:.0f} s ({total / self.seconds:.0f}/s), errors {len(self.errors)}, "
            f"RSS {self.rss[0] / 1024:.0f} MiB at start (after warm-up), peak {max(self.rss) / 1024:.0f} MiB, end {self.rss[-1] / 1024:.0f} MiB"
        )


def soak(base: str, seconds: float, concurrency: int = 16) -> Soak:
    result = Soak()
    pid = requests.get(base + "/healthz", timeout=10).json()["pid"]
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
        result.rss.append(rss_kib(pid))
        time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    result.rss.append(rss_kib(pid))
    result.seconds = time.monotonic() - started
    return result
