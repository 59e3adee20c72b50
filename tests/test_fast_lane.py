"""The fast lane: only queries whose work is bounded by their answer (one triple pattern
with a constant subject or object, nothing else) are answered in the web process; their
answers are byte for byte the workers'; the row limit holds there too."""

from __future__ import annotations

from pathlib import Path

import pytest

from weihai_kg.errors import ResultTooLarge
from weihai_kg.query.fast_lane import bounded
from weihai_kg.query.run import Answer, Job
from weihai_kg.query.service import Limits, QueryService
from weihai_kg.store.layout import BuildInfo, open_store

PROJECT = "https://w3id.org/weihai-kg/id/project/china-korea-trade-ecommerce-park"
WH = "PREFIX wh: <https://w3id.org/weihai-kg/ontology#> "


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT ?p ?o WHERE {{ <{PROJECT}> ?p ?o }}",
        f"SELECT * {{ <{PROJECT}> ?p ?o . }}",
        f"CONSTRUCT {{ <{PROJECT}> ?p ?o }} WHERE {{ <{PROJECT}> ?p ?o }}",
        WH + "SELECT ?s WHERE { ?s a wh:Project }",
        'SELECT ?s ?p WHERE { ?s ?p "웨이하이시"@ko }',
    ],
)
def test_bounded(query: str) -> None:
    assert bounded(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s WHERE { ?s ?p ?o }",  # no constant: a scan of everything
        f"SELECT ?x ?l WHERE {{ <{PROJECT}> ?p ?x . ?x ?q ?l }}",  # a join
        f"SELECT DISTINCT ?p WHERE {{ <{PROJECT}> ?p ?o }}",
        f"SELECT ?p WHERE {{ <{PROJECT}> ?p ?o FILTER (isIRI(?o)) }}",  # a filter can skip rows
        f"SELECT ?o WHERE {{ <{PROJECT}> <http://x/p>* ?o }}",  # a path
        f"SELECT ?p WHERE {{ <{PROJECT}> ?p ?o }} ORDER BY ?p",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ <{PROJECT}> ?p ?o }}",
        f"SELECT ?p WHERE {{ <{PROJECT}> ?p ?o }} # a comment",
        "CONSTRUCT { <http://x/a> <http://x/b> <http://x/c> } WHERE { ?s a <http://x/C> }",  # one triple for many rows
        f"SELECT ?p WHERE {{ SERVICE <http://x/> {{ <{PROJECT}> ?p ?o }} }}",
        f"ASK {{ <{PROJECT}> ?p ?o }}",
    ],
)
def test_not_bounded(query: str) -> None:
    assert not bounded(query)


class NoWorkers:
    """A runner that fails the test if a query reaches it."""

    def run(self, job: Job, client: str = "") -> Answer:
        raise AssertionError(f"sent to a worker: {job.query}")

    def close(self) -> None:
        pass


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld"])
def test_same_bytes_as_the_workers(built: tuple[Path, BuildInfo], fmt: str) -> None:
    opened = open_store(built[0])
    here = QueryService(NoWorkers(), Limits(), local=opened.store)
    workers = QueryService.embedded(opened.path, Limits(workers=1))
    try:
        graph = fmt in ("turtle", "ntriples", "jsonld")
        query = f"CONSTRUCT {{ <{PROJECT}> ?p ?o }} WHERE {{ <{PROJECT}> ?p ?o }}" if graph else f"SELECT ?p ?o WHERE {{ <{PROJECT}> ?p ?o }}"
        assert here.answer(query, fmt).body == workers.answer(query, fmt).body
    finally:
        workers.close()


def test_row_limit_in_the_fast_lane(built: tuple[Path, BuildInfo]) -> None:
    here = QueryService(NoWorkers(), Limits(max_rows=10), local=open_store(built[0]).store)
    with pytest.raises(ResultTooLarge):
        here.answer(WH + "SELECT ?s WHERE { ?s a wh:Project }", "json")  # 50 projects


def test_other_queries_still_go_to_workers(built: tuple[Path, BuildInfo]) -> None:
    here = QueryService(NoWorkers(), Limits(), local=open_store(built[0]).store)
    with pytest.raises(AssertionError, match="sent to a worker"):
        here.answer("SELECT ?s WHERE { ?s ?p ?o }", "json")
    with pytest.raises(AssertionError, match="sent to a worker"):  # a dataset given: the workers apply it
        here.answer(f"SELECT ?p ?o WHERE {{ <{PROJECT}> ?p ?o }}", "json", default_graph=("https://w3id.org/weihai-kg/graph/external",))
