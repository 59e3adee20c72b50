"""The benchmark's short version: the reference Oxigraph server on a copy of the built store
gives the same answers as weihai-kg to every query of the full mix, and the load generator
measures both without errors. The long runs are bench/throughput.py and friends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import load
from bench.references import dump_store, oxigraph_load, oxigraph_reference
from pyoxigraph import Store

from weihai_kg.store.layout import BuildInfo

from .processes import listeners, server_pid, tree, tree_pss
from .server import running_server


def test_same_answers_as_oxigraph_and_a_short_measurement(built: tuple[Path, BuildInfo], tmp_path: Path) -> None:
    dump = dump_store(built[0], tmp_path / "store.nq")
    oxigraph_load(dump, tmp_path / "oxigraph")
    assert len(Store.read_only(str(tmp_path / "oxigraph"))) == built[1].quads  # the reference holds the same dataset
    with running_server(built[0], "--access-log", "off") as base, oxigraph_reference(tmp_path / "oxigraph") as reference:
        endpoints = {"weihai-kg": base + "/sparql", "oxigraph": reference}
        mix = load.build_mix("full", endpoints["weihai-kg"], 7)
        assert {q.kind.split(":")[0] for q in mix} == {"named", "lookup", "join", "construct", "aggregate", "search"}
        assert load.check_answers(endpoints, mix) == []
        pids = {name: server_pid(url) for name, url in endpoints.items()}
        table = load.measure(endpoints, mix, concurrency=2, rounds=1, seconds=0.5, pids=pids)
    cores = len(os.sched_getaffinity(0))
    for row in table.values():
        assert row["errors"] == 0 and row["requests"] > 0 and row["p99_ms"] >= row["p50_ms"] > 0
        # the server's CPU per answer: something, and no more than every core busy for each answer's share of the slots
        assert 0 < row["server_cpu_us"] <= cores * 1e6 / row["req_per_s"] * 1.5, row
    # the ratios are each endpoint's rate over the first's, as the README's tables read them
    first = table["weihai-kg"]["req_per_s"]
    assert abs(table["oxigraph"]["ratio"] - table["oxigraph"]["req_per_s"] / first) < 0.01


def test_answers_that_differ_are_found() -> None:
    """The equality check can fail: rows are compared as multisets, terms with their types."""
    query = load.Query("x", "SELECT ?a WHERE {}", False)
    one = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"1"}}]}}'
    typed = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"1","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}'
    plain = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"1","datatype":"http://www.w3.org/2001/XMLSchema#string"}}]}}'
    twice = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"1"}},{"a":{"type":"literal","value":"1"}}]}}'
    assert load.normalized(query, one) == load.normalized(query, plain)
    assert load.normalized(query, one) != load.normalized(query, typed)
    assert load.normalized(query, one) != load.normalized(query, twice)


def test_search_benchmark_short_run(built: tuple[Path, BuildInfo], monkeypatch: object) -> None:
    """bench/search.py's measurement on the real data, one round (the 1M-triple run is the
    script's, not the suite's): every keystroke answered, the report says met or missed."""
    from bench import search

    monkeypatch.setattr(search, "prepared", lambda triples: (built[0], None, None))  # type: ignore[attr-defined]
    report = search.measure(3000, rounds=1)
    assert f"{len(search.keystrokes())} keystrokes" in report and "target 50 ms" in report
    p95 = float(report.split("p95 ")[1].split(" ms")[0])
    assert p95 < 500  # generous: a loaded CI machine; the script's own run holds the 50 ms target


def test_hop_benchmark_short_run(built: tuple[Path, BuildInfo]) -> None:
    """bench/hop.py on the real data, a few queries each way: the four hops give the same
    bytes (it stops otherwise) and each prints its median."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.hop", "--store", str(built[0]), "--repeat", "20", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if "median" in line]
    assert [line.split("  ")[0].split(" (")[0] for line in lines] == ["in process", "WorkerPool.run", "raw socket pair", "shared memory"]
    assert all(float(line.split("median")[1].split("µs")[0]) > 0 for line in lines)


