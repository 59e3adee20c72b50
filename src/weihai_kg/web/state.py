"""What a request works on: one snapshot of the served build, taken on first use and given
back when the request ends (see ``serving.Serving``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Response, current_app, g
from pyoxigraph import Store

from ..queries import NamedQuery
from ..query_service import QueryService
from ..result_cache import Cached
from ..serving import Serving, Snapshot
from ..store import OpenStore


def serving() -> Serving:
    found: Serving = current_app.extensions["kg"]["serving"]
    return found


def snapshot() -> Snapshot:
    if "kg_snapshot" not in g:
        g.kg_snapshot = serving().acquire()
    found: Snapshot = g.kg_snapshot
    return found


def release(_: BaseException | None = None) -> None:
    taken = g.pop("kg_snapshot", None)
    if taken is not None:
        serving().release(taken)


def opened() -> OpenStore:
    return snapshot().opened


def store() -> Store:
    return snapshot().opened.store


def service() -> QueryService:
    return snapshot().service


def queries() -> dict[str, NamedQuery]:
    found: dict[str, NamedQuery] = current_app.extensions["kg"]["queries"]
    return found


def cached(key: Hashable, compute: Callable[[], Cached], headers: dict[str, str] | None = None) -> Response:
    """The answer for ``key`` from this build's result cache, computed (and kept) on a miss;
    ``X-Cache`` tells which. Errors raised by ``compute`` are not kept."""
    found, hit = snapshot().results.fetch(key, compute)
    response = Response(found.body, mimetype=found.media_type, headers=headers)
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return response


def cache_sparql() -> bool:
    return bool(current_app.config["RESULT_CACHE"] == "all")
