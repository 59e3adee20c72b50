"""The plain ``/sparql`` request answered straight from WSGI, without Flask's request and
response objects.

For a point lookup, Flask's dispatch and its request and response objects cost about ten
times what the store takes to answer. Most requests to ``/sparql`` are plain: GET with only
``query=``, or POST of a form with only ``query=``, or POST of an
``application/sparql-query`` body. This layer answers those with the same checks, the same
query service, the same result cache and the same headers as the Flask view in ``sparql.py``
(``tests/test_direct.py`` sends each request both ways and compares status, headers and
body). Any other request goes to Flask untouched: other methods, more parameters, another
body, bad UTF-8, no Content-Length or too large a body. Flask then answers or refuses it as
before.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .. import formats
from ..errors import KgError
from ..result_cache import Cached
from ..serving import Serving
from . import protocol
from .conneg import negotiate

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# The headers every /sparql answer carries (the app's after_request adds the same two).
COMMON = [("Vary", "Accept"), ("Access-Control-Allow-Origin", "*"), ("X-Content-Type-Options", "nosniff")]


@lru_cache(maxsize=512)
def negotiated(form: str, accept: str) -> formats.Format:
    """The format for ``form`` given this Accept header: clients send the same few headers
    again and again, so each is parsed once. Raises NotAcceptable (not cached)."""
    return negotiate(form, parse_accept_header(accept, MIMEAccept), None)


def content_type(fmt: formats.Format) -> str:
    """The Content-Type of an answer in ``fmt``: UTF-8 stated for the text formats."""
    if fmt.media_type.startswith("text/") or fmt.media_type.endswith(("+json", "+xml", "/trig")):
        return f"{fmt.media_type}; charset=utf-8"
    return fmt.media_type


def cache_key(text: str, fmt: formats.Format, default_graph: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """The result cache key of a /sparql answer (the same for both paths)."""
    return ("sparql", text, fmt.key, default_graph, named_graphs)


class DirectSparql:
    """WSGI middleware: plain /sparql requests answered here, everything else by ``app``.

    ``error`` turns an exception into a WSGI response exactly as the Flask app's error
    handlers do (a KgError by its status, anything else a logged 500); ``cache_sparql`` says
    whether /sparql answers go in the result cache."""

    def __init__(self, app: WsgiApp, serving: Serving, max_body: int, cache_sparql: bool, error: Callable[[Exception], WsgiApp]) -> None:
        self.app = app
        self.serving = serving
        self.max_body = max_body
        self.cache_sparql = cache_sparql
        self.error = error

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql":
            return self.app(environ, start_response)
        text = self._plain_query(environ)
        if text is None:
            return self.app(environ, start_response)
        try:
            status, headers, body = self._answer(text, environ)
        except Exception as e:  # rendered (and logged) as the Flask app would
            return self.error(e)(environ, start_response)
        start_response(status, headers)
        return [body]

    def _plain_query(self, environ: dict[str, Any]) -> str | None:
        """The query of a plain request, or None to let Flask handle the request. A body read
        here is put back for Flask."""
        method = environ.get("REQUEST_METHOD")
        raw_params = environ.get("QUERY_STRING", "")
        if method == "GET":
            return _only_query(raw_params.encode("latin-1"))
        if method != "POST" or raw_params:
            return None
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or int(length) > self.max_body or environ.get("HTTP_TRANSFER_ENCODING"):
            return None
        body: bytes = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)  # for Flask, if the request is not plain
        if len(body) != int(length):
            return None
        mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if mimetype == protocol.FORM:
            return _only_query(body)
        if mimetype == protocol.SPARQL_QUERY:
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None

    def _answer(self, text: str, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        snapshot = self.serving.acquire()
        try:
            service = snapshot.service
            fmt = negotiated(service.check(text), environ.get("HTTP_ACCEPT", ""))
            headers = [("Content-Type", content_type(fmt))]

            def compute() -> Cached:
                answer = service.answer(text, fmt.key, client=environ.get("REMOTE_ADDR") or "")
                return Cached(answer.body, fmt.media_type)

            if self.cache_sparql:
                found, hit = snapshot.results.fetch(cache_key(text, fmt), compute)
                headers.append(("X-Cache", "hit" if hit else "miss"))
            else:
                found = compute()
        finally:
            self.serving.release(snapshot)
        headers += [("Content-Length", str(len(found.body))), *COMMON]
        return "200 OK", headers, found.body


def _only_query(raw: bytes) -> str | None:
    """The value of ``query`` when it is the only parameter, well encoded; else None."""
    try:
        params = protocol.decode_params(raw, "parameters")
    except KgError:
        return None
    if len(params) != 1 or params[0][0] != "query":
        return None
    return params[0][1]
