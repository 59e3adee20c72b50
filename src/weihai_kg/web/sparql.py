"""``/sparql``: the SPARQL 1.1 Protocol query operation, read-only. Plain requests (only a
query) are answered before Flask by ``direct.py``, with the same rules; this view has the rest."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..query_service import QueryService, ReadOnly
from ..result_cache import Cached
from . import protocol, state
from .conneg import negotiate
from .description import service_description
from .direct import cache_key, content_type
from .errors import BadRequest

bp = Blueprint("sparql", __name__)
METHODS = "GET, HEAD, POST, OPTIONS"


def service() -> QueryService:
    return state.service()


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return preflight()
    req = protocol.read(request)
    if req.update:
        raise ReadOnly("this endpoint is read-only: SPARQL Update is not accepted (use a query: SELECT, ASK, CONSTRUCT or DESCRIBE)")
    if req.query is None:
        if request.method == "POST":
            raise BadRequest("the request has no query")
        if not req.format and _prefers_html():
            return Response(status=303, headers={"Location": "/"})  # people get the query page
        return service_description(request.url_root.rstrip("/") + "/sparql", request.accept_mimetypes, req.format)
    for iri in (*req.default_graph, *req.named_graphs):
        if not iri.startswith(("http://", "https://", "urn:")):
            raise BadRequest(f"not an absolute IRI: {iri!r}")
    form = service().check(req.query)
    fmt = negotiate(form, request.accept_mimetypes, req.format)
    text, default_graph, named_graphs = req.query, req.default_graph, req.named_graphs

    def compute() -> Cached:
        answer = service().answer(text, fmt.key, default_graph, named_graphs, client=request.remote_addr or "")
        return Cached(answer.body, fmt.media_type)

    cache = state.cache_sparql()
    response = state.cached(cache_key(text, fmt, default_graph, named_graphs), compute) if cache else Response(compute().body)
    response.headers["Content-Type"] = content_type(fmt)
    response.headers["Vary"] = "Accept"
    if req.format:  # links show the result; ?download=1 (the query page's button) saves it
        disposition = "attachment" if request.args.get("download") else "inline"
        response.headers["Content-Disposition"] = f'{disposition}; filename="result.{fmt.extension}"'
    return response


def _prefers_html() -> bool:
    named = {value: quality for value, quality in request.accept_mimetypes}
    return named.get("text/html", 0) > 0 and named["text/html"] >= max((q for v, q in named.items() if v != "text/html"), default=0)


def preflight() -> Response:
    response = Response(status=204)
    response.headers["Allow"] = METHODS
    response.headers["Access-Control-Allow-Methods"] = METHODS
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response
