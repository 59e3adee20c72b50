"""Running one query against the store and writing its result in the chosen format, inside
a query worker. Limits on rows apply here, where the result is produced."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pyoxigraph import NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, Store, Triple, parse_query_results

from . import formats


def answer_job(store: Store, job: Any) -> tuple[Any, ...]:
    """``("ok", form, format_key, body)`` or ``(error_kind, message)``; never raises for a bad query."""
    try:
        result = _run(store, job)
    except SyntaxError as e:
        return ("syntax", str(e))
    except (ValueError, RuntimeError) as e:  # pyoxigraph reports evaluation faults this way
        return ("syntax", f"the query cannot be evaluated: {e}")
    return write_answer(result, job, lambda: _run(store, job))


def write_answer(result: QuerySolutions | QueryBoolean | QueryTriples | list[Triple], job: Any, again: Callable[[], Any]) -> tuple[Any, ...]:
    """``result`` written in the job's format within its row limit; ``again`` gives the same
    solutions afresh, for counting the rows of a large SELECT result."""
    fmt = formats.ALL[job.format_key]
    if isinstance(result, QueryTriples | list):
        triples = []
        for triple in result:
            triples.append(triple)
            if len(triples) > job.max_rows:
                return ("too-large", f"the result has more than {job.max_rows} triples; narrow the query")
        return ("ok", "CONSTRUCT", fmt.key, formats.write_rdf(triples, fmt.key))
    if isinstance(result, QueryBoolean):
        return ("ok", "ASK", fmt.key, result.serialize(format=fmt.results))
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(result).__name__}")
    # One run, written straight out. Every row takes at least one byte in every results
    # format, so a body of at most max_rows bytes cannot hold too many rows; only a larger
    # one is counted. The writer stops at a byte bound, so a runaway result never fills the
    # worker's memory.
    out = _Bounded(job.max_rows * BYTES_PER_ROW)
    try:
        result.serialize(out, format=fmt.results)
    except _Overflow:
        return ("too-large", f"the result has more than {job.max_rows} rows; add a LIMIT")
    body = out.getvalue()
    if len(body) > job.max_rows and _rows(body, fmt.results, again) > job.max_rows:
        return ("too-large", f"the result has more than {job.max_rows} rows; add a LIMIT")
    return ("ok", "SELECT", fmt.key, body)


def _rows(body: bytes, results_format: QueryResultsFormat | None, again: Callable[[], Any]) -> int:
    """How many rows ``body`` holds: read back (Oxigraph parses JSON, XML and TSV), or, for
    CSV, counted on a fresh run of the query."""
    if results_format is not None and results_format != QueryResultsFormat.CSV:
        parsed = parse_query_results(body, format=results_format)
        if isinstance(parsed, QuerySolutions):
            return sum(1 for _ in parsed)
    recount = again()
    if not isinstance(recount, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(recount).__name__}")
    return sum(1 for _ in recount)


BYTES_PER_ROW = 4096  # the byte bound on a result is max_rows times this


class _Overflow(Exception):
    pass


class _Bounded(io.BytesIO):
    """A bytes buffer that refuses to grow past ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.limit:
            raise _Overflow
        return super().write(data)


def _run(store: Store, job: Any) -> QuerySolutions | QueryBoolean | QueryTriples:
    options: dict[str, Any] = {}
    if job.substitutions:
        options["substitutions"] = dict(job.substitutions)
    if job.default_graph or job.named_graphs:
        # SPARQL 1.1 Protocol: the request's graphs are the whole dataset, so a graph list
        # left out is empty (not "all graphs").
        options["default_graph"] = [NamedNode(g) for g in job.default_graph]
        options["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    return store.query(job.query, **options)