def test_memory_is_counted_over_every_web_worker(built: tuple[Path, BuildInfo]) -> None:
    """A server of two web workers has two listening processes; the memory the benchmark
    prints must sum the whole server (both workers, their query workers and the main
    process), not the first listener's tree."""

    with running_server(built[0], "--access-log", "off", "--workers", "2") as base:
        url = base + "/sparql"
        root = server_pid(url)
        workers = listeners(url)
        assert len(workers) == 2 and set(workers) <= set(tree(root))
        assert tree_pss(root) > sum(tree_pss(pid) for pid in workers)  # the main process counts too


def test_the_process_tree_holds_children_started_by_any_thread() -> None:
    """A web worker starts its fork server from the request thread that first needs a query
    worker; Linux lists that child under the thread (``task/TID/children``), not the main one."""
    import threading

    started: list[subprocess.Popen[bytes]] = []
    ready, checked = threading.Event(), threading.Event()

    def start_a_child() -> None:  # and stay alive: a thread's children pass to another when it ends
        started.append(subprocess.Popen(["sleep", "30"]))
        ready.set()
        checked.wait(30)

    thread = threading.Thread(target=start_a_child)
    thread.start()
    ready.wait(30)
    try:
        assert started[0].pid in tree(os.getpid())
    finally:
        checked.set()
        thread.join()
        started[0].kill()
        started[0].wait()


def test_memory_benchmark_names_every_process_of_the_server(built: tuple[Path, BuildInfo]) -> None:
    """``bench.memory``'s short run: at the server's peak each process has its role (the main
    process, both web workers, the query broker, and the fork server, resource tracker and
    query worker that a query needing a worker starts), the parts add up to the peak, and no
    process's own peak is below its share at that moment."""
    from bench import memory

    with running_server(built[0], "--access-log", "off", "--workers", "2") as base:
        url = base + "/sparql"
        needs_a_worker = load.Query("aggregate", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?x } }", False)
        peak, row = memory.measure(url, [needs_a_worker], concurrency=4, rounds=1, seconds=1.0)
    assert row["errors"] == 0 and row["requests"] > 0
    assert peak.total == sum(kib for _, kib in peak.at_peak.values())
    kinds = [kind for kind, _ in peak.own.values()]
    assert kinds.count("main") == 1 and kinds.count("web worker") == 2 and kinds.count("query broker") == 1
    assert {"fork server", "resource tracker", "query worker"} <= set(kinds)
    for pid, (_, kib) in peak.at_peak.items():
        assert peak.own[pid][1] >= kib
    assert "peak of the whole server" in memory.report(peak)


def test_cpu_time_of_a_process_tree_keeps_children_that_ended() -> None:
    """A query worker stopped when idle must not take its CPU time out of the server's: a
    child that ended and was reaped still counts, through its parent's cutime and cstime."""
    from .processes import tree_cpu_seconds

    before = tree_cpu_seconds(os.getpid())
    child = subprocess.run([sys.executable, "-c", "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"], check=True)
    assert child.returncode == 0
    assert tree_cpu_seconds(os.getpid()) - before >= 0.25  # the child's 0.3 s (ticks of 10 ms)


def test_trim_benchmark_short_run(built: tuple[Path, BuildInfo]) -> None:
    """bench/trim.py on the real data, every named question once each way: the answers'
    sizes agree with and without the trim (it stops otherwise), and each of the two fresh
    processes prints what it spent and what it kept."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.trim", "--store", str(built[0]), "--repeat", "1", "--all"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith(("with malloc_trim", "without malloc_trim"))]
    assert [row.split("  ")[0].strip() for row in rows] == ["with malloc_trim", "without malloc_trim"]
    for row in rows:
        cpu = float(row.split("cpu ")[1].split(" s")[0])
        peak = int(row.split("peak RSS ")[1].split(" MiB")[0])
        end = int(row.split("RSS at the end ")[1].split(" MiB")[0])
        assert cpu > 0 and 0 < end <= peak, row
    assert f"{len(load.named_queries())} questions × 1" in done.stdout
