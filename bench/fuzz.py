"""Long fuzz run against a real ``weihai-kg serve``: random and broken requests and mutated
named queries, counting statuses; any undocumented status, stack trace, long error body or
request slower than the time limit plus slack is a finding.

    .venv/bin/python -m bench.fuzz --examples 5000            # starts its own server on a free port
    .venv/bin/python -m bench.fuzz --url http://127.0.0.1:8000 --examples 20000
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import requests as http
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzing import DOCUMENTED, Request, edits, mutate, requests
from tests.server import running_server

from weihai_kg.query.named import load_queries
from weihai_kg.query.text import uses_service

ROOT = Path(__file__).resolve().parent.parent

QUERY_TEXTS = [q.text for q in load_queries(ROOT / "queries").values()]


def run(base: str, examples: int, slowest_allowed: float) -> int:
    statuses: Counter[int] = Counter()
    findings: list[str] = []
    slowest = 0.0
    session = http.Session()

    def send(method: str, url: str, **kwargs: object) -> None:
        nonlocal slowest
        started = time.monotonic()
        try:
            response = session.request(method, url, timeout=60, **kwargs)  # type: ignore[arg-type]
        except http.exceptions.InvalidHeader:
            statuses[0] += 1  # a header no client can send (leading white space): never reaches the server
            return
        except http.RequestException as e:
            findings.append(f"no answer: {method} {url[:120]} {e!r}")
            return
        elapsed = time.monotonic() - started
        slowest = max(slowest, elapsed)
        statuses[response.status_code] += 1
        if (
            response.status_code not in DOCUMENTED
            or b"Traceback" in response.content
            or (response.status_code >= 400 and len(response.content) > 4000)
            or elapsed > slowest_allowed
        ):
            findings.append(f"{response.status_code} in {elapsed:.1f}s: {method} {url[:120]} {response.content[:200]!r}")

    fuzz = settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))

    @fuzz
    @given(request=requests())
    def random_requests(request: Request) -> None:
        qs = request.query_string.decode("latin-1")
        send(request.method, base + request.path + ("?" + qs if qs else ""), headers=request.headers, data=request.body)

    @fuzz
    @given(text=st.sampled_from(QUERY_TEXTS), changes=edits)
    def mutated_queries(text: str, changes: list) -> None:  # type: ignore[type-arg]
        query = mutate(text, changes)
        response = session.post(base + "/sparql", data=query.encode("utf-8", "surrogatepass"), headers={"Content-Type": "application/sparql-query"}, timeout=60)
        statuses[response.status_code] += 1
        if response.status_code not in DOCUMENTED or b"Traceback" in response.content:
            findings.append(f"{response.status_code}: {query[:200]!r}")
        if uses_service(query) and response.status_code == 200:
            findings.append(f"a query with SERVICE ran: {query[:200]!r}")

    started = time.monotonic()
    random_requests()
    mutated_queries()
    unsendable = statuses.pop(0, 0)
    total = sum(statuses.values())
    print(f"({unsendable} generated requests had headers no client can send and were skipped)")
    print(f"{total} requests in {time.monotonic() - started:.0f} s; statuses: " + ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items())))
    print(f"slowest answer: {slowest:.2f} s; findings: {len(findings)}")
    for finding in findings[:20]:
        print("  " + finding)
    return 1 if findings else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start one on the built store)")
    parser.add_argument("--store", default=str(ROOT / "build" / "store"))
    parser.add_argument("--examples", type=int, default=2000, help="examples per strategy")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's query time limit")
    args = parser.parse_args()
    if args.url:
        return run(args.url.rstrip("/"), args.examples, args.timeout + 5)
    with running_server(Path(args.store), "--timeout", str(args.timeout)) as base:
        return run(base, args.examples, args.timeout + 5)


if __name__ == "__main__":
    sys.exit(main())
