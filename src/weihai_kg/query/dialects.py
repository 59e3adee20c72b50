"""How remote SPARQL engines differ where remote mode meets them, one row per engine family:
where the Graph Store Protocol lives beside the query URL, whether the default graph can be
written, how the Graph Store authenticates. Everything else is the standard protocol.

``standard`` is Oxigraph server (``…/query`` and ``…/store``) and Apache Jena Fuseki (give
``--remote-store …/ds/data`` beside ``…/ds/query``; Fuseki's Graph Store takes HTTP Basic
authentication when its shiro or ``--passwd`` setup asks for one).

``virtuoso`` is OpenLink Virtuoso 7: its query endpoint is ``…/sparql``, its authenticated
Graph Store ``…/sparql-graph-crud-auth`` (HTTP Digest). Its default graph cannot be written
through the Graph Store (``?default`` is refused) and, when a request names no dataset, is
every graph it holds, its own system graphs included. So the union default graph of a build
is stored as the named graph ``UNION_GRAPH``, and every query is sent with that graph as its
default graph and the build's graphs as its named graphs. They go as Virtuoso's
``define input:default-graph-uri`` / ``input:named-graph-uri`` pragmas before the query,
not as protocol parameters: Virtuoso echoes each protocol graph as a response header, and a
hundred graphs pass the 100 headers Python's HTTP client accepts. A query with FROM or
FROM NAMED, or a request with its own ``default-graph-uri``/``named-graph-uri``, is sent as
given (Virtuoso adds a pragma's graphs to a query's FROM rather than replacing them)."""

from __future__ import annotations

from dataclasses import dataclass

from weihai_kg.errors import ConfigError
from weihai_kg.namespaces import BASE

UNION_GRAPH = f"{BASE}graph/default"  # the union default graph, on engines that cannot write theirs


def dataset_pragmas(named_graphs: list[str]) -> str:
    """Virtuoso's pragmas for the build's dataset: the stored union as the default graph."""
    lines = [f"define input:default-graph-uri <{UNION_GRAPH}>", *(f"define input:named-graph-uri <{g}>" for g in named_graphs)]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Dialect:
    name: str
    query_path: str  # the last path segment of the query URL
    store_path: str  # the Graph Store Protocol path beside it
    writable_default_graph: bool
    digest_auth: bool  # HTTP Digest for the Graph Store (else Basic)


DIALECTS = {
    d.name: d
    for d in (
        Dialect("standard", "query", "store", writable_default_graph=True, digest_auth=False),
        Dialect("virtuoso", "sparql", "sparql-graph-crud-auth", writable_default_graph=False, digest_auth=True),
    )
}


def dialect(name: str) -> Dialect:
    if name not in DIALECTS:
        raise ConfigError(f"unknown remote dialect {name!r}; choose one of {', '.join(DIALECTS)}")
    return DIALECTS[name]
