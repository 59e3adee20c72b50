"""The most work a query can take, known before it runs, from degree statistics of the build.

The fast lane (``fast_lane``) answers in the web process the queries whose work is bounded
by their own answer. This module extends that to joins: a basic graph pattern — triple
patterns, FILTERs, and on top of them DISTINCT, aggregates, GROUP BY, ORDER BY, LIMIT —
whose every step can be bounded from numbers ``weihai-kg build`` counts in the store's
default graph (``store.degrees``): for each predicate, how many triples use it, the most objects
one subject has with it, the most subjects one object has with it; and the most triples of
one subject, or of one object, over every predicate.

The bound is the work of a nested-loop evaluation from the most bound pattern on: each
pattern, taken when it has the fewest candidates given the variables bound before it,
multiplies the rows by the most triples that can match it then (1 when both ends are bound,
the most objects per subject when the subject is, …, every triple of the predicate when
neither is), and the work is the sum of the rows after each step. It is an upper bound on
the rows of the answer whatever the data's values, since it takes the maxima over the whole
graph. Oxigraph evaluates such a pattern the same way (it orders a pattern's triples by how
bound they are and joins each to the rows before it by index lookup); ``bench/`` measures
it, and the tests check the bound against answers.

Anything outside that grammar (OPTIONAL, UNION, GRAPH, VALUES, BIND, subqueries, property
paths, EXISTS, functions whose value changes between runs, comments…) gets no bound and
goes to a query worker with its time limit: a false "unbounded" costs speed, never safety.
"""

from __future__ import annotations

import re
from functools import lru_cache

from weihai_kg.namespaces import RDF_TYPE
from weihai_kg.store.degrees import Degrees

# Tokens ------------------------------------------------------------------------------------

_PN = r"[^\W\d][\w-]*(?:\.[\w-]+)*"  # a prefix name
_IRI = r"<[^<>\"{}|^`\\\s]*>"
_PNAME = rf"(?:{_PN})?:(?:[\w-]+(?:\.[\w-]+)*)?"
_STRING = r"(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"
_TOKEN = re.compile(
    rf"""\s*(?:
    (?P<iri>{_IRI})
  | (?P<literal>{_STRING}(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:{_IRI}|{_PNAME}))?)
  | (?P<var>[?$]\w+)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<pname>{_PNAME})
  | (?P<word>[A-Za-z_]\w*)
  | (?P<op>&&|\|\||!=|<=|>=|[{{}}().;,*=<>!+\-/])
)""",
    re.VERBOSE,
)
# Functions a FILTER or an aggregate may use: each costs at most a bounded amount per row
# and gives the same value in every run (NOW, RAND, UUID, BNODE do not; EXISTS is a pattern).
_FUNCTIONS = frozenset(
    """STR LANG LANGMATCHES DATATYPE BOUND IRI URI ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX CONTAINS
    STRSTARTS STRENDS STRBEFORE STRAFTER LCASE UCASE STRLEN SUBSTR CONCAT REPLACE ENCODE_FOR_URI ABS ROUND
    CEIL FLOOR YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ IF COALESCE SAMETERM IN STRLANG STRDT TRUE
    FALSE""".split()  # noqa: SIM905  a list of words reads better as words
)
_AGGREGATES = frozenset(["COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"])


