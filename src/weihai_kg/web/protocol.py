"""Reading a SPARQL 1.1 Protocol query request: which query, which graphs. Parameters are
decoded strictly as UTF-8 so that a bad encoding is a clear 400, not silent mojibake."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request

from .errors import BadRequest, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class QueryRequest:
    query: str | None
    default_graph: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None
    update: bool = False


def decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``a=1&b=2`` as pairs; raises BadRequest for malformed or non-UTF-8 input."""
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise BadRequest(f"the {where} is not valid UTF-8 (byte {e.start})") from e


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise BadRequest(f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


def read(request: Request) -> QueryRequest:
    """The query request carried by ``request``; raises BadRequest or UnsupportedMediaType."""
    url_params = decode_params(request.query_string, "query string")
    if request.method != "POST":
        return _build(url_params, _one(url_params, "query"))
    mimetype = request.mimetype
    if mimetype == FORM:
        body = decode_params(request.get_data(cache=False), "request body")
        if _one(body, "update") is not None:
            return QueryRequest(None, (), (), None, update=True)
        if _one(url_params, "query") is not None:
            raise BadRequest("send the query either in the URL or in the body, not both")
        return _build(url_params + body, _one(body, "query"))
    if mimetype == SPARQL_QUERY:
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as e:
            raise BadRequest(f"the request body is not valid UTF-8 (byte {e.start})") from e
        if _one(url_params, "query") is not None:
            raise BadRequest("a application/sparql-query body carries the query; do not also send query=")
        return _build(url_params, text)
    if mimetype == SPARQL_UPDATE:
        return QueryRequest(None, (), (), None, update=True)
    raise UnsupportedMediaType(f"POST a query as {FORM} or {SPARQL_QUERY}; got {mimetype or 'no Content-Type'}")


def _build(params: list[tuple[str, str]], query: str | None) -> QueryRequest:
    if _one(params, "update") is not None:
        return QueryRequest(None, (), (), None, update=True)
    return QueryRequest(
        query,
        tuple(v for k, v in params if k == "default-graph-uri"),
        tuple(v for k, v in params if k == "named-graph-uri"),
        _one(params, "format"),
    )
