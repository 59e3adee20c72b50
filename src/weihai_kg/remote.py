"""Remote store mode: an existing SPARQL 1.1 server (Oxigraph server, Fuseki, QLever,
Virtuoso, GraphDB, Neptune...) in place of the embedded store.

* Reading: ``RemoteRunner`` answers the endpoint's checked queries through the SPARQL 1.1
  Protocol. It always asks the server for one canonical form (SPARQL JSON results, or
  N-Triples for graphs), parses it, and writes the client's format with the same code as the
  embedded workers, so both modes give the same bytes and the same row limits. Named-query
  parameters become a ``VALUES`` block at the start of the WHERE clause (remote servers know
  no pyoxigraph substitutions). ``RemoteStore`` gives the pages, views and exports the part of
  pyoxigraph's ``Store`` they read (``query``, ``quads_for_pattern``, ``contains_named_graph``).
* Writing: ``publish`` replaces the remote graphs with a validated build through the SPARQL 1.1
  Graph Store Protocol: PUT of each named graph and of the default graph (the union), then
  DELETE of graphs the build no longer has.

The server's URLs come from the operator (command line or configuration), never from a
client; every safety rule of the endpoint runs before a query is forwarded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from .answer import BYTES_PER_ROW, write_answer
from .errors import ConfigError, QuerySyntaxError, RemoteFailed
from .query_service import blank_opaque, query_form
from .workers import Answer, Job, QueryTimeout, ResultTooLarge, WorkerFailed, unpack

JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
Term = NamedNode | BlankNode | Literal


@dataclass(frozen=True)
class RemoteEndpoints:
    """Where the remote server answers queries and, for ``build --remote``, takes graphs."""

    query: str
    store: str | None = None

    @classmethod
    def from_urls(cls, query: str, store: str | None = None) -> RemoteEndpoints:
        """``store`` defaults to ``…/store`` beside a ``…/query`` URL (Oxigraph's layout)."""
        for url in (query, store):
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise ConfigError(f"{url}: a remote store URL must be http:// or https://")
        if store is None:
            parts = urlsplit(query)
            if parts.path.endswith("/query"):
                store = urlunsplit(parts._replace(path=parts.path[: -len("query")] + "store", query=""))
        return cls(query, store)


def bind_values(text: str, substitutions: Sequence[tuple[Any, Any]]) -> str:
    """``text`` with each (Variable, term) pair bound by a VALUES block opening its WHERE
    clause, so the bindings are in scope for the FILTERs of that group, as with substitution."""
    if not substitutions:
        return text
    blanked = blank_opaque(text)
    where = re.search(r"\bWHERE\s*\{", blanked, re.IGNORECASE) or re.search(r"\{", blanked)
    if where is None:
        raise QuerySyntaxError("the query has no WHERE clause to bind parameters in")
    names = " ".join(f"?{variable.value}" for variable, _ in substitutions)
    values = " ".join(str(term) for _, term in substitutions)
    return f"{text[: where.end()]} VALUES ({names}) {{ ({values}) }} {text[where.end() :]}"


class RemoteRunner:
    """Answers checked jobs through the SPARQL 1.1 Protocol, within the endpoint's time limit."""

    def __init__(self, endpoints: RemoteEndpoints, timeout: float) -> None:
        self.url = endpoints.query
        self.timeout = timeout
        self.session = requests.Session()

    def run(self, job: Job) -> Answer:
        form = query_form(job.query)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        body = self.fetch(bind_values(job.query, job.substitutions), graph, job.default_graph, job.named_graphs, job.max_rows * BYTES_PER_ROW)

        def parsed() -> Any:
            if graph:
                return [q.triple for q in parse(body, format=RdfFormat.N_TRIPLES)]
            return parse_query_results(body, format=QueryResultsFormat.JSON)

        return unpack(write_answer(parsed(), job, parsed))

    def fetch(self, text: str, graph: bool, default_graph: Sequence[str] = (), named_graphs: Sequence[str] = (), max_bytes: int = 0) -> bytes:
        data: dict[str, Any] = {"query": text}
        if default_graph or named_graphs:
            data["default-graph-uri"] = list(default_graph)
            data["named-graph-uri"] = list(named_graphs)
        headers = {"Accept": NTRIPLES if graph else JSON_RESULTS}
        try:
            with self.session.post(self.url, data=data, headers=headers, timeout=(5, self.timeout), stream=True) as response:
                body = _read_bounded(response, max_bytes)
        except requests.Timeout as e:
            raise QueryTimeout(f"the remote store did not answer within the {self.timeout:g} s limit") from e
        except requests.RequestException as e:
            raise RemoteFailed(f"the remote store cannot be reached: {type(e).__name__}") from e
        if response.status_code == 400:
            raise QuerySyntaxError(f"the remote store refused the query: {body[:300].decode(errors='replace').strip()}")
        if response.status_code != 200:
            raise RemoteFailed(f"the remote store answered {response.status_code}")
        return body

    def close(self) -> None:
        self.session.close()


def _read_bounded(response: requests.Response, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(65536):
        size += len(chunk)
        if max_bytes and size > max_bytes:
            raise ResultTooLarge("the result is larger than the endpoint's limit; add a LIMIT")
        chunks.append(chunk)
    return b"".join(chunks)


class RemoteStore:
    """The read-only part of pyoxigraph's ``Store`` that pages, views and exports use, over
    the SPARQL protocol. Blank nodes cannot be looked up remotely (their labels are the
    server's own), so patterns with a blank node match nothing."""

    def __init__(self, runner: RemoteRunner) -> None:
        self.runner = runner

    def query(self, text: str, **options: Any) -> QuerySolutions | QueryBoolean | Iterator[Triple]:
        if options.get("prefixes"):
            text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in options["prefixes"].items()) + text
        substitutions = list((options.get("substitutions") or {}).items())
        graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
        body = self.runner.fetch(bind_values(text, substitutions), graph)
        if graph:
            return iter([q.triple for q in parse(body, format=RdfFormat.N_TRIPLES)])
        return parse_query_results(body, format=QueryResultsFormat.JSON)

    def quads_for_pattern(
        self, subject: Term | None, predicate: NamedNode | None, obj: Term | None, graph: NamedNode | BlankNode | DefaultGraph | None = None
    ) -> Iterator[Quad]:
        if any(isinstance(t, BlankNode) for t in (subject, obj, graph)):
            return iter(())
        s, p, o = (str(t) if t is not None else f"?{n}" for t, n in ((subject, "s"), (predicate, "p"), (obj, "o")))
        pattern = f"{s} {p} {o}"
        if graph is None:
            where = f"{{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }}"
        elif isinstance(graph, DefaultGraph):
            where = pattern
        else:
            where = f"GRAPH {graph} {{ {pattern} }}"
        solutions = self.query(f"SELECT * WHERE {{ {where} }}")
        if not isinstance(solutions, QuerySolutions):
            raise WorkerFailed("the remote store answered a SELECT with something else")
        quads = []
        for row in solutions:
            g = row["g"] if graph is None else graph
            quads.append(Quad(subject or row["s"], predicate or row["p"], obj or row["o"], g if g is not None else DefaultGraph()))  # type: ignore[arg-type]
        return iter(quads)

    def contains_named_graph(self, graph: NamedNode | BlankNode) -> bool:
        if isinstance(graph, BlankNode):
            return False
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def __len__(self) -> int:
        solutions = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        if not isinstance(solutions, QuerySolutions):
            raise WorkerFailed("the remote store answered a SELECT with something else")
        return int(next(iter(solutions))["n"].value)


@dataclass(frozen=True)
class Published:
    graphs: int
    default_triples: int
    removed: list[str]


def publish(store: Store, endpoints: RemoteEndpoints, timeout: float = 300) -> Published:
    """Replace the remote dataset's graphs with ``store``'s through the Graph Store Protocol.

    Each graph is replaced whole (PUT), the default graph last, then graphs the remote holds
    and the build does not are deleted. Not one transaction: during the upload a reader may
    see some graphs new and others old (serve from read-only copies to avoid that; README).
    """
    if endpoints.store is None:
        raise ConfigError(f"{endpoints.query}: give the Graph Store Protocol URL too (--remote-store)")
    session = requests.Session()
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))
    try:
        for iri in graphs:
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(iri))]
            _put(session, endpoints.store, iri, triples, timeout)
        union = [q.triple for q in store.quads_for_pattern(None, None, None, DefaultGraph())]
        remote = RemoteRunner(endpoints, timeout)
        before = parse_query_results(remote.fetch("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", False), format=QueryResultsFormat.JSON)
        stale = sorted({row["g"].value for row in before if isinstance(row["g"], NamedNode)} - set(graphs))  # type: ignore[union-attr]
        _put(session, endpoints.store, None, union, timeout)
        for iri in stale:
            response = session.delete(endpoints.store, params={"graph": iri}, timeout=timeout)
            if response.status_code not in (200, 204, 404):
                raise RemoteFailed(f"{endpoints.store}: DELETE of graph {iri} answered {response.status_code}")
    except requests.RequestException as e:
        raise RemoteFailed(f"{endpoints.store}: cannot publish the build ({type(e).__name__}: {e})") from e
    finally:
        session.close()
    return Published(len(graphs), len(union), stale)


def _put(session: requests.Session, url: str, graph: str | None, triples: list[Triple], timeout: float) -> None:
    """PUT ``triples`` as graph ``graph`` (None: the default graph, ``?default`` as GSP spells it)."""
    body = serialize(triples, format=RdfFormat.N_TRIPLES)
    params = {"graph": graph} if graph else None
    target_url = url if graph else url + ("&" if "?" in url else "?") + "default"
    response = session.put(target_url, params=params, data=body, headers={"Content-Type": NTRIPLES}, timeout=timeout)
    if response.status_code not in (200, 201, 204):
        target = graph or "the default graph"
        raise RemoteFailed(f"{url}: PUT of {target} answered {response.status_code}: {response.text[:200]}")
