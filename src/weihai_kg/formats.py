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
    # Other media types and short names clients use for this format (answered in
    # ``media_type``): older or unregistered types, and the names Fuseki, Virtuoso and
    # SPARQLWrapper send in ``format=``/``output=``. One alias may name a format of each
    # kind ("json": SPARQL JSON for solutions, JSON-LD for graphs); negotiation picks the
    # one offered for the answer at hand.
    also: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.also)


# Media types that stand for more than one format, each written once here.
JSON_TYPE = "application/json"  # SPARQL JSON for solutions, JSON-LD for graphs, and Cytoscape's JSON
XML_TYPES = ("application/xml", "text/xml")  # SPARQL XML or RDF/XML
PLAIN_TYPE = "text/plain"  # TSV for solutions, N-Triples (its old type) for graphs
JS_TYPE = "text/javascript"
TURTLE_ALSO = ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3")

SOLUTIONS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("json", "application/sparql-results+json", "srj", QueryResultsFormat.JSON, None, (JSON_TYPE, JS_TYPE, "application/javascript"), ("srj",)),
        Format("xml", "application/sparql-results+xml", "srx", QueryResultsFormat.XML, None, XML_TYPES, ("srx",)),
        Format("csv", "text/csv", "csv", results=QueryResultsFormat.CSV),
        Format("tsv", "text/tab-separated-values", "tsv", QueryResultsFormat.TSV, None, (PLAIN_TYPE,)),
    )
}
GRAPHS: dict[str, Format] = {
    f.key: f
    for f in (
        # N3 is a superset of Turtle, so a client asking for N3 can read Turtle.
        Format("turtle", "text/turtle", "ttl", None, RdfFormat.TURTLE, TURTLE_ALSO, ("ttl", "n3")),
        Format("ntriples", "application/n-triples", "nt", None, RdfFormat.N_TRIPLES, (PLAIN_TYPE,), ("nt", "n-triples")),
        Format("jsonld", "application/ld+json", "jsonld", None, RdfFormat.JSON_LD, (JSON_TYPE, "application/x-json+ld"), ("json-ld", "json")),
        Format("rdfxml", "application/rdf+xml", "rdf", None, RdfFormat.RDF_XML, XML_TYPES, ("rdf+xml", "rdf", "xml")),
        Format("nquads", "application/n-quads", "nq", None, RdfFormat.N_QUADS, ("text/x-nquads",), ("nq", "n-quads")),
        Format("trig", "application/trig", "trig", None, RdfFormat.TRIG, ("application/x-trig",)),
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
        Format("cytoscape", JSON_TYPE, "cyjs"),
    )
}
# What ``weihai-kg export`` and ``/export/FORMAT`` write: the RDF dumps, then the networks.
EXPORTS: dict[str, Format] = {k: GRAPHS[k] for k in ("turtle", "ntriples", "rdfxml", "nquads", "trig", "jsonld")} | NETWORKS
# The whole-dataset dumps: every file of a release (``weihai-kg release``) and every
# distribution the served VoID lists, in this order.
DUMPS = ("nquads", "trig", "turtle", "ntriples", "rdfxml", "jsonld", "graphml", "gexf")
JSONLD_FRAMES = ("project", "plan", "organization")  # jsonld --frame NAME: ontology/frames/NAME.jsonld
# The files a project folder's RDF is written in, by file suffix (project.rdf_files, sources.read_file).
SOURCE_FILES = {".ttl": RdfFormat.TURTLE, ".trig": RdfFormat.TRIG, ".nq": RdfFormat.N_QUADS, ".nt": RdfFormat.N_TRIPLES}
HTML = Format("html", "text/html", "html")
SVG = Format("svg", "image/svg+xml", "svg")  # the favicon
JSON = Format("json", JSON_TYPE, "json")  # plain JSON: search hits, the list of named queries
CSV = SOLUTIONS["csv"]
XLSX = Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
JAVASCRIPT = Format("js", JS_TYPE, "js")
CSS = Format("css", "text/css", "css")  # the SPARQL editor's stylesheet
PLAIN = Format("text", PLAIN_TYPE, "txt")
MARKDOWN = Format("markdown", "text/markdown", "md")  # a release's README
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
    where the format has them; triples asked for as N-Quads or TriG go in the default graph; in the triple formats each triple is written once."""
    fmt = GRAPHS[key]
    listed: list[Triple] | list[Quad]
    if key in WITH_GRAPHS:
        listed = [Quad(i.subject, i.predicate, i.object, DefaultGraph()) if isinstance(i, Triple) else i for i in items]
    else:
        # a triple stated in several graphs is written once
        listed = list(dict.fromkeys(Triple(i.subject, i.predicate, i.object) if isinstance(i, Quad) else i for i in items))
    chosen = (prefixes or PREFIXES) if key in PREFIXED else None
    return serialize(listed, format=fmt.rdf, prefixes=chosen) or b""


def content_type(fmt: Format) -> str:
    """The Content-Type of an answer in ``fmt``: UTF-8 stated for the text formats."""
    if fmt.media_type.startswith("text/") or fmt.media_type.endswith(("+json", "+xml", "/trig")):
        return f"{fmt.media_type}; charset=utf-8"
    return fmt.media_type


def by_name_or_type(value: str, among: Iterable[Format] | None = None) -> list[Format]:
    """The formats a short name (``json``, ``rdf+xml``) or media type (``text/turtle``,
    parameters ignored) may mean, among ``among`` (every format when None): the format whose
    own key or media type it is first, then those that take it as an alias."""
    value = value.split(";", 1)[0].strip().lower()
    candidates = list(among) if among is not None else [*ALL.values(), *NETWORKS.values(), HTML]
    own = [f for f in candidates if value in (f.key, f.media_type)]
    return own + [f for f in candidates if f not in own and (value in f.names or value in f.also)]
