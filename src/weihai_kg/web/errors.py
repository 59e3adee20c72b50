"""The Flask side of error answers: every exception is rendered by ``reply.for_error`` (a
KgError by its class's status, anything else a logged 500), werkzeug's own HTTP errors (an
unknown route, a wrong method) as the same short text."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from weihai_kg.web.reply import Reply, for_error, plain


def response_of(reply: Reply) -> Response:
    response = Response(reply.body, status=reply.status)
    for name, value in reply.headers:
        response.headers[name] = value
    return response


def _http_error(error: HTTPException) -> Response:
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return response_of(plain(f"{error.code} {error.name}: {error.description}", error.code or 500, headers))


def _any_error(error: Exception) -> Response:
    return response_of(for_error(error))


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _any_error)
