"""Property-based fuzzing of the HTTP interface (hypothesis): random and broken requests,
and named queries mutated at random, get a documented status with a short message; never a
500, a hang or a stack trace. The long run is ``bench/fuzz.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weihai_kg.query.named import load_queries
from weihai_kg.query.text import uses_service
from weihai_kg.store.layout import BuildInfo
from weihai_kg.web import create_app

from .fuzzing import DOCUMENTED, Request, edits, mutate, requests

ROOT = Path(__file__).resolve().parent.parent
QUERY_TEXTS = [q.text for q in load_queries(ROOT / "queries").values()]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def app(built: tuple[Path, BuildInfo]) -> Iterator[Flask]:
    application = create_app({"STORE": str(built[0]), "QUERY_DIR": str(ROOT / "queries"), "QUERY_TIMEOUT": 2.0, "VENDOR_DIR": str(ROOT / "node_modules")})
    yield application
    application.extensions["kg"]["serving"].close()


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def check(response: object, request: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    body = response.get_data()  # type: ignore[attr-defined]
    assert status in DOCUMENTED, f"{status} for {request}: {body[:300]!r}"
    assert b"Traceback" not in body
    if status >= 400:
        assert len(body) < 4000, f"long error body for {request}"


@FUZZ
@given(request=requests())
def test_random_requests_get_documented_answers(client: FlaskClient, request: Request) -> None:
    # werkzeug's test client reads a leading "//x" as a host name, which no HTTP request line
    # means; such paths are sent for real by test_endpoint and bench/fuzz.py.
    path = "/" + request.path.lstrip("/")
    response = client.open(path, method=request.method, query_string=request.query_string.decode("latin-1"), headers=request.headers, data=request.body)
    check(response, request)


@FUZZ
@given(text=st.sampled_from(QUERY_TEXTS), changes=edits, how=st.sampled_from(["get", "form", "direct"]))
def test_mutated_queries_get_documented_answers(client: FlaskClient, text: str, changes: list, how: str) -> None:  # type: ignore[type-arg]
    query = mutate(text, changes)
    if how == "get":
        response = client.get("/sparql", query_string={"query": query})
    elif how == "form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post("/sparql", data=query.encode("utf-8", "surrogatepass"), content_type="application/sparql-query")
    check(response, query)
    if uses_service(query) and response.status_code == 200:
        pytest.fail(f"a query with SERVICE ran: {query!r}")


def test_huge_and_empty_bodies(client: FlaskClient) -> None:
    assert client.post("/sparql", data=b"x" * 2_000_000, content_type="application/sparql-query").status_code == 413
    assert client.post("/sparql", data=b"", content_type="application/sparql-query").status_code == 400
    assert client.post("/sparql", data=b"", content_type="application/x-www-form-urlencoded").status_code == 400
    assert client.get("/sparql", query_string="query=%ZZ").status_code == 400
    assert client.get("/sparql", query_string="query=ASK%7B%7D%00").status_code == 400


@pytest.mark.parametrize(
    "query_string,status",
    [
        ("classes=c29", 400),
        ("entity=abc", 400),
        ("entity=http://x/y", 404),
        ("hops=x&entity=http://x", 400),
        ("hops=99999999999999999999&entity=https://w3id.org/weihai-kg/id/place/rushan", 400),
        ("frame=nope", 200),
        ("query=plans", 400),
        ("query=nope", 404),
        ("lang=xx", 400),
        ("sparql=ASK {}", 400),
    ],
)
def test_export_parameters_found_by_fuzzing(client: FlaskClient, query_string: str, status: int) -> None:
    """Cases the long fuzz run found answering 500 (bad class names, unknown entities, hops)."""
    assert client.get("/export/cytoscape", query_string=query_string).status_code == status
    assert client.get("/store", query_string="graph=%22%3E%3Cx").status_code == 400
    assert client.get("/id/%22%3E%3Cscript%3E").status_code == 400
