"""``/export/FORMAT``: the same exports as ``weihai-kg export``, over HTTP, and the published
JSON-LD context at ``/context.jsonld``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from pyoxigraph import QueryBoolean, QuerySolutions, RdfFormat, Store, parse

from ..errors import QueryParameterError, UnknownQuery
from ..queries import NamedQuery, run_named
from ..results import serialize_triples
from . import state

bp = Blueprint("exports", __name__)
MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "dot": "text/vnd.graphviz",
    "cytoscape": "application/json",
}
EXTENSIONS = {
    "turtle": "ttl",
    "ntriples": "nt",
    "rdfxml": "rdf",
    "nquads": "nq",
    "trig": "trig",
    "jsonld": "jsonld",
    "graphml": "graphml",
    "gexf": "gexf",
    "dot": "dot",
    "cytoscape": "cyjs",
}


def _store() -> Store:
    return state.store()


def whole(fmt: str, frame: str | None) -> bytes:
    """Exports of the whole graph, written once per served build."""
    from .. import export  # pyld and rdflib load with the first export, not at start-up

    cache = state.snapshot().cache
    if ("export", fmt, frame) not in cache:
        store = _store()
        if fmt == "jsonld":
            cache[("export", fmt, frame)] = export.to_json_bytes(export.export_framed(store, frame) if frame else export.export_jsonld(store))
        else:
            cache[("export", fmt, frame)] = export.export_rdf(store, fmt)
    found: bytes = cache[("export", fmt, frame)]
    return found


@bp.get("/context.jsonld")
def context() -> Response:
    from .. import export

    response = jsonify(export.context_document())
    response.mimetype = "application/ld+json"
    return response


@bp.get("/export/<fmt>")
def export_format(fmt: str) -> Response:
    if fmt not in MEDIA:
        raise UnknownQuery(f"no export {fmt!r}; choose one of {', '.join(MEDIA)}")
    from .. import network  # networkx and pydot load with the first export, not at start-up

    args = request.args
    lang = args.get("lang", "en")
    if lang not in ("en", "ko", "zh"):
        raise QueryParameterError("lang is en, ko or zh")
    construct = _sparql_construct(args["sparql"]) if args.get("sparql") else _construct(args.get("query"))
    classes = [c for c in args.get("classes", "").split(",") if c] or None
    hops_text = args.get("hops", "1")
    hops = int(hops_text) if hops_text.isdigit() and len(hops_text) < 3 else 0
    subset = construct is not None or args.get("entity") or classes
    if fmt in network.WRITERS:
        triples = network.select(_store(), construct=construct, entity=args.get("entity"), hops=hops, classes=classes)
        body = network.write(network.build_network(_store(), triples, lang), fmt)
    elif subset and fmt != "jsonld":
        triples = network.select(_store(), construct=construct, entity=args.get("entity"), hops=hops, classes=classes)
        body = serialize_triples(triples, fmt)
    else:
        body = whole(fmt, args.get("frame"))
    response = Response(body, mimetype=MEDIA[fmt])
    if args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="weihai-kg.{EXTENSIONS[fmt]}"'
    return response


def _sparql_construct(text: str) -> list:  # type: ignore[type-arg]
    """A client's CONSTRUCT, under every rule of /sparql (checks, worker, time and row limits)."""
    from .sparql import service

    if service().check(text) not in ("CONSTRUCT", "DESCRIBE"):
        raise QueryParameterError("a picture needs a CONSTRUCT or DESCRIBE query")
    answer = service().answer(text, "ntriples", client=request.remote_addr or "")
    return [q.triple for q in parse(answer.body, format=RdfFormat.N_TRIPLES)]


def _construct(name: str | None) -> list | None:  # type: ignore[type-arg]
    if not name:
        return None
    queries: dict[str, NamedQuery] = state.queries()
    if name not in queries:
        raise UnknownQuery(f"no query named {name!r}")
    result = run_named(_store(), queries[name])
    if isinstance(result, QuerySolutions | QueryBoolean):  # (a remote store's triples are a plain iterator)
        raise QueryParameterError(f"query {name} is not a CONSTRUCT; exports need triples")
    return list(result)
