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

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import requests.auth
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
from weihai_kg.namespaces import BASE, QUERY_BASE
from weihai_kg.query.dialects import DIALECTS, UNION_GRAPH, Dialect, dataset_pragmas, dialect
from weihai_kg.query.run import BYTES_PER_ROW, Answer, Job, write_answer
from weihai_kg.query.text import query_form, uses_from
from weihai_kg.store.reading import GraphName, Object, Subject

JSON_RESULTS = formats.SOLUTIONS["json"].media_type
NTRIPLES = formats.GRAPHS["ntriples"].media_type
GRAPH_LIST_SECONDS = 2.0  # how long the build's graph list is trusted (query.dialects)
NO_GRAPH = "urn:weihai-kg:no-graph"  # a dataset with no named graph still has to name one
Term = NamedNode | BlankNode | Literal


@dataclass(frozen=True)
class RemoteEndpoints:
    """Where the remote server answers queries and, for ``build --remote``, takes graphs; its
    engine family (``query.dialects``) and the Graph Store's credentials, if it asks for any."""

    query: str
    store: str | None = None
    dialect: Dialect = DIALECTS["standard"]
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never printed

    @classmethod
    def from_urls(
        cls, query: str, store: str | None = None, dialect_name: str = "standard", user: str | None = None, password: str | None = None
    ) -> RemoteEndpoints:
        """``store`` defaults to the dialect's Graph Store path beside its query path
        (``…/store`` beside ``…/query`` for Oxigraph, ``…/sparql-graph-crud-auth`` beside
        ``…/sparql`` for Virtuoso)."""
        chosen = dialect(dialect_name)
        for url in (query, store):
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise ConfigError(f"{url}: a remote store URL must be http:// or https://")
        if store is None:
            parts = urlsplit(query)
            if parts.path.endswith("/" + chosen.query_path):
                store = urlunsplit(parts._replace(path=parts.path[: -len(chosen.query_path)] + chosen.store_path, query=""))
        return cls(query, store, chosen, user, password)

    def auth(self) -> requests.auth.AuthBase | None:
        """The Graph Store's authentication: Digest for Virtuoso, Basic otherwise."""
        if self.user is None:
            return None
        password = self.password or ""
        return requests.auth.HTTPDigestAuth(self.user, password) if self.dialect.digest_auth else requests.auth.HTTPBasicAuth(self.user, password)


