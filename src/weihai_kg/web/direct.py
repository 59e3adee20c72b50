"""The plain ``/sparql`` request answered straight from WSGI, without Flask's request and
response objects.

For a point lookup, Flask's dispatch and its request and response objects cost about ten
times what the store takes to answer. Most requests to ``/sparql`` are plain: GET with only
``query=``, or POST of a form with only ``query=``, or POST of an
``application/sparql-query`` body. This layer answers those with the same checks, the same
query service, the same result cache and the same headers as the Flask view, through the one ``sparql_answer.answer_query``
(``tests/test_direct.py`` sends each request both ways and compares status, headers and
body). Any other request goes to Flask untouched: other methods, more parameters, another
body, bad UTF-8, no Content-Length or too large a body. Flask then answers or refuses it as
before.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from weihai_kg.errors import KgError
from weihai_kg.formats import FORM, PLAIN, SPARQL_QUERY
from weihai_kg.query.spool import Spool
from weihai_kg.store.serving import Serving
from weihai_kg.web import protocol
from weihai_kg.web.caching import finish
from weihai_kg.web.negotiation import accept_in
from weihai_kg.web.reply import Reply, for_error, policy
from weihai_kg.web.sparql_answer import answer_query

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class DirectSparql:
    """WSGI middleware: plain /sparql requests answered here, everything else by ``app``.
    ``cache_sparql`` says whether /sparql answers go in the result cache."""

    def __init__(self, app: WsgiApp, serving: Serving, max_body: int, cache_sparql: bool) -> None:
        self.app = app
        self.serving = serving
        self.max_body = max_body
        self.cache_sparql = cache_sparql

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql":
            return self.app(environ, start_response)
        text = self._plain_query(environ)
        if text is None:
            return self.app(environ, start_response)
        snapshot = self.serving.acquire()
        try:
            request = protocol.QueryRequest(text)
            reply = answer_query(snapshot, request, accept_in(environ), environ.get("REMOTE_ADDR") or "", self.cache_sparql)
        except Exception as e:  # rendered (and logged) as the Flask app renders it
            reply = for_error(e)
            reply.headers += policy(PLAIN.media_type)
        finally:
            self.serving.release(snapshot)
        return _send(finish(reply, environ, snapshot.info), start_response)

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
        if mimetype == FORM:
            return _only_query(body)
        if mimetype == SPARQL_QUERY:
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None


def _only_query(raw: bytes) -> str | None:
    """The value of ``query`` when it is the only parameter, well encoded; else None."""
    try:
        params = protocol.decode_params(raw, "parameters")
    except KgError:
        return None
    if len(params) != 1 or params[0][0] != "query":
        return None
    return params[0][1]


def _send(reply: Reply, start_response: StartResponse) -> Iterable[bytes]:
    if not any(name == "Content-Length" for name, _ in reply.headers):
        reply.headers.append(("Content-Length", str(len(reply.body))))
    start_response(reply.status_line, reply.headers)
    return reply.body.stream() if isinstance(reply.body, Spool) else [reply.body]
