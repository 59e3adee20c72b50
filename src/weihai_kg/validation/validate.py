"""SHACL validation at build time, with a typed report that names entity, label, rule and file.

The shapes run over the union of every graph. For the provenance rule they also see, for
each named graph and for the default graph, a computed ``wh:tripleCount``: a statement
outside any described graph then shows up as a violation.

Two engines give the same verdicts (tested on the real data, generated data and every
broken fixture): ``sparql`` (the default) runs the shapes compiled to SPARQL inside
Oxigraph (``validation.compiled``), fast enough for millions of triples; ``pyshacl`` is the
reference implementation, for one report or to check the compiler.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store
from pyshacl import validate as shacl_validate

from weihai_kg.errors import DataSyntaxError, ShapesError, SourceLocation, ValidationFailed
from weihai_kg.namespaces import (
    PREFIXES,
    SCHEMA_VALUE,
    SKOS_PREF_LABEL,
    WH_DEFAULT_GRAPH,
    WH_TRIPLE_COUNT,
    WH_VALUE_STATED_IN,
    compact,
)
from weihai_kg.project import ProjectPaths
from weihai_kg.sources import load_with_union, read_file, source_files
from weihai_kg.validation.compiled import Found, compile_shapes, run_checks
from weihai_kg.validation.engines import ENGINES
from weihai_kg.validation.locate import Locator

log = logging.getLogger(__name__)

SH = rdflib.Namespace(PREFIXES["sh"])
XSD_INTEGER = NamedNode(PREFIXES["xsd"] + "integer")


@dataclass(frozen=True)
class Violation:
    """One SHACL result, with what a person needs to find and fix it."""

    shape: str
    shape_label: str
    component: str
    message: str
    focus: str
    focus_label: str
    path: str | None
    value: str | None
    severity: str
    location: SourceLocation | None

    def line(self) -> str:
        where = f" [{self.location}]" if self.location else ""
        what = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value else ""
        label = f" «{self.focus_label}»" if self.focus_label else ""
        return f"{self.focus}{label}{what}{value}: {self.message}{where}"


@dataclass
class ValidationReport:
    """The outcome of one validation run."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def by_shape(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = defaultdict(list)
        for v in sorted(self.violations, key=lambda v: (v.shape_label, v.focus, v.message)):
            grouped[f"{v.shape_label} ({v.shape})"].append(v)
        return dict(grouped)

    def text(self) -> str:
        if self.conforms:
            return "Conforms: the data meets every shape."
        lines = [f"Does not conform: {len(self.violations)} violation(s) of {len(self.by_shape())} rule(s)."]
        for rule, items in self.by_shape().items():
            lines.append(f"\n{rule}: {len(items)}")
            lines.extend(f"  - {v.line()}" for v in items)
        return "\n".join(lines)

    def summary(self) -> str:
        counts = Counter(v.shape_label for v in self.violations)
        return "data does not conform to the shapes: " + ", ".join(f"{k} ×{n}" for k, n in sorted(counts.items()))


def validation_store(quads: list[Quad]) -> Store:
    """The union of all graphs plus a ``wh:tripleCount`` per graph and the graph of each
    ``schema:value`` (``wh:valueStatedIn``), in memory."""
    store = Store()
    counts: Counter[NamedNode | BlankNode | DefaultGraph] = Counter(q.graph_name for q in quads)
    store.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    store.extend(triple_counts(counts))
    store.extend(value_graphs(quads))
    return store


def value_graphs(quads: Iterable[Quad]) -> list[Quad]:
    """A ``wh:valueStatedIn`` fact for each named graph stating a ``schema:value``: the shapes
    see the union, so this is how they learn where a value stands. Few quads carry the
    predicate, so this stays small at any size."""
    return list(
        {
            Quad(q.subject, WH_VALUE_STATED_IN, q.graph_name, DefaultGraph())
            for q in quads
            if q.predicate == SCHEMA_VALUE and isinstance(q.graph_name, NamedNode)
        }
    )


