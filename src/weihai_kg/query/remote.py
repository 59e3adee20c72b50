"""Remote store mode, reading: an existing SPARQL 1.1 server (Oxigraph server, Fuseki,
QLever, Virtuoso, GraphDB, Neptune...) in place of the embedded store.

``RemoteRunner`` answers the endpoint's checked queries through the SPARQL 1.1 Protocol. It
always asks the server for one canonical form (SPARQL JSON results, or N-Triples for graphs),
parses it, and writes the client's format with the same code as the embedded workers, so
both modes give the same bytes and the same row limits. Named-query parameters arrive bound
already (``query.text.bind``), as for the embedded store. ``RemoteStore`` is a ReadStore
over the same protocol, for pages, views and exports. Writing (``build --remote``) is in
``store.publish``.

The server's URLs come from the operator (command line or configuration), never from a
client; every safety rule of the endpoint runs before a query is forwarded.
"""

from __future__ import annotations

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
    parse,
    parse_query_results,
)

from weihai_kg import formats
from weihai_kg.errors import ConfigError, KgError, QuerySyntaxError, QueryTimeout, RemoteFailed, ResultTooLarge, WorkerFailed
from weihai_kg.query.run import BYTES_PER_ROW, Answer, Job, write_answer
from weihai_kg.query.text import query_form
from weihai_kg.store.reading import GraphName, Object, Subject

JSON_RESULTS = formats.SOLUTIONS["json"].media_type
NTRIPLES = formats.GRAPHS["ntriples"].media_type
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


class RemoteRunner:
    """Answers checked jobs through the SPARQL 1.1 Protocol, within the endpoint's time limit."""

    def __init__(self, endpoints: RemoteEndpoints, timeout: float) -> None:
        self.url = endpoints.query
        self.timeout = timeout
        self.session = requests.Session()

    def run(self, job: Job) -> Answer:
        form = query_form(job.query)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        body = self.fetch(job.query, graph, job.default_graph, job.named_graphs, job.max_rows * BYTES_PER_ROW)

        def parsed() -> Any:
            if graph:
                return [q.triple for q in parse(body, format=RdfFormat.N_TRIPLES)]
            return parse_query_results(body, format=QueryResultsFormat.JSON)

        return write_answer(parsed(), job, parsed)

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

    def query(self, query: str, /) -> QuerySolutions | QueryBoolean:
        """A SELECT or ASK, answered by the remote server (graphs go through the runner)."""
        if query_form(query) in ("CONSTRUCT", "DESCRIBE"):
            raise KgError("RemoteStore.query answers SELECT and ASK")
        return parse_query_results(self.runner.fetch(query, False), format=QueryResultsFormat.JSON)

    def quads_for_pattern(
        self, subject: Subject | None, predicate: NamedNode | None, obj: Object | None, graph: GraphName | None = None, /
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
            quads.append(Quad(subject or row["s"], predicate or row["p"], obj or row["o"], g if g is not None else DefaultGraph()))
        return iter(quads)

    def contains_named_graph(self, graph: GraphName, /) -> bool:
        if not isinstance(graph, NamedNode):
            return False
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def named_graphs(self) -> Iterator[NamedNode | BlankNode]:
        solutions = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        if not isinstance(solutions, QuerySolutions):
            raise WorkerFailed("the remote store answered a SELECT with something else")
        return iter([row["g"] for row in solutions if isinstance(row["g"], NamedNode)])

    def __len__(self) -> int:
        solutions = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        if not isinstance(solutions, QuerySolutions):
            raise WorkerFailed("the remote store answered a SELECT with something else")
        return int(next(iter(solutions))["n"].value)
