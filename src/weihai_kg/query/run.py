"""Running one query and writing its answer: the typed job that goes in, the answer that comes
out, and the typed errors in between. Query workers, the fast lane and remote mode all answer
through ``run_job`` or ``write_answer``, so every path gives the same bytes and the same
limits. Limits on rows apply here, where the result is produced."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, cast

from pyoxigraph import NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, Store, Triple, parse_query_results

from weihai_kg import formats
from weihai_kg.errors import QuerySyntaxError, ResultTooLarge
from weihai_kg.namespaces import QUERY_BASE
from weihai_kg.query.spool import Body, Sink, Spool, spooled

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


@dataclass(frozen=True)
class Job:
    """One checked query to answer: its text (parameters already bound), the answer's format,
    the row limit (0: none, for the server's own reads) and the protocol's dataset."""

    query: str
    format_key: str
    max_rows: int
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    form: str
    format_key: str
    body: Body  # a Spool when a query worker wrote it past its spool_at (query/spool.py)


def evaluate(store: Store, text: str, default_graph: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()) -> QueryResult:
    """``store.query`` with pyoxigraph's errors read the one way: SyntaxError is a syntax
    error with the parser's position; ValueError and RuntimeError are faults of evaluation in
    the client's query (a bad regex, a variable bound twice), answered as the same 400."""
    options: dict[str, Any] = {"base_iri": QUERY_BASE}
    if default_graph or named_graphs:
        # SPARQL 1.1 Protocol: the request's graphs are the whole dataset, so a graph list
        # left out is empty (not "all graphs").
        options["default_graph"] = [NamedNode(g) for g in default_graph]
        options["named_graphs"] = [NamedNode(g) for g in named_graphs]
    try:
        return store.query(text, **options)
    except SyntaxError as e:
        raise QuerySyntaxError(str(e)) from e
    except (ValueError, RuntimeError) as e:
        raise QuerySyntaxError(f"the query cannot be evaluated: {e}") from e


def run_job(store: Store, job: Job, rows_at_most: int | None = None, spool_at: int | None = None) -> Answer:
    """Answer ``job`` on ``store``; raises QuerySyntaxError or ResultTooLarge. ``rows_at_most``:
    a bound on the rows of a SELECT known before it ran (``query.work_bound``); ``spool_at``:
    in a query worker, the size past which the answer is written to a file (``query.spool``)."""
    result = evaluate(store, job.query, job.default_graph, job.named_graphs)
    return write_answer(result, job, lambda: evaluate(store, job.query, job.default_graph, job.named_graphs), rows_at_most, spool_at)


def write_answer(
    result: QueryResult | list[Triple], job: Job, again: Callable[[], Any], rows_at_most: int | None = None, spool_at: int | None = None
) -> Answer:
    """``result`` written in the job's format within its row limit; ``again`` gives the same
    solutions afresh, for counting the rows of a large SELECT result. Raises ResultTooLarge.
    A SELECT whose rows are known to be within the limit (``rows_at_most``) is written in
    one call, the same bytes without a byte-bounded writer's Python calls. A CONSTRUCT asked
    for as N-Triples is written by Oxigraph, without a Python object per triple."""
    fmt = formats.ALL[job.format_key]
    limit = job.max_rows or None
    if isinstance(result, QueryTriples) and fmt.key == "ntriples":
        # Oxigraph writes the triples itself (folding repeats, as write_rdf does), with no
        # Python object per triple, and N-Triples has one line per triple (a newline in a
        # literal is escaped), so the lines are counted. The byte bound stops a runaway
        # result before it fills the memory, as for a SELECT.
        too_many = f"the result has more than {limit} triples; narrow the query"
        body = _written_within(result, fmt.rdf, None if rows_at_most is not None else limit, too_many, spool_at)
        if limit and body.count(b"\n") > limit:
            raise ResultTooLarge(too_many)
        return Answer("CONSTRUCT", fmt.key, body)
    if isinstance(result, QueryTriples | list):
        triples = []
        for triple in result:
            triples.append(triple)
            if limit and len(triples) > limit:
                raise ResultTooLarge(f"the result has more than {limit} triples; narrow the query")
        return Answer("CONSTRUCT", fmt.key, spooled(formats.write_rdf(triples, fmt.key), spool_at))
    if isinstance(result, QueryBoolean):
        return Answer("ASK", fmt.key, result.serialize(format=fmt.results) or b"")
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(result).__name__}")
    if limit is None or (rows_at_most is not None and max(rows_at_most, 1) <= limit):  # an aggregate of nothing is one row
        return Answer("SELECT", fmt.key, _written_within(result, fmt.results, None, "", spool_at))
    # One run, written straight out. Every row takes at least one byte in every results
    # format, so a body of at most max_rows bytes cannot hold too many rows; only a larger
    # one is counted. The writer stops at a byte bound, so a runaway result never fills the
    # worker's memory.
    too_many = f"the result has more than {limit} rows; add a LIMIT"
    body = _written_within(result, fmt.results, limit, too_many, spool_at)
    if len(body) > limit and _rows(body, fmt.results, limit, again) > limit:
        raise ResultTooLarge(too_many)
    return Answer("SELECT", fmt.key, body)


def _written_within(result: QuerySolutions | QueryTriples, format: Any, limit: int | None, too_many: str, spool_at: int | None) -> Body:
    """``result`` written by Oxigraph into at most ``limit`` × BYTES_PER_ROW bytes; a runaway
    result stops there, before it fills the memory (ResultTooLarge). With no limit (work
    known to be small, or none asked) and no spool, in one call, without the bounded writer's
    Python calls. Past ``spool_at`` bytes, into a file as it is written (``query.spool``)."""
    if not limit and spool_at is None:
        return result.serialize(format=format) or b""
    out = Sink(limit * BYTES_PER_ROW if limit else None, spool_at, too_many)
    result.serialize(cast(IO[bytes], out), format=format)
    return out.body()


def _rows(body: Body, results_format: QueryResultsFormat | None, limit: int, again: Callable[[], Any]) -> int:
    """How many rows ``body`` holds, read back (Oxigraph parses JSON, XML and TSV). For CSV,
    its lines less the header when that is within ``limit``: every row ends in a line break
    and only a quoted line break in a value adds one, so that is never below the rows and
    says as much as the count would; else the rows are counted on a fresh run of the query."""
    if results_format == QueryResultsFormat.CSV and (lines := body.count(b"\n") - 1) <= limit:
        return lines
    if results_format is not None and results_format != QueryResultsFormat.CSV:
        parsed = parse_query_results(body.reader() if isinstance(body, Spool) else body, format=results_format)
        if isinstance(parsed, QuerySolutions):
            return sum(1 for _ in parsed)
    recount = again()
    if not isinstance(recount, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(recount).__name__}")
    return sum(1 for _ in recount)


BYTES_PER_ROW = 4096  # the byte bound on a result is max_rows times this
