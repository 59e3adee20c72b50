"""``/export/FORMAT``: the same exports as ``weihai-kg export`` (``export.render``), over
HTTP, and the published JSON-LD context at ``/context.jsonld``."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request
from pyoxigraph import Triple

from weihai_kg import formats
from weihai_kg.errors import QueryParameterError, UnknownQuery
from weihai_kg.store.reading import ReadStore
from weihai_kg.web import state

bp = Blueprint("exports", __name__)


def whole(fmt: str, frame: str | None = None, lang: str = "en", source: Callable[[], ReadStore] | None = None) -> bytes:
    """Exports of the whole graph, written once per served build (networks once per label
    language), from ``source`` (``state.whole_source()``, which callers writing several share)."""
    from weihai_kg.export import render as export_render  # pyld, rdflib and networkx load with the first export, not at start-up

    key = ("export", fmt, frame, lang if fmt in formats.NETWORKS else "")
    return state.memo(key, lambda: export_render.render((source or state.whole_source())(), fmt, frame=frame, lang=lang))


@bp.get("/context.jsonld")
def context() -> Response:
    from weihai_kg.export import rdf as export

    response = jsonify(export.context_document())
    response.mimetype = formats.GRAPHS["jsonld"].media_type
    return response


@bp.get("/export/<fmt>")
def export_format(fmt: str) -> Response:
    from weihai_kg.export import render as export_render

    export_render.check_format(fmt)
    args = request.args
    lang = args.get("lang", "en")
    if lang not in ("en", "ko", "zh"):
        raise QueryParameterError("lang is en, ko or zh")
    hops_text = args.get("hops", "1")
    selection = export_render.Selection(
        construct=_sparql_construct(args["sparql"]) if args.get("sparql") else _named_construct(args.get("query")),
        entity=args.get("entity") or None,
        hops=int(hops_text) if hops_text.isdigit() and len(hops_text) < 3 else 0,
        classes=[c for c in args.get("classes", "").split(",") if c] or None,
    )
    whole_graph = selection.whole or fmt == "jsonld"  # JSON-LD is always the whole graph (export.render)
    body = whole(fmt, args.get("frame"), lang) if whole_graph else export_render.render(state.store(), fmt, selection, lang)
    response = Response(body, mimetype=formats.EXPORTS[fmt].media_type)
    # A file name whatever the client does with it; ?download=1 asks a browser to save it.
    disposition = "attachment" if args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="weihai-kg.{formats.EXPORTS[fmt].extension}"'
    if fmt == "jsonld":  # the context inlined in the dump is also published on its own
        response.headers["Link"] = '</context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"'
    return response


def _sparql_construct(text: str) -> list[Triple]:
    """A client's CONSTRUCT, under every rule of /sparql (checks, worker, time and row limits)."""
    if state.service().check(text) not in ("CONSTRUCT", "DESCRIBE"):
        raise QueryParameterError("a picture needs a CONSTRUCT or DESCRIBE query")
    return state.store().triples(text, client=request.remote_addr or "")


def _named_construct(name: str | None) -> list[Triple] | None:
    """A named CONSTRUCT's triples, run through the query service like any other query."""
    if not name:
        return None
    query = state.queries().get(name)
    if query is None:
        raise UnknownQuery(f"no query named {name!r}")
    if query.form not in ("CONSTRUCT", "DESCRIBE"):
        raise QueryParameterError(f"query {name} is not a CONSTRUCT; exports need triples")
    return state.store().triples(query.bound(), client=request.remote_addr or "")
