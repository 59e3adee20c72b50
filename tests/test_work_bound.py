"""The bounded-work path: queries whose worst case, from the build's degree statistics, is a
few thousand rows are answered in the web process, byte for byte as a worker answers them;
the bound is never below the answer; a query whose bound is too large goes to a worker."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, QuerySolutions, Store

from weihai_kg.errors import ResultTooLarge
from weihai_kg.query.run import Answer, Job
from weihai_kg.query.service import Limits, QueryService
from weihai_kg.query.work_bound import patterns_of, work_bound
from weihai_kg.store.degrees import Degrees, count_degrees, load_degrees
from weihai_kg.store.layout import BuildInfo, open_store

PROJECT = "<https://w3id.org/weihai-kg/id/project/china-korea-trade-ecommerce-park>"
P = (
    "PREFIX wh: <https://w3id.org/weihai-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
)
ADMITTED = [
    f"SELECT ?x ?label WHERE {{ {PROJECT} ?p ?x . ?x skos:prefLabel ?label }}",
    f"SELECT DISTINCT ?t WHERE {{ {PROJECT} a ?t ; ?p ?o . }} ORDER BY ?t LIMIT 5",
    f"SELECT ?x (COUNT(*) AS ?n) WHERE {{ {PROJECT} ?p ?x . ?x ?q ?y }} GROUP BY ?x ORDER BY DESC(?n) ?x",
    f"SELECT ?l WHERE {{ {PROJECT} skos:prefLabel ?l FILTER (LANG(?l) = 'ko' || CONTAINS(STR(?l), \"전자\")) }}",
    f'SELECT (GROUP_CONCAT(?l; separator=" | ") AS ?all) WHERE {{ {PROJECT} skos:prefLabel ?l }}',
    f"CONSTRUCT {{ ?x skos:prefLabel ?l }} WHERE {{ {PROJECT} ?p ?x . ?x skos:prefLabel ?l }}",
    f"CONSTRUCT WHERE {{ {PROJECT} ?p ?o }}",
    f"ASK {{ {PROJECT} ?p ?x . ?x a wh:Organisation }}",
    'SELECT ?s ?p WHERE { ?s ?p "웨이하이시"@ko . ?s a ?type }',
]
REFUSED = [
    f"SELECT * WHERE {{ {PROJECT} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"SELECT * WHERE {{ {{ {PROJECT} ?p ?o }} UNION {{ ?o ?p {PROJECT} }} }}",
    f"SELECT * WHERE {{ GRAPH ?g {{ {PROJECT} ?p ?o }} }}",
    f"SELECT * WHERE {{ VALUES ?x {{ 1 2 }} {PROJECT} ?p ?o }}",
    f"SELECT * WHERE {{ {PROJECT} ?p ?o BIND (STR(?o) AS ?s) }}",
    f"SELECT * WHERE {{ {{ SELECT ?o WHERE {{ {PROJECT} ?p ?o }} }} }}",
    f"SELECT * WHERE {{ {PROJECT} wh:involves/skos:prefLabel ?o }}",  # a path
    f"SELECT * WHERE {{ {PROJECT} ?p ?o FILTER EXISTS {{ ?o ?q ?r }} }}",
    f"SELECT * WHERE {{ {PROJECT} ?p ?o FILTER (?o < NOW()) }}",  # not the same in every run
    f"SELECT * WHERE {{ {PROJECT} ?p _:b . _:b ?q ?r }}",  # a blank node is a variable
    f"SELECT * FROM <http://x/g> WHERE {{ {PROJECT} ?p ?o }}",  # another dataset
    f"SELECT * WHERE {{ {PROJECT} ?p ?o }} # a comment",
    f"SELECT * WHERE {{ {PROJECT} ?p ?o }} VALUES ?p {{ rdf:type }}",
    f"SELECT ?p WHERE {{ {PROJECT} ?p ?o }} GROUP BY ?p HAVING (COUNT(*) > 1)",
    "SELECT * WHERE { ?s ?p ?o . ?s undeclared:p ?x }",
]


@pytest.fixture(scope="module")
def report(built: tuple[Path, BuildInfo]) -> tuple[Store, Degrees]:
    opened = open_store(built[0])
    degrees = load_degrees(opened.path)
    assert degrees is not None  # weihai-kg build wrote them beside the build
    return opened.store, degrees


def test_the_build_writes_the_degrees_it_counts(report: tuple[Store, Degrees]) -> None:
    store, degrees = report
    assert degrees == count_degrees(store)
    assert degrees.triples == sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph()))


@pytest.mark.parametrize("query", ADMITTED)
def test_admitted_on_the_report(report: tuple[Store, Degrees], query: str) -> None:
    work = work_bound(P + query, report[1])
    assert work is not None and work <= Limits().in_process_rows, work


@pytest.mark.parametrize("query", REFUSED)
def test_outside_the_grammar(query: str) -> None:
    assert patterns_of(P + query) is None


def test_a_cartesian_product_has_a_huge_bound(report: tuple[Store, Degrees]) -> None:
    work = work_bound("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", report[1])
    assert work is not None and work >= report[1].triples ** 2


def _count(store: Store, query: str) -> int:
    result = store.query(query)
    assert isinstance(result, QuerySolutions)
    return sum(1 for _ in result)


def test_the_bound_is_never_below_the_answer(report: tuple[Store, Degrees]) -> None:
    """Every shape of join from every entity of one class and predicate pair: the rows the
    store gives are at most the bound."""
    store, degrees = report
    entities = [row[0] for row in store.query(P + "SELECT ?e WHERE { ?e a wh:Project } LIMIT 20")]  # type: ignore[union-attr]
    shapes = [
        "SELECT * WHERE {{ {e} ?p ?x . ?x ?q ?y }}",
        "SELECT * WHERE {{ ?x ?p {e} . ?x ?q ?y }}",
        "SELECT * WHERE {{ {e} ?p ?x . ?y ?q ?x }}",
        "SELECT * WHERE {{ {e} ?p ?x . ?x skos:prefLabel ?l ; a ?t }}",
        "SELECT * WHERE {{ {e} wh:involves ?o . ?o ?p ?v }}",
    ]
    checked = 0
    for entity, shape in itertools.product(entities, shapes):
        query = P + shape.format(e=entity)
        work = work_bound(query, degrees)
        assert work is not None
        assert _count(store, query) <= work, query
        checked += 1
    assert checked == len(entities) * len(shapes) >= 50


class NoWorkers:
    """A runner that fails the test if a query reaches it."""

    def run(self, job: Job, client: str = "") -> Answer:
        raise AssertionError(f"sent to a worker: {job.query}")

    def close(self) -> None:
        pass


def _hub_store(hub_triples: int) -> Store:
    """A small graph where ``<http://x/hub>`` has ``hub_triples`` objects, each with a label,
    and ``<http://x/leaf>`` has one."""
    store = Store()
    p, label = NamedNode("http://x/p"), NamedNode("http://x/label")
    quads = [Quad(NamedNode("http://x/leaf"), p, NamedNode("http://x/o0"))]
    for i in range(hub_triples):
        o = NamedNode(f"http://x/o{i}")
        quads.append(Quad(NamedNode("http://x/hub"), p, o))
        quads.append(Quad(o, label, Literal(f"o{i}")))
    store.extend(quads)
    return store