class _Unbounded(Exception):
    """The query is outside the grammar this module bounds."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    at = 0
    while True:
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            if text[at:].strip():
                raise _Unbounded(f"cannot read at {at}")
            return out
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        at = match.end()


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.prefixes: dict[str, str] = {}

    def peek(self, offset: int = 0) -> tuple[str, str]:
        i = self.at + offset
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def next(self) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end":
            raise _Unbounded("ends too early")
        self.at += 1
        return token

    def word(self, *words: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() in words:
            self.at += 1
            return True
        return False

    def op(self, symbol: str) -> bool:
        if self.peek() == ("op", symbol):
            self.at += 1
            return True
        return False

    def expect_op(self, symbol: str) -> None:
        if not self.op(symbol):
            raise _Unbounded(f"expected {symbol}")

    def balanced(self) -> None:
        """A parenthesised expression (see ``expression``)."""
        self.expect_op("(")
        self.expression()
        self.expect_op(")")

    def expression(self) -> None:
        """Variables, constants, operators and the allowed functions, up to a ``)`` or ``;``
        outside any parentheses (left for the caller)."""
        depth = 0
        while True:
            kind, value = self.peek()
            if kind == "op" and value in ");" and depth == 0:
                return
            self.next()
            if kind == "op" and value == "(":
                depth += 1
            elif kind == "op" and value == ")":
                depth -= 1
            elif kind == "op" and value in "{}.":
                raise _Unbounded("a pattern inside an expression")
            elif kind == "word" and value.upper() not in _FUNCTIONS:
                raise _Unbounded(f"{value} is not bounded")
            elif kind == "pname" and value.startswith("_:"):
                raise _Unbounded("a blank node")


_RDF_TYPE = RDF_TYPE.value


def _term(reader: _Reader, position: str) -> str:
    """A triple pattern's term: ``?name`` for a variable, else the constant's text (a
    predicate's IRI in full)."""
    kind, value = reader.next()
    if kind == "var":
        return "?" + value[1:]
    if kind == "pname" and value.startswith("_:"):  # a blank node in a pattern is a variable
        raise _Unbounded("a blank node")
    if position == "predicate":
        if kind == "word" and value == "a":
            return _RDF_TYPE
        if kind == "iri":
            return value[1:-1]
        if kind == "pname":
            prefix, _, local = value.partition(":")
            if prefix not in reader.prefixes:
                raise _Unbounded(f"unknown prefix {prefix}")
            return reader.prefixes[prefix] + local
        raise _Unbounded("not a predicate")
    if kind in ("iri", "pname", "literal", "number") or (kind == "word" and value.lower() in ("true", "false")):
        return "=" + value
    raise _Unbounded(f"not a term: {value}")


def _triples(reader: _Reader, until: str) -> list[tuple[str, str, str]]:
    """Triple patterns (with ``;`` and ``,``) and FILTERs up to the closing ``until``."""
    patterns: list[tuple[str, str, str]] = []
    while not reader.op(until):
        if reader.word("FILTER"):
            kind, name = reader.peek()
            if kind == "word" and name.upper() in _FUNCTIONS:  # FILTER regex(…) without parentheses
                reader.next()
            reader.balanced()
            reader.op(".")
            continue
        subject = _term(reader, "subject")
        while True:
            predicate = _term(reader, "predicate")
            while True:
                patterns.append((subject, predicate, _term(reader, "object")))
                if not reader.op(","):
                    break
            if not reader.op(";"):
                break
            if reader.peek() in (("op", "."), ("op", until)):
                break
        if not reader.op(".") and reader.peek() != ("op", until) and reader.peek()[1].upper() != "FILTER":
            raise _Unbounded("expected . between triples")
    return patterns


def _prologue(reader: _Reader) -> None:
    while True:
        if reader.word("PREFIX"):
            kind, name = reader.next()
            kind_iri, iri = reader.next()
            if kind != "pname" or not name.endswith(":") or kind_iri != "iri":
                raise _Unbounded("bad PREFIX")
            reader.prefixes[name[:-1]] = iri[1:-1]
        elif reader.word("BASE"):
            if reader.next()[0] != "iri":
                raise _Unbounded("bad BASE")
        else:
            return


def _projection(reader: _Reader) -> None:
    reader.word("DISTINCT", "REDUCED")
    if reader.op("*"):
        return
    seen = False
    while True:
        kind, _ = reader.peek()
        if kind == "var":
            reader.next()
        elif reader.op("("):
            kind, name = reader.next()
            if kind != "word" or name.upper() not in _AGGREGATES:
                raise _Unbounded("only aggregates in a projection")
            reader.expect_op("(")
            reader.word("DISTINCT")
            if not reader.op("*"):
                reader.expression()
            if reader.op(";") and not (reader.word("SEPARATOR") and reader.op("=") and reader.next()[0] == "literal"):  # GROUP_CONCAT's
                raise _Unbounded("bad separator")
            reader.expect_op(")")
            if not (reader.word("AS") and reader.next()[0] == "var"):
                raise _Unbounded("expected AS ?var")
            reader.expect_op(")")
        else:
            break
        seen = True
    if not seen:
        raise _Unbounded("empty projection")


def _modifiers(reader: _Reader) -> None:
    if reader.word("GROUP"):
        if not reader.word("BY") or reader.peek()[0] != "var":
            raise _Unbounded("GROUP BY variables only")
        while reader.peek()[0] == "var":
            reader.next()
    if reader.word("ORDER"):
        if not reader.word("BY"):
            raise _Unbounded("expected BY")
        while True:
            if reader.peek()[0] == "var":
                reader.next()
            elif reader.word("ASC", "DESC"):
                reader.balanced()
            else:
                break
    for _ in range(2):
        if reader.word("LIMIT", "OFFSET") and reader.next()[0] != "number":
            raise _Unbounded("LIMIT and OFFSET take numbers")
    if reader.peek()[0] != "end":
        raise _Unbounded(f"unexpected {reader.peek()[1]}")


@lru_cache(maxsize=4096)  # clients repeat their queries; reading one costs tens of µs
def patterns_of(text: str) -> tuple[tuple[str, str, str], ...] | None:
    """The triple patterns of a query in the bounded grammar, or None when it is not in it."""
    try:
        reader = _Reader(text)
        _prologue(reader)
        if reader.word("SELECT"):
            _projection(reader)
            reader.word("WHERE")
            reader.expect_op("{")
            patterns = _triples(reader, "}")
        elif reader.word("CONSTRUCT"):
            if reader.word("WHERE"):
                reader.expect_op("{")
                patterns = _triples(reader, "}")
            else:
                reader.expect_op("{")
                _triples(reader, "}")  # the template: at most its size per row
                reader.word("WHERE")
                reader.expect_op("{")
                patterns = _triples(reader, "}")
        elif reader.word("ASK"):
            reader.word("WHERE")
            reader.expect_op("{")
            patterns = _triples(reader, "}")
        else:
            return None
        _modifiers(reader)
    except _Unbounded:
        return None
    return tuple(patterns)


def work_bound(text: str, degrees: Degrees) -> int | None:
    """The most rows a nested-loop evaluation of the query's pattern makes, summed over its
    steps; None when the query is outside the bounded grammar."""
    patterns = patterns_of(text)
    if patterns is None:
        return None
    return bound_of(patterns, degrees)


def bound_of(patterns: tuple[tuple[str, str, str], ...], degrees: Degrees) -> int:
    bound: set[str] = set()
    remaining = list(patterns)
    rows, work = 1, 0
    while remaining:
        best = min(remaining, key=lambda t: _candidates(t, bound, degrees))
        remaining.remove(best)
        rows *= _candidates(best, bound, degrees)
        work += rows
        bound |= {term for term in best if term.startswith("?")}
    return work


def _candidates(pattern: tuple[str, str, str], bound: set[str], degrees: Degrees) -> int:
    """The most triples matching ``pattern`` for one row of the variables in ``bound``."""
    s, p, o = pattern
    s_bound = not s.startswith("?") or s in bound
    o_bound = not o.startswith("?") or o in bound
    if p.startswith("?") and p not in bound:  # any predicate
        if s_bound and o_bound:
            return min(degrees.out_any, degrees.in_any)
        if s_bound:
            return degrees.out_any
        if o_bound:
            return degrees.in_any
        return degrees.triples
    # A variable bound by an earlier pattern may be any predicate: the worst one. A predicate
    # no triple has matches nothing.
    count, per_subject, per_object = degrees.worst_predicate if p.startswith("?") else degrees.predicates.get(p, (0, 0, 0))
    if s_bound and o_bound:
        return min(1, count)
    if s_bound:
        return per_subject
    if o_bound:
        return per_object
    return count
