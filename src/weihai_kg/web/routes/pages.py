"""Dereferenceable IRIs: every ``https://w3id.org/weihai-kg/...`` IRI is served at the same
path on this server (the canonical base is mapped onto the server's root). Browsers get an
HTML page; RDF clients get Turtle, JSON-LD, N-Triples, RDF/XML, or TriG/N-Quads with the
named graph of every statement."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request
from pyoxigraph import DefaultGraph, NamedNode

from weihai_kg import formats
from weihai_kg.errors import UnknownResource
from weihai_kg.namespaces import BASE, GRAPH_ONTOLOGY, IS_REPLACED_BY, ONTOLOGY_IRI, PREFIXES, to_iri
from weihai_kg.query.cache import Cached
from weihai_kg.read.describe import Description, describe, in_default_graph_too, rdf_of
from weihai_kg.read.report_text import lines_of
from weihai_kg.web import state
from weihai_kg.web.html import html_page
from weihai_kg.web.i18n import ui_language
from weihai_kg.web.negotiation import accept_of, format_asked, negotiate
from weihai_kg.web.present import View, ontology_page
from weihai_kg.web.templating import local_url

bp = Blueprint("pages", __name__)
RDF_CHOICES = [formats.GRAPHS[k] for k in ("turtle", "jsonld", "ntriples", "rdfxml", "trig", "nquads")]
DOCUMENTS = {f.extension: f for f in [*RDF_CHOICES, formats.HTML]}  # /id/x.ttl is the Turtle document of /id/x


def wants() -> formats.Format:
    """HTML or an RDF format, by the negotiation rules (``format=`` overrides Accept; no match: Turtle)."""
    return negotiate(RDF_CHOICES, accept_of(request.headers), format_asked(request.args.items(multi=True)), html=True, what="this resource")


def rdf_response(iri: NamedNode, fmt: formats.Format) -> Response:
    items = rdf_of(state.store(), iri, with_graphs=fmt.key in formats.WITH_GRAPHS)
    return Response(formats.write_rdf(items, fmt.key), mimetype=fmt.media_type)


@bp.get("/id/<path:rest>")
def entity(rest: str) -> Response:
    return resource(f"id/{rest}")


@bp.get("/graph/<path:name>")
def graph(name: str) -> Response:
    return resource(f"graph/{name}")


def resource(path: str) -> Response:
    """An IRI of ours, or one of its documents (the IRI's path + ``.ttl``, ``.jsonld``, ``.nt``,
    ``.rdf``, ``.trig``, ``.nq``, ``.html``), as a page or as RDF; 404 when the graph says
    nothing of it.

    Cool URIs (W3C note, "hash-less" with content negotiation): the IRI itself answers 200 in
    the negotiated format, and says which document it sent in ``Content-Location`` and where
    its description lives in ``Link: <…>; rel="describedby"``; each document URL answers
    one format, without negotiation. Kept in the build's result cache per IRI, format and
    page language."""
    stem, dot, extension = path.rpartition(".")
    document = DOCUMENTS.get(extension) if dot and "/" not in extension else None
    iri = to_iri(BASE + (stem if document else path))
    renamed = replacement(iri)
    if renamed is not None:  # a renamed IRI keeps working: graph:iri-history says where it went
        target = local_url(renamed.value) + (f".{extension}" if document else "")
        query = f"?{request.query_string.decode()}" if request.query_string else ""
        return Response(status=301, headers={"Location": target + query})
    choice = document or wants()
    lang = ui_language() if choice is formats.HTML else ""

    def compute() -> Cached:
        description = describe(state.store(), iri)
        if not description.exists:
            raise UnknownResource(f"nothing is known of {iri.value}")
        made = page(description) if choice is formats.HTML else rdf_response(iri, choice)
        return Cached(made.get_data(), made.mimetype or formats.HTML.media_type)

    response = state.cached(("page", iri.value, choice.key, lang), compute)
    response.headers.update(document_headers(iri.value.removeprefix(BASE), choice))
    if document is None:
        response.headers["Vary"] = "Accept, Accept-Language" if choice is formats.HTML else "Accept"
    elif choice is formats.HTML:
        response.headers["Vary"] = "Accept-Language"
    return response


def replacement(iri: NamedNode) -> NamedNode | None:
    """The IRI that replaced ``iri`` (``dct:isReplacedBy`` in graph:iri-history), if any."""
    for quad in state.store().quads_for_pattern(iri, IS_REPLACED_BY, None, DefaultGraph()):
        if isinstance(quad.object, NamedNode):
            return quad.object
    return None


@bp.get("/ontology")
@bp.get("/ontology.<extension>")
def ontology(extension: str | None = None) -> Response:
    """The ontology, by negotiation at its IRI or in one format at its document URLs (as entities)."""
    if extension is not None and extension not in DOCUMENTS:
        raise UnknownResource(f"no document /ontology.{extension}; use one of: {', '.join(DOCUMENTS)}")
    choice = DOCUMENTS[extension] if extension else wants()
    vary = {} if extension else {"Vary": "Accept"}
    headers = {**vary, **document_headers("ontology", choice)}
    if choice is not formats.HTML:
        quads = in_default_graph_too(list(state.store().quads_for_pattern(None, None, None, GRAPH_ONTOLOGY)))
        body = formats.write_rdf(quads, choice.key)  # triples (each once), unless the format keeps graphs
        return Response(body, mimetype=choice.media_type, headers=headers)
    lang = ui_language()
    html = state.memo(("ontology", lang), lambda: ontology_page(state.store(), lang).encode("utf-8"))
    return Response(html, mimetype=formats.HTML.media_type, headers={**headers, "Vary": "Accept, Accept-Language" if vary else "Accept-Language"})


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """The ontology at its version IRI (``owl:versionIRI``); only the served version is here."""
    version_iri = NamedNode(PREFIXES["owl"] + "versionIRI")
    served = [q.object for q in state.store().quads_for_pattern(NamedNode(ONTOLOGY_IRI), version_iri, None, DefaultGraph())]
    if NamedNode(f"{ONTOLOGY_IRI}/{version}") not in served:
        raise UnknownResource(f"this server serves ontology version {', '.join(str(t) for t in served) or 'none'}, not {version}")
    return ontology()


def document_headers(path: str, sent: formats.Format) -> dict[str, str]:
    """The Cool-URIs headers of an answer at ``path``: the document sent, and the description."""
    here = f"{state.public_root()}/{path}"
    turtle = formats.GRAPHS["turtle"]
    return {"Content-Location": f"{here}.{sent.extension}", "Link": f'<{here}.{turtle.extension}>; rel="describedby"; type="{turtle.media_type}"'}


def report_lines() -> list[str]:
    """The report's text, if this server has it, so that a place's verbatim text reads in order."""
    path = Path(current_app.config["REPORT_TEXT"])
    return lines_of(path) if path.is_file() else []


def page(description: Description) -> Response:
    lang = ui_language()
    return html_page("entity.html", d=description, lang=lang, base=BASE, view=View(state.store(), lang, report_lines()))
