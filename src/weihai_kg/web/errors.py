"""The Flask side of error answers: every exception is rendered by ``reply.for_error`` (a
KgError by its class's status, anything else a logged 500), werkzeug's own HTTP errors (an
unknown route, a wrong method) as the same short text. A browser navigating to a page gets
the same status and message as a page in its language, with search and a way home."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from weihai_kg.query.spool import as_bytes
from weihai_kg.web.negotiation import accept_of, prefers_html
from weihai_kg.web.reply import Reply, for_error, plain
from weihai_kg.web.spooled import response_with


def response_of(reply: Reply) -> Response:
    if reply.status >= 400 and request.method == "GET" and prefers_html(accept_of(request.headers)):
        return _error_page(reply)
    response = response_with(reply.body, status=reply.status)
    for name, value in reply.headers:
        response.headers[name] = value
    return response


def _error_page(reply: Reply) -> Response:
    """The error as a page in the reader's language: same status and message, and the
    answer's own headers (Retry-After, Allow) but its HTML type."""
    from weihai_kg.web.html import html_page  # templates load only when a person meets an error

    message = as_bytes(reply.body).decode("utf-8", "replace").strip()
    response = html_page("error.html", status=reply.status, code=reply.status, message=message)
    for name, value in reply.headers:
        if name.lower() != "content-type":
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
