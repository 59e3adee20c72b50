"""What a request works on: one snapshot of the served build, taken on first use and given
back when the request ends (see ``store.serving.Serving``), and that build's one cache."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cache

from flask import Response, current_app, g, request
from pyoxigraph import Store

from weihai_kg.query.cache import Cached
from weihai_kg.query.named import NamedQuery
from weihai_kg.query.service import QueryService, ServiceReader
from weihai_kg.query.spool import as_bytes
from weihai_kg.store.layout import BuildInfo
from weihai_kg.store.reading import ReadStore
from weihai_kg.store.serving import Serving, Snapshot
from weihai_kg.web.spooled import response_with


def serving() -> Serving:
    found: Serving = current_app.extensions["kg"]["serving"]
    return found


def snapshot() -> Snapshot:
    if "kg_snapshot" not in g:
        g.kg_snapshot = serving().acquire()
    found: Snapshot = g.kg_snapshot
    return found


def has_snapshot() -> bool:
    return "kg_snapshot" in g


def release(_: BaseException | None = None) -> None:
    taken = g.pop("kg_snapshot", None)
    if taken is not None:
        serving().release(taken)


def info() -> BuildInfo:
    return snapshot().info


def store() -> ServiceReader:
    """The served store as views read it: their SPARQL goes through the query service."""
    return snapshot().reader


def whole_source() -> Callable[[], ReadStore]:
    """What whole-graph exports read: the served store when it is embedded; over a remote
    engine, a copy of its dataset fetched in one query when first needed and shared by the
    caller's exports (not kept: the copy is as large as the dataset). Always the same source
    for a build, so an export written again after the cache let it go is the same bytes. The
    copy is an Oxigraph store, which keeps values in canonical form: Virtuoso's ``"1"`` for a
    boolean reads back as ``"true"``, as the report's data has it."""
    taken = snapshot()
    if isinstance(taken.store, Store):
        return lambda: taken.reader
    from weihai_kg.read.working_set import dataset_copy

    return cache(lambda: dataset_copy(taken.reader))


def service() -> QueryService:
    return snapshot().service


def queries() -> dict[str, NamedQuery]:
    found: dict[str, NamedQuery] = current_app.extensions["kg"]["queries"]
    return found


def cached(key: Hashable, compute: Callable[[], Cached], headers: dict[str, str] | None = None) -> Response:
    """An answer (a named query's, a page) for ``key`` from this build's cache, computed on a
    miss and kept unless the cache is off; ``X-Cache`` tells which. Errors are not kept."""
    found, hit = snapshot().results.fetch(key, compute, keep=current_app.config["RESULT_CACHE"] != "off")
    response = response_with(found.body, mimetype=found.media_type, headers=headers)
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return response


def memo(key: Hashable, compute: Callable[[], bytes]) -> bytes:
    """What is computed once per served build (dumps, VoID, the ontology page), in the same
    cache, whatever the answer cache's mode."""
    found, _ = snapshot().results.fetch(("memo", key), lambda: Cached(compute(), ""))
    return as_bytes(found.body)  # bytes already: compute gives bytes


def public_root() -> str:
    """The server's public base URL, without the final slash, for every absolute URL the server
    advertises (VoID, the service description, dumps, pages): ``PUBLIC_URL`` when set; the
    forwarded host and scheme only when the server is told to trust its proxy (``TRUST_PROXY``,
    read by werkzeug's ProxyFix); else the address it listens on. A client's Host header alone
    never decides it."""
    configured = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    if configured:
        return configured
    if current_app.config["TRUST_PROXY"]:
        return request.url_root.rstrip("/")
    return str(current_app.config["LISTEN_URL"]).rstrip("/")


def cache_sparql() -> bool:
    return bool(current_app.config["RESULT_CACHE"] == "all")
