"""The project's SHACL shapes compiled to SPARQL and run inside the store.

pySHACL checks each focus node one at a time in Python, which is fine for one report but
not for millions of triples. Here every constraint becomes one SELECT that finds all its
violations at once (targets joined in, not looped over), so the work happens in
Oxigraph's query engine. The verdicts must be pySHACL's: tests run both on the real data,
on generated data and on every broken fixture and compare the results one by one.

Only what SHACL Core and SHACL-SPARQL features the shapes use are compiled (listed in
``_COMPONENTS``); a shape using anything else raises ShapesError rather than being
skipped, so a new kind of rule cannot pass unchecked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store
from rdflib.collection import Collection

from weihai_kg.errors import ShapesError
from weihai_kg.namespaces import PREFIXES

SH = rdflib.Namespace(PREFIXES["sh"])
RDF, RDFS, XSD = rdflib.RDF, rdflib.RDFS, rdflib.XSD

# Datatypes whose lexical form Oxigraph can check by casting (an ill-formed literal fails the cast).
_CASTABLE = {str(XSD[t]) for t in ("string", "boolean", "integer", "decimal", "double", "float", "date", "dateTime", "time", "gYear", "gYearMonth")}
_TARGET_KEYS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_CONSTRAINT_KEYS = (
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.minInclusive, SH.minExclusive, SH.maxInclusive,
    SH.maxExclusive, SH.pattern, SH["in"], SH.languageIn, SH.uniqueLang, SH.hasValue, SH.lessThanOrEquals,
    SH["or"], SH.sparql,
)  # fmt: skip
_ALLOWED_ON_SHAPE = {
    *_TARGET_KEYS,
    *_CONSTRAINT_KEYS,
    SH.path,
    SH.message,
    SH.property,
    SH.flags,
    SH.severity,
    SH.name,
    SH.description,
    RDF.type,
    RDFS.label,
    RDFS.comment,
}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query whose solutions are its violations.

    Each solution binds ``?this`` (the focus node) and, where SHACL reports one, ``?value``;
    other variables fill ``{?name}`` in the message.
    """

    node_shape: rdflib.term.Node
    source_shape: rdflib.term.Node
    component: str
    path: str | None
    message: str
    query: str


_CheckMaker = Callable[..., Check]  # (component, body[, select]) -> Check, for one shape


@dataclass(frozen=True)
class Found:
    """One violation found by a check."""

    check: Check
    focus: NamedNode | BlankNode | Literal
    value: NamedNode | BlankNode | Literal | None
    message: str


def compile_shapes(shapes: rdflib.Graph) -> list[Check]:
    """Every constraint of every node shape in ``shapes``; raises ShapesError on what it cannot compile."""
    checks: list[Check] = []
    node_shapes = sorted({s for s in shapes.subjects(RDF.type, SH.NodeShape)}, key=str)
    for shape in node_shapes:
        targets = _targets(shapes, shape)
        if targets is None:
            continue  # a shape without targets is only used from other shapes
        checks.extend(_node_constraints(shapes, shape, shape, targets))
        for prop in shapes.objects(shape, SH.property):
            checks.extend(_property_constraints(shapes, shape, prop, targets))
    return checks


def run_checks(store: Store, checks: list[Check], threads: int = 0) -> list[Found]:
    """Run each check's query against ``store`` (whose default graph is the data to check).

    Oxigraph evaluates queries without holding the GIL, so checks run on ``threads``
    threads at once (default: one per CPU); the found violations keep the checks' order.
    """
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        return [found for batch in pool.map(lambda check: _run_check(store, check), checks) for found in batch]


def _run_check(store: Store, check: Check) -> list[Found]:
    try:
        solutions = store.query(check.query)
    except SyntaxError as e:
        raise ShapesError(f"{_show(check.source_shape)}: its SPARQL does not parse: {e}") from e
    if not isinstance(solutions, QuerySolutions):
        raise ShapesError(f"{_show(check.source_shape)}: a constraint must be a SELECT query")
    found = []
    for solution in solutions:
        focus = solution["this"]
        value = _get(solution, "value")
        if value is None and check.component == str(SH.SPARQLConstraintComponent):
            value = focus  # SHACL 5.3.2: without ?value, the value node is the focus node
        found.append(Found(check, focus, value, _fill(check.message, solution)))
    return found


def _get(solution: object, name: str) -> NamedNode | BlankNode | Literal | None:
    try:
        return solution[name]  # type: ignore[index,no-any-return]
    except KeyError:
        return None


def _fill(message: str, solution: object) -> str:
    def one(match: re.Match[str]) -> str:
        term = _get(solution, match.group(1))
        return "" if term is None else term.value if not isinstance(term, BlankNode) else str(term)

    return re.sub(r"\{[?$](\w+)\}", one, message)