JOIN = "SELECT ?o ?l WHERE { <http://x/leaf> ?p ?o . ?o <http://x/label> ?l }"


def test_a_bound_too_large_goes_to_a_worker() -> None:
    """On data built so that one subject has 20,000 objects, a join from any constant may
    meet that many rows: it is not run in the web process. On the same shape of data with
    a small hub it is."""
    big = _hub_store(20_000)
    service = QueryService(NoWorkers(), Limits(), local=big, degrees=count_degrees(big))
    assert work_bound(JOIN, count_degrees(big)) > Limits().in_process_rows  # type: ignore[operator]
    with pytest.raises(AssertionError, match="sent to a worker"):
        service.answer(JOIN, "json")
    small = _hub_store(100)
    here = QueryService(NoWorkers(), Limits(), local=small, degrees=count_degrees(small))
    assert b'"o0"' in here.answer(JOIN, "json").body  # answered here: no worker asked
    tight = QueryService(NoWorkers(), Limits(in_process_rows=100), local=small, degrees=count_degrees(small))
    with pytest.raises(AssertionError, match="sent to a worker"):  # the limit is the setting's
        tight.answer(JOIN, "json")


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_same_bytes_as_the_workers(built: tuple[Path, BuildInfo], report: tuple[Store, Degrees], fmt: str) -> None:
    store, degrees = report
    here = QueryService(NoWorkers(), Limits(), local=store, degrees=degrees)
    workers = QueryService.embedded(open_store(built[0]).path, Limits(workers=1))
    try:
        for query in ADMITTED:
            graph = query.startswith("CONSTRUCT")
            for key in ("turtle", "ntriples", "jsonld") if graph else (fmt,):
                assert here.answer(P + query, key).body == workers.answer(P + query, key).body, (query, key)
    finally:
        workers.close()


@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_triple_limit_on_the_bounded_path(report: tuple[Store, Degrees], fmt: str) -> None:
    """A CONSTRUCT of bounded work over the row limit is refused here as in a worker: as
    N-Triples (written by Oxigraph in one call, its lines counted) and as Turtle (the
    triple-counting writer)."""
    store, degrees = report
    query = P + f"CONSTRUCT WHERE {{ {PROJECT} ?p ?o }}"
    assert QueryService(NoWorkers(), Limits(), local=store, degrees=degrees).in_process(query, Job(query, fmt, 3))[1] is not None
    here = QueryService(NoWorkers(), Limits(max_rows=3), local=store, degrees=degrees)
    with pytest.raises(ResultTooLarge, match="more than 3 triples"):
        here.answer(query, fmt)
    lines = QueryService(NoWorkers(), Limits(), local=store, degrees=degrees).answer(query, "ntriples").body.count(b"\n")
    assert lines > 3
    exact = QueryService(NoWorkers(), Limits(max_rows=lines), local=store, degrees=degrees)
    assert exact.answer(query, "ntriples").body.count(b"\n") == lines  # exactly at the limit: answered
