"""The SPARQL endpoint over HTTP, against a real server process: the SPARQL 1.1 Protocol
query operation, content negotiation, the service description, named queries, and the
safety rules (read-only, no outbound requests, time, size and row limits)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
import requests
from pyoxigraph import DefaultGraph, Store
from SPARQLWrapper import CSV, JSON, SPARQLWrapper

from weihai_kg.store.layout import BuildInfo

from .abuse import session_from
from .conftest import serve_args
from .server import running_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PLANS = "PREFIX wh: <https://w3id.org/weihai-kg/ontology#> SELECT ?plan WHERE { ?plan a wh:Plan } ORDER BY ?plan"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module", params=["embedded", "remote", "virtuoso", "gunicorn"])
def base(request: pytest.FixtureRequest, built: tuple[Path, BuildInfo]) -> Iterator[str]:
    """The same server over the embedded store, over a real Oxigraph server (remote mode),
    and over the embedded store under the other WSGI server: every test here runs against all three."""
    env = {"WEIHAI_KG_MAX_ROWS": "4000", "WEIHAI_KG_MAX_QUERY_CHARS": "4000", "WEIHAI_KG_MAX_CONTENT_LENGTH": "20000"}
    mode = ["--server", "gunicorn"] if request.param == "gunicorn" else serve_args(request, request.param)
    with running_server(built[0], "--timeout", "2", "--query-workers", "2", *mode, env=env) as url:
        yield url


@pytest.fixture(scope="module")
def triples(store: Store) -> int:
    """How many distinct triples the built store holds (its default graph)."""
    return len(list(store.quads_for_pattern(None, None, None, DefaultGraph())))


def sparql(base: str, **kwargs: object) -> requests.Response:
    return requests.request(kwargs.pop("method", "GET"), base + "/sparql", timeout=30, **kwargs)  # type: ignore[arg-type]


def count_of(response: requests.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# --- the three ways to send a query ------------------------------------------------------


def test_get_post_form_and_post_direct_agree(triples: int, base: str) -> None:
    via_get = sparql(base, params={"query": COUNT})
    via_form = sparql(base, method="POST", data={"query": COUNT})
    via_body = sparql(base, method="POST", data=COUNT.encode(), headers={"Content-Type": "application/sparql-query"})
    assert count_of(via_get) == count_of(via_form) == count_of(via_body) == triples
    assert via_get.headers["Content-Type"].startswith("application/sparql-results+json")


def test_korean_in_a_query_round_trips(base: str) -> None:
    query = 'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?e WHERE { ?e skos:prefLabel "원당구"@ko }'
    response = sparql(base, method="POST", data=query.encode("utf-8"), headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert [b["e"]["value"] for b in response.json()["results"]["bindings"]] == ["https://w3id.org/weihai-kg/id/place/wendeng"]


def test_default_and_named_graph_parameters(base: str) -> None:
    row = "https://w3id.org/weihai-kg/id/report/hanjung-zine-193/t3-r5"
    only_row = sparql(base, params={"query": COUNT, "default-graph-uri": row})
    assert 0 < count_of(only_row) < 40
    graphs = sparql(base, params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": row})
    assert [b["g"]["value"] for b in graphs.json()["results"]["bindings"]] == [row]
    no_named = sparql(base, params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "default-graph-uri": row})
    assert no_named.json()["boolean"] is False


# --- content negotiation -------------------------------------------------------------------


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_select_formats(base: str, media_type: str) -> None:
    response = sparql(base, params={"query": PLANS}, headers={"Accept": media_type})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    assert "weihai-internet-plus-plan" in response.text


@pytest.mark.parametrize(
    "media_type,rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_formats_parse_to_the_same_graph(base: str, media_type: str, rdflib_format: str) -> None:
    query = "PREFIX wh: <https://w3id.org/weihai-kg/ontology#> CONSTRUCT WHERE { ?p a wh:Plan ; ?x ?y }"
    response = sparql(base, params={"query": query}, headers={"Accept": media_type})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=response.content, format=rdflib_format)
    assert len(graph) > 20


def test_q_values_choose_the_format(base: str) -> None:
    response = sparql(base, params={"query": PLANS}, headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml;q=0.9"})
    assert response.headers["Content-Type"].startswith("application/sparql-results+xml")


def test_nothing_acceptable_gets_the_default_unless_it_was_refused(base: str) -> None:
    response = sparql(base, params={"query": PLANS}, headers={"Accept": "image/png"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/sparql-results+json")
    refused = sparql(base, params={"query": PLANS}, headers={"Accept": "image/png, application/sparql-results+json;q=0"})
    assert refused.status_code == 406 and "application/sparql-results+json" in refused.text
    unknown = sparql(base, params={"query": PLANS, "format": "png"})
    assert unknown.status_code == 406 and "format=csv" in unknown.text


def test_format_parameter_overrides_accept(base: str) -> None:
    response = sparql(base, params={"query": PLANS, "format": "csv"}, headers={"Accept": "application/sparql-results+xml"})
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "plan"
    # a format that does not fit the query form is set aside: Accept decides
    unfit = sparql(base, params={"query": PLANS, "format": "turtle"}, headers={"Accept": "application/sparql-results+xml"})
    assert unfit.status_code == 200 and unfit.headers["Content-Type"].startswith("application/sparql-results+xml")
    # the names are read per form (xml: SPARQL XML or RDF/XML), the first of repeated values counts, output= and results= too
    construct = "CONSTRUCT { ?p a <https://w3id.org/weihai-kg/ontology#Plan> } WHERE { ?p a <https://w3id.org/weihai-kg/ontology#Plan> }"
    for params, expected in (
        ({"query": PLANS, "format": "xml"}, "application/sparql-results+xml"),
        ({"query": construct, "format": "xml"}, "application/rdf+xml"),
        ({"query": construct, "format": "json"}, "application/ld+json"),
        ({"query": construct, "output": "ttl"}, "text/turtle"),
        ({"query": PLANS, "results": "tsv"}, "text/tab-separated-values"),
        ({"query": PLANS, "format": ["tsv", "text/tab-separated-values"]}, "text/tab-separated-values"),
    ):
        answer = sparql(base, params=params)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(expected), params


def test_head_options_and_cors(base: str) -> None:
    head = requests.head(base + "/sparql", params={"query": PLANS}, timeout=10)
    assert head.status_code == 200 and head.content == b""
    options = requests.options(base + "/sparql", timeout=10)
    assert options.status_code == 204 and "POST" in options.headers["Access-Control-Allow-Methods"]
    assert sparql(base, params={"query": PLANS}).headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in options.headers


# --- protocol errors ------------------------------------------------------------------------


def test_syntax_error_is_400_with_position(base: str) -> None:
    response = sparql(base, params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400 and "error at 1:" in response.text
    assert "Traceback" not in response.text


def test_two_queries_are_400(base: str) -> None:
    response = requests.get(base + "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", timeout=10)
    assert response.status_code == 400 and "exactly one" in response.text


def test_wrong_content_type_is_415(base: str) -> None:
    response = sparql(base, method="POST", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and "application/sparql-query" in response.text


def test_post_without_query_is_400(base: str) -> None:
    assert sparql(base, method="POST", data={"default-graph-uri": "http://x/"}).status_code == 400


def test_non_utf8_is_400(base: str) -> None:
    body = 'ASK { ?s ?p "원" }'.encode("euc-kr")
    response = sparql(base, method="POST", data=body, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "UTF-8" in response.text
    response = requests.get(base + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%22%BF%F8%22%7D", timeout=10)
    assert response.status_code == 400 and "UTF-8" in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_methods_are_405(base: str, method: str) -> None:
    response = sparql(base, method=method, params={"query": PLANS})
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


# --- read-only ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP DEFAULT",
    ],
)
def test_updates_are_refused_however_sent(triples: int, base: str, update: str) -> None:
    attempts = [
        sparql(base, params={"query": update}),
        sparql(base, params={"update": update}),
        sparql(base, method="POST", data={"update": update}),
        sparql(base, method="POST", data={"query": update}),
        sparql(base, method="POST", data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        sparql(base, method="POST", data=update.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in attempts:
        assert response.status_code == 403 and "read-only" in response.text, response.text
    assert count_of(sparql(base, params={"query": COUNT})) == triples


def test_service_is_refused_and_nothing_is_contacted(base: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        for response in (sparql(base, params={"query": query}), sparql(base, method="POST", data={"query": query.lower()})):
            assert response.status_code == 403 and "SERVICE" in response.text
        with pytest.raises(TimeoutError):
            listener.accept()


def test_the_word_service_in_a_literal_is_fine(base: str) -> None:
    response = sparql(base, params={"query": 'SELECT ?x WHERE { BIND("SERVICE <http://x>" AS ?x) }'})
    assert response.status_code == 200


# --- limits ---------------------------------------------------------------------------------


def test_slow_query_is_stopped_with_503_while_others_are_served(triples: int, base: str, request: pytest.FixtureRequest) -> None:
    if request.node.callspec.params.get("base") == "virtuoso":
        # Seen here: Virtuoso 7.2.5 answers "SR171: Transaction timed out" at its limit but goes
        # on computing this cross product at one full core for minutes, which would starve
        # every test after this one. weihai-kg's side (503 at 2 s) is tested over Oxigraph.
        pytest.skip("Virtuoso keeps computing a timed-out cross product (README: engine differences)")
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(sparql, base, params={"query": SLOW})
        time.sleep(0.3)
        started = time.monotonic()
        fast = sparql(base, params={"query": PLANS})
        fast_seconds = time.monotonic() - started
        assert fast.status_code == 200 and fast_seconds < 1.5
        response = slow.result()
    assert response.status_code == 503 and "2 s limit" in response.text
    assert count_of(sparql(base, params={"query": COUNT})) == triples  # the replaced worker answers


def test_request_body_over_the_limit_is_413(base: str) -> None:
    body = ("# " + "x" * 30000 + "\nASK {}").encode()
    assert sparql(base, method="POST", data=body, headers={"Content-Type": "application/sparql-query"}).status_code == 413


def test_query_over_the_length_limit_is_413(base: str) -> None:
    query = "ASK {}" + " " * 5000
    response = sparql(base, method="POST", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413 and "limit is 4000" in response.text


def test_result_over_the_row_limit_is_413(base: str) -> None:
    every_quad = "SELECT * WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"  # over 9000 rows
    response = sparql(base, params={"query": every_quad})
    assert response.status_code == 413 and "more than 4000 rows" in response.text
    assert sparql(base, params={"query": every_quad + " LIMIT 4000"}).status_code == 200
    construct = sparql(base, params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o . ?s ?p ?o } }"})
    assert construct.status_code == 200  # 3,289 distinct triples: under the limit


# --- self-description, health and named queries ----------------------------------------------


@pytest.mark.parametrize("media_type,rdflib_format", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_service_description(base: str, media_type: str, rdflib_format: str) -> None:
    response = requests.get(base + "/sparql", headers={"Accept": media_type}, timeout=10)
    assert response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(None, sd.endpoint, rdflib.URIRef(base + "/sparql"))
    assert service is not None
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.feature, sd.BasicFederatedQuery) not in graph
    assert (service, sd.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    assert len(set(graph.objects(service, sd.resultFormat))) == 10


def test_browsers_asking_for_sparql_get_the_query_page(base: str) -> None:
    response = requests.get(base + "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, allow_redirects=False, timeout=10)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_healthz_names_the_build(base: str, built: tuple[Path, BuildInfo], request: pytest.FixtureRequest) -> None:
    health = requests.get(base + "/healthz", timeout=10).json()
    remote = {"remote": "remote_store", "virtuoso": "virtuoso_store"}.get(request.node.callspec.id.split("-")[0])
    expected = f"remote {request.getfixturevalue(remote)}" if remote else built[1].build_id
    assert health["status"] == "ok" and health["build"] == expected


def test_named_queries_listed_in_the_requested_language(base: str) -> None:
    korean = requests.get(base + "/queries", headers={"Accept-Language": "ko, en;q=0.5"}, timeout=10).json()
    assert korean["language"] == "ko"
    titles = {q["name"]: q["title"] for q in korean["queries"]}
    assert titles["korea-projects-investment"] == "한국 관련 전자상거래 중점 사업의 총투자액 합계"
    chinese = requests.get(base + "/queries", headers={"Accept-Language": "zh-CN,zh;q=0.9"}, timeout=10).json()
    assert chinese["language"] == "zh"
    assert {q["name"]: q["title"] for q in chinese["queries"]}["plans"] == "威海的三项规划"
    english = requests.get(base + "/queries", timeout=10).json()
    assert {q["name"]: q["title"] for q in english["queries"]}["plans"] == "Weihai's three plans"


def test_named_query_runs_with_parameters_and_negotiation(base: str) -> None:
    response = requests.get(base + "/queries/projects-in-month", params={"month": "2018-01", "format": "csv"}, timeout=10)
    assert response.status_code == 200 and "weihai-china-korea-ftz-bohai-park" in response.text
    assert len(response.text.strip().splitlines()) == 2
    bad = requests.get(base + "/queries/projects-in-month", params={"month": "2018-13"}, timeout=10)
    assert bad.status_code == 400 and "gYearMonth" in bad.text
    assert requests.get(base + "/queries/nope", timeout=10).status_code == 404
    total = requests.get(base + "/queries/korea-projects-investment", headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert total.json()["results"]["bindings"][0]["total"]["value"] == "1072000000"


# --- the clients people use -------------------------------------------------------------------


def test_sparqlwrapper_client(base: str) -> None:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(PLANS)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert len(result["results"]["bindings"]) == 3  # type: ignore[index]
    client.setReturnFormat(CSV)
    client.setMethod("POST")
    assert b"weihai-cbec-action-plan" in client.query().convert()  # type: ignore[operator]


def test_rdflib_sparqlstore_client(base: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(base + "/sparql", returnFormat="json"))
    rows = list(
        graph.query("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { <https://w3id.org/weihai-kg/id/place/rushan> skos:prefLabel ?l }")
    )
    assert {str(r[0]) for r in rows} == {"루산시", "乳山市", "Rushan"}


def test_concurrent_clients_get_consistent_answers(triples: int, base: str) -> None:
    def ask(i: int) -> int:
        session = session_from(f"127.0.0.{30 + i}")  # forty users, one address each
        response = session.get(base + "/sparql", params={"query": COUNT}, timeout=30)
        return count_of(response)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(ask, range(40))) == {triples}


def test_one_client_alone_may_use_every_worker(base: str) -> None:
    """Four slow queries from one client on two workers: two run to the time limit, two wait
    that long for a worker; none is refused (the fair share: tests/test_fair_share.py)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda _: sparql(base, params={"query": SLOW}), range(4)))
    assert [r.status_code for r in replies] == [503] * 4
    assert all(r.headers.get("Retry-After") for r in replies)


