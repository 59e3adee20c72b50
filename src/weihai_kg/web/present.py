"""What the templates call to show RDF to people: links, labels, readable literals, and the
ontology page, which the server and ``weihai-kg docs`` render alike. Flask-free."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Triple

from weihai_kg.namespaces import DCT_SOURCE, GRAPH_ONTOLOGY, ONTOLOGY_IRI, PREFIXES, RDF_TYPE, RDFS_LABEL, compact
from weihai_kg.read.describe import Statement, describe, label_of
from weihai_kg.read.search import KIND_ORDER, SearchIndex
from weihai_kg.read.working_set import EXAMPLES, terms_working_set
from weihai_kg.store.reading import ReadStore
from weihai_kg.web.messages import catalogue
from weihai_kg.web.templating import local_url, render

SCHEMA, WH, TIME = PREFIXES["schema"], PREFIXES["wh"], PREFIXES["time"]
SOURCE_TEXT = NamedNode(WH + "sourceText")
# incoming properties whose subjects are projects: the entity is a facet of the projects table
TABLE_FACETS = {WH + "inArea": "area", WH + "leadAgency": "agency", WH + "sector": "sector", WH + "partOfPlan": "plan", WH + "listedIn": "table"}


class View:
    """Helpers the templates call, in the page's language."""

    def __init__(self, store: ReadStore, lang: str, report_lines: list[str] | None = None) -> None:
        self.store = store
        self.lang = lang
        self.report_lines = report_lines or []

    def in_reading_order(self, iri: NamedNode, statements: list[Statement]) -> list[Statement]:
        """The statements as the page lists them: a place's verbatim texts (``wh:sourceText``)
        in the order the report has them (where each stands in its lines), the rest as given."""
        start = self.line_of(iri)
        if not start or not self.report_lines:
            return statements
        text = "\n".join(self.report_lines[start - 1 :])

        def where(s: Statement) -> int:
            found = text.find(s.value.value) if isinstance(s.value, Literal) else -1
            return found if found >= 0 else len(text)

        verbatim = sorted((s for s in statements if s.predicate == SOURCE_TEXT), key=where)
        ordered = iter(verbatim)
        return [next(ordered) if s.predicate == SOURCE_TEXT else s for s in statements]

    def href(self, node: object) -> str:
        return local_url(node.value) if isinstance(node, NamedNode) else "#"

    def label(self, node: NamedNode | BlankNode) -> str:
        return label_of(self.store, node, self.lang)

    def short(self, node: NamedNode) -> str:
        return compact(node.value)

    def is_link(self, node: object) -> bool:
        return isinstance(node, NamedNode)

    def literal(self, node: Literal) -> tuple[str, str]:
        """(text, annotation): the value, and its language or a short datatype."""
        if node.language:
            return node.value, node.language
        datatype = compact(node.datatype.value)
        text = node.value
        if datatype in ("xsd:decimal", "xsd:integer") and text.lstrip("-").replace(".", "", 1).isdigit():
            whole, _, fraction = text.partition(".")
            text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        return text, "" if datatype == "xsd:string" else datatype

    def graph_label(self, node: NamedNode) -> str:
        return label_of(self.store, node, self.lang)

    def comment(self, statements: list[Statement]) -> tuple[str, str]:
        """(text, language) of a term's rdfs:comment in the page's language, else in English."""
        found = {
            (s.value.language or "").split("-")[0]: s.value.value
            for s in statements
            if s.predicate.value == PREFIXES["rdfs"] + "comment" and isinstance(s.value, Literal)
        }
        for choice in (self.lang, "en"):
            if choice in found:
                return found[choice], choice
        return "", ""

    def property_label(self, node: NamedNode) -> str:
        """A property by the ontology's label in the page's language (its short name otherwise)."""
        labels = {
            (q.object.language or "").split("-")[0]: q.object.value
            for q in self.store.quads_for_pattern(node, RDFS_LABEL, None, GRAPH_ONTOLOGY)
            if isinstance(q.object, Literal)
        }
        for choice in (self.lang, "en"):
            if choice in labels:
                return labels[choice]
        known = catalogue().get("prop_" + compact(node.value).replace(":", "_"))  # the few outside properties
        return (known.get(self.lang) or known["en"]) if known else compact(node.value)

    def first(self, node: object, predicate: str) -> NamedNode | BlankNode | Literal | None:
        if not isinstance(node, NamedNode | BlankNode):
            return None
        for quad in self.store.quads_for_pattern(node, NamedNode(predicate), None, DefaultGraph()):
            if not isinstance(quad.object, Triple):
                return quad.object
        return None

    def summary(self, node: object) -> str:
        """What an amount or a period says, as a value (3.6억 위안 = 360,000,000 CNY;
        2015-06 – 2017-06), so a reader need not click through; "" for anything else."""
        amount = self.first(node, SCHEMA + "value")
        if isinstance(amount, Literal):
            unit = self.first(node, SCHEMA + "currency") or self.first(node, SCHEMA + "unitText")
            written = self.first(node, WH + "amountAsWritten")
            number = self.literal(amount)[0]
            told = f"{number} {unit.value}" if isinstance(unit, Literal) else number
            return f"{written.value} = {told}" if isinstance(written, Literal) else told
        start, end = self.first(node, TIME + "hasBeginning"), self.first(node, TIME + "hasEnd")
        if start is not None and end is not None:
            months = [self.first(n, TIME + "inXSDgYearMonth") for n in (start, end)]
            if all(isinstance(m, Literal) for m in months):
                return " – ".join(m.value for m in months if isinstance(m, Literal))
        return ""

    def line_of(self, node: NamedNode | BlankNode) -> int:
        """The first line of the report a locus covers (0: not a place in the report)."""
        found = self.first(node, WH + "lineStart")
        return int(found.value) if isinstance(found, Literal) else 0

    def quote(self, graph: NamedNode | BlankNode) -> str:
        """The report's own words at a locus (its verbatim text), for the statements it supports."""
        texts = [q.object.value for q in self.store.quads_for_pattern(graph, SOURCE_TEXT, None, DefaultGraph()) if isinstance(q.object, Literal)]
        return " / ".join(texts)

    def table_link(self, iri: NamedNode, incoming: list[tuple[object, NamedNode]]) -> str:
        """The projects table filtered to this entity, when projects point at it."""
        for _, predicate in incoming:
            if predicate.value in TABLE_FACETS:
                return f"/tables/projects?{TABLE_FACETS[predicate.value]}={iri.value.rsplit('/', 1)[-1]}&lang={self.lang}"
        return ""

    def sources(self, graphs: list[NamedNode]) -> list[str]:
        """The public sources (``dct:source``) of the graphs a statement stands in."""
        found = {q.object.value for g in graphs for q in self.store.quads_for_pattern(g, DCT_SOURCE, None, DefaultGraph()) if isinstance(q.object, NamedNode)}
        return sorted(found)


