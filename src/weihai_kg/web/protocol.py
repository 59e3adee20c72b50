"""Reading a SPARQL 1.1 Protocol query request: which query, which graphs, which format.
Parameters are decoded strictly as UTF-8 so that a bad encoding is a clear 400, not silent
mojibake. Flask-free: the Flask view and the WSGI shortcut both read requests here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from weihai_kg.errors import BadRequest, UnsupportedMediaType
from weihai_kg.formats import FORM, SPARQL_QUERY, SPARQL_UPDATE
from weihai_kg.web.negotiation import format_asked


@dataclass(frozen=True)
class QueryRequest:
    query: str | None
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None
    update: bool = False
    download: bool = False  # ?download=1: the query page's button saves the answer as a file


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


def read(method: str, query_string: bytes, mimetype: str, body: Callable[[], bytes]) -> QueryRequest:
    """The query request of a ``method`` request with this query string and, for POST, this
    body's media type and bytes; raises BadRequest or UnsupportedMediaType."""
    url_params = decode_params(query_string, "query string")
    if method != "POST":
        return _build(url_params, _one(url_params, "query"))
    if mimetype == FORM:
        form = decode_params(body(), "request body")
        if _one(form, "update") is not None:
            return QueryRequest(None, update=True)
        if _one(url_params, "query") is not None:
            raise BadRequest("send the query either in the URL or in the body, not both")
        return _build(url_params + form, _one(form, "query"))
    if mimetype == SPARQL_QUERY:
        try:
            text = body().decode("utf-8")
        except UnicodeDecodeError as e:
            raise BadRequest(f"the request body is not valid UTF-8 (byte {e.start})") from e
        if _one(url_params, "query") is not None:
            raise BadRequest("a application/sparql-query body carries the query; do not also send query=")
        return _build(url_params, text)
    if mimetype == SPARQL_UPDATE:
        return QueryRequest(None, update=True)
    raise UnsupportedMediaType(f"POST a query as {FORM} or {SPARQL_QUERY}; got {mimetype or 'no Content-Type'}")


def _build(params: list[tuple[str, str]], query: str | None) -> QueryRequest:
    if _one(params, "update") is not None:
        return QueryRequest(None, update=True)
    default_graph = tuple(v for k, v in params if k == "default-graph-uri")
    named_graphs = tuple(v for k, v in params if k == "named-graph-uri")
    for iri in (*default_graph, *named_graphs):
        if query is not None and not iri.startswith(("http://", "https://", "urn:")):
            raise BadRequest(f"not an absolute IRI: {iri!r}")
    download = any(k == "download" and v for k, v in params)
    return QueryRequest(query, default_graph, named_graphs, format_asked(params), download=download)
