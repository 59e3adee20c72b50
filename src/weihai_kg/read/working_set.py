"""A small in-memory copy of what one page reads, fetched in a few queries.

The ontology page describes every term, shows a few uses of each and names them: one pattern
lookup per term, per example and per label. Against the embedded store each costs microseconds;
against a remote engine each is a round trip (over Virtuoso the page took 10 s). The copy holds
exactly what those lookups would find, so the page's code runs unchanged and fast on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, QuerySolution, QuerySolutions, Store

from weihai_kg.errors import WorkerFailed
from weihai_kg.namespaces import RDF_TYPE
from weihai_kg.read.describe import LABEL_PREDICATES, NAMES_AS_GIVEN
from weihai_kg.store.reading import ReadStore

EXAMPLES = 3  # uses of a term the page shows
# characters of a query's varying part: well under the endpoint's smallest sensible query limit
# (MAX_QUERY_CHARS), since these queries go through the same service as a client's
BATCH_CHARS = 4000


def terms_working_set(store: ReadStore, terms: Sequence[NamedNode]) -> Store:
    """What the store says about ``terms`` in its named graphs (and so in the union default
    graph), up to ``EXAMPLES`` instances of each and subjects using each as a property, and the
    names of those: a few queries whatever the number of terms. The uses shown are the first by
    IRI, so that the page is the same whichever engine holds the data."""
    copy = Store()
    values = " ".join
    for row in _batched(store, [str(t) for t in terms], lambda part: f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values(part)} }} GRAPH ?g {{ ?s ?p ?o }} }}"):
        copy.add(Quad(row["s"], row["p"], row["o"], row["g"]))
        copy.add(Quad(row["s"], row["p"], row["o"], DefaultGraph()))  # the union default graph
    uses = [
        f"{{ SELECT ({t} AS ?t) ?s WHERE {{ ?s {RDF_TYPE} {t} }} ORDER BY ?s LIMIT {EXAMPLES} }} "
        f"UNION {{ SELECT ({t} AS ?p) ?s ?o WHERE {{ ?s {t} ?o }} ORDER BY ?s ?o LIMIT {EXAMPLES} }}"
        for t in terms
    ]
    named: set[str] = set()
    for row in _batched(store, uses, lambda part: f"SELECT ?t ?p ?s ?o WHERE {{ {' UNION '.join(part)} }}"):
        subject, kind, predicate, value = row["s"], row["t"], row["p"], row["o"]
        if not isinstance(subject, NamedNode | BlankNode):
            continue
        if kind is not None:
            copy.add(Quad(subject, RDF_TYPE, kind, DefaultGraph()))
        elif predicate is not None and value is not None:
            copy.add(Quad(subject, predicate, value, DefaultGraph()))
        named.update(str(node) for node in (subject, value) if isinstance(node, NamedNode))
    names = values(str(p) for p in LABEL_PREDICATES + NAMES_AS_GIVEN)
    for row in _batched(store, sorted(named), lambda part: f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {values(part)} }} VALUES ?p {{ {names} }} ?n ?p ?l }}"):
        if isinstance(row["l"], Literal):
            copy.add(Quad(row["n"], row["p"], row["l"], DefaultGraph()))
    return copy


def dataset_copy(store: ReadStore) -> Store:
    """Every quad of ``store`` (named graphs and default graph) in memory, fetched at once: what
    a whole-graph export reads of a remote engine, where its many lookups (a network's labels
    and classes) would each be a round trip (GraphML over Virtuoso took 15 s, from the copy 0.1 s)."""
    copy = Store()
    copy.extend(store.quads_for_pattern(None, None, None, None))
    return copy


def _batched(store: ReadStore, parts: Sequence[str], query: Callable[[list[str]], str]) -> Iterator[QuerySolution]:
    """The rows of ``query`` over ``parts``, asked in as few queries as ``BATCH_CHARS`` allows."""
    batch: list[str] = []
    for part in [*parts, ""]:
        if batch and (not part or sum(map(len, batch)) + len(part) > BATCH_CHARS):
            solutions = store.query(query(batch))
            if not isinstance(solutions, QuerySolutions):
                raise WorkerFailed("the store answered a SELECT with something else")
            yield from solutions
            batch = []
        batch.append(part)
