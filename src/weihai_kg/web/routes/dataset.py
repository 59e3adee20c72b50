"""The dataset as a whole: the Graph Store Protocol's read side at ``/store`` (writes are
refused) and the VoID/DCAT description at ``/.well-known/void``. Whole-dataset dumps are
written once per served build, so their size and checksum in VoID match what ``/store`` sends."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_from_directory
from pyoxigraph import DefaultGraph, NamedNode

from weihai_kg import formats
from weihai_kg.errors import BadRequest, MethodNotAllowed, UnknownResource
from weihai_kg.export.rdf import dataset_quads
from weihai_kg.namespaces import VOID_PREFIXES, to_iri
from weihai_kg.project import rdf_files
from weihai_kg.read.void import Dump, describe_dataset
from weihai_kg.sources import read_file
from weihai_kg.web import state
from weihai_kg.web.negotiation import accept_of, format_asked, negotiate

bp = Blueprint("dataset", __name__)
DATASET_FORMATS = [formats.GRAPHS[k] for k in ("nquads", "trig")]
GRAPH_FORMATS = [formats.GRAPHS[k] for k in ("turtle", "ntriples", "jsonld", "rdfxml")]


def _choose(offered: list[formats.Format], what: str) -> formats.Format:
    return negotiate(offered, accept_of(request.headers), format_asked(request.args.items(multi=True)), what=what)


def _dump(key: str) -> bytes:
    """The whole dataset in ``key``, written once per served build: the quads as the store
    gives them, in one query (so over Virtuoso its own spelling of a boolean, ``"1"``)."""
    return state.memo(("dump", key), lambda: formats.write_rdf(dataset_quads(state.store()), key))


def dumps() -> list[Dump]:
    """The whole-dataset dumps of ``formats.DUMPS``, as a release holds them: N-Quads and TriG
    with every named graph (``/store``), the union graph in Turtle, N-Triples, RDF/XML and
    JSON-LD, and the network in GraphML and GEXF (``/export/FORMAT``). Served with a release
    folder (``serve --release``), they are that release's files (``/release/NAME``)."""
    from weihai_kg.export.release import release_files
    from weihai_kg.web.routes.exports import whole

    root = state.public_root()
    folder = current_app.config["RELEASE_DIR"]
    source = state.whole_source()
    if folder:
        return [Dump(f"{root}/release/{f.name}", f.media_type, f.path.read_bytes()) for f in release_files(Path(folder))]
    return [
        Dump(f"{root}/store?format={k}", formats.EXPORTS[k].media_type, _dump(k))
        if k in formats.WITH_GRAPHS
        else Dump(f"{root}/export/{k}", formats.EXPORTS[k].media_type, whole(k, source=source))
        for k in formats.DUMPS
    ]


STORE_METHODS = "GET, HEAD, OPTIONS"


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"])
def graph_store() -> Response:
    """GET and HEAD (Flask answers HEAD with the GET's headers and no body) of ``?default``,
    ``?graph=IRI`` (404 if the store has no such graph) or, with neither, the whole dataset."""
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": STORE_METHODS})
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed("this Graph Store is read-only: GET or HEAD a graph, or the whole dataset; writes are refused", STORE_METHODS)
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


@bp.get("/dataset")
@bp.get("/.well-known/void")
def void() -> Response:
    """The dataset's VoID/DCAT description at its own IRI (``{BASE}dataset``) and at the
    well-known address (RFC 8615, VoID §7)."""
    fmt = _choose(GRAPH_FORMATS, "the dataset description")
    root = state.public_root()

    def compute() -> bytes:  # counted once per served build (and public URL), not per request
        triples = describe_dataset(state.store(), root + "/sparql", dumps(), state.info().build_id, state.info().built_at)
        return formats.write_rdf(triples, fmt.key, VOID_PREFIXES)

    return Response(state.memo(("void", root, fmt.key), compute), mimetype=fmt.media_type, headers={"Vary": "Accept"})


@bp.get("/release/<name>")
def release_file(name: str) -> Response:
    """A file of the release folder the server was given (``serve --release DIR``), as it
    is on disk: the dumps VoID lists, and the release's own VoID, ontology, shapes, README
    and SHA256SUMS."""
    from weihai_kg.export.release import SUMS

    folder = current_app.config["RELEASE_DIR"]
    if not folder:
        raise UnknownResource("this server was started without a release folder (serve --release DIR)")
    listed = {line.partition("  ")[2] for line in (Path(folder) / SUMS).read_text(encoding="utf-8").splitlines()} | {SUMS}
    if name not in listed:
        raise UnknownResource(f"the release has no file {name!r}")
    return send_from_directory(Path(folder).resolve(), name, mimetype=_release_type(name), max_age=86400)


def _release_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1]
    found = [f for f in (*formats.EXPORTS.values(), formats.MARKDOWN) if f.extension == extension]
    return formats.content_type(found[0] if found else formats.PLAIN)


@bp.get("/shapes")
def shapes() -> Response:
    """The SHACL shapes every build meets, at their IRI (``{BASE}shapes``)."""
    fmt = _choose(GRAPH_FORMATS, "the shapes")
    folder = Path(current_app.config["SHAPES_DIR"])
    files = rdf_files(folder)
    body = state.memo(("shapes", fmt.key), lambda: formats.write_rdf([q for f in files for q in read_file(f)], fmt.key))
    return Response(body, mimetype=fmt.media_type, headers={"Vary": "Accept"})
