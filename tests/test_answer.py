"""Answers are written from one run of the query, and the row limit still holds exactly,
in every results format, however small or large the rows."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from weihai_kg.errors import ResultTooLarge
from weihai_kg.query.run import Job, run_job


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