def triple_counts(counts: Counter[NamedNode | BlankNode | DefaultGraph]) -> list[Quad]:
    """A ``wh:tripleCount`` fact per graph (``wh:DefaultGraph`` for the default graph, always)."""
    facts = []
    for graph in [DefaultGraph(), *(g for g in counts if not isinstance(g, DefaultGraph))]:
        node = WH_DEFAULT_GRAPH if isinstance(graph, DefaultGraph) else graph
        facts.append(Quad(node, WH_TRIPLE_COUNT, Literal(str(counts[graph]), datatype=XSD_INTEGER), DefaultGraph()))
    return facts


def load_shapes(files: list[Path]) -> rdflib.Graph:
    """Shapes files as one rdflib graph; pyoxigraph parses first for exact error positions."""
    graph = rdflib.Graph()
    for path in files:
        read_file(path)  # raises DataSyntaxError with file, line and column
        try:
            graph.parse(path, format="turtle")
        except Exception as e:  # rdflib raises several unrelated types for bad Turtle
            raise DataSyntaxError(SourceLocation(path), str(e)) from e
    return graph


def validate_quads(quads: list[Quad], shapes: rdflib.Graph, locate_in: list[Path], engine: str = "sparql") -> ValidationReport:
    """Run ``shapes`` over ``quads``; the report locates each violation in ``locate_in``.

    Raises ShapesError when the shapes themselves cannot run.
    """
    return validate_store(validation_store(quads), shapes, locate_in, engine)


def validate_loaded(
    store: Store,
    counts: Counter[NamedNode | BlankNode | DefaultGraph],
    shapes: rdflib.Graph,
    locate_in: list[Path],
    engine: str = "sparql",
) -> ValidationReport:
    """Validate a store filled by ``load_with_union`` (its default graph is the union), in
    place: the triple counts it returned are added for the run and removed after it."""
    stated = store.quads_for_pattern(None, SCHEMA_VALUE, None, None)
    facts = [f for f in triple_counts(counts) + value_graphs(stated) if f not in store]
    store.extend(facts)
    try:
        return validate_store(store, shapes, locate_in, engine)
    finally:
        for fact in facts:
            store.remove(fact)


def validate_store(store: Store, shapes: rdflib.Graph, locate_in: list[Path], engine: str = "sparql") -> ValidationReport:
    """Run ``shapes`` over the default graph of ``store`` (data plus triple counts)."""
    if engine not in ENGINES:
        raise ShapesError(f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}")
    log.info("validating with %s against %d shape triples", engine, len(shapes))
    if engine == "pyshacl":
        return _validate_pyshacl(store, shapes, locate_in)
    found = run_checks(store, compile_shapes(shapes))
    if not found:
        return ValidationReport(True)
    locator = Locator.from_files(locate_in)
    labels = _labeller(store)
    return ValidationReport(False, [_found_violation(f, shapes, locator, labels) for f in found])


def _validate_pyshacl(store: Store, shapes: rdflib.Graph, locate_in: list[Path]) -> ValidationReport:
    flat = Store()  # pySHACL reads one graph: the default graph alone
    flat.extend(store.quads_for_pattern(None, None, None, DefaultGraph()))
    conforms, results, text = shacl_validate(flat, shacl_graph=shapes, advanced=True, allow_warnings=True)  # type: ignore[arg-type]  # pyshacl accepts a pyoxigraph Store
    if not isinstance(results, rdflib.Graph):  # pyshacl reports a broken shape this way
        raise ShapesError(f"the shapes cannot run: {text.strip()}")
    if conforms:
        return ValidationReport(True)
    return read_report(results, shapes, flat, locate_in)


def read_report(results: rdflib.Graph, shapes: rdflib.Graph, data: Store, locate_in: list[Path]) -> ValidationReport:
    """A W3C SHACL validation report graph (pySHACL's, or another engine's such as Jena's
    ``shacl validate``) as weihai-kg's report, each result located in ``locate_in``."""
    found = list(results.subjects(rdflib.RDF.type, SH.ValidationResult))
    if not found:
        return ValidationReport(True)
    locator = Locator.from_files(locate_in)
    labels = _labeller(data)
    return ValidationReport(False, [_violation(results, shapes, r, locator, labels) for r in found])


def data_files_for_locating(paths: ProjectPaths) -> list[Path]:
    """Report and section files first, so an entity is located where the report states it."""
    supplementary = ("translations", "external")
    return sorted(paths.data_files(), key=lambda p: (p.stem in supplementary, p.name)) + paths.ontology_files()


