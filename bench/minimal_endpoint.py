"""The floor of a Python request path: the least a WSGI SPARQL endpoint over pyoxigraph can do.

    WEIHAI_KG_STORE=build/bench/1000000/store .venv/bin/granian --interface wsgi \
        --workers 2 --blocking-threads 8 --working-dir bench minimal_endpoint:app

Reads ``query`` from a form POST or the URL, runs it in the serving thread and writes JSON
results or N-Triples. No checks, no limits, no time limit, no content negotiation beyond
that: unsafe to expose, and not part of weihai-kg. ``bench/throughput.py --minimal`` measures
it beside weihai-kg and Oxigraph under the same WSGI server, so the table shows how much of
a gap to Oxigraph any Python request path has on this machine, before weihai-kg's own rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat, Store

STORE = Store.read_only(os.environ["WEIHAI_KG_STORE"])


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] == "POST":
        params = parse_qs(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode())
    else:
        params = parse_qs(environ.get("QUERY_STRING", ""))
    result = STORE.query(params["query"][0])
    if isinstance(result, QueryTriples):
        media_type, body = "application/n-triples", result.serialize(format=RdfFormat.N_TRIPLES)
    else:
        media_type, body = "application/sparql-results+json", result.serialize(format=QueryResultsFormat.JSON)
    start_response("200 OK", [("Content-Type", media_type), ("Content-Length", str(len(body or b"")))])
    return [body or b""]
