"""Load generator: one query mix against several SPARQL endpoints in one run.

    .venv/bin/python -m bench.load --endpoint weihai=http://127.0.0.1:8000/sparql \\
        --endpoint oxigraph=http://127.0.0.1:7878/query --mix full --concurrency 8

First every endpoint answers every query of the mix once and the answers are compared
(rows as multisets, triples as sets); a difference stops the run. Then the endpoints take
turns in short rounds, A B B A, so that drift of the machine (heat, other work) hits all
alike. Clients hold keep-alive connections (``http.client``), spread over processes so the
client's own GIL is not the limit. Prints per endpoint: requests per second, p50 and p99
latency, errors, and the ratio to the first endpoint.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import random
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.processes import tree_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent


PREFIXES = """PREFIX wh: <https://w3id.org/weihai-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@dataclass(frozen=True)
class Query:
    kind: str  # named, lookup, join, construct, aggregate, search
    text: str
    graph: bool  # CONSTRUCT/DESCRIBE: answered as N-Triples


def named_queries() -> list[Query]:
    """The questions of ``queries/`` with their parameters' defaults written in (VALUES), so
    that any SPARQL endpoint can run them as they are."""
    from weihai_kg.query.named import load_queries

    found = []
    for name, query in sorted(load_queries(ROOT / "queries").items()):
        if name.startswith("checks/"):
            continue
        text = query.bound()  # the parameters' defaults bound the one way weihai-kg binds them
        graph = query.form in ("CONSTRUCT", "DESCRIBE")
        found.append(Query(f"named:{name}", text, graph))
    return found


def entity_queries(entities: list[str], rng: random.Random, count: int) -> list[Query]:
    """Light queries on random entities: point lookup, one-hop join, CONSTRUCT of one entity."""
    out = []
    for _ in range(count):
        e = f"<{rng.choice(entities)}>"
        out.append(Query("lookup", f"SELECT ?p ?o WHERE {{ {e} ?p ?o }}", False))
        out.append(Query("join", PREFIXES + f"SELECT ?x ?label WHERE {{ {e} ?p ?x . ?x skos:prefLabel ?label }}", False))
        out.append(Query("construct", f"CONSTRUCT {{ {e} ?p ?o }} WHERE {{ {e} ?p ?o }}", True))
    return out


AGGREGATE = Query("aggregate", PREFIXES + "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x rdf:type ?class } GROUP BY ?class", False)
PER_PREDICATE = Query("aggregate", "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p", False)


def search_queries(words: list[str]) -> list[Query]:
    return [Query("search", PREFIXES + f'SELECT ?x ?label WHERE {{ ?x skos:prefLabel ?label . FILTER (CONTAINS(STR(?label), "{w}")) }}', False) for w in words]


MIXES = ["full", "light", "lookup", "repeat", "generic"]


def build_mix(name: str, endpoint: str, seed: int) -> list[Query]:
    """``full``: named queries + lookups + joins + CONSTRUCTs + an aggregate + label searches;
    ``light``: lookups, joins and CONSTRUCTs; ``lookup``: point lookups alone; ``generic``:
    what a notebook asks — lookups, joins and CONSTRUCTs of entities, label searches and two
    aggregates, in the proportions 40 : 40 : 40 : 5 : 2;
    ``repeat``: the named queries (what the pages and clients ask again and again)."""
    rng = random.Random(seed)
    entities = sample_entities(endpoint, rng)
    light = entity_queries(entities, rng, 40)
    if name == "lookup":
        return [q for q in light if q.kind == "lookup"]
    if name == "light":
        return light
    if name == "generic":
        return light + search_queries(["항만", "플랫폼", "Weihai", "전자상거래", "인천"]) + [AGGREGATE, PER_PREDICATE]
    named = named_queries()
    if name == "repeat":
        return named
    if name == "full":
        return named + light[:60] + [AGGREGATE] + search_queries(["항만", "플랫폼", "Weihai", "전자상거래", "인천"])
    raise SystemExit(f"unknown mix {name}")


def sample_entities(endpoint: str, rng: random.Random) -> list[str]:
    text = PREFIXES + "SELECT ?e WHERE { ?e skos:prefLabel ?l . FILTER (STRSTARTS(STR(?e), 'https://w3id.org/weihai-kg/id/')) } ORDER BY ?e LIMIT 20000"
    status, body = request(_connect(endpoint), endpoint, Query("sample", text, False))
    if status != 200:
        raise SystemExit(f"{endpoint}: cannot sample entities ({status})")
    rows = json.loads(body)["results"]["bindings"]
    entities = sorted({r["e"]["value"] for r in rows})
    return rng.sample(entities, min(len(entities), 500))


