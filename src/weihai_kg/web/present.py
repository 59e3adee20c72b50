"""What the templates call to show RDF to people: links, labels, readable literals, and the
ontology page, which the server and ``weihai-kg docs`` render alike. Flask-free."""

from __future__ import annotations

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Triple

from weihai_kg.namespaces import DCT_SOURCE, GRAPH_ONTOLOGY, ONTOLOGY_IRI, PREFIXES, RDF_TYPE, compact
from weihai_kg.read.describe import describe, label_of
from weihai_kg.store.reading import ReadStore
from weihai_kg.web.templating import local_url, render


class View:
    """Helpers the templates call, in the page's language."""

    def __init__(self, store: ReadStore, lang: str) -> None:
        self.store = store
        self.lang = lang

    def href(self, node: object) -> str:
        return local_url(node.value) if isinstance(node, NamedNode) else "#"

    def label(self, node: NamedNode | BlankNode) -> str:
        return label_of(self.store, node, self.lang)

    def short(self, node: NamedNode) -> str:
        return compact(node.value)

    def is_link(self, node: object) -> bool:
        return isinstance(node, NamedNode)

    def literal(self, node: Literal) -> tuple[str, str]:
        """(text, annotation): the value, and its language or a short datatype."""
        if node.language:
            return node.value, node.language
        datatype = compact(node.datatype.value)
        text = node.value
        if datatype in ("xsd:decimal", "xsd:integer") and text.lstrip("-").replace(".", "", 1).isdigit():
            whole, _, fraction = text.partition(".")
            text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        return text, "" if datatype == "xsd:string" else datatype

    def graph_label(self, node: NamedNode) -> str:
        return label_of(self.store, node, self.lang)

    def sources(self, graphs: list[NamedNode]) -> list[str]:
        """The public sources (``dct:source``) of the graphs a statement stands in."""
        found = {q.object.value for g in graphs for q in self.store.quads_for_pattern(g, DCT_SOURCE, None, DefaultGraph()) if isinstance(q.object, NamedNode)}
        return sorted(found)


Example = tuple[NamedNode | BlankNode, NamedNode | BlankNode | Literal | None]


def examples_of(store: ReadStore, term: NamedNode, limit: int = 3) -> list[Example]:
    """A few uses of an ontology term in the data: instances of a class, or (subject, value) of a property."""
    found: list[Example] = []
    for quad in store.quads_for_pattern(None, RDF_TYPE, term, DefaultGraph()):
        if isinstance(quad.subject, NamedNode | BlankNode) and len(found) < limit:
            found.append((quad.subject, None))
    if not found:
        for quad in store.quads_for_pattern(None, term, None, DefaultGraph()):
            if isinstance(quad.subject, NamedNode | BlankNode) and not isinstance(quad.object, Triple) and len(found) < limit:
                found.append((quad.subject, quad.object))
    return found


def ontology_page(store: ReadStore, lang: str, static_root: str = "/static/") -> str:
    """The ontology's HTML documentation: every term with its labels, comment and examples."""
    terms = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, None, None, GRAPH_ONTOLOGY)
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(PREFIXES["wh"])
        }
    )
    described = [describe(store, NamedNode(t)) for t in terms]
    examples = {t: examples_of(store, NamedNode(t)) for t in terms}
    view = View(store, lang)
    return render("ontology.html", static_root, lang=lang, terms=described, examples=examples, view=view, ontology_iri=ONTOLOGY_IRI)
