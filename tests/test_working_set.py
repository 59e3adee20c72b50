"""The ontology page reads a small copy of the store fetched in a few queries (over a remote
engine, hundreds of lookups took 10 s): the copy must say what the store says."""

from __future__ import annotations

from pyoxigraph import DefaultGraph, NamedNode, Store

from weihai_kg.namespaces import GRAPH_ONTOLOGY, PREFIXES, RDF_TYPE
from weihai_kg.read.describe import describe, label_of
from weihai_kg.read.working_set import EXAMPLES, terms_working_set
from weihai_kg.web.present import by_iri, examples_of, ontology_page


class Counting:
    """A store that counts the queries and lookups asked of it."""

    def __init__(self, store: Store) -> None:
        self.store, self.asked = store, 0

    def query(self, text: str) -> object:
        self.asked += 1
        return self.store.query(text)

    def quads_for_pattern(self, *pattern: object) -> object:
        self.asked += 1
        return self.store.quads_for_pattern(*pattern)  # type: ignore[arg-type]


def ontology_terms(store: Store) -> list[NamedNode]:
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None, GRAPH_ONTOLOGY)}
    return sorted((s for s in subjects if isinstance(s, NamedNode) and s.value.startswith(PREFIXES["wh"])), key=str)


def test_the_copy_describes_each_term_as_the_store_does(store: Store) -> None:
    terms = ontology_terms(store)
    assert len(terms) > 50
    copy = terms_working_set(store, terms)
    for term in terms:
        whole, part = describe(store, term), describe(copy, term)
        assert [(s.predicate, s.value, sorted(map(str, s.graphs))) for s in part.statements] == [
            (s.predicate, s.value, sorted(map(str, s.graphs))) for s in whole.statements
        ], term
        assert part.labels == whole.labels and part.types == whole.types


def test_the_copy_holds_the_first_uses_of_each_term_by_iri_and_their_names(store: Store) -> None:
    terms = ontology_terms(store)
    copy = terms_working_set(store, terms)
    shown = 0
    for term in terms:
        instances = sorted({q.subject for q in store.quads_for_pattern(None, RDF_TYPE, term, DefaultGraph())}, key=lambda s: str(s.value))  # type: ignore[union-attr]
        uses = sorted({(q.subject, q.object) for q in store.quads_for_pattern(None, term, None, DefaultGraph())}, key=by_iri)  # type: ignore[arg-type]
        expected = [(s, None) for s in instances[:EXAMPLES]] or uses[:EXAMPLES]
        assert examples_of(copy, term) == expected, term
        for subject, value in expected:
            for node in (subject, value):
                if isinstance(node, NamedNode):
                    assert label_of(copy, node, "ko") == label_of(store, node, "ko")
                    shown += 1
    assert shown > 100


def test_the_ontology_page_asks_a_few_queries_not_one_per_term(store: Store) -> None:
    counting = Counting(store)
    html = ontology_page(counting, "en")  # type: ignore[arg-type]
    assert "Weihai Port Group Co., Ltd." in html or "Rushan" in html
    terms = len(ontology_terms(store))
    assert counting.asked < terms / 3, f"{counting.asked} queries and lookups for {terms} terms"
