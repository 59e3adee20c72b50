"""The result cache: answers come back for the same build, query and format only; a new
build starts empty; the bound holds; errors are not kept; it can be switched off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from weihai_kg.query.cache import Cached, ResultCache
from weihai_kg.web import create_app

JSON = {"Accept": "application/sparql-results+json"}


def client(built: tuple[Path, Any], **config: object) -> tuple[FlaskClient, Any]:
    app = create_app({"STORE": str(built[0]), "QUERY_WORKERS": 1, "RELOAD_CHECK_SECONDS": 0, **config})
    return app.test_client(), app.extensions["kg"]["serving"]


def test_named_query_answered_from_cache_the_second_time(built: tuple[Path, Any]) -> None:
    c, serving = client(built)
    try:
        first = c.get("/queries/korea-projects-investment", headers=JSON)
        second = c.get("/queries/korea-projects-investment", headers=JSON)
        assert (first.status_code, first.headers["X-Cache"]) == (200, "miss")
        assert (second.status_code, second.headers["X-Cache"]) == (200, "hit")
        assert second.data == first.data
        # another format is another answer
        csv = c.get("/queries/korea-projects-investment?format=csv")
        assert csv.headers["X-Cache"] == "miss" and csv.data != first.data
    finally:
        serving.close()


def test_pages_cached_per_representation_and_language(built: tuple[Path, Any]) -> None:
    c, serving = client(built)
    try:
        path = "/id/project/china-korea-trade-ecommerce-park"
        ko = [c.get(path, headers={"Accept": "text/html", "Accept-Language": "ko"}) for _ in range(2)]
        en = c.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
        ttl = c.get(path, headers={"Accept": "text/turtle"})
        assert [r.headers["X-Cache"] for r in ko] == ["miss", "hit"] and ko[0].data == ko[1].data
        assert en.headers["X-Cache"] == "miss" and en.data != ko[0].data
        assert ttl.headers["X-Cache"] == "miss" and ttl.mimetype == "text/turtle"
        missing = [c.get("/id/project/no-such-thing", headers={"Accept": "text/html"}) for _ in range(2)]
        assert [r.status_code for r in missing] == [404, 404]  # errors are not kept
        assert "X-Cache" not in missing[1].headers
    finally:
        serving.close()


def test_sparql_cached_by_default_and_not_in_named_mode(built: tuple[Path, Any]) -> None:
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    c, serving = client(built, RESULT_CACHE="named")
    try:
        assert [("X-Cache" in c.post("/sparql", data=query, headers=JSON).headers) for _ in range(2)] == [False, False]
    finally:
        serving.close()
    c, serving = client(built)  # the default: /sparql answers are kept too
    try:
        assert [c.post("/sparql", data=query, headers=JSON).headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]
        other = c.post("/sparql", data=query, headers={"Accept": "text/csv"})
        assert other.headers["X-Cache"] == "miss" and other.mimetype == "text/csv"
    finally:
        serving.close()


def test_cache_off(built: tuple[Path, Any]) -> None:
    c, serving = client(built, RESULT_CACHE="off")
    try:
        assert [c.get("/queries/korea-projects-investment", headers=JSON).headers["X-Cache"] for _ in range(2)] == ["miss", "miss"]
    finally:
        serving.close()


def test_unknown_mode_refused(built: tuple[Path, Any]) -> None:
    from weihai_kg.errors import ConfigError

    with pytest.raises(ConfigError, match="RESULT_CACHE"):
        create_app({"STORE": str(built[0]), "RESULT_CACHE": "sometimes"})


def test_bound_in_bytes_least_recently_used_out() -> None:
    cache = ResultCache("b1", max_bytes=400)
    for n in range(10):
        cache.put(n, Cached(b"x" * 100, "text/plain"))
        cache.get(0)  # keep 0 recently used
    entries, size = cache.size
    assert size <= 400 and entries == 4
    assert cache.get(0) is not None and cache.get(9) is not None and cache.get(1) is None
    cache.put("huge", Cached(b"x" * 101, "text/plain"))  # over a quarter of the bound: not kept
    assert cache.get("huge") is None


def test_keys_belong_to_one_build() -> None:
    old, new = ResultCache("build-1", 1000), ResultCache("build-2", 1000)
    old.put("q", Cached(b"old answer", "text/plain"))
    assert new.get("q") is None


def test_emptied_when_a_new_build_is_served(paths: Any, tmp_path: Path) -> None:
    from weihai_kg.store.build import build

    store = tmp_path / "store"
    build(paths, store)
    c, serving = client((store, None))
    try:
        assert [c.get("/queries/korea-projects-investment", headers=JSON).headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]
        build(paths, store)  # the same sources, a new build
        assert serving.reload()
        assert c.get("/queries/korea-projects-investment", headers=JSON).headers["X-Cache"] == "miss"
    finally:
        serving.close()
