"""Writing query results: the standard formats straight from pyoxigraph, plus a plain-text
table for the terminal."""

from __future__ import annotations

import unicodedata

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Triple

from weihai_kg.errors import QueryParameterError
from weihai_kg.formats import GRAPHS, SOLUTIONS, write_rdf
from weihai_kg.namespaces import compact
from weihai_kg.query.run import QueryResult


def serialize(result: QueryResult, fmt: str) -> bytes:
    """Results in a named format; raises QueryParameterError if it does not suit the query form."""
    if isinstance(result, QueryTriples):
        return serialize_triples(list(result), fmt)
    if fmt not in SOLUTIONS:
        raise QueryParameterError(f"a SELECT or ASK result is written as {', '.join(SOLUTIONS)} or table, not {fmt}")
    return result.serialize(format=SOLUTIONS[fmt].results) or b""


def serialize_triples(triples: list[Triple], fmt: str) -> bytes:
    """Triples in one of the RDF formats; raises QueryParameterError for another name."""
    if fmt not in GRAPHS:
        raise QueryParameterError(f"triples are written as {', '.join(GRAPHS)}, not {fmt}")
    return write_rdf(triples, fmt)


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