def _show(node: rdflib.term.Node) -> str:
    return f"<{node}>" if isinstance(node, rdflib.URIRef) else f"shape {node}"


def _term(node: rdflib.term.Node) -> str:
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    raise ShapesError(f"a blank node {node} cannot be compiled as a constant")


def _message(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    messages = list(shapes.objects(shape, SH.message))
    return str(messages[0]) if messages else "constraint not met"


def _targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """A SPARQL group that binds ``?this`` to each focus node once, or None without targets."""
    parts: list[str] = []
    classes = sorted(_term(c) for c in shapes.objects(shape, SH.targetClass))
    if classes:
        parts.append(f"{{ ?this a/<{RDFS.subClassOf}>* ?targetClass . VALUES ?targetClass {{ {' '.join(classes)} }} }}")
    nodes = sorted(_term(n) for n in shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append(f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}")
    parts.extend(f"{{ ?this {_term(p)} [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf))
    parts.extend(f"{{ [] {_term(p)} ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf))
    if not parts:
        return None
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}"


def _property_constraints(shapes: rdflib.Graph, node_shape: rdflib.term.Node, prop: rdflib.term.Node, targets: str) -> Iterator[Check]:
    _refuse_unknown(shapes, prop)
    path = shapes.value(prop, SH.path)
    if not isinstance(path, rdflib.URIRef):
        raise ShapesError(f"{_show(node_shape)}: only predicate paths are compiled, not {path!r}")
    p = _term(path)
    message = _message(shapes, prop)

    def check(component: str, body: str, select: str = "?this ?value") -> Check:
        query = f"SELECT {select} WHERE {{ {targets} {body} }}"
        return Check(node_shape, prop, str(SH[component]), str(path), message, query)

    values = f"?this {p} ?value ."
    for key, op, name in ((SH.minCount, "<", "MinCount"), (SH.maxCount, ">", "MaxCount")):
        for count in shapes.objects(prop, key):
            counted = f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?count) WHERE {{ {targets} OPTIONAL {{ ?this {p} ?v }} }} GROUP BY ?this }}"
            query = f"SELECT ?this WHERE {{ {counted} FILTER (?count {op} {int(str(count))}) }}"
            yield Check(node_shape, prop, str(SH[f"{name}ConstraintComponent"]), str(path), message, query)
    yield from _value_constraints(shapes, prop, values, check)
    for flag in shapes.objects(prop, SH.uniqueLang):
        if isinstance(flag, rdflib.Literal) and flag.toPython() is True:
            body = f"?this {p} ?a , ?b . FILTER (!sameTerm(?a, ?b) && lang(?a) != '' && LCASE(lang(?a)) = LCASE(lang(?b)))"
            yield check("UniqueLangConstraintComponent", body, "DISTINCT ?this (LCASE(lang(?a)) AS ?lang)")
    for other in shapes.objects(prop, SH.lessThanOrEquals):
        yield check(
            "LessThanOrEqualsConstraintComponent", f"{values} ?this {_term(other)} ?o . FILTER (!COALESCE(?value <= ?o, false))", "DISTINCT ?this ?value"
        )


def _node_constraints(shapes: rdflib.Graph, node_shape: rdflib.term.Node, shape: rdflib.term.Node, targets: str) -> Iterator[Check]:
    _refuse_unknown(shapes, shape)
    message = _message(shapes, shape)

    def check(component: str, body: str, select: str = "?this ?value") -> Check:
        return Check(node_shape, shape, str(SH[component]), None, message, f"SELECT {select} WHERE {{ {targets} BIND (?this AS ?value) {body} }}")

    yield from _value_constraints(shapes, shape, "", check)
    for alternatives in shapes.objects(shape, SH["or"]):
        conforms = [_conforms(shapes, alt) for alt in Collection(shapes, alternatives)]
        yield check("OrConstraintComponent", f"FILTER (!({' || '.join(conforms)}))")
    for constraint in shapes.objects(shape, SH.sparql):
        yield _sparql_constraint(shapes, node_shape, constraint, targets)


