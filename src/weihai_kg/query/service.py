"""The read-only SPARQL query service: every query the server runs goes through it, a
client's or the server's own (named queries, pages, views, exports). It checks a query
against the limits and the safety rules, then has a worker answer it within the time limit.
Knows nothing of HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pyoxigraph import BlankNode, NamedNode, Quad, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store, Triple, parse, parse_query_results

from weihai_kg import formats
from weihai_kg.errors import KgError, QueryTooLong, ServiceClauseRefused
from weihai_kg.query import fast_lane
from weihai_kg.query.fair_share import Shared
from weihai_kg.query.run import Answer, Job
from weihai_kg.query.spool import as_bytes
from weihai_kg.query.text import query_form, uses_service
from weihai_kg.query.work_bound import work_bound
from weihai_kg.query.workers import WorkerPool
from weihai_kg.store.degrees import Degrees
from weihai_kg.store.reading import GraphName, Object, ReadStore, Subject

if TYPE_CHECKING:
    from weihai_kg.query.broker import BrokerLink


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_query_chars: int = 20_000
    max_rows: int = 10_000
    workers: int = 2
    client_queue: int = 0  # queries of one client that may wait for a worker at once (0: no limit)
    worker_idle: float = 0.0  # seconds an idle query worker is kept (0: for ever)
    in_process_rows: int = 5000  # most work (rows, see query/work_bound.py) a query may take in the web process


DECISIONS_KEPT = 4096


@lru_cache(maxsize=DECISIONS_KEPT)
def _read(text: str) -> tuple[str, bool]:
    """(the query's form, or "" when it uses SERVICE; whether it does): read once per text,
    as clients repeat their queries. Syntax errors raise, and are not kept. SERVICE is
    looked for first: reading the form runs the query on an empty store, and pyoxigraph
    would follow a SERVICE clause to its server."""
    if uses_service(text):
        return "", True
    return query_form(text), False


class Runner(Protocol):
    """What answers a checked query for ``client`` when its turn comes: the server's query
    broker, or a fair share (``Shared``) of the web worker's own workers or of a remote server."""

    def run(self, job: Job, client: str) -> Answer: ...

    def close(self) -> None: ...


class QueryService:
    """Checks, then answers, queries with ``runner``: workers over the embedded store
    (``QueryService.embedded``) or a remote SPARQL server. Every rule applies to both.
    ``local``, the web process's own read-only store, answers the queries whose work is bounded
    before they run (``in_process``); the others wait for a worker in the fair share."""

    def __init__(self, runner: Runner, limits: Limits, local: Store | None = None, degrees: Degrees | None = None) -> None:
        self.limits = limits
        self.runner = runner
        self.local = local
        self.degrees = degrees
        self._bounds: dict[str, int | None] = {}  # query text → its work bound under this build's degrees

    @classmethod
    def embedded(cls, store_path: Path, limits: Limits, broker: BrokerLink | None = None) -> QueryService:
        """A service whose workers (started when a query needs one) open ``store_path``: the
        server's broker's, shared by every web worker, or without one this process's own;
        give it ``local`` and the build's degrees once the store is open here too (``attach_local``)."""
        if broker is not None:
            return cls(broker.runner(store_path), limits)
        pool = WorkerPool(store_path, limits.workers, limits.timeout, limits.worker_idle)
        return cls(Shared(pool, limits.workers, limits.client_queue, limits.timeout), limits)

    def attach_local(self, store: Store, degrees: Degrees | None = None) -> None:
        self.local = store
        self.degrees = degrees
        self._bounds = {}

    def in_process(self, text: str, job: Job) -> tuple[bool, int | None]:
        """Whether the query's work is bounded before it runs, so the web process can answer
        it without a time limit, and the bound when there is one: one pattern with a
        constant, bounded by the row limit (``fast_lane``), or a pattern whose worst case
        from the build's degree statistics is within ``in_process_rows`` (``work_bound``).
        A dataset given with the request is applied by the workers."""
        if self.local is None or job.default_graph or job.named_graphs:
            return False, None
        if self.degrees is not None and self.limits.in_process_rows:
            work = self._bounds.get(text, -1)  # -1: not read yet (a local: another thread may clear the dict)
            if work == -1:
                work = work_bound(text, self.degrees)
                if len(self._bounds) >= DECISIONS_KEPT:  # clients repeat queries; a flood of new ones just starts afresh
                    self._bounds.clear()
                self._bounds[text] = work
            if work is not None and work <= self.limits.in_process_rows:
                return True, work  # a known bound: the answer is written in one call
        return (True, None) if job.max_rows and fast_lane.bounded(text) else (False, None)

    def check(self, text: str) -> str:
        """The query's form, after every rule that needs no store; raises a KgError subclass."""
        if len(text) > self.limits.max_query_chars:
            raise QueryTooLong(f"the query has {len(text)} characters; the limit is {self.limits.max_query_chars}")
        form, service = _read(text)
        if service:
            raise ServiceClauseRefused("SERVICE is not allowed: this endpoint does not query other servers")
        return form

    def answer(
        self,
        text: str,
        format_key: str,
        default_graph: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        client: str = "",
        max_rows: int | None = None,
    ) -> Answer:
        """Answer a checked query: in this process when its work is bounded (``in_process``),
        else in a worker, when the fair share gives ``client`` one. Raises QueryTimeout, ServiceBusy, ResultTooLarge, or TooManyQueries when ``client`` already
        has its queue of waiting queries full. ``max_rows`` 0 lifts the row limit, for the
        server's own reads (the time limit still holds)."""
        if format_key not in formats.ALL:
            raise KgError(f"unknown format {format_key}")
        job = Job(text, format_key, self.limits.max_rows if max_rows is None else max_rows, default_graph, named_graphs)
        here, bound = self.in_process(text, job)
        if here and self.local is not None:
            return fast_lane.answer_here(self.local, job, bound)
        return self.runner.run(job, client)

    def close(self) -> None:
        self.runner.close()


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
        body = as_bytes(self.service.answer(query, "json", max_rows=0).body)
        return parse_query_results(body, format=QueryResultsFormat.JSON)

    def triples(self, query: str, max_rows: int | None = None, client: str = "") -> list[Triple]:
        """A CONSTRUCT or DESCRIBE's triples, within the row limit unless ``max_rows`` says otherwise."""
        body = as_bytes(self.service.answer(query, "ntriples", max_rows=max_rows, client=client).body)
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
