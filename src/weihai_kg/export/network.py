"""The graph as a network for visualisation tools: resources are nodes (with a label in the
chosen language, their class for colour, and their literals as attributes), object
properties are edges (with the property's label); IRIs are kept as ids. Written as GraphML
and GEXF (networkx), Graphviz DOT (pydot) and Cytoscape.js JSON (networkx)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

import networkx as nx
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, QuerySolutions, Triple

from weihai_kg.errors import QueryParameterError, UnknownResource
from weihai_kg.export.rdf import context_document
from weihai_kg.formats import NETWORKS
from weihai_kg.namespaces import GRAPH_ONTOLOGY, GRAPH_STRUCTURE, PREFIXES, RDF_TYPE, RDFS_SUBCLASS_OF, compact, to_iri
from weihai_kg.read.describe import label_of, primary_language
from weihai_kg.store.reading import ReadStore

LABELS = {PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label"}
WRITERS = tuple(NETWORKS)
Resource = NamedNode | BlankNode


def short_keys() -> dict[str, str]:
    """Property IRI -> the short key of the published JSON-LD context (e.g. ``value``)."""
    context = context_document()["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    keys = {}
    for key, definition in context.items():
        target = definition.get("@id") if isinstance(definition, dict) else definition
        if isinstance(target, str) and ":" in target and not key.startswith("@"):
            prefix, _, local = target.partition(":")
            if prefix in prefixes:
                keys[prefixes[prefix] + local] = key
    return keys


def data_triples(store: ReadStore, include_structure: bool = False) -> list[Triple]:
    """Every statement except the ontology's (and, unless asked, the report's structure)."""
    skip = {GRAPH_ONTOLOGY} if include_structure else {GRAPH_ONTOLOGY, GRAPH_STRUCTURE}
    seen = {q.triple for q in store.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, DefaultGraph) and q.graph_name not in skip}
    return sorted(seen, key=str)


def neighbourhood(store: ReadStore, start: NamedNode, hops: int) -> list[Triple]:
    """Statements within ``hops`` links of ``start``, following links both ways (but not on
    to the classes of ``rdf:type``). Each step looks up the statements of the nodes reached
    so far, so the work is that of the answer, not of the store."""
    kept: set[Triple] = set()
    frontier: list[Resource] = [start]
    seen = {str(start)}
    for depth in range(hops):
        reached: list[Resource] = []
        for node in frontier:
            for t in _links(store, node):
                kept.add(t)
                other = t.object if t.subject == node else t.subject
                if depth + 1 < hops and isinstance(other, NamedNode | BlankNode) and str(other) not in seen and t.predicate != RDF_TYPE:
                    seen.add(str(other))
                    reached.append(other)
        frontier = reached
    if not kept:
        raise UnknownResource(f"{start.value} is not in the graph")
    return sorted(kept, key=str)


def _links(store: ReadStore, node: Resource) -> set[Triple]:
    """The data statements with ``node`` as subject or object (not the ontology's, nor the report's structure)."""
    skip = {GRAPH_ONTOLOGY, GRAPH_STRUCTURE}
    quads = [*store.quads_for_pattern(node, None, None, None), *store.quads_for_pattern(None, None, node, None)]
    return {q.triple for q in quads if not isinstance(q.graph_name, DefaultGraph) and q.graph_name not in skip}


def of_classes(store: ReadStore, classes: list[str]) -> list[Triple]:
    """Statements among resources of the given classes (``wh:Project`` or full IRIs, subclasses included)."""
    iris = [_expand(c) for c in classes]
    values = " ".join(f"<{c}>" for c in iris)
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {values} }} ?s a/{RDFS_SUBCLASS_OF}* ?c }}")
    if not isinstance(rows, QuerySolutions):
        raise TypeError("expected solutions")
    members = {str(r["s"]) for r in rows}
    return [
        t
        for t in data_triples(store)
        if str(t.subject) in members and (not isinstance(t.object, NamedNode | BlankNode) or str(t.object) in members or t.predicate == RDF_TYPE)
    ]


def _expand(name: str) -> str:
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if name.startswith(("http://", "https://")):
        return name
    raise QueryParameterError(f"not a class name: {name!r} (use prefix:Local or a full IRI)")


def build_network(store: ReadStore, triples: Iterable[Triple], lang: str) -> nx.MultiDiGraph:
    """Nodes for resources, edges for links; literals become node attributes."""
    keys = short_keys()
    graph = nx.MultiDiGraph()
    triples = list(triples)

    def add_node(node: Resource) -> str:
        key = str(node.value) if isinstance(node, NamedNode) else f"_:{node.value}"
        if key not in graph:
            graph.add_node(key, **_node_attributes(store, node, lang))
        return key

    for t in triples:
        if not isinstance(t.subject, NamedNode | BlankNode):
            continue
        source = add_node(t.subject)
        if isinstance(t.object, Literal):
            if t.predicate.value not in LABELS:
                name = keys.get(t.predicate.value, compact(t.predicate.value).replace(":", "_"))
                old = graph.nodes[source].get(name)
                graph.nodes[source][name] = t.object.value if old is None else f"{old}; {t.object.value}"
        elif t.predicate != RDF_TYPE and isinstance(t.object, NamedNode | BlankNode):
            target = add_node(t.object)
            graph.add_edge(source, target, key=t.predicate.value, predicate=t.predicate.value, label=label_of(store, t.predicate, lang))
    return graph


def _node_attributes(store: ReadStore, node: Resource, lang: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for quad in store.quads_for_pattern(node, None, None, DefaultGraph()):
        if quad.predicate.value in LABELS and isinstance(quad.object, Literal) and quad.object.language:
            names.setdefault(f"label_{primary_language(quad.object)}", quad.object.value)
    types = [compact(q.object.value) for q in store.quads_for_pattern(node, RDF_TYPE, None, DefaultGraph()) if isinstance(q.object, NamedNode)]
    ours = sorted(t for t in types if t.startswith("wh:")) or sorted(types)
    return {"label": label_of(store, node, lang), "class": ours[0] if ours else "", "iri": str(node.value), **names}


def write(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """The network in one of WRITERS; raises QueryParameterError for another name."""
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(graph, buffer, encoding="utf-8")
        return buffer.getvalue()
    if fmt == "gexf":
        buffer = io.BytesIO()
        nx.write_gexf(graph, buffer, encoding="utf-8")
        return buffer.getvalue()
    if fmt == "dot":
        dot = nx.nx_pydot.to_pydot(_for_dot(graph))
        return str(dot.to_string()).encode("utf-8")
    if fmt == "cytoscape":
        data = nx.cytoscape_data(graph)
        for i, edge in enumerate(data["elements"]["edges"]):
            edge["data"].setdefault("id", f"e{i}")
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    raise QueryParameterError(f"no network format {fmt!r}; choose one of {', '.join(WRITERS)}")


def _for_dot(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Graphviz reads ``a:b`` as a node port, so ids and values are quoted for it."""
    out = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        out.add_node(json.dumps(node, ensure_ascii=False), **{k: json.dumps(str(v), ensure_ascii=False) for k, v in attrs.items()})
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        out.add_edge(
            json.dumps(u, ensure_ascii=False),
            json.dumps(v, ensure_ascii=False),
            key=key,
            **{k: json.dumps(str(val), ensure_ascii=False) for k, val in attrs.items()},
        )
    return out


def select(
    store: ReadStore, *, construct: Iterable[Triple] | None = None, entity: str | None = None, hops: int = 1, classes: list[str] | None = None
) -> list[Triple]:
    """The statements to show: a CONSTRUCT result, one entity's neighbourhood, a set of classes, or everything."""
    if construct is not None:
        return list(construct)
    if entity:
        if hops < 1 or hops > 5:
            raise QueryParameterError("hops is between 1 and 5")
        return neighbourhood(store, to_iri(entity), hops)
    if classes:
        return of_classes(store, classes)
    return data_triples(store)
