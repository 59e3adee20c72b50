"""Counts of what a built store holds: triples, graphs, entities per class."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from .namespaces import compact, sparql_prefixes


@dataclass(frozen=True)
class Stats:
    quads: int
    distinct_triples: int
    named_graphs: int
    report_loci: int
    classes: list[tuple[str, int]]

    def count_of(self, cls: str) -> int:
        return dict(self.classes).get(cls, 0)


def _int(value: object) -> int:
    assert isinstance(value, Literal)
    return int(value.value)


def compute_stats(store: Store) -> Stats:
    """Counts over the union of the data graphs (the ontology graph included for triples only)."""
    quads = len(store)
    one = _single(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    graphs = _single(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    loci = _single(store, sparql_prefixes(["wh", "rdfs"]) + "SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE { GRAPH ?l { ?s ?p ?o } ?l a/rdfs:subClassOf* wh:ReportLocus }", union=True)
    rows = store.query(
        sparql_prefixes(["graph"]) + """
        SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
            GRAPH ?g { ?s a ?class } FILTER (?g != graph:ontology)
        } GROUP BY ?class ORDER BY DESC(?n) ?class"""
    )
    assert isinstance(rows, QuerySolutions)
    classes = []
    for row in rows:
        cls = row["class"]
        if isinstance(cls, NamedNode):
            classes.append((compact(cls.value), _int(row["n"])))
    return Stats(quads, one, graphs, loci, classes)


def _single(store: Store, query: str, union: bool = False) -> int:
    rows = store.query(query, use_default_graph_as_union=union)
    assert isinstance(rows, QuerySolutions)
    return _int(next(iter(rows))["n"])
