"""What the store says of one resource: its names, its statements (each with the places in
the report that make it), and the statements that point at it. Used for entity pages and
for dereferencing IRIs as RDF."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from weihai_kg.namespaces import PREFIXES, RDFS_LABEL, SKOS_PREF_LABEL, compact
from weihai_kg.store.reading import ReadStore

ALT_LABEL = NamedNode(PREFIXES["skos"] + "altLabel")
WH_LINE_START = NamedNode(PREFIXES["wh"] + "lineStart")
LABEL_PREDICATES = (SKOS_PREF_LABEL, RDFS_LABEL)
# names a page may show when an entity has no preferred label in the reader's language
NAMES_AS_GIVEN = (NamedNode(PREFIXES["wh"] + "chineseNameAsGiven"), ALT_LABEL)


@dataclass
class Statement:
    predicate: NamedNode
    value: NamedNode | BlankNode | Literal | Triple
    graphs: list[NamedNode | BlankNode] = field(default_factory=list)


@dataclass
class Description:
    iri: NamedNode
    labels: dict[str, list[str]]
    alt_labels: dict[str, list[str]]
    types: list[NamedNode]
    statements: list[Statement]
    incoming: list[tuple[NamedNode | BlankNode | Triple, NamedNode]]

    @property
    def exists(self) -> bool:
        return bool(self.statements or self.incoming)

    @property
    def links(self) -> list[Statement]:
        """Statements from the parts of graph:external: links to other datasets and outside
        identifiers, each graph naming its public source."""
        return [s for s in self.statements if any(g.value.startswith(EXTERNAL_PARTS) for g in s.graphs)]


EXTERNAL_PARTS = PREFIXES["graph"] + "external/"


def describe(store: ReadStore, iri: NamedNode) -> Description:
    """Everything the store says about ``iri`` (statements in named graphs, with those graphs)."""
    by_statement: dict[tuple[str, str], Statement] = {}
    for quad in store.quads_for_pattern(iri, None, None, None):
        if isinstance(quad.graph_name, DefaultGraph):
            continue  # the default graph repeats the named graphs as a union
        key = (quad.predicate.value, str(quad.object))
        statement = by_statement.setdefault(key, Statement(quad.predicate, quad.object))
        statement.graphs.append(quad.graph_name)
    statements = sorted(by_statement.values(), key=lambda s: (compact(s.predicate.value), str(s.value)))
    labels: dict[str, list[str]] = defaultdict(list)
    alts: dict[str, list[str]] = defaultdict(list)
    types = []
    for s in statements:
        if s.predicate in LABEL_PREDICATES and isinstance(s.value, Literal):
            labels[primary_language(s.value)].append(s.value.value)
        elif s.predicate == ALT_LABEL and isinstance(s.value, Literal):
            alts[primary_language(s.value)].append(s.value.value)
        elif s.predicate.value == PREFIXES["rdf"] + "type" and isinstance(s.value, NamedNode):
            types.append(s.value)
    incoming = sorted(
        {(q.subject, q.predicate) for q in store.quads_for_pattern(None, None, iri, DefaultGraph())},
        key=lambda sp: (compact(sp[1].value), str(sp[0])),
    )
    return Description(iri, dict(labels), dict(alts), types, statements, incoming)


def primary_language(literal: Literal) -> str:
    """The language of a literal without its script or region: pages and exports offer ko, en
    and zh, and Chinese is tagged zh-Hans, zh-Hant or zh by the characters written (BCP 47)."""
    return (literal.language or "").split("-")[0].lower()


def label_of(store: ReadStore, node: NamedNode | BlankNode, lang: str) -> str:
    """The node's preferred label in ``lang``, else in English, Korean, any; else its short IRI."""
    found: dict[str, str] = {}
    for predicate in LABEL_PREDICATES:
        for quad in store.quads_for_pattern(node, predicate, None, DefaultGraph()):
            if isinstance(quad.object, Literal):
                found.setdefault(primary_language(quad.object), quad.object.value)
    if lang not in found:  # no preferred name in that language: the report's own name in it, if any
        for predicate in NAMES_AS_GIVEN:
            for quad in store.quads_for_pattern(node, predicate, None, DefaultGraph()):
                if isinstance(quad.object, Literal) and primary_language(quad.object) == lang:
                    return quad.object.value
    for choice in (lang, "en", "ko", "zh", ""):
        if choice in found:
            return found[choice]
    return compact(node.value) if isinstance(node, NamedNode) else f"_:{node.value}"


def rdf_of(store: ReadStore, iri: NamedNode, with_graphs: bool) -> list[Quad] | list[Triple]:
    """The resource as RDF: its statements, the labels of what it links to, and the statements
    pointing at it. With graphs, as quads in their named graphs (provenance kept)."""
    quads: list[Quad] = []
    for quad in store.quads_for_pattern(iri, None, None, None):
        if not isinstance(quad.graph_name, DefaultGraph):
            quads.append(quad)
            if isinstance(quad.object, NamedNode | BlankNode):
                quads.extend(_labels(store, quad.object))
    for quad in store.quads_for_pattern(None, None, iri, None):
        if not isinstance(quad.graph_name, DefaultGraph):
            quads.append(quad)
            if isinstance(quad.subject, NamedNode | BlankNode):
                quads.extend(_labels(store, quad.subject))
    triples = list(dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in quads))
    if with_graphs:
        return in_default_graph_too(list(dict.fromkeys(quads)))
    return triples


def in_default_graph_too(quads: list[Quad]) -> list[Quad]:
    """Quads in their named graphs, and their triples once more in the default graph: a
    link-following client (Comunica) reads the default graph of a document, and would see
    nothing if every statement were only in a provenance graph."""
    triples = dict.fromkeys(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    return [*triples, *(q for q in quads if not isinstance(q.graph_name, DefaultGraph))]


def _labels(store: ReadStore, node: NamedNode | BlankNode) -> list[Quad]:
    return [q for p in LABEL_PREDICATES for q in store.quads_for_pattern(node, p, None, None) if not isinstance(q.graph_name, DefaultGraph)]
