"""Degree statistics of a build's default graph, counted by ``weihai-kg build`` and kept
beside the build (``<build-id>.degrees.json``): what ``query.work_bound`` bounds a query's
work with before it runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import QuerySolutions, Store

DEGREES_SUFFIX = ".degrees.json"


@dataclass(frozen=True)
class Degrees:
    """The default graph's degree statistics: ``predicates`` maps a predicate's IRI to
    (triples using it, most objects per subject, most subjects per object)."""

    triples: int
    out_any: int  # most triples one subject has
    in_any: int  # most triples one object has
    predicates: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def worst_predicate(self) -> tuple[int, int, int]:
        """Each statistic's largest value over the predicates: for a predicate not known
        until the query runs."""
        values = list(self.predicates.values()) or [(0, 0, 0)]
        return (max(v[0] for v in values), max(v[1] for v in values), max(v[2] for v in values))

    def to_json(self) -> str:
        data = {"triples": self.triples, "out_any": self.out_any, "in_any": self.in_any, "predicates": self.predicates}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Degrees:
        data = json.loads(text)
        predicates = {p: (int(c), int(o), int(i)) for p, (c, o, i) in data["predicates"].items()}
        return cls(int(data["triples"]), int(data["out_any"]), int(data["in_any"]), predicates)


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(query)
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"expected solutions, got {type(result).__name__}")
    return [tuple(term.value if term is not None else "" for term in row) for row in result]


def count_degrees(store: Store) -> Degrees:
    """Count the statistics in ``store``'s default graph (what queries without GRAPH see)."""
    out = {p: (int(n), int(o)) for p, n, o in _rows(store, _PER_SUBJECT)}
    into = {p: int(i) for p, i in _rows(store, _PER_OBJECT)}
    predicates = {p: (n, o, into.get(p, 0)) for p, (n, o) in out.items()}
    out_any = _rows(store, "SELECT (MAX(?n) AS ?m) { SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s }")[0][0]
    in_any = _rows(store, "SELECT (MAX(?n) AS ?m) { SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?o }")[0][0]
    return Degrees(sum(n for n, _, _ in predicates.values()), int(out_any or 0), int(in_any or 0), predicates)


_PER_SUBJECT = "SELECT ?p (SUM(?n) AS ?count) (MAX(?n) AS ?out) { SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ?s } GROUP BY ?p"
_PER_OBJECT = "SELECT ?p (MAX(?n) AS ?in) { SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ?o } GROUP BY ?p"


def degrees_path(build_dir: Path) -> Path:
    return build_dir.parent / (build_dir.name + DEGREES_SUFFIX)


def load_degrees(build_dir: Path) -> Degrees | None:
    """The statistics ``weihai-kg build`` wrote beside the build, or None (an older build:
    then only the one-pattern fast lane runs in process)."""
    path = degrees_path(build_dir)
    return Degrees.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None
