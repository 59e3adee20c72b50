"""Plain /sparql requests answered before Flask (web/direct.py) get exactly what the Flask
view gives: the same status, headers and body, request by request, errors included; the
rest goes to Flask untouched."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from weihai_kg.web import create_app
from weihai_kg.web.direct import DirectSparql

ENTITY = "<https://w3id.org/weihai-kg/id/project/china-korea-trade-ecommerce-park>"
LOOKUP = f"SELECT ?p ?o WHERE {{ {ENTITY} ?p ?o }}"
JOIN = f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?x ?l WHERE {{ {ENTITY} ?p ?x . ?x skos:prefLabel ?l }}"
CONSTRUCT = f"CONSTRUCT {{ {ENTITY} ?p ?o }} WHERE {{ {ENTITY} ?p ?o }}"
ASK = "ASK { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"

# (method, query string or form/body, content type, Accept): each is sent both ways
PLAIN: list[tuple[str, dict[str, str] | bytes, str | None, str | None]] = [
    ("GET", {"query": LOOKUP}, None, None),
    ("GET", {"query": LOOKUP}, None, "application/sparql-results+json"),
    ("GET", {"query": JOIN}, None, "text/csv"),
    ("GET", {"query": CONSTRUCT}, None, "text/turtle"),
    ("GET", {"query": CONSTRUCT}, None, "*/*"),
    ("GET", {"query": ASK}, None, "application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.5"),
    ("POST", {"query": LOOKUP}, FORM, "application/sparql-results+json"),
    ("POST", {"query": CONSTRUCT}, FORM, "application/n-triples"),
    ("POST", JOIN.encode(), SPARQL_QUERY, "application/sparql-results+xml"),
    ("POST", LOOKUP.encode(), f"{SPARQL_QUERY}; charset=utf-8", None),
    ("POST", 'SELECT ?e WHERE { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> "원당구"@ko }'.encode(), SPARQL_QUERY, None),
    # errors the direct path renders itself
    ("GET", {"query": "SELECT * WHERE { ?s ?p }"}, None, None),  # syntax (400)
    ("GET", {"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"}, None, None),  # 403
    ("GET", {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}, None, None),  # read-only (403)
    ("GET", {"query": LOOKUP}, None, "text/turtle"),  # nothing acceptable for SELECT: the default format (200)
    ("GET", {"query": LOOKUP}, None, "application/sparql-results+json;q=0, image/png"),  # the default refused outright (406)
    ("GET", {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000}, None, None),  # too long (413)
    ("GET", {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}, None, None),  # too many rows (413)
    ("POST", {"query": ""}, FORM, None),  # an empty query (400)
]
PLAIN_STATUS = [200] * 11 + [400, 403, 403, 200, 406, 413, 413, 400]
# requests the direct path leaves to Flask
OTHER: list[tuple[str, dict[str, str] | bytes, str | None, str | None]] = [
    ("GET", {"query": LOOKUP, "format": "csv"}, None, None),
    ("GET", {"query": LOOKUP, "default-graph-uri": "https://w3id.org/weihai-kg/id/report/hanjung-zine-193/t3-r5"}, None, None),
    ("GET", {"query": LOOKUP, "query2": "x"}, None, None),
    ("HEAD", {"query": LOOKUP}, None, None),
    ("OPTIONS", {}, None, None),
    ("GET", {}, None, "text/html"),
    ("POST", b"query=" + LOOKUP.encode() + b"&query=" + LOOKUP.encode(), FORM, None),
    ("POST", b"update=INSERT+DATA+%7B%7D", FORM, None),
    ("POST", b"\xff\xfe", SPARQL_QUERY, None),
    ("POST", b"query=%FF", FORM, None),
    ("POST", LOOKUP.encode(), "text/plain", None),
    ("POST", b"INSERT DATA {}", "application/sparql-update", None),
]


@pytest.fixture(scope="module")
def apps(built: tuple[Path, Any]) -> Iterator[dict[bool, Flask]]:
    config = {"STORE": str(built[0]), "QUERY_WORKERS": 1, "RELOAD_CHECK_SECONDS": 0, "MAX_QUERY_CHARS": 4000, "MAX_ROWS": 2000}
    made = {direct: create_app({**config, "DIRECT_SPARQL": direct}) for direct in (True, False)}
    yield made
    for app in made.values():
        app.extensions["kg"]["serving"].close()


def send(app: Flask, method: str, data: dict[str, str] | bytes, content_type: str | None, accept: str | None) -> TestResponse:
    headers = {"Accept": accept} if accept is not None else {}
    if method in ("GET", "HEAD", "OPTIONS"):
        return app.test_client().open("/sparql", method=method, query_string=data, headers=headers)
    if isinstance(data, dict):
        return app.test_client().post("/sparql", data=data, headers=headers)
    return app.test_client().post("/sparql", data=data, content_type=content_type, headers=headers)


def seen(response: TestResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, sorted(response.headers.items()), response.get_data()


def flask_calls(app: Flask) -> list[str]:
    """Wraps the Flask app behind the direct path; returns the list of paths it was given."""
    direct = app.wsgi_app
    assert isinstance(direct, DirectSparql)
    calls: list[str] = []
    inner = direct.app

    def recording(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    direct.app = recording
    return calls


@pytest.mark.parametrize("request_", PLAIN + OTHER, ids=lambda r: f"{r[0]}-{r[2]}-{r[3]}-{str(r[1])[:40]}")
def test_same_answer_both_ways(apps: dict[bool, Flask], request_: Any) -> None:
    direct, through_flask = (send(apps[flag], *request_) for flag in (True, False))
    assert seen(direct) == seen(through_flask)


def test_plain_requests_skip_flask_and_the_rest_do_not(apps: dict[bool, Flask]) -> None:
    calls = flask_calls(apps[True])
    assert [send(apps[True], *r).status_code for r in PLAIN] == PLAIN_STATUS
    assert calls == []
    for r in OTHER:
        send(apps[True], *r)
    assert len(calls) == len(OTHER)


def test_a_plain_request_is_answered_by_the_direct_path(apps: dict[bool, Flask]) -> None:
    response = send(apps[True], "GET", {"query": LOOKUP}, None, "application/sparql-results+json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert response.headers["Vary"] == "Accept, Accept-Encoding" and response.headers["Access-Control-Allow-Origin"] == "*"
    assert int(response.headers["Content-Length"]) == len(response.get_data()) > 50


def test_a_body_over_the_limit_goes_to_flask_and_gets_413(apps: dict[bool, Flask]) -> None:
    big = {"query": LOOKUP + " #" + "x" * 1_000_000}
    assert send(apps[True], "POST", big, FORM, None).status_code == send(apps[False], "POST", big, FORM, None).status_code == 413


def test_timeouts_are_the_same_both_ways(built: tuple[Path, Any]) -> None:
    config = {"STORE": str(built[0]), "QUERY_WORKERS": 1, "RELOAD_CHECK_SECONDS": 0, "QUERY_TIMEOUT": 0.5}
    for flag in (True, False):
        app = create_app({**config, "DIRECT_SPARQL": flag})
        try:
            response = send(app, "GET", {"query": SLOW}, None, None)
            assert response.status_code == 503 and response.headers["Retry-After"] == "5"
            assert b"ran longer than the 0.5 s limit" in response.get_data()
        finally:
            app.extensions["kg"]["serving"].close()


def test_result_cache_applies_to_the_direct_path(built: tuple[Path, Any]) -> None:
    app = create_app({"STORE": str(built[0]), "QUERY_WORKERS": 1, "RELOAD_CHECK_SECONDS": 0, "RESULT_CACHE": "all"})
    try:
        calls = flask_calls(app)
        answers = [send(app, "GET", {"query": JOIN}, None, None) for _ in range(2)]
        assert [a.headers["X-Cache"] for a in answers] == ["miss", "hit"] and answers[0].data == answers[1].data
        assert calls == []
    finally:
        app.extensions["kg"]["serving"].close()


@pytest.mark.parametrize("value", [False, "false", "0", "off"])
def test_the_direct_path_can_be_switched_off(built: tuple[Path, Any], value: object) -> None:
    app = create_app({"STORE": str(built[0]), "QUERY_WORKERS": 1, "DIRECT_SPARQL": value})
    try:
        assert not isinstance(app.wsgi_app, DirectSparql)
    finally:
        app.extensions["kg"]["serving"].close()


def test_an_unexpected_failure_is_the_same_logged_500_both_ways(apps: dict[bool, Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    for app in apps.values():
        monkeypatch.setattr(app.extensions["kg"]["serving"].current.service, "answer", broken)
    direct, through_flask = (send(apps[flag], "GET", {"query": JOIN}, None, None) for flag in (True, False))
    assert seen(direct) == seen(through_flask)
    assert direct.status_code == 500 and b"disk on fire" not in direct.get_data()
