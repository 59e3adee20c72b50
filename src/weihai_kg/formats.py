"""Every format weihai-kg reads or writes, by short name, with its media type and file
extension: one table for the CLI, the query workers, remote mode, the exports and the web
layer's content negotiation (``web.negotiation``), so no other module names a media type."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import DefaultGraph, Quad, QueryResultsFormat, RdfFormat, Triple, serialize

from weihai_kg.namespaces import PREFIXES


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str
    extension: str
    results: QueryResultsFormat | None = None
    rdf: RdfFormat | None = None


SOLUTIONS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("json", "application/sparql-results+json", "srj", results=QueryResultsFormat.JSON),
        Format("xml", "application/sparql-results+xml", "srx", results=QueryResultsFormat.XML),
        Format("csv", "text/csv", "csv", results=QueryResultsFormat.CSV),
        Format("tsv", "text/tab-separated-values", "tsv", results=QueryResultsFormat.TSV),
    )
}
GRAPHS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("turtle", "text/turtle", "ttl", rdf=RdfFormat.TURTLE),
        Format("ntriples", "application/n-triples", "nt", rdf=RdfFormat.N_TRIPLES),
        Format("jsonld", "application/ld+json", "jsonld", rdf=RdfFormat.JSON_LD),
        Format("rdfxml", "application/rdf+xml", "rdf", rdf=RdfFormat.RDF_XML),
        Format("nquads", "application/n-quads", "nq", rdf=RdfFormat.N_QUADS),
        Format("trig", "application/trig", "trig", rdf=RdfFormat.TRIG),
    )
}
ALL: dict[str, Format] = {**SOLUTIONS, **GRAPHS}

# The network formats for visualisation tools (``network.write``).
NETWORKS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("graphml", "application/graphml+xml", "graphml"),
        Format("gexf", "application/gexf+xml", "gexf"),
        Format("dot", "text/vnd.graphviz", "dot"),
        Format("cytoscape", "application/json", "cyjs"),
    )
}
# What ``weihai-kg export`` and ``/export/FORMAT`` write: the RDF dumps, then the networks.
EXPORTS: dict[str, Format] = {k: GRAPHS[k] for k in ("turtle", "ntriples", "rdfxml", "nquads", "trig", "jsonld")} | NETWORKS
JSONLD_FRAMES = ("project", "plan", "organization")  # jsonld --frame NAME: ontology/frames/NAME.jsonld
HTML = Format("html", "text/html", "html")
JAVASCRIPT = Format("js", "text/javascript", "js")
PLAIN = Format("text", "text/plain", "txt")
# The bodies a SPARQL 1.1 Protocol request may carry.
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

# The first format of each list is the default when a client states no preference.
BY_FORM: dict[str, list[Format]] = {
    "SELECT": list(SOLUTIONS.values()),
    "ASK": list(SOLUTIONS.values()),
    "CONSTRUCT": list(GRAPHS.values()),
    "DESCRIBE": list(GRAPHS.values()),
}


WITH_GRAPHS = ("nquads", "trig")
PREFIXED = ("turtle", "trig", "rdfxml")  # formats where the project's prefixes make the text readable


def write_rdf(items: Iterable[Triple | Quad], key: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples or quads in the RDF format ``key`` (a key of GRAPHS), with the project's prefixes
    where the format has them; triples asked for as N-Quads or TriG go in the default graph."""
    fmt = GRAPHS[key]
    listed: list[Triple] | list[Quad]
    if key in WITH_GRAPHS:
        listed = [Quad(i.subject, i.predicate, i.object, DefaultGraph()) if isinstance(i, Triple) else i for i in items]
    else:
        listed = [Triple(i.subject, i.predicate, i.object) if isinstance(i, Quad) else i for i in items]
    chosen = (prefixes or PREFIXES) if key in PREFIXED else None
    return serialize(listed, format=fmt.rdf, prefixes=chosen) or b""


def content_type(fmt: Format) -> str:
    """The Content-Type of an answer in ``fmt``: UTF-8 stated for the text formats."""
    if fmt.media_type.startswith("text/") or fmt.media_type.endswith(("+json", "+xml", "/trig")):
        return f"{fmt.media_type}; charset=utf-8"
    return fmt.media_type


def by_name_or_type(value: str) -> Format | None:
    """A format from its short name (``json``) or media type (``text/turtle``)."""
    value = value.strip().lower()
    if value in ALL:
        return ALL[value]
    return next((f for f in ALL.values() if f.media_type == value), None)
