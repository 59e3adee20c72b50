"""Answers are written from one run of the query, and the row limit still holds exactly,
in every results format, however small or large the rows."""

from __future__ import annotations

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

from weihai_kg.errors import ResultTooLarge
from weihai_kg.query.run import Job, evaluate, run_job, write_answer


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("variables", ["?s", "?s ?p ?o"])
def test_row_limit_is_exact(store: Store, fmt: str, variables: str) -> None:
    for limit, rows, verdict in ((100, 100, "ok"), (100, 101, "too-large"), (10, 30, "too-large"), (5000, 5000, "ok")):
        job = Job(f"SELECT {variables} WHERE {{ ?s ?p ?o }} LIMIT {rows}", fmt, limit)
        if verdict == "ok":
            assert run_job(store, job).form == "SELECT", (limit, rows)
        else:
            with pytest.raises(ResultTooLarge):
                run_job(store, job)


def test_runaway_results_stop_at_the_byte_bound(store: Store) -> None:
    with pytest.raises(ResultTooLarge) as raised:
        run_job(store, Job("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000", "json", 3))
    assert str(raised.value) == "the result has more than 3 rows; add a LIMIT"


@pytest.fixture(scope="module")
def awkward() -> Store:
    """60 values with line breaks, quotes and commas in them: the lines of a CSV or N-Triples
    answer are not its rows unless the writer escapes or quotes them."""
    store = Store()
    for i in range(60):
        store.add(Quad(NamedNode(f"http://x.test/s{i}"), NamedNode("http://x.test/p"), Literal(f'line\n"two", {i}\r\n'), DefaultGraph()))
    return store


@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_triple_limit_is_exact(awkward: Store, fmt: str) -> None:
    """N-Triples is written by Oxigraph and its lines counted; the limit still counts triples:
    a triple repeated by every solution is one, a literal's line break is escaped."""
    query = "CONSTRUCT { <http://x.test/a> <http://x.test/b> <http://x.test/c> . ?s <http://x.test/q> ?o } WHERE { ?s ?p ?o }"
    assert sum(1 for _ in evaluate(awkward, query)) == 61
    for limit, verdict in ((61, "ok"), (60, "too-large"), (1000, "ok"), (3, "too-large")):
        if verdict == "ok":
            assert run_job(awkward, Job(query, fmt, limit)).form == "CONSTRUCT", limit
        else:
            with pytest.raises(ResultTooLarge, match=f"more than {limit} triples"):
                run_job(awkward, Job(query, fmt, limit))


def test_runaway_construct_stops_at_the_byte_bound(store: Store) -> None:
    with pytest.raises(ResultTooLarge, match="more than 3 triples"):
        run_job(store, Job("CONSTRUCT { ?a ?b ?d } WHERE { ?a ?b ?c . ?d ?e ?f }", "ntriples", 3))


def test_csv_rows_are_counted_without_running_the_query_again(awkward: Store) -> None:
    """A CSV answer longer than the limit in bytes is counted by its lines when they are
    within the limit (quoted line breaks only add lines); only more lines than the limit
    send it to a fresh run, which counts exactly."""
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"

    def never() -> object:
        raise AssertionError("the query was run again")

    assert write_answer(evaluate(awkward, query), Job(query, "csv", 200), never).form == "SELECT"  # 60 rows, 181 lines
    counted = []

    def again() -> object:
        counted.append(1)
        return evaluate(awkward, query)

    assert write_answer(evaluate(awkward, query), Job(query, "csv", 60), again).form == "SELECT"  # 60 rows, 181 lines: run again
    assert counted == [1]
    with pytest.raises(ResultTooLarge):
        write_answer(evaluate(awkward, query), Job(query, "csv", 59), again)
