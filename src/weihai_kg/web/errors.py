"""KgError classes -> HTTP status, in one table. Anything else is logged and answered 500
with a short message, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from ..errors import KgError, QueryParameterError, QuerySyntaxError, RemoteFailed, StoreError, UnknownQuery, UnknownResource
from ..query_service import QueryTooLong, ReadOnly, ServiceClauseRefused, TooManyQueries
from ..workers import QueryTimeout, ResultTooLarge, ServiceBusy, WorkerFailed
from .conneg import NotAcceptable

log = logging.getLogger(__name__)


class BadRequest(KgError):
    """The request breaks the SPARQL 1.1 Protocol (two queries, no query, bad encoding)."""


class UnsupportedMediaType(KgError):
    """A POST body of a content type the protocol does not allow."""


STATUS: dict[type[KgError], int] = {
    BadRequest: 400,
    QuerySyntaxError: 400,
    QueryParameterError: 400,
    ReadOnly: 403,
    ServiceClauseRefused: 403,
    UnknownQuery: 404,
    UnknownResource: 404,
    NotAcceptable: 406,
    QueryTooLong: 413,
    ResultTooLarge: 413,
    UnsupportedMediaType: 415,
    TooManyQueries: 429,
    WorkerFailed: 500,
    RemoteFailed: 502,
    StoreError: 500,
    QueryTimeout: 503,
    ServiceBusy: 503,
}


def plain(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers or {})
    return response


def kg_error(error: KgError) -> Response:
    status = next((code for cls, code in STATUS.items() if isinstance(error, cls)), 500)
    if status >= 500:
        log.error("%s: %s", type(error).__name__, error)
    headers = {"Retry-After": "5"} if status in (429, 503) else {}
    return plain(str(error), status, headers)


def _http_error(error: HTTPException) -> Response:
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return plain(f"{error.code} {error.name}: {error.description}", error.code or 500, headers)


def unexpected(error: Exception) -> Response:
    log.exception("unexpected error")
    return plain("500 Internal Server Error: the server failed; the error was logged", 500)


def register(app: Flask) -> None:
    app.register_error_handler(KgError, kg_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, unexpected)
