"""What a linked-data client meets over HTTP besides queries: entity documents and their
Cool-URIs headers, the dataset's and the shapes' IRIs, the public base URL (never the Host
header), validators and 304, gzip, and file names on exports; against a real server."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests

from weihai_kg.store.layout import BuildInfo

from .server import running_server

WENDENG = rdflib.URIRef("https://w3id.org/weihai-kg/id/place/wendeng")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def base(built: tuple[Path, BuildInfo]) -> Iterator[str]:
    with running_server(built[0]) as url:
        yield url


def test_entity_iri_names_its_document(base: str) -> None:
    response = requests.get(base + "/id/place/wendeng", headers={"Accept": "application/ld+json"}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/ld+json")
    assert response.headers["Content-Location"] == base + "/id/place/wendeng.jsonld"
    assert response.headers["Link"] == f'<{base}/id/place/wendeng.ttl>; rel="describedby"; type="text/turtle"'


@pytest.mark.parametrize(
    "extension,media_type,rdflib_format",
    [
        ("ttl", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("nt", "application/n-triples", "nt"),
        ("rdf", "application/rdf+xml", "xml"),
    ],
)
def test_document_urls_answer_one_format_whatever_accept_says(base: str, extension: str, media_type: str, rdflib_format: str) -> None:
    response = requests.get(f"{base}/id/place/wendeng.{extension}", headers={"Accept": "text/html"}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    assert "Vary" not in response.headers or "Accept," not in response.headers["Vary"] + ","
    assert (WENDENG, rdflib.RDF.type, None) in rdflib.Graph().parse(data=response.content, format=rdflib_format)


def test_quad_documents_hold_the_triples_in_the_default_graph_too(base: str) -> None:
    response = requests.get(base + "/id/place/wendeng.nq", timeout=10)
    dataset = rdflib.Dataset().parse(data=response.content, format="nquads")
    assert (WENDENG, rdflib.RDF.type, None) in dataset.default_context
    assert len({g.identifier for g in dataset.graphs()}) > 2  # and in the places of the report that state them
    ontology = rdflib.Dataset().parse(data=requests.get(base + "/ontology", headers={"Accept": "application/n-quads"}, timeout=10).content, format="nquads")
    assert len(ontology.default_context) > 100


def test_the_ontology_has_documents_too(base: str) -> None:
    turtle = requests.get(base + "/ontology.ttl", headers={"Accept": "text/html"}, timeout=10)
    assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    ontology = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/weihai-kg/ontology#Project"), rdflib.RDF.type, rdflib.OWL.Class) in ontology
    assert requests.get(base + "/ontology", headers={"Accept": "text/turtle"}, timeout=10).headers["Content-Location"] == base + "/ontology.ttl"
    assert requests.get(base + "/ontology.png", timeout=10).status_code == 404


def test_html_document_and_unknown_documents(base: str) -> None:
    page = requests.get(base + "/id/place/wendeng.html", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert requests.get(base + "/id/place/nowhere.ttl", timeout=10).status_code == 404


def test_dataset_and_shapes_iris_resolve(base: str) -> None:
    void = rdflib.Graph().parse(data=requests.get(base + "/dataset", timeout=10).content, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/weihai-kg/dataset"), rdflib.RDF.type, VOID.Dataset) in void
    shapes = rdflib.Graph().parse(data=requests.get(base + "/shapes", headers={"Accept": "application/n-triples"}, timeout=10).content, format="nt")
    assert (rdflib.URIRef("https://w3id.org/weihai-kg/shapes"), rdflib.RDF.type, rdflib.OWL.Ontology) in shapes
    assert len(shapes) > 200


def test_the_host_header_never_decides_what_is_advertised(base: str) -> None:
    void = requests.get(base + "/.well-known/void", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}, timeout=10).text
    assert "evil.example" not in void and f"<{base}/sparql>" in void
    description = requests.get(base + "/sparql", headers={"Host": "evil.example", "Accept": "text/turtle"}, timeout=10).text
    assert "evil.example" not in description


def test_a_configured_public_url_and_a_trusted_proxy(built: tuple[Path, BuildInfo]) -> None:
    with running_server(built[0], "--public-url", "https://kg.example.org/weihai/") as base:
        void = requests.get(base + "/.well-known/void", headers={"Host": "evil.example"}, timeout=10).text
        assert "<https://kg.example.org/weihai/sparql>" in void and "evil.example" not in void
        assert requests.get(base + "/id/place/wendeng", timeout=10).headers["Content-Location"] == "https://kg.example.org/weihai/id/place/wendeng.ttl"
    with running_server(built[0], "--trust-proxy") as base:
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "proxy.example.org"}
        void = requests.get(base + "/.well-known/void", headers=forwarded, timeout=10).text
        assert "<https://proxy.example.org/sparql>" in void


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/id/place/wendeng", "/store?default", "/.well-known/void", "/queries/projects-in-month"])
def test_validators_and_304(base: str, path: str) -> None:
    first = requests.get(base + path, timeout=30)
    assert first.status_code == 200 and first.headers["ETag"].startswith('"') and "Last-Modified" in first.headers
    again = requests.get(base + path, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == first.headers["ETag"]
    since = requests.get(base + path, headers={"If-Modified-Since": first.headers["Last-Modified"]}, timeout=30)
    assert since.status_code == 304
    other = requests.get(base + path, headers={"If-None-Match": '"another"'}, timeout=30)
    assert other.status_code == 200 and other.content == first.content


def test_gzip_when_asked(base: str) -> None:
    plain = requests.get(base + "/store?default", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    raw = requests.get(base + "/store?default", headers={"Accept-Encoding": "gzip"}, timeout=30, stream=True)
    body = raw.raw.read(decode_content=False)
    assert raw.headers["Content-Encoding"] == "gzip" and int(raw.headers["Content-Length"]) == len(body) < len(plain.content) / 3
    assert gzip.decompress(body) == plain.content
    assert raw.headers["ETag"] != plain.headers["ETag"]  # another representation, another tag


def test_exports_carry_a_file_name(base: str) -> None:
    shown = requests.get(base + "/export/turtle", timeout=30)
    assert shown.headers["Content-Disposition"] == 'inline; filename="weihai-kg.ttl"'
    saved = requests.get(base + "/export/graphml", params={"download": "1"}, timeout=30)
    assert saved.headers["Content-Disposition"] == 'attachment; filename="weihai-kg.graphml"'
    jsonld = requests.get(base + "/export/jsonld", timeout=30)
    assert isinstance(jsonld.json()["@context"], dict) and "context.jsonld" in jsonld.headers["Link"]


def test_a_body_is_compressed_once() -> None:
    """The same dump asked for again is not compressed again (the kept bytes come back)."""
    from weihai_kg.web.caching import _gzipped

    body = b'<https://w3id.org/weihai-kg/id/place/wendeng> <http://www.w3.org/2004/02/skos/core#prefLabel> "x" .\n' * 500
    first = _gzipped(body)
    assert gzip.decompress(first) == body and _gzipped(body) is first


def test_a_wildcard_bind_address_is_never_advertised() -> None:
    from weihai_kg.cli import listen_url

    assert listen_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"  # noqa: S104
    assert listen_url("::", 8000) == "http://127.0.0.1:8000"
    assert listen_url("::1", 8000) == "http://[::1]:8000"
    assert listen_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
