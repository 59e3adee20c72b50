"""The read-only SPARQL query service: every query the server runs goes through it, a
client's or the server's own (named queries, pages, views, exports). It checks a query
against the limits and the safety rules, then has a worker answer it within the time limit.
Knows nothing of HTTP."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pyoxigraph import BlankNode, NamedNode, Quad, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store, Triple, parse, parse_query_results

from weihai_kg import formats
from weihai_kg.errors import KgError, QueryTooLong, ServiceClauseRefused, TooManyQueries
from weihai_kg.query import fast_lane
from weihai_kg.query.run import Answer, Job
from weihai_kg.query.text import query_form, uses_service
from weihai_kg.query.workers import WorkerPool
from weihai_kg.store.reading import GraphName, Object, ReadStore, Subject


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_query_chars: int = 20_000
    max_rows: int = 10_000
    workers: int = 2
    per_client: int = 0  # queries one client may have running at once (0: no limit)


class Runner(Protocol):
    """What answers a checked query: the worker pool over the embedded store, or a remote server."""

    def run(self, job: Job) -> Answer: ...

    def close(self) -> None: ...


class QueryService:
    """Checks, then answers, queries with ``runner``: the worker pool over the embedded store
    (``QueryService.embedded``) or a remote SPARQL server. Every rule applies to both.
    ``local``, the web process's own read-only store, answers the fast lane's queries."""

    def __init__(self, runner: Runner, limits: Limits, local: Store | None = None) -> None:
        self.limits = limits
        self.pool = runner
        self.local = local
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    @classmethod
    def embedded(cls, store_path: Path, limits: Limits) -> QueryService:
        """A service whose workers open ``store_path``; give it ``local`` once the store is
        open here too (``attach_local``): workers are forked first, before the store opens."""
        return cls(WorkerPool(store_path, limits.workers, limits.timeout), limits)

    def attach_local(self, store: Store) -> None:
        self.local = store

    def check(self, text: str) -> str:
        """The query's form, after every rule that needs no store; raises a KgError subclass."""
        if len(text) > self.limits.max_query_chars:
            raise QueryTooLong(f"the query has {len(text)} characters; the limit is {self.limits.max_query_chars}")
        if uses_service(text):
            raise ServiceClauseRefused("SERVICE is not allowed: this endpoint does not query other servers")
        return query_form(text)

    def answer(
        self,
        text: str,
        format_key: str,
        default_graph: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        client: str = "",
        max_rows: int | None = None,
    ) -> Answer:
        """Run a checked query in a worker; raises QueryTimeout, ServiceBusy, ResultTooLarge,
        or TooManyQueries when ``client`` already has its share of the workers busy, so one
        client's slow queries cannot hold every worker while others wait. ``max_rows`` 0 lifts
        the row limit, for the server's own reads (the time limit still holds)."""
        if format_key not in formats.ALL:
            raise KgError(f"unknown format {format_key}")
        job = Job(text, format_key, self.limits.max_rows if max_rows is None else max_rows, default_graph, named_graphs)
        with self._client_slot(client):
            if self.local is not None and job.max_rows and not (default_graph or named_graphs) and fast_lane.bounded(text):
                return fast_lane.answer_here(self.local, job)  # bounded by max_rows: see fast_lane
            return self.pool.run(job)

    @contextmanager
    def _client_slot(self, client: str) -> Iterator[None]:
        limit = self.limits.per_client
        with self._lock:
            if limit and client and self._running[client] >= limit:
                raise TooManyQueries(f"this client already has {limit} queries running; wait for one to finish")
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if self._running[client] <= 0:
                    del self._running[client]

    def close(self) -> None:
        self.pool.close()


class ServiceReader:
    """A ReadStore whose SPARQL queries go through ``service`` (its workers and time limit,
    no row limit: they are the server's own) while quad lookups, which pages make by the
    dozen and which cost what they return, read ``store`` in this process."""

    def __init__(self, service: QueryService, store: ReadStore) -> None:
        self.service = service
        self.store = store

    def query(self, query: str, /) -> QuerySolutions | QueryBoolean:
        form = self.service.check(query)
        if form in ("CONSTRUCT", "DESCRIBE"):
            raise KgError("ServiceReader.query answers SELECT and ASK; use triples() for graphs")
        body = self.service.answer(query, "json", max_rows=0).body
        return parse_query_results(body, format=QueryResultsFormat.JSON)

    def triples(self, query: str, max_rows: int | None = None, client: str = "") -> list[Triple]:
        """A CONSTRUCT or DESCRIBE's triples, within the row limit unless ``max_rows`` says otherwise."""
        body = self.service.answer(query, "ntriples", max_rows=max_rows, client=client).body
        return [q.triple for q in parse(body, format=RdfFormat.N_TRIPLES)]

    def quads_for_pattern(
        self, subject: Subject | None, predicate: NamedNode | None, object: Object | None, graph_name: GraphName | None = None, /
    ) -> Iterator[Quad]:
        return self.store.quads_for_pattern(subject, predicate, object, graph_name)

    def contains_named_graph(self, graph_name: GraphName, /) -> bool:
        return self.store.contains_named_graph(graph_name)

    def named_graphs(self) -> Iterator[NamedNode | BlankNode]:
        return self.store.named_graphs()

    def __len__(self) -> int:
        return len(self.store)
