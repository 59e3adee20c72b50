"""The one answer to a ``/sparql`` request that carries a query, without Flask: checks, the
query service, the result cache and the headers. The Flask view (``routes/sparql``) and the
WSGI shortcut (``direct``) both call ``answer_query``, so they cannot drift apart."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable

from weihai_kg import formats
from weihai_kg.errors import BadRequest, ReadOnly
from weihai_kg.query.cache import Cached
from weihai_kg.store.serving import Snapshot
from weihai_kg.web.negotiation import negotiate
from weihai_kg.web.protocol import QueryRequest
from weihai_kg.web.reply import Reply, policy


def cache_key(text: str, fmt: formats.Format, default_graph: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()) -> Hashable:
    return ("sparql", text, fmt.key, default_graph, named_graphs)


def answer_query(snapshot: Snapshot, req: QueryRequest, accept: str, client: str, use_cache: bool) -> Reply:
    """The answer to ``req`` (whose ``query`` is set) on ``snapshot``; raises a KgError for
    the client's mistakes and the limits, which ``reply.for_error`` renders."""
    if req.update:
        raise ReadOnly("this endpoint is read-only: SPARQL Update is not accepted (use a query: SELECT, ASK, CONSTRUCT or DESCRIBE)")
    if req.query is None:
        raise BadRequest("the request has no query")
    text, service = req.query, snapshot.service
    form = service.check(text)
    fmt = negotiate(formats.BY_FORM[form], accept, req.format, what=f"a {form} result")
    headers = [("Content-Type", formats.content_type(fmt))]

    def compute() -> Cached:
        answer = service.answer(text, fmt.key, req.default_graph, req.named_graphs, client=client)
        return Cached(answer.body, fmt.media_type)

    if use_cache:
        found, hit = snapshot.results.fetch(cache_key(text, fmt, req.default_graph, req.named_graphs), compute)
        headers.append(("X-Cache", "hit" if hit else "miss"))
    else:
        found = compute()
    headers += [("Content-Length", str(len(found.body))), ("Vary", "Accept")]
    if req.format:  # links show the result; ?download=1 (the query page's button) saves it
        disposition = "attachment" if req.download else "inline"
        # named by the query's form and text, so that two saved answers never overwrite each other
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        headers.append(("Content-Disposition", f'{disposition}; filename="weihai-kg-{form.lower()}-{digest}.{fmt.extension}"'))
    return Reply(200, found.body, headers + policy(fmt.media_type))
