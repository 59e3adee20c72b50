"""The benchmark's short version: the reference Oxigraph server on a copy of the built store
gives the same answers as weihai-kg to every query of the full mix, and the load generator
measures both without errors. The long runs are bench/throughput.py and friends."""

from __future__ import annotations

import sys
from pathlib import Path

from weihai_kg.store import BuildInfo

from .server import running_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import load
from references import dump_store, oxigraph_load, oxigraph_reference


def test_same_answers_as_oxigraph_and_a_short_measurement(built: tuple[Path, BuildInfo], tmp_path: Path) -> None:
    dump = dump_store(built[0], tmp_path / "store.nq")
    timings = oxigraph_load(dump, tmp_path / "oxigraph")
    assert timings["load_s"] > 0
    env = {"WEIHAI_KG_QUERIES_PER_CLIENT": "0"}
    with running_server(built[0], "--access-log", "off", env=env) as base, oxigraph_reference(tmp_path / "oxigraph") as reference:
        endpoints = {"weihai-kg": base + "/sparql", "oxigraph": reference}
        mix = load.build_mix("full", endpoints["weihai-kg"], 7)
        assert {q.kind.split(":")[0] for q in mix} == {"named", "lookup", "join", "construct", "aggregate", "search"}
        assert load.check_answers(endpoints, mix) == []
        table = load.measure(endpoints, mix, concurrency=2, rounds=1, seconds=0.5)
    for row in table.values():
        assert row["errors"] == 0 and row["requests"] > 0 and row["p99_ms"] >= row["p50_ms"] > 0
    assert table["weihai-kg"]["ratio"] == 1.0


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
