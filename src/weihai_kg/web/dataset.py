"""The dataset as a whole: the Graph Store Protocol's read side at ``/store`` (writes are
refused) and the VoID/DCAT description at ``/.well-known/void``. Whole-dataset dumps are
written once per process, so their size and checksum in VoID match what ``/store`` sends."""

from __future__ import annotations

from flask import Blueprint, Response, request
from pyoxigraph import DefaultGraph, NamedNode, Store

from .. import formats
from ..namespaces import PREFIXES, to_iri
from ..query_service import ReadOnly
from ..void import VOID, Dump, describe_dataset
from . import state
from .conneg import NotAcceptable
from .errors import BadRequest

bp = Blueprint("dataset", __name__)
DATASET_FORMATS = ["nquads", "trig"]
GRAPH_FORMATS = ["turtle", "ntriples", "jsonld", "rdfxml"]


def _store() -> Store:
    return state.store()


def _choose(keys: list[str]) -> formats.Format:
    offered = [formats.GRAPHS[k] for k in keys]
    given = request.args.get("format")
    if given:
        fmt = formats.by_name_or_type(given)
        if fmt not in offered:
            raise NotAcceptable(f"format={given} is not offered here; use one of {', '.join(keys)}")
        return fmt
    best = request.accept_mimetypes.best_match([f.media_type for f in offered], default=offered[0].media_type)
    if best is None:
        raise NotAcceptable("offered: " + ", ".join(f.media_type for f in offered))
    return next(f for f in offered if f.media_type == best)


def _dump(key: str) -> bytes:
    """The whole dataset in ``key``, written once per served build."""
    cache = state.snapshot().cache
    if ("dump", key) in cache:
        found: bytes = cache[("dump", key)]
        return found
    store = _store()
    quads = [q for q in store.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, DefaultGraph)]
    cache[("dump", key)] = formats.write_rdf(quads, key)
    return _dump(key)


def dumps() -> list[Dump]:
    """The whole-dataset dumps: N-Quads and TriG with every named graph (``/store``), and the
    union graph in Turtle, N-Triples, RDF/XML and JSON-LD (``/export/FORMAT``)."""
    from .exports import MEDIA, whole

    root = request.url_root.rstrip("/")
    found = [Dump(f"{root}/store?format={k}", formats.GRAPHS[k].media_type, _dump(k)) for k in DATASET_FORMATS]
    found += [Dump(f"{root}/export/{k}", MEDIA[k], whole(k, None)) for k in ("turtle", "ntriples", "rdfxml", "jsonld")]
    return found


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE", "PATCH"])
def graph_store() -> Response:
    if request.method != "GET":
        raise ReadOnly("this Graph Store is read-only: GET a graph, or the whole dataset; writes are refused")
    if "default" in request.args or "graph" in request.args:
        if "default" in request.args and "graph" in request.args:
            raise BadRequest("ask for ?default or ?graph=IRI, not both")
        fmt = _choose(GRAPH_FORMATS + DATASET_FORMATS)
        graph = DefaultGraph() if "default" in request.args else to_iri(request.args["graph"])
        if isinstance(graph, NamedNode) and not _store().contains_named_graph(graph):
            return Response(f"no graph {graph.value}\n", status=404, mimetype="text/plain")
        quads = list(_store().quads_for_pattern(None, None, None, graph))
        items = quads if fmt.key in DATASET_FORMATS else [q.triple for q in quads]
        body = formats.write_rdf(items, fmt.key)
        return Response(body, mimetype=fmt.media_type, headers={"Vary": "Accept"})
    fmt = _choose(DATASET_FORMATS)
    body = _dump(fmt.key)
    return Response(
        body,
        mimetype=fmt.media_type,
        headers={"Vary": "Accept", "Content-Disposition": f'attachment; filename="weihai-kg.{fmt.extension}"'},
    )


@bp.get("/.well-known/void")
def void() -> Response:
    fmt = _choose(GRAPH_FORMATS)
    root = request.url_root.rstrip("/")
    cache = state.snapshot().cache  # counted once per served build (and server address), not per request
    if ("void", root, fmt.key) not in cache:
        opened = state.opened()
        triples = describe_dataset(opened.store, root + "/sparql", dumps(), opened.info.build_id)
        prefixes = {"void": VOID, "dcat": "http://www.w3.org/ns/dcat#", "dct": PREFIXES["dct"], "spdx": "http://spdx.org/rdf/terms#"}
        cache[("void", root, fmt.key)] = formats.write_rdf(triples, fmt.key, prefixes)
    return Response(cache[("void", root, fmt.key)], mimetype=fmt.media_type, headers={"Vary": "Accept"})