def _connect(endpoint: str, source: str = "") -> http.client.HTTPConnection:
    """A keep-alive connection; from the loopback address ``source`` (127.0.0.2, …) when given,
    so that the server sees another client."""
    url = urllib.parse.urlsplit(endpoint)
    return http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=60, source_address=(source, 0) if source else None)


def request(conn: http.client.HTTPConnection, endpoint: str, query: Query) -> tuple[int, bytes]:
    """POST the query on a keep-alive connection; once more on a fresh socket if the server
    had closed the idle one."""
    try:
        return _request(conn, endpoint, query)
    except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
        conn.close()
        return _request(conn, endpoint, query)


def _request(conn: http.client.HTTPConnection, endpoint: str, query: Query) -> tuple[int, bytes]:
    accept = "application/n-triples" if query.graph else "application/sparql-results+json"
    path = urllib.parse.urlsplit(endpoint).path or "/"
    body = urllib.parse.urlencode({"query": query.text})
    conn.request("POST", path, body=body, headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    return response.status, response.read()


def normalized(query: Query, body: bytes) -> Any:
    """An answer in a form two servers must agree on: rows as a multiset, triples as a set."""
    if query.graph:
        return sorted(set(line.strip() for line in body.decode("utf-8").splitlines() if line.strip()))
    data = json.loads(body)
    if "boolean" in data:
        return data["boolean"]

    def cell(term: dict[str, str]) -> tuple[str, ...]:
        kind = "literal" if term["type"] == "typed-literal" else term["type"]
        datatype = term.get("datatype", "")
        if kind == "literal" and not datatype and "xml:lang" not in term:
            datatype = "http://www.w3.org/2001/XMLSchema#string"
        return (kind, term["value"], term.get("xml:lang", "").lower(), datatype)

    return sorted(Counter(tuple(sorted((k, cell(v)) for k, v in row.items())) for row in data["results"]["bindings"]).items())


def check_answers(endpoints: dict[str, str], mix: list[Query]) -> list[tuple[Query, str]]:
    """Every query once on every endpoint; the differences found (empty: all agree)."""
    problems: list[tuple[Query, str]] = []
    connections = {name: _connect(url) for name, url in endpoints.items()}
    for query in mix:
        answers = {}
        for name, url in endpoints.items():
            status, body = request(connections[name], url, query)
            if status != 200:
                problems.append((query, f"{query.kind}: {name} answered {status}: {body[:200]!r}"))
                continue
            answers[name] = normalized(query, body)
        if len({json.dumps(a, sort_keys=True, ensure_ascii=False) for a in answers.values()}) > 1:
            first = next(iter(answers.values()))
            differ = [n for n, a in answers.items() if a != first]
            problems.append((query, f"{query.kind}: {', '.join(differ)} differ from {next(iter(answers))}"))
    return problems


@dataclass
class Slot:
    endpoint: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0  # the server's, over its counted slots (when its process is known)


def _client(args: tuple[Any, ...]) -> tuple[int, int, list[float]]:
    """One client process: ``threads`` keep-alive connections for ``seconds``; from the
    source address when one is given; with ``unique``, each query gets a LIMIT of its own,
    above any answer's size (the same answer, a text never sent before: a result cache
    can only miss)."""
    import dataclasses
    import threading

    url, mix, seconds, threads, seed, *rest = args
    source = rest[0] if rest else ""
    unique = bool(rest[1]) if len(rest) > 1 else False
    lock = threading.Lock()
    totals = [0, 0]
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    def loop(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = _connect(url, source)
        mine: list[float] = []
        done = errors = 0
        while time.perf_counter() < deadline:
            query = rng.choice(mix)
            if unique:
                query = dataclasses.replace(query, text=f"{query.text} LIMIT {10**8 + (seed * 100 + n) * 10**6 + done}")
            started = time.perf_counter()
            try:
                status, _ = request(conn, url, query)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = _connect(url, source)
            mine.append(time.perf_counter() - started)
            done += 1
            errors += status != 200
        with lock:
            totals[0] += done
            totals[1] += errors
            latencies.extend(mine)

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return totals[0], totals[1], latencies


def run_slot(
    pool: Any, url: str, mix: list[Query], seconds: float, concurrency: int, processes: int, seed: int, unique: bool = False
) -> tuple[int, int, list[float]]:
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    jobs = [(url, mix, seconds, n, seed + i, "", unique) for i, n in enumerate(shares) if n]
    total = errors = 0
    latencies: list[float] = []
    for done, failed, lat in pool.map(_client, jobs):
        total += done
        errors += failed
        latencies.extend(lat)
    return total, errors, latencies


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(
    endpoints: dict[str, str],
    mix: list[Query],
    concurrency: int,
    rounds: int,
    seconds: float,
    seed: int = 7,
    unique: bool = False,
    pids: dict[str, int] | None = None,
) -> dict[str, dict[str, float]]:
    """A B B A rounds; returns per endpoint req/s, p50/p99 (ms), errors and ratio to the first.
    ``unique``: every request's text differs (see ``_client``), so no answer is asked twice.
    With ``pids`` (each server's process), also the server's CPU time per answer, in µs: user
    and system time over its process tree, read around each of its slots. The load generator
    shares the cores, so req/s alone mixes its cost in; this is the server's alone."""
    names = list(endpoints)
    slots = {n: Slot(n) for n in names}
    processes = max(1, min(concurrency, 4))
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for name in names:  # warm-up, not counted
            run_slot(pool, endpoints[name], mix, min(1.0, seconds), concurrency, processes, seed, unique)
        for r in range(rounds):
            for name in names + names[::-1]:
                pid = (pids or {}).get(name)
                cpu = tree_cpu_seconds(pid) if pid else 0.0
                started = time.perf_counter()
                done, errors, latencies = run_slot(pool, endpoints[name], mix, seconds, concurrency, processes, seed + r, unique)
                slot = slots[name]
                slot.seconds += time.perf_counter() - started
                slot.cpu_seconds += tree_cpu_seconds(pid) - cpu if pid else 0.0
                slot.requests += done
                slot.errors += errors
                slot.latencies.extend(latencies)
    first = slots[names[0]].requests / slots[names[0]].seconds
    table = {}
    for name in names:
        s = slots[name]
        rate = s.requests / s.seconds
        table[name] = {
            "req_per_s": round(rate, 1),
            "p50_ms": round(statistics.median(s.latencies) * 1000, 3) if s.latencies else float("nan"),
            "p99_ms": round(percentile(s.latencies, 99) * 1000, 3),
            "errors": s.errors,
            "requests": s.requests,
            "ratio": round(rate / first, 3) if first else float("nan"),
        }
        if pids and name in pids and s.requests:
            table[name]["server_cpu_us"] = round(s.cpu_seconds / s.requests * 1e6, 1)
    return table


def print_table(title: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    cpu = all("server_cpu_us" in row for row in table.values())
    print(f"{'endpoint':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6}" + (f" {'cpu µs/answer':>14}" if cpu else ""))
    for name, row in table.items():
        line = f"{name:<12} {row['req_per_s']:>9.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['errors']:>7} {row['ratio']:>6.2f}"
        print(line + (f" {row['server_cpu_us']:>14.1f}" if cpu else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", action="append", required=True, metavar="NAME=URL", help="first one is the base of the ratios")
    parser.add_argument("--mix", default="full", choices=MIXES)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one turn of one endpoint")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drop-differing", action="store_true", help="run on without the queries whose answers differ (listed), instead of stopping")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    endpoints = dict(e.split("=", 1) for e in args.endpoint)
    mix = build_mix(args.mix, next(iter(endpoints.values())), args.seed)
    problems = check_answers(endpoints, mix)
    if problems and not args.drop_differing:
        print("the endpoints do not give the same answers:\n  " + "\n  ".join(p for _, p in problems[:20]), file=sys.stderr)
        return 1
    if problems:
        print("dropped from the mix, answers differ:\n  " + "\n  ".join(p for _, p in problems))
        dropped = {id(q) for q, _ in problems}
        mix = [q for q in mix if id(q) not in dropped]
    print(f"{len(mix)} queries of mix '{args.mix}': every endpoint gives the same answers")
    results = {}
    for c in args.concurrency:
        table = measure(endpoints, mix, c, args.rounds, args.seconds, args.seed)
        print_table(f"mix {args.mix}, concurrency {c}, {args.rounds} rounds of A B B A × {args.seconds:g} s", table)
        results[str(c)] = table
    if args.json:
        args.json.write_text(json.dumps({"mix": args.mix, "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