def _value_constraints(shapes: rdflib.Graph, shape: rdflib.term.Node, values: str, check: _CheckMaker) -> Iterator[Check]:
    """Constraints on each value node (``?value``), shared by node and property shapes."""
    for cls in shapes.objects(shape, SH["class"]):
        yield check("ClassConstraintComponent", f"{values} FILTER NOT EXISTS {{ ?value a/<{RDFS.subClassOf}>* {_term(cls)} }}")
    for datatype in shapes.objects(shape, SH.datatype):
        yield check("DatatypeConstraintComponent", f"{values} FILTER (!({_has_datatype(str(datatype))}))")
    bounds = (
        (SH.minInclusive, ">=", "MinInclusive"),
        (SH.minExclusive, ">", "MinExclusive"),
        (SH.maxInclusive, "<=", "MaxInclusive"),
        (SH.maxExclusive, "<", "MaxExclusive"),
    )
    for key, op, name in bounds:
        for bound in shapes.objects(shape, key):
            yield check(f"{name}ConstraintComponent", f"{values} FILTER (!COALESCE(?value {op} {_term(bound)}, false))")
    for pattern in shapes.objects(shape, SH.pattern):
        flags = shapes.value(shape, SH.flags)
        regex = f"REGEX(STR(?value), {_term(rdflib.Literal(str(pattern)))}{', ' + _term(rdflib.Literal(str(flags))) if flags else ''})"
        yield check("PatternConstraintComponent", f"{values} FILTER (isBlank(?value) || !COALESCE({regex}, false))")
    for members in shapes.objects(shape, SH["in"]):
        allowed = " || ".join(f"sameTerm(?value, {_term(m)})" for m in Collection(shapes, members)) or "false"
        yield check("InConstraintComponent", f"{values} FILTER (!({allowed}))")
    for languages in shapes.objects(shape, SH.languageIn):
        matches = " || ".join(f"langMatches(lang(?value), {_term(rdflib.Literal(str(tag)))})" for tag in Collection(shapes, languages)) or "false"
        yield check("LanguageInConstraintComponent", f"{values} FILTER (!isLiteral(?value) || !({matches}))")
    for required in shapes.objects(shape, SH.hasValue):
        if values:  # on a property: the value must be among the values (one result, no value node)
            yield check("HasValueConstraintComponent", f"FILTER NOT EXISTS {{ {values.replace('?value', _term(required))} }}", "?this")
        else:
            yield check("HasValueConstraintComponent", f"FILTER (!sameTerm(?value, {_term(required)}))")


def _has_datatype(datatype: str) -> str:
    if datatype == str(RDF.langString):
        return "isLiteral(?value) && lang(?value) != ''"
    typed = f"isLiteral(?value) && sameTerm(datatype(?value), <{datatype}>)"
    if datatype in _CASTABLE:  # well-formed too, as pySHACL requires
        return f"COALESCE({typed} && isLiteral(<{datatype}>(?value)), false)"
    return typed


def _conforms(shapes: rdflib.Graph, alternative: rdflib.term.Node) -> str:
    """A boolean SPARQL expression: ``?value`` meets every constraint of ``alternative``."""
    parts: list[str] = []
    for key in shapes.predicates(alternative, None):
        if key == SH["class"]:
            parts.extend(f"EXISTS {{ ?value a/<{RDFS.subClassOf}>* {_term(c)} }}" for c in shapes.objects(alternative, key))
        elif key == SH.hasValue:
            parts.extend(f"sameTerm(?value, {_term(v)})" for v in shapes.objects(alternative, key))
        elif key == SH.datatype:
            parts.extend(_has_datatype(str(d)) for d in shapes.objects(alternative, key))
        elif key not in (RDF.type, SH.message, RDFS.label, RDFS.comment):
            raise ShapesError(f"sh:or alternative {alternative}: {key} is not compiled")
    return "(" + (" && ".join(parts) or "true") + ")"


def _sparql_constraint(shapes: rdflib.Graph, node_shape: rdflib.term.Node, constraint: rdflib.term.Node, targets: str) -> Check:
    """A SHACL-SPARQL constraint with ``$this`` bound by joining the targets into its WHERE
    clause (the same solutions as pre-binding for these queries: ``$this`` is never inside
    a sub-SELECT and is bound before every FILTER of its group)."""
    select = str(shapes.value(constraint, SH.select))
    prologue = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in _declared_prefixes(shapes, constraint))
    body = select.replace("$this", "?this")
    where = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
    if where is None or re.search(r"\{\s*SELECT\b", body[where.end() :], re.IGNORECASE):
        raise ShapesError(f"{_show(node_shape)}: a SPARQL constraint needs one WHERE clause without sub-queries to be compiled")
    query = prologue + body[: where.end()] + f" {targets} " + body[where.end() :]
    return Check(node_shape, constraint, str(SH.SPARQLConstraintComponent), None, _message(shapes, constraint), query)


def _declared_prefixes(shapes: rdflib.Graph, constraint: rdflib.term.Node) -> Iterator[tuple[str, str]]:
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            yield str(shapes.value(declaration, SH.prefix)), str(shapes.value(declaration, SH.namespace))


def _refuse_unknown(shapes: rdflib.Graph, shape: rdflib.term.Node) -> None:
    for key in set(shapes.predicates(shape, None)):
        if key not in _ALLOWED_ON_SHAPE:
            raise ShapesError(f"{_show(shape)}: {key} is not compiled to SPARQL; validate with --engine pyshacl or extend validation/compiled.py")
