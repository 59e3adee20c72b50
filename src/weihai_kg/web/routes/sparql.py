"""``/sparql``: the SPARQL 1.1 Protocol query operation, read-only. A request with a query is
answered by ``sparql_answer.answer_query`` (as the WSGI shortcut answers plain ones); this
view reads the rest of the protocol: no query (the service description, or the query page
for browsers), OPTIONS, and refusals."""

from __future__ import annotations

from flask import Blueprint, Response, request

from weihai_kg.errors import BadRequest
from weihai_kg.web import protocol, state
from weihai_kg.web.description import service_description
from weihai_kg.web.errors import response_of
from weihai_kg.web.negotiation import accept_of, prefers_html
from weihai_kg.web.sparql_answer import answer_query

bp = Blueprint("sparql", __name__)
METHODS = "GET, HEAD, POST, OPTIONS"


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return preflight()
    req = protocol.read(request.method, request.query_string, request.mimetype, lambda: request.get_data(cache=False))
    accept = accept_of(request.headers)
    if req.query is None and not req.update:
        if request.method == "POST":
            raise BadRequest("the request has no query")
        if not req.format and prefers_html(accept):
            return Response(status=303, headers={"Location": "/"})  # people get the query page
        return service_description(state.public_root() + "/sparql", accept, req.format)
    return response_of(answer_query(state.snapshot(), req, accept, request.remote_addr or "", state.cache_sparql()))


def preflight() -> Response:
    response = Response(status=204)
    response.headers["Allow"] = METHODS
    response.headers["Access-Control-Allow-Methods"] = METHODS
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response
