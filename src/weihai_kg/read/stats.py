"""Counts of what a built store holds: triples, graphs, entities per class."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, QuerySolutions

from weihai_kg.namespaces import compact, sparql_prefixes
from weihai_kg.store.reading import ReadStore


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
    if not isinstance(value, Literal):
        raise TypeError(f"expected Literal, got {type(value).__name__}")
    return int(value.value)


def compute_stats(store: ReadStore) -> Stats:
    """Counts over the store: ``distinct_triples`` is the default graph (the union of all
    graphs, ontology included); entities per class leave the ontology's own terms out."""
    quads = len(store)
    triples = _single(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    graphs = _single(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    loci = _single(
        store,
        sparql_prefixes(["wh", "rdfs"]) + "SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE { GRAPH ?l { ?s ?p ?o } ?l a/rdfs:subClassOf* wh:ReportLocus }",
    )
    rows = store.query(
        sparql_prefixes(["graph"])
        + """
        SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
            GRAPH ?g { ?s a ?class } FILTER (?g != graph:ontology)
        } GROUP BY ?class ORDER BY DESC(?n) ?class"""
    )
    if not isinstance(rows, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(rows).__name__}")
    classes = []
    for row in rows:
        cls = row["class"]
        if isinstance(cls, NamedNode):
            classes.append((compact(cls.value), _int(row["n"])))
    return Stats(quads, triples, graphs, loci, classes)


def _single(store: ReadStore, query: str) -> int:
    rows = store.query(query)
    if not isinstance(rows, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(rows).__name__}")
    return _int(next(iter(rows))["n"])
