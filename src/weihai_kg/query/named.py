"""Named SPARQL queries: ``queries/**/*.rq`` files with a ``#+`` header.

A header line is ``#+ key: value`` or ``#+ key@lang: value``; keys are ``title``,
``description`` (one each per language), ``keywords`` and ``param``. A parameter line reads
``#+ param: NAME TYPE DEFAULT -- what it means``; ``NamedQuery.bound`` checks each value
against its type and binds ``?NAME`` the one way weihai-kg binds parameters
(``query.text.bind``), using the default unless the caller gives a value. The store's
default graph holds the union of all graphs (see ``sources.load_with_union``), so queries
need no dataset options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Store

from weihai_kg.errors import QueryParameterError, QuerySyntaxError, UnknownQuery
from weihai_kg.namespaces import PREFIXES, to_iri
from weihai_kg.query.run import QueryResult, evaluate
from weihai_kg.query.text import Binding, bind, query_form

_HEADER = re.compile(r"^#\+\s*(?P<key>[a-z]+)(?:@(?P<lang>[a-z-]+))?\s*:\s*(?P<value>.*?)\s*$")

# Parameter types and the lexical forms they accept, checked before a value reaches the store.
PARAM_TYPES: dict[str, re.Pattern[str]] = {
    "xsd:gYearMonth": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "xsd:gYear": re.compile(r"^\d{4}$"),
    "xsd:integer": re.compile(r"^[+-]?\d+$"),
    "xsd:string": re.compile(r"^.*$", re.DOTALL),
    "iri": re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", re.IGNORECASE),
}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str
    description: str

    def bind(self, value: str) -> NamedNode | Literal:
        """The RDF term for ``value``; raises QueryParameterError when it does not fit the type."""
        if not PARAM_TYPES[self.type].match(value):
            raise QueryParameterError(f"parameter {self.name}: {value!r} is not a valid {self.type}")
        if self.type == "iri":
            return to_iri(value)
        prefix, _, local = self.type.partition(":")
        return Literal(value, datatype=NamedNode(PREFIXES[prefix] + local))


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    form: str
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str = "en") -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""

    def bindings(self, given: dict[str, str] | None = None) -> list[Binding]:
        """A checked value for every parameter, defaults filled in; raises QueryParameterError."""
        given = dict(given or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise QueryParameterError(f"query {self.name} has no parameter {', '.join(unknown)} (it takes: {', '.join(sorted(known)) or 'none'})")
        return [(p.name, p.bind(given.get(p.name, p.default))) for p in self.params]

    def bound(self, given: dict[str, str] | None = None) -> str:
        """The query text with its parameters bound: plain SPARQL, runnable anywhere."""
        return bind(self.text, self.bindings(given))


def parse_query_file(path: Path, name: str) -> NamedQuery:
    """Read one ``.rq`` file and its header; raises QuerySyntaxError for a bad header."""
    text = path.read_text(encoding="utf-8")
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    keywords: list[str] = []
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if not match:
            continue
        key, lang, value = match["key"], match["lang"] or "en", match["value"]
        if key == "title":
            titles[lang] = value
        elif key == "description":
            descriptions[lang] = value
        elif key == "keywords":
            keywords.extend(k.strip() for k in value.split(",") if k.strip())
        elif key == "param":
            params.append(_parse_param(path, number, value))
        else:
            raise QuerySyntaxError(f"{path}:{number}: unknown header key {key!r}")
    try:
        form = query_form(text)
    except QuerySyntaxError as e:
        raise QuerySyntaxError(f"{path}: {e}") from e
    return NamedQuery(name, path, text, form, titles, descriptions, tuple(keywords), tuple(params))


def _parse_param(path: Path, number: int, value: str) -> Param:
    spec, _, description = value.partition("--")
    parts = spec.split()
    if len(parts) != 3 or parts[1] not in PARAM_TYPES:
        raise QuerySyntaxError(f"{path}:{number}: a param line reads 'NAME TYPE DEFAULT -- description', TYPE one of {', '.join(PARAM_TYPES)}")
    param = Param(parts[0], parts[1], parts[2], description.strip())
    param.bind(param.default)
    return param


def load_queries(folder: Path) -> dict[str, NamedQuery]:
    """Every ``.rq`` under ``folder``, by name (path without suffix, ``/``-separated)."""
    queries = {}
    for path in sorted(folder.rglob("*.rq")):
        name = path.relative_to(folder).with_suffix("").as_posix()
        queries[name] = parse_query_file(path, name)
    return queries


def find_query(folder: Path, name_or_file: str) -> NamedQuery:
    """A named query, or a ``.rq`` file given by path; raises UnknownQuery."""
    candidate = Path(name_or_file)
    if candidate.suffix == ".rq" and candidate.is_file():
        return parse_query_file(candidate, candidate.stem)
    queries = load_queries(folder) if folder.is_dir() else {}
    if name_or_file not in queries:
        raise UnknownQuery(f"no query named {name_or_file!r} in {folder} (known: {', '.join(sorted(queries)) or 'none'})")
    return queries[name_or_file]


def run_named(store: Store, query: NamedQuery, params: dict[str, str] | None = None) -> QueryResult:
    """Run a named query with its parameters on ``store`` (the CLI's way; the server's goes
    through its query service); errors name the query file."""
    try:
        return evaluate(store, query.bound(params))
    except QuerySyntaxError as e:
        raise QuerySyntaxError(f"{query.path}: {e}") from e