def validate_project(quads: list[Quad], paths: ProjectPaths, engine: str = "sparql") -> ValidationReport:
    """Validate a checkout's quads against its own shapes, locating violations in its files."""
    return validate_quads(quads, load_shapes(paths.shapes_files()), data_files_for_locating(paths), engine)


def validate_sources(paths: ProjectPaths, engine: str = "sparql") -> ValidationReport:
    """Validate a checkout's files streamed into an in-memory store (no list of quads in Python)."""
    shapes = load_shapes(paths.shapes_files())
    store = Store()
    counts = load_with_union(store, source_files(paths), named_graphs=False)
    return validate_loaded(store, counts, shapes, data_files_for_locating(paths), engine)


def require_conformance(report: ValidationReport) -> ValidationReport:
    """Raises ValidationFailed carrying the report when the data does not conform."""
    if not report.conforms:
        raise ValidationFailed(report, report.summary())
    return report


def _labeller(store: Store) -> dict[str, str]:
    labels: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, SKOS_PREF_LABEL, None, None):
        obj = quad.object
        if isinstance(obj, Literal) and isinstance(quad.subject, NamedNode) and obj.language in ("ko", "en"):
            current = labels.get(quad.subject.value)
            if current is None or obj.language == "ko":
                labels[quad.subject.value] = obj.value
    return labels


def _found_violation(found: Found, shapes: rdflib.Graph, locator: Locator, labels: dict[str, str]) -> Violation:
    check = found.check
    label = shapes.value(check.node_shape, rdflib.RDFS.label)
    focus_iri = found.focus.value if isinstance(found.focus, NamedNode) else ""
    severity = shapes.value(check.source_shape, SH.severity) or SH.Violation
    return Violation(
        shape=_node_text(check.node_shape) or "?",
        shape_label=str(label) if label else "shape",
        component=compact(check.component),
        message=found.message,
        focus=compact(focus_iri) if focus_iri else str(found.focus),
        focus_label=labels.get(focus_iri, ""),
        path=compact(check.path) if check.path else None,
        value=_term_text(found.value),
        severity=compact(str(severity)),
        location=locator.find(focus_iri) if focus_iri else None,
    )


def _term_text(term: NamedNode | BlankNode | Literal | None) -> str | None:
    """The same text ``_node_text`` gives for the rdflib term pySHACL reports."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, Literal):
        return f'"{term.value}"' + (f"@{term.language}" if term.language else "")
    return term.value


def _node_text(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return compact(str(node))
    if isinstance(node, rdflib.Literal):
        return f'"{node}"' + (f"@{node.language}" if node.language else "")
    return str(node)


def _violation(results: rdflib.Graph, shapes: rdflib.Graph, r: rdflib.term.Node, locator: Locator, labels: dict[str, str]) -> Violation:
    focus = results.value(r, SH.focusNode)
    shape = results.value(r, SH.sourceShape)
    node_shape = _owning_node_shape(shapes, shape)
    label = shapes.value(node_shape, rdflib.RDFS.label) if node_shape is not None else None
    focus_iri = str(focus) if isinstance(focus, rdflib.URIRef) else ""
    return Violation(
        shape=_node_text(node_shape) or "?",
        shape_label=str(label) if label else "shape",
        component=compact(str(results.value(r, SH.sourceConstraintComponent))),
        message=str(results.value(r, SH.resultMessage) or "constraint not met"),
        focus=_node_text(focus) or "?",
        focus_label=labels.get(focus_iri, ""),
        path=_node_text(results.value(r, SH.resultPath)),
        value=_node_text(results.value(r, SH.value)),
        severity=compact(str(results.value(r, SH.resultSeverity))),
        location=locator.find(focus_iri) if focus_iri else None,
    )


def _owning_node_shape(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> rdflib.term.Node | None:
    """The named node shape a (possibly blank) property shape belongs to."""
    if isinstance(shape, rdflib.URIRef) or shape is None:
        return shape
    for predicate in (SH.property, SH.sparql, SH["or"]):
        owner = shapes.value(None, predicate, shape)
        if owner is not None:
            return owner
    return shape