def test_error_bodies_are_short(base: str) -> None:
    for response in (sparql(base, params={"query": "nonsense"}), sparql(base, method="PUT")):
        assert len(response.text) < 2000 and "Traceback" not in response.text


def test_json_results_are_valid_utf8_json(base: str) -> None:
    query = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { <https://w3id.org/weihai-kg/id/platform/wekoreago> skos:prefLabel ?l }"
    labels = {b["l"]["value"] for b in json.loads(sparql(base, params={"query": query}).content.decode("utf-8"))["results"]["bindings"]}
    assert "威韩购" in labels


# --- the dataset: Graph Store Protocol (read) and VoID ---------------------------------------


def test_graph_store_reads_and_refuses_writes(base: str, triples: int) -> None:
    default = requests.get(base + "/store?default", headers={"Accept": "application/n-triples"}, timeout=30)
    assert default.status_code == 200, default.text[:300]
    assert len(rdflib.Graph().parse(data=default.content, format="nt")) == triples
    row = "https://w3id.org/weihai-kg/id/report/hanjung-zine-193/t3-r5"
    one = requests.get(base + "/store", params={"graph": row}, headers={"Accept": "text/turtle"}, timeout=10)
    graph = rdflib.Graph().parse(data=one.content, format="turtle")
    assert (
        rdflib.URIRef("https://w3id.org/weihai-kg/id/project/china-korea-trade-ecommerce-park"),
        rdflib.URIRef("https://w3id.org/weihai-kg/ontology#leadAgency"),
        rdflib.URIRef("https://w3id.org/weihai-kg/id/agent/weihai-port-group"),
    ) in graph
    assert requests.get(base + "/store", params={"graph": "https://example.org/none"}, timeout=10).status_code == 404
    whole = requests.get(base + "/store", headers={"Accept": "application/trig"}, timeout=30)
    assert whole.status_code == 200, whole.text[:300]
    dataset = rdflib.Dataset().parse(data=whole.content, format="trig")
    assert len({str(g.identifier) for g in dataset.graphs()}) >= 104
    dataset = rdflib.Dataset().parse(data=whole.content, format="trig")  # the dump keeps the union default graph too
    assert len(dataset.default_context) == triples
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        response = requests.request(method, base + "/store?default", data=b"<a:b> <a:c> <a:d> .", headers={"Content-Type": "application/n-triples"}, timeout=10)
        assert response.status_code == 405 and "read-only" in response.text and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert requests.options(base + "/store", timeout=10).headers["Allow"] == "GET, HEAD, OPTIONS"
    for url in (base + "/store?default", base + "/store?graph=" + row, base + "/store"):
        head, get = requests.head(url, timeout=30), requests.get(url, timeout=30)
        assert head.status_code == 200 and head.content == b"" and head.headers["Content-Length"] == get.headers["Content-Length"]
        assert head.headers["ETag"] == get.headers["ETag"]
    assert requests.head(base + "/store", params={"graph": "https://example.org/none"}, timeout=10).status_code == 404


def test_void_describes_the_dataset_and_its_dumps(base: str, triples: int) -> None:
    response = requests.get(base + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    ds = rdflib.URIRef("https://w3id.org/weihai-kg/dataset")
    assert int(graph.value(ds, void.triples)) == triples
    assert graph.value(ds, void.sparqlEndpoint) == rdflib.URIRef(base + "/sparql")
    assert graph.value(ds, rdflib.DCTERMS.source) == rdflib.URIRef("https://w3id.org/weihai-kg/id/report/hanjung-zine-193")
    assert graph.value(ds, rdflib.DCTERMS.license) is not None
    assert len(set(graph.objects(ds, void.subset))) == 115
    assert int(graph.value(ds, void.classes)) > 30 and int(graph.value(ds, void.entities)) > 250
    for dist in graph.objects(ds, dcat.distribution):
        body = requests.get(str(dist), timeout=30).content
        assert int(graph.value(dist, dcat.byteSize)) == len(body)
        checksum = graph.value(dist, spdx.checksum)
        import hashlib

        assert str(graph.value(checksum, spdx.checksumValue)) == hashlib.sha256(body).hexdigest()


def test_limits_from_environment_variables(built: tuple[Path, BuildInfo]) -> None:
    env = {"WEIHAI_KG_QUERY_TIMEOUT": "1", "WEIHAI_KG_MAX_QUERY_CHARS": "100"}
    with running_server(built[0], env=env) as url:
        slow = requests.get(url + "/sparql", params={"query": SLOW}, timeout=30)
        assert slow.status_code == 503 and "1 s limit" in slow.text
        assert requests.get(url + "/sparql", params={"query": "ASK {}" + " " * 100}, timeout=10).status_code == 413


def test_doubled_slashes_are_not_redirected(base: str) -> None:
    """The long fuzz run's finding: werkzeug merged slashes with a 308 and an HTML page."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    for path in ("//", "//sparql", "/id//place/wendeng", "///queries"):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status in (200, 404), (path, response.status)
        connection.close()
