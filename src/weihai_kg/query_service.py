"""The read-only SPARQL query service the web layer calls: checks a request against the
limits and the safety rules, then has a worker answer it. Knows nothing of HTTP."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pyoxigraph import Literal, NamedNode, QueryBoolean, QueryTriples, Store, Variable

from . import fast_lane, formats
from .errors import KgError, QuerySyntaxError
from .workers import Answer, Job, WorkerPool


class ReadOnly(KgError):
    """SPARQL Update (or LOAD, CLEAR, DROP, INSERT...) sent to this read-only endpoint."""


class ServiceClauseRefused(KgError):
    """A query with SERVICE: the endpoint never fetches from other servers for a client."""


class QueryTooLong(KgError):
    """The query text is longer than the configured limit."""


class TooManyQueries(KgError):
    """One client already has as many queries running as it may."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_query_chars: int = 20_000
    max_rows: int = 10_000
    workers: int = 2
    per_client: int = 0  # queries one client may have running at once (0: no limit)


# Strings, IRIs and comments are blanked before looking for keywords, so that a literal
# "SERVICE" or <http://x/INSERT> does not trip the checks.
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\b", re.IGNORECASE)
_UPDATE = re.compile(r"(?<![\w:?$])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_PARSER = Store()  # empty: parsing a query here tells its form and its syntax errors, instantly


def blank_opaque(text: str) -> str:
    """``text`` with its strings, IRIs and comments replaced by spaces of the same length, so
    keywords can be looked for, and positions found in it hold in ``text``."""
    return _OPAQUE.sub(lambda m: " " * len(m.group()), text)


def uses_service(text: str) -> bool:
    """Whether the query has a SERVICE clause (strings, IRIs and comments do not count)."""
    return _SERVICE.search(blank_opaque(text)) is not None


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; raises QuerySyntaxError (with position) or ReadOnly."""
    try:
        result = _PARSER.query(text)
    except SyntaxError as e:
        if _UPDATE.search(blank_opaque(text)):
            raise ReadOnly("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...) is not accepted") from e
        raise QuerySyntaxError(str(e)) from e
    if isinstance(result, QueryTriples):
        return "DESCRIBE" if re.search(r"^\s*DESCRIBE\b", _strip_prologue(text), re.IGNORECASE) else "CONSTRUCT"
    return "ASK" if isinstance(result, QueryBoolean) else "SELECT"


def _strip_prologue(text: str) -> str:
    body = blank_opaque(text)
    return re.sub(r"^\s*((PREFIX\s+[\w-]*:\s*|BASE\s*)\s*)+", "", body, flags=re.IGNORECASE)


class Runner(Protocol):
    """What answers a checked query: the worker pool over the embedded store, or a remote server."""

    def run(self, job: Job) -> Answer: ...

    def close(self) -> None: ...


class QueryService:
    """Checks, then answers, queries: with a pool of worker processes over the embedded store
    at ``store_path``, or with ``runner`` (a remote SPARQL server). Every rule applies to both."""

    def __init__(self, store_path: Path | None, limits: Limits, runner: Runner | None = None) -> None:
        self.limits = limits
        self.local: Store | None = None  # the web process's own read-only store, for the fast lane
        if runner is None:
            if store_path is None:
                raise KgError("a query service needs a store path or a runner")
            runner = WorkerPool(store_path, limits.workers, limits.timeout)
        self.pool = runner
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

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
        substitutions: dict[Variable, NamedNode | Literal] | None = None,
        client: str = "",
    ) -> Answer:
        """Run a checked query in a worker; raises QueryTimeout, ServiceBusy, ResultTooLarge,
        or TooManyQueries when ``client`` already has its share of the workers busy, so one
        client's slow queries cannot hold every worker while others wait."""
        if format_key not in formats.ALL:
            raise KgError(f"unknown format {format_key}")
        bound = tuple((substitutions or {}).items())
        job = Job(text, format_key, self.limits.max_rows, default_graph, named_graphs, bound)
        with self._client_slot(client):
            if self.local is not None and not (default_graph or named_graphs or bound) and fast_lane.bounded(text):
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