Example = tuple[NamedNode | BlankNode, NamedNode | BlankNode | Literal | None]


def examples_of(store: ReadStore, term: NamedNode, limit: int = EXAMPLES) -> list[Example]:
    """A few uses of an ontology term in the data: instances of a class, or (subject, value) of
    a property; the first by IRI, so that the page is the same whichever engine stores them."""
    instances = store.quads_for_pattern(None, RDF_TYPE, term, DefaultGraph())
    found: list[Example] = [(q.subject, None) for q in instances if isinstance(q.subject, NamedNode | BlankNode)]
    if not found:
        found = [
            (q.subject, q.object)
            for q in store.quads_for_pattern(None, term, None, DefaultGraph())
            if isinstance(q.subject, NamedNode | BlankNode) and not isinstance(q.object, Triple)
        ]
    return sorted(found, key=by_iri)[:limit]


def by_iri(use: Example) -> tuple[str, str]:
    """A use in the order of SPARQL's ORDER BY ?s ?o over IRIs (their text, not ``<…>``)."""
    return use[0].value, "" if use[1] is None or isinstance(use[1], Triple) else use[1].value


def ontology_page(store: ReadStore, lang: str, static_root: str = "/static/") -> str:
    """The ontology's HTML documentation: every term with its labels, comment and examples."""
    terms = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, None, None, GRAPH_ONTOLOGY)
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(PREFIXES["wh"])
        }
    )
    copy = terms_working_set(store, [NamedNode(t) for t in terms])  # a few queries, not hundreds of lookups
    described = [describe(copy, NamedNode(t)) for t in terms]
    examples = {t: examples_of(copy, NamedNode(t)) for t in terms}
    view = View(copy, lang)
    return render("ontology.html", static_root, lang=lang, terms=described, examples=examples, view=view, ontology_iri=ONTOLOGY_IRI)


NUMERIC = {PREFIXES["xsd"] + t for t in ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger", "positiveInteger")}


def readable_cell(term: dict[str, str] | None, index: SearchIndex, lang: str) -> dict[str, object]:
    """One value of a SPARQL JSON result as people read it: an IRI of ours by its name in
    ``lang`` (with the language shown when it falls back), a number with separators, a literal
    without its datatype or language (both in ``title``)."""
    if term is None:
        return {"text": "", "title": ""}
    value = term["value"]
    if term["type"] == "uri":
        entry = index.get(value)
        if entry is not None:
            name, name_lang = entry.name_in(lang)
            return {"text": name, "href": local_url(value), "title": value, "lang": name_lang, "fallback": name_lang not in (lang, "")}
        return {"text": compact(value), "href": local_url(value), "title": value}
    datatype = term.get("datatype", "")
    title = "@" + term["xml:lang"] if "xml:lang" in term else compact(datatype) if datatype else ""
    text = value
    if datatype in NUMERIC:
        try:
            number = Decimal(value)
            text = f"{number:,}"
        except InvalidOperation:
            pass
        return {"text": text, "title": title, "numeric": True}
    return {"text": text, "title": title, "lang": term.get("xml:lang", "")}


def readable_solutions(data: dict[str, object], index: SearchIndex, lang: str) -> tuple[list[str], list[list[dict[str, object]]]]:
    """The columns and rows of a SPARQL JSON result (SELECT or ASK), each cell readable."""
    if "boolean" in data:
        return ["boolean"], [[{"text": str(data["boolean"]).lower(), "title": "xsd:boolean"}]]
    head = data["head"]
    results = data["results"]
    if not isinstance(head, dict) or not isinstance(results, dict):
        raise TypeError("not a SPARQL JSON result")
    names = list(head.get("vars", []))
    return names, [[readable_cell(b.get(n), index, lang) for n in names] for b in results["bindings"]]


def kind_label(index: SearchIndex, kinds: tuple[str, ...], lang: str) -> str:
    """The entity's most telling kind in ``lang``: the ontology's label for a class of ours,
    the catalogue's for the few outside classes the data uses, else its short name."""
    messages = catalogue()
    ours = sorted((k for k in kinds if index.get(k)), key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
    for kind in ours or list(kinds):
        entry = index.get(kind)
        if entry:
            return entry.name_in(lang)[0]
        known = messages.get("kind_" + compact(kind).replace(":", "_"))
        return (known.get(lang) or known["en"]) if known else compact(kind)
    return ""
