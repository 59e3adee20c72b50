"""The dataset as a whole: the Graph Store Protocol's read side at ``/store`` (writes are
refused) and the VoID/DCAT description at ``/.well-known/void``. Whole-dataset dumps are
written once per served build, so their size and checksum in VoID match what ``/store`` sends."""

from __future__ import annotations

from flask import Blueprint, Response, request
from pyoxigraph import DefaultGraph, NamedNode

from weihai_kg import formats
from weihai_kg.errors import BadRequest, ReadOnly, UnknownResource
from weihai_kg.export.rdf import named_quads
from weihai_kg.namespaces import VOID_PREFIXES, to_iri
from weihai_kg.read.void import Dump, describe_dataset
from weihai_kg.web import state
from weihai_kg.web.negotiation import accept_of, negotiate

bp = Blueprint("dataset", __name__)
DATASET_FORMATS = [formats.GRAPHS[k] for k in ("nquads", "trig")]
GRAPH_FORMATS = [formats.GRAPHS[k] for k in ("turtle", "ntriples", "jsonld", "rdfxml")]


def _choose(offered: list[formats.Format], what: str) -> formats.Format:
    return negotiate(offered, accept_of(request.headers), request.args.get("format"), fallback=offered[0], what=what)


def _dump(key: str) -> bytes:
    """The whole dataset in ``key``, written once per served build."""
    return state.memo(("dump", key), lambda: formats.write_rdf(named_quads(state.store()), key))


def dumps() -> list[Dump]:
    """The whole-dataset dumps: N-Quads and TriG with every named graph (``/store``), and the
    union graph in Turtle, N-Triples, RDF/XML and JSON-LD (``/export/FORMAT``)."""
    from weihai_kg.web.routes.exports import whole

    root = request.url_root.rstrip("/")
    found = [Dump(f"{root}/store?format={f.key}", f.media_type, _dump(f.key)) for f in DATASET_FORMATS]
    found += [Dump(f"{root}/export/{k}", formats.EXPORTS[k].media_type, whole(k)) for k in ("turtle", "ntriples", "rdfxml", "jsonld")]
    return found


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE", "PATCH"])
def graph_store() -> Response:
    if request.method != "GET":
        raise ReadOnly("this Graph Store is read-only: GET a graph, or the whole dataset; writes are refused")
    if "default" in request.args or "graph" in request.args:
        if "default" in request.args and "graph" in request.args:
            raise BadRequest("ask for ?default or ?graph=IRI, not both")
        fmt = _choose(GRAPH_FORMATS + DATASET_FORMATS, "a graph")
        graph = DefaultGraph() if "default" in request.args else to_iri(request.args["graph"])
        store = state.store()
        if isinstance(graph, NamedNode) and not store.contains_named_graph(graph):
            raise UnknownResource(f"no graph {graph.value}")
        quads = list(store.quads_for_pattern(None, None, None, graph))
        return Response(formats.write_rdf(quads, fmt.key), mimetype=fmt.media_type, headers={"Vary": "Accept"})
    fmt = _choose(DATASET_FORMATS, "the dataset")
    headers = {"Vary": "Accept", "Content-Disposition": f'attachment; filename="weihai-kg.{fmt.extension}"'}
    return Response(_dump(fmt.key), mimetype=fmt.media_type, headers=headers)


@bp.get("/.well-known/void")
def void() -> Response:
    fmt = _choose(GRAPH_FORMATS, "the dataset description")
    root = request.url_root.rstrip("/")

    def compute() -> bytes:  # counted once per served build (and server address), not per request
        triples = describe_dataset(state.store(), root + "/sparql", dumps(), state.info().build_id)
        return formats.write_rdf(triples, fmt.key, VOID_PREFIXES)

    return Response(state.memo(("void", root, fmt.key), compute), mimetype=fmt.media_type, headers={"Vary": "Accept"})
