"""Dereferenceable IRIs: every ``https://w3id.org/weihai-kg/...`` IRI is served at the same
path on this server (the canonical base is mapped onto the server's root). Browsers get an
HTML page; RDF clients get Turtle, JSON-LD, N-Triples, RDF/XML, or TriG/N-Quads with the
named graph of every statement."""

from __future__ import annotations

from flask import Blueprint, Response, request
from pyoxigraph import NamedNode

from weihai_kg import formats
from weihai_kg.errors import UnknownResource
from weihai_kg.namespaces import BASE, GRAPH_ONTOLOGY, to_iri
from weihai_kg.query.cache import Cached
from weihai_kg.read.describe import Description, describe, rdf_of
from weihai_kg.web import state
from weihai_kg.web.negotiation import accept_of, language, negotiate
from weihai_kg.web.present import View, ontology_page
from weihai_kg.web.templating import render

bp = Blueprint("pages", __name__)
RDF_CHOICES = [formats.GRAPHS[k] for k in ("turtle", "jsonld", "ntriples", "rdfxml", "trig", "nquads")]
UI_LANGUAGES = ["en", "ko"]


def ui_language() -> str:
    return language(request.args.get("lang"), request.headers, UI_LANGUAGES)


def wants() -> formats.Format:
    """HTML or an RDF format; ``format=`` overrides Accept; ``*/*`` (and anything else) gets Turtle."""
    return negotiate(RDF_CHOICES, accept_of(request.headers), request.args.get("format"), html=True, fallback=RDF_CHOICES[0], what="this resource")


def rdf_response(iri: NamedNode, fmt: formats.Format) -> Response:
    items = rdf_of(state.store(), iri, with_graphs=fmt.key in formats.WITH_GRAPHS)
    return Response(formats.write_rdf(items, fmt.key), mimetype=fmt.media_type, headers={"Vary": "Accept"})


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
    lang = ui_language() if choice is formats.HTML else ""

    def compute() -> Cached:
        description = describe(state.store(), iri)
        if not description.exists:
            raise UnknownResource(f"nothing is known of {iri.value}")
        made = page(description) if choice is formats.HTML else rdf_response(iri, choice)
        return Cached(made.get_data(), made.mimetype or formats.HTML.media_type)

    response = state.cached(("page", iri.value, choice.key, lang), compute)
    response.headers["Vary"] = "Accept, Accept-Language" if choice is formats.HTML else "Accept"
    return response


@bp.get("/ontology")
def ontology() -> Response:
    choice = wants()
    if choice is not formats.HTML:
        quads = list(state.store().quads_for_pattern(None, None, None, GRAPH_ONTOLOGY))
        body = formats.write_rdf(quads, choice.key)  # triples, unless the format keeps graphs
        return Response(body, mimetype=choice.media_type, headers={"Vary": "Accept"})
    lang = ui_language()
    html = state.memo(("ontology", lang), lambda: ontology_page(state.store(), lang).encode("utf-8"))
    return Response(html, mimetype=formats.HTML.media_type, headers={"Vary": "Accept, Accept-Language"})


def page(description: Description) -> Response:
    lang = ui_language()
    html = render("entity.html", d=description, lang=lang, view=View(state.store(), lang))
    return Response(html, mimetype=formats.HTML.media_type, headers={"Vary": "Accept, Accept-Language"})
