"""Linked-data pages and dereferenceable IRIs over HTTP, and the query page in a real
headless Chromium (Debian's, driven by Playwright), with screenshots kept as artifacts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests

from weihai_kg.store.layout import BuildInfo

from .conftest import ARTIFACTS, SCREENSHOTS, VIRTUOSO_WRONG, serve_args
from .helpers import query_text, write_query
from .server import running_server

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module", params=["embedded", "remote", "virtuoso"])
def base(request: pytest.FixtureRequest, built: tuple[Path, BuildInfo]) -> Iterator[str]:
    """Over the embedded store, and in remote mode over a real Oxigraph server and a real Virtuoso."""
    remote = serve_args(request, request.param)
    with running_server(built[0], *remote) as url:
        yield url


def test_entity_iri_gives_rdf_by_default_and_html_to_browsers(base: str) -> None:
    iri = "https://w3id.org/weihai-kg/id/place/wendeng"
    turtle = requests.get(base + "/id/place/wendeng", timeout=10)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    labels = {str(o) for o in graph.objects(rdflib.URIRef(iri), rdflib.SKOS.prefLabel)}
    assert {"원당구", "文登区", "Wendeng District"} <= labels
    assert (None, rdflib.URIRef("https://w3id.org/weihai-kg/ontology#inArea"), rdflib.URIRef(iri)) in graph  # links in
    page = requests.get(base + "/id/place/wendeng", headers=HTML, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "원딩구" in page.text and "Table 4, row 2, item 1" in page.text


@pytest.mark.parametrize(
    "media_type,fmt",
    [("application/ld+json", "json-ld"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"), ("application/trig", "trig")],
)
def test_entity_rdf_formats(base: str, media_type: str, fmt: str) -> None:
    response = requests.get(base + "/id/project/wekoreago-platform", headers={"Accept": media_type}, timeout=10)
    assert response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
    graph.parse(data=response.content, format=fmt)
    assert len(graph) > 10
    if fmt == "trig":  # provenance kept: the statement stands in the graph of table 3, row 2
        contexts = {str(c.identifier) for c in graph.contexts()}
        assert "https://w3id.org/weihai-kg/id/report/hanjung-zine-193/t3-r2" in contexts


def test_every_entity_of_the_graph_resolves(base: str, store: object) -> None:
    from pyoxigraph import NamedNode, QuerySolutions

    rows = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), 'https://w3id.org/weihai-kg/id/')) }")  # type: ignore[attr-defined]
    assert isinstance(rows, QuerySolutions)
    iris = [r["s"].value for r in rows if isinstance(r["s"], NamedNode)]
    assert len(iris) > 250
    session = requests.Session()
    for iri in iris:
        response = session.get(base + "/" + iri.removeprefix("https://w3id.org/weihai-kg/"), headers={"Accept": "text/turtle"}, timeout=10)
        assert response.status_code == 200, iri


def test_ontology_and_graph_iris_resolve(base: str) -> None:
    onto = requests.get(base + "/ontology", headers={"Accept": "text/turtle"}, timeout=10)
    graph = rdflib.Graph().parse(data=onto.content, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/weihai-kg/ontology#Project"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    # over Virtuoso the documentation page asks for examples of ~100 terms one query each
    # (remote mode keeps nothing between requests): ~10 s on an idle 2-core machine, so a
    # generous limit for a loaded one
    page = requests.get(base + "/ontology", headers=HTML, timeout=60)
    assert 'id="Project"' in page.text and "사업" in page.text
    assert requests.get(base + "/graph/translations", headers=HTML, timeout=10).status_code == 200


def test_unknown_iri_is_404_and_pages_set_security_headers(base: str) -> None:
    assert requests.get(base + "/id/project/nothing-here", timeout=10).status_code == 404
    page = requests.get(base + "/id/place/rushan", headers=HTML, timeout=10)
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_nothing_from_elsewhere(base: str) -> None:
    for path in ("/", "/id/place/rushan", "/ontology"):
        text = requests.get(base + path, headers=HTML, timeout=10).text
        assert "http://" not in text.replace("http://www.w3.org", "").split("<main")[0]
        assert 'src="http' not in text and 'href="http' not in text.split("<main")[0]


def test_query_page_runs_an_example_and_links_to_entities(base: str, browser: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="en-US", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.goto(base + "/")
    page.wait_for_selector("#examples a[data-name='agency-projects']")
    assert page.locator("#editor .cm-keyword").count() > 0  # the editor highlights SPARQL
    page.click("#examples a[data-name='agency-projects']")
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 5
    assert "Weihai Port Group Co., Ltd." in page.locator("#results").inner_text()
    assert page.locator("#results td[title='@ko']").count() == 5  # the language on hover, not beside each value
    page.screenshot(path=str(SCREENSHOTS / "query-page.png"), full_page=True)
    page.click("#results a[href^='/id/agent/weihai-port-group']")
    page.wait_for_selector("h1#title")
    assert page.locator("h1#title").inner_text() == "Weihai Port Group Co., Ltd."
    assert "웨이하이항그룹유한공사" in page.locator("table.names").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "entity-page.png"), full_page=True)
    assert outside == []
    page.close()


@pytest.mark.parametrize("name", ["projects-in-month", "area-projects", "entity-names", "fact-provenance", "label-search"])
def test_examples_with_parameters_run_from_the_query_page(base: str, browser: object, name: str, request: pytest.FixtureRequest) -> None:
    """Each example that takes a parameter runs as shown, with its default bound by the server
    (it once failed with "Prefix not found"), and answers what /queries/NAME answers."""
    import requests

    if name in VIRTUOSO_WRONG and request.node.callspec.params.get("base") == "virtuoso":
        request.applymarker(pytest.mark.xfail(strict=True, reason=VIRTUOSO_WRONG[name]))

    expected = len(requests.get(f"{base}/queries/{name}", headers={"Accept": "application/sparql-results+json"}, timeout=30).json()["results"]["bindings"])
    assert expected > 0
    page = browser.new_page(locale="en-US")  # type: ignore[attr-defined]
    page.goto(base + "/")
    page.click(f"#examples a[data-name='{name}']")
    assert "VALUES" in query_text(page)
    page.click("#run")
    page.wait_for_selector("#results tbody tr, #error:not(:empty)")
    assert page.locator("#error").inner_text() == ""
    assert page.locator("#results tbody tr").count() == expected
    page.close()


def test_download_offers_the_formats_of_the_query_form(base: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/")
    visible = "[...document.querySelectorAll('#download-format option')].filter(o => !o.hidden).map(o => o.value)"
    assert page.evaluate(visible) == ["json", "xml", "csv", "tsv"]
    write_query(page, "PREFIX wh: <https://w3id.org/weihai-kg/ontology#>\nCONSTRUCT WHERE { ?p a wh:Plan }")
    assert page.evaluate(visible) == ["turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig"]
    assert page.evaluate("document.getElementById('download-format').value") == "turtle"
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.endswith(".ttl")
    page.close()


def test_query_page_in_korean_shows_errors(base: str, browser: object) -> None:
    page = browser.new_page(locale="ko-KR")  # type: ignore[attr-defined]
    page.goto(base + "/?lang=ko")
    assert page.locator("#run").inner_text() == "실행"
    write_query(page, "SELECT ?x WHERE { ?x ?y }")
    page.click("#run")
    page.wait_for_selector("#error:not(:empty)")
    assert page.locator("#error").inner_text().startswith("400")
    page.close()
