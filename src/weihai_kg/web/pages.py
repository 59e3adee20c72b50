"""Dereferenceable IRIs: every ``https://w3id.org/weihai-kg/...`` IRI is served at the same
path on this server (the canonical base is mapped onto the server's root). Browsers get an
HTML page; RDF clients get Turtle, JSON-LD, N-Triples, RDF/XML, or TriG/N-Quads with the
named graph of every statement."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store, Triple

from .. import formats
from ..describe import Description, describe, label_of, rdf_of
from ..namespaces import BASE, GRAPH_ONTOLOGY, ONTOLOGY_IRI, PREFIXES, compact, to_iri
from ..result_cache import Cached
from . import state
from .conneg import NotAcceptable

bp = Blueprint("pages", __name__)
HTML = "text/html"
RDF_CHOICES = ["turtle", "jsonld", "ntriples", "rdfxml", "trig", "nquads"]
UI_LANGUAGES = ["en", "ko"]


def store() -> Store:
    return state.store()


def ui_language() -> str:
    chosen = request.args.get("lang")
    if chosen in UI_LANGUAGES:
        return chosen
    return request.accept_languages.best_match(UI_LANGUAGES, default="en") or "en"


def wants() -> str:
    """``html`` or a key of formats.GRAPHS; ``format=`` overrides Accept; */* gets Turtle."""
    given = request.args.get("format")
    if given:
        if given == "html":
            return "html"
        fmt = formats.by_name_or_type(given)
        if fmt is None or fmt.key not in RDF_CHOICES:
            raise NotAcceptable(f"format={given} is not offered; use html or {', '.join(RDF_CHOICES)}")
        return fmt.key
    offered = [formats.GRAPHS[k].media_type for k in RDF_CHOICES] + [HTML]
    best = request.accept_mimetypes.best_match(offered, default=formats.GRAPHS["turtle"].media_type)
    if best is None:
        raise NotAcceptable(f"offered: {HTML}, " + ", ".join(offered))
    # HTML only when the client names it (browsers do); */* alone gets Turtle.
    named = {value: quality for value, quality in request.accept_mimetypes}
    if named.get(HTML, 0) > 0 and named[HTML] >= request.accept_mimetypes[best]:
        return "html"
    return next(k for k in RDF_CHOICES if formats.GRAPHS[k].media_type == best)


def local_url(iri: str) -> str:
    """Where an IRI of ours is served on this server; other IRIs stay as they are."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE) :].replace("#", "%23", 0)
    return iri


def rdf_response(iri: NamedNode, key: str) -> Response:
    fmt = formats.GRAPHS[key]
    items = rdf_of(store(), iri, with_graphs=key in formats.WITH_GRAPHS)
    response = Response(formats.write_rdf(items, key), mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/id/<path:rest>")
def entity(rest: str) -> Response:
    return resource(to_iri(f"{BASE}id/{rest}"))


@bp.get("/graph/<name>")
def graph(name: str) -> Response:
    return resource(to_iri(f"{BASE}graph/{name}"))


def resource(iri: NamedNode) -> Response:
    """An IRI of ours as a page or as RDF; 404 when the graph says nothing of it. Kept in
    the build's result cache per IRI, representation and page language."""
    choice = wants()
    lang = ui_language() if choice == "html" else ""

    def compute() -> Cached:
        description = describe(store(), iri)
        if not description.exists:
            abort(404, description=f"nothing is known of {iri.value}")
        made = page(description) if choice == "html" else rdf_response(iri, choice)
        return Cached(made.get_data(), made.mimetype or HTML)

    response = state.cached(("page", iri.value, choice, lang), compute)
    response.headers["Vary"] = "Accept, Accept-Language" if choice == "html" else "Accept"
    return response


@bp.get("/ontology")
def ontology() -> Response:
    choice = wants()
    if choice != "html":
        fmt = formats.GRAPHS[choice]
        quads = list(store().quads_for_pattern(None, None, None, GRAPH_ONTOLOGY))
        items: list[Quad] | list[Triple] = quads if choice in formats.WITH_GRAPHS else [q.triple for q in quads]
        body = formats.write_rdf(items, choice)
        return Response(body, mimetype=fmt.media_type, headers={"Vary": "Accept"})
    lang = ui_language()
    cache = state.snapshot().cache  # rendered once per served build and language
    if ("ontology", lang) in cache:
        return Response(cache[("ontology", lang)], mimetype=HTML, headers={"Vary": "Accept, Accept-Language"})
    terms = sorted(
        {
            q.subject.value
            for q in store().quads_for_pattern(None, None, None, GRAPH_ONTOLOGY)
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(PREFIXES["wh"])
        }
    )
    described = [describe(store(), NamedNode(t)) for t in terms]
    examples = {t: examples_of(store(), NamedNode(t)) for t in terms}
    html = render_template("ontology.html", lang=lang, terms=described, examples=examples, view=View(lang), ontology_iri=ONTOLOGY_IRI)
    cache[("ontology", lang)] = html
    return Response(html, mimetype=HTML, headers={"Vary": "Accept, Accept-Language"})


def examples_of(store: Store, term: NamedNode, limit: int = 3) -> list[tuple[NamedNode | BlankNode, NamedNode | BlankNode | Literal | None]]:
    """A few uses of an ontology term in the data: instances of a class, or (subject, value) of a property."""
    found: list[tuple[NamedNode | BlankNode, NamedNode | BlankNode | Literal | None]] = []
    rdf_type = NamedNode(PREFIXES["rdf"] + "type")
    for quad in store.quads_for_pattern(None, rdf_type, term, DefaultGraph()):
        if isinstance(quad.subject, NamedNode | BlankNode) and len(found) < limit:
            found.append((quad.subject, None))
    if not found:
        for quad in store.quads_for_pattern(None, term, None, DefaultGraph()):
            if isinstance(quad.subject, NamedNode | BlankNode) and not isinstance(quad.object, Triple) and len(found) < limit:
                found.append((quad.subject, quad.object))
    return found


def page(description: Description) -> Response:
    lang = ui_language()
    html = render_template("entity.html", d=description, lang=lang, view=View(lang))
    return Response(html, mimetype=HTML, headers={"Vary": "Accept, Accept-Language"})


class View:
    """Helpers the templates call: links, labels, readable literals."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def href(self, node: object) -> str:
        return local_url(node.value) if isinstance(node, NamedNode) else "#"

    def label(self, node: NamedNode | BlankNode) -> str:
        return label_of(store(), node, self.lang)

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
        return label_of(store(), node, self.lang)
