"""What weihai-kg reads off SPARQL text before a store sees it, in one place: strings, IRIs
and comments blanked out (so a literal "SERVICE" or <http://x/INSERT> trips nothing), the
query form, whether it uses SERVICE or is an update, and binding named-query parameters.

Parameters are bound one way everywhere (the CLI, ``/queries/NAME``, the query page and
remote mode): a ``VALUES`` block opening the WHERE clause, written from terms that were
checked against their type first (``query.named.Param.bind``) and written in their canonical
N-Triples form, so nothing a client sends is pasted into a query unchecked. The bound text
is plain SPARQL that runs as it is in any SPARQL tool, which is what the query page shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode, QueryBoolean, QueryTriples, Store

from weihai_kg.errors import QuerySyntaxError, ReadOnly
from weihai_kg.namespaces import PREFIXES, QUERY_BASE

_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\b", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$])FROM\b", re.IGNORECASE)
_UPDATE = re.compile(r"(?<![\w:?$])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"^\s*((PREFIX\s+[\w-]*:\s*|BASE\s*)\s*)+", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PARSER = Store()  # empty: parsing a query here tells its form and its syntax errors, instantly

XSD_STRING = PREFIXES["xsd"] + "string"
Binding = tuple[str, NamedNode | Literal]  # a variable's name and its checked value


def blank_opaque(text: str) -> str:
    """``text`` with its strings, IRIs and comments replaced by spaces of the same length, so
    keywords can be looked for, and positions found in it hold in ``text``."""
    return _OPAQUE.sub(lambda m: " " * len(m.group()), text)


def uses_service(text: str) -> bool:
    """Whether the query has a SERVICE clause (strings, IRIs and comments do not count)."""
    return _SERVICE.search(blank_opaque(text)) is not None


def uses_from(text: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED)."""
    return _FROM.search(blank_opaque(text)) is not None


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; raises QuerySyntaxError (with position) or ReadOnly."""
    try:
        result = _PARSER.query(text, base_iri=QUERY_BASE)
    except SyntaxError as e:
        if _UPDATE.search(blank_opaque(text)):
            raise ReadOnly("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...) is not accepted") from e
        raise QuerySyntaxError(str(e)) from e
    if isinstance(result, QueryTriples):
        body = _PROLOGUE.sub("", blank_opaque(text))
        return "DESCRIBE" if re.match(r"\s*DESCRIBE\b", body, re.IGNORECASE) else "CONSTRUCT"
    return "ASK" if isinstance(result, QueryBoolean) else "SELECT"


def _written(term: NamedNode | Literal) -> str:
    """A term as SPARQL text; a plain string with its datatype spelled out (the same term in
    RDF 1.1): Virtuoso 7.2 matches a bare non-ASCII string in VALUES against nothing."""
    if isinstance(term, Literal) and term.language is None and term.datatype.value == XSD_STRING:
        return f"{term}^^<{XSD_STRING}>"
    return str(term)


def bind(text: str, bindings: Sequence[Binding]) -> str:
    """``text`` with each (name, term) bound by a VALUES block opening its WHERE clause, so
    the bindings are in scope for every pattern and FILTER of that group."""
    if not bindings:
        return text
    blanked = blank_opaque(text)
    where = _WHERE.search(blanked) or re.search(r"\{", blanked)
    if where is None:
        raise QuerySyntaxError("the query has no WHERE clause to bind parameters in")
    names = " ".join(f"?{name}" for name, _ in bindings)
    values = " ".join(_written(term) for _, term in bindings)
    return f"{text[: where.end()]}\n  VALUES ({names}) {{ ({values}) }}{text[where.end() :]}"