class RemoteRunner:
    """Answers checked jobs through the SPARQL 1.1 Protocol, within the endpoint's time limit."""

    def __init__(self, endpoints: RemoteEndpoints, timeout: float) -> None:
        self.url = endpoints.query
        self.dialect = endpoints.dialect
        self.timeout = timeout
        self.session = requests.Session()
        self._graphs: tuple[float, list[str]] = (-GRAPH_LIST_SECONDS, [])

    def run(self, job: Job) -> Answer:
        form = query_form(job.query)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        body = self.fetch(job.query, graph, job.default_graph, job.named_graphs, job.max_rows * BYTES_PER_ROW)

        def parsed() -> Any:
            try:
                if graph:
                    return [q.triple for q in parse(body, format=RdfFormat.N_TRIPLES)]
                return parse_query_results(body, format=QueryResultsFormat.JSON)
            except (SyntaxError, ValueError) as e:  # e.g. a relative IRI in an answer (Virtuoso's IRI())
                raise RemoteFailed(f"the remote store's answer cannot be read: {e}") from e

        return write_answer(parsed(), job, parsed)

    def fetch(self, text: str, graph: bool, default_graph: Sequence[str] = (), named_graphs: Sequence[str] = (), max_bytes: int = 0) -> bytes:
        """The remote answer to ``text`` as N-Triples (``graph``) or SPARQL JSON, over the
        request's dataset, or the build's (see ``query.dialects``)."""
        pragmas = ""
        if not (default_graph or named_graphs or self.dialect.writable_default_graph or uses_from(text)):
            pragmas = dataset_pragmas(self.build_graphs() or [NO_GRAPH])
        elif not self.dialect.writable_default_graph and (default_graph or named_graphs):
            # The protocol: a list left out is empty. Virtuoso reads it as "every graph".
            default_graph, named_graphs = tuple(default_graph) or (NO_GRAPH,), tuple(named_graphs) or (NO_GRAPH,)
        data: dict[str, Any] = {"query": text}
        if default_graph or named_graphs:
            data["default-graph-uri"] = list(default_graph)
            data["named-graph-uri"] = list(named_graphs)
        return self._post(data, NTRIPLES if graph else JSON_RESULTS, max_bytes, pragmas)

    def _post(self, data: dict[str, Any], accept: str, max_bytes: int = 0, pragmas: str = "") -> bytes:
        # The remote engine resolves relative IRIs against the same base as the embedded
        # store; a BASE the query declares itself comes later in the prologue and wins.
        # An engine's pragmas (query.dialects) must come before the whole query.
        data = {**data, "query": f"{pragmas}BASE <{QUERY_BASE}>\n{data['query']}"}
        try:
            with self.session.post(self.url, data=data, headers={"Accept": accept}, timeout=(5, self.timeout), stream=True) as response:
                body = _read_bounded(response, max_bytes)
        except requests.Timeout as e:
            raise QueryTimeout(f"the remote store did not answer within the {self.timeout:g} s limit") from e
        except requests.RequestException as e:
            raise RemoteFailed(f"the remote store cannot be reached: {type(e).__name__}") from e
        if response.status_code == 400:
            raise QuerySyntaxError(f"the remote store refused the query: {body[:300].decode(errors='replace').strip()}")
        if response.status_code != 200:
            raise RemoteFailed(f"the remote store answered {response.status_code}")
        if response.headers.get("X-SQL-State"):
            # Virtuoso's "anytime" answer: cut at its own time limit, yet 200. Never pass on a part as the whole.
            raise QueryTimeout(f"the remote store stopped the query at its own time limit ({response.headers.get('X-SQL-Message', 'partial answer')})")
        return body

    def build_graphs(self) -> list[str]:
        """The named graphs of the build on an engine whose default dataset is every graph
        it holds (Virtuoso): the graphs under weihai-kg's base, but the stored union. Asked
        again after a few seconds, so a new ``build --remote`` is seen."""
        taken, graphs = self._graphs
        if time.monotonic() - taken < GRAPH_LIST_SECONDS:
            return graphs
        listing = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{BASE}") && ?g != <{UNION_GRAPH}>) }}'
        solutions = parse_query_results(self._post({"query": listing}, JSON_RESULTS), format=QueryResultsFormat.JSON)
        if not isinstance(solutions, QuerySolutions):
            raise WorkerFailed("the remote store answered a SELECT with something else")
        graphs = sorted(row["g"].value for row in solutions if isinstance(row["g"], NamedNode))
        self._graphs = (time.monotonic(), graphs)
        return graphs

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
        body = self.runner.fetch(query, False)
        try:
            return parse_query_results(body, format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as e:  # what pyoxigraph cannot read (a relative IRI, an engine's own blank-node syntax)
            raise RemoteFailed(f"the remote store's answer cannot be read: {e}") from e

    def quads_for_pattern(self, subject: Subject | None, predicate: NamedNode | None, obj: Object | None, graph: GraphName | None = None, /) -> Iterator[Quad]:
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
        # A SELECT, not an ASK: Virtuoso 7.2 answers ASK { GRAPH <g> {…} } true for a graph
        # outside the request's named graphs (COUNT(*) gives 1 there too, SELECT * no row).
        solutions = self.query(f"SELECT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT 1")
        return isinstance(solutions, QuerySolutions) and any(row["s"] is not None for row in solutions)

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
