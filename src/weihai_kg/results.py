"""Writing query results: the standard formats straight from pyoxigraph, plus a plain-text
table for the terminal."""

from __future__ import annotations

import unicodedata

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
)
from pyoxigraph import serialize as serialize_rdf

from .errors import QueryParameterError
from .namespaces import PREFIXES, compact
from .queries import QueryResult

SOLUTION_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}


def serialize(result: QueryResult, fmt: str) -> bytes:
    """Results in a named format; raises QueryParameterError if it does not suit the query form."""
    if isinstance(result, QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise QueryParameterError(f"a CONSTRUCT or DESCRIBE result is written as {', '.join(GRAPH_FORMATS)} or table, not {fmt}")
        prefixes = PREFIXES if GRAPH_FORMATS[fmt] in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None
        return serialize_rdf(list(result), format=GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
    if fmt not in SOLUTION_FORMATS:
        raise QueryParameterError(f"a SELECT or ASK result is written as {', '.join(SOLUTION_FORMATS)} or table, not {fmt}")
    return result.serialize(format=SOLUTION_FORMATS[fmt]) or b""


def serialize_triples(triples: list[Triple], fmt: str) -> bytes:
    """Triples in turtle, ntriples, rdfxml (or nquads/trig, in the default graph)."""
    formats = {**GRAPH_FORMATS, "nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG}
    if fmt not in formats:
        raise QueryParameterError(f"triples are written as {', '.join(formats)}, not {fmt}")
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml", "trig") else None
    return serialize_rdf(triples, format=formats[fmt], prefixes=prefixes) or b""


def term_text(term: object) -> str:
    """A short, readable form of an RDF term for tables and messages."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    if isinstance(term, Triple):
        return f"<< {term_text(term.subject)} {term_text(term.predicate)} {term_text(term.object)} >>"
    return str(term)


def rows_of(result: QueryResult) -> tuple[list[str], list[list[str]]]:
    """Column names and rows of text, for any query form."""
    if isinstance(result, QueryBoolean):
        return ["boolean"], [[str(bool(result)).lower()]]
    if isinstance(result, QueryTriples):
        return ["subject", "predicate", "object"], [[term_text(t.subject), term_text(t.predicate), term_text(t.object)] for t in result]
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(result).__name__}")
    names = [v.value for v in result.variables]
    return names, [[term_text(row[name]) for name in names] for row in result]


def table(result: QueryResult) -> str:
    """A plain-text table with a row count, as the CLI prints it."""
    names, rows = rows_of(result)
    widths = [max([len(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join(_pad(n, w) for n, w in zip(names, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out.extend("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _width(text: str) -> int:
    """Display width: Hangul and CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
