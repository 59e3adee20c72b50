"""Every dump the VoID lists, downloaded as a client would and loaded offline into other
tools: rdflib, pyld (JSON-LD, with a loader that refuses every fetch) and Apache Jena's
``riot``; each must hold the endpoint's dataset, with the size and checksum VoID states."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
import requests
from pyld import jsonld
from pyoxigraph import DefaultGraph, Store

from weihai_kg import formats
from weihai_kg.store.layout import BuildInfo

from . import jena
from .server import running_server

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
RDFLIB_FORMATS = {
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
NETWORKS = {formats.EXPORTS[k].media_type: k for k in ("graphml", "gexf")}  # read by networkx
EXTENSIONS = {formats.EXPORTS[k].media_type: formats.EXPORTS[k].extension for k in formats.DUMPS}


@pytest.fixture(scope="module")
def served(built: tuple[Path, BuildInfo], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, str, Path, rdflib.Graph]]]:
    """Each dump VoID lists: (URL, media type, the file saved, the VoID graph)."""
    folder = tmp_path_factory.mktemp("dumps")
    with running_server(built[0]) as base:
        void = rdflib.Graph().parse(data=requests.get(base + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30).content, format="turtle")
        found = []
        for dump in sorted(void.objects(None, VOID.dataDump)):
            media_type = str(void.value(dump, DCAT.mediaType)).rsplit("/media-types/", 1)[-1]
            response = requests.get(str(dump), timeout=60)
            assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type), dump
            assert "filename=" in response.headers.get("Content-Disposition", ""), dump
            saved = folder / f"weihai-kg-{len(found)}.{EXTENSIONS[media_type]}"
            saved.write_bytes(response.content)
            found.append((str(dump), media_type, saved, void))
        yield found


def expected(store: Store, media_type: str) -> int:
    """Triples in the default graph (the union), or every quad for the formats with graphs."""
    graph = None if media_type in ("application/n-quads", "application/trig") else DefaultGraph()
    return len(list(store.quads_for_pattern(None, None, None, graph)))


def test_void_lists_every_dump_format(served: list[tuple[str, str, Path, rdflib.Graph]]) -> None:
    assert {media_type for _, media_type, _, _ in served} == set(RDFLIB_FORMATS) | set(NETWORKS)


def test_sizes_and_checksums_match_void(served: list[tuple[str, str, Path, rdflib.Graph]]) -> None:
    for url, _, saved, void in served:
        node = rdflib.URIRef(url)
        assert int(void.value(node, DCAT.byteSize)) == saved.stat().st_size, url
        checksum = void.value(node, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(saved.read_bytes()).hexdigest(), url


def test_every_dump_loads_in_rdflib(served: list[tuple[str, str, Path, rdflib.Graph]], store: Store) -> None:
    for url, media_type, saved, _ in served:
        if media_type in NETWORKS:
            continue
        loaded = rdflib.Dataset() if media_type in ("application/n-quads", "application/trig") else rdflib.Graph()
        loaded.parse(saved, format=RDFLIB_FORMATS[media_type])
        count = sum(len(g) for g in loaded.graphs()) if isinstance(loaded, rdflib.Dataset) else len(loaded)
        assert count == expected(store, media_type), url


def test_the_network_dumps_load_in_networkx(served: list[tuple[str, str, Path, rdflib.Graph]], store: Store) -> None:
    """GraphML and GEXF read by networkx, the library graph tools in Python read them with:
    a node for every entity of the project's namespace that the network shows, and edges."""
    import networkx

    readers = {"graphml": networkx.read_graphml, "gexf": networkx.read_gexf}
    loaded = {NETWORKS[t]: readers[NETWORKS[t]](saved) for _, t, saved, _ in served if t in NETWORKS}
    assert set(loaded) == {"graphml", "gexf"}
    assert loaded["graphml"].number_of_nodes() == loaded["gexf"].number_of_nodes() > 100
    assert loaded["graphml"].number_of_edges() == loaded["gexf"].number_of_edges() > 100
    project = "https://w3id.org/weihai-kg/id/project/wekoreago-platform"
    assert project in loaded["graphml"] and project in loaded["gexf"]
    assert loaded["graphml"].nodes[project]["label"] == loaded["gexf"].nodes[project]["label"]


def no_fetching(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise jsonld.JsonLdError(f"this test is offline: {url}", "jsonld.LoadDocumentError", code="loading document failed")


def test_the_jsonld_dump_loads_in_pyld_offline(served: list[tuple[str, str, Path, rdflib.Graph]], store: Store) -> None:
    import json

    (saved,) = [s for _, media_type, s, _ in served if media_type == "application/ld+json"]
    nquads = jsonld.to_rdf(json.loads(saved.read_text(encoding="utf-8")), {"format": "application/n-quads", "documentLoader": no_fetching})
    assert len({line for line in nquads.splitlines() if line}) == expected(store, "application/ld+json")


def riot_cases() -> list[Any]:
    cases: list[Any] = [pytest.param(t, id=t) for t in RDFLIB_FORMATS if t != "application/ld+json"]
    reason = "Debian 12's Jena reads JSON-LD 1.1 with Titanium, which has no Jakarta JSON-P provider there (tests/jena.py)"
    cases.append(pytest.param("application/ld+json", id="application/ld+json", marks=pytest.mark.xfail(strict=True, reason=reason)))
    return cases


@pytest.mark.skipif(not jena.available(), reason="Debian's libapache-jena-java is not installed (scripts/setup installs it)")
@pytest.mark.parametrize("media_type", riot_cases())
def test_every_dump_validates_in_jena_riot(served: list[tuple[str, str, Path, rdflib.Graph]], store: Store, media_type: str) -> None:
    (saved,) = [s for _, t, s, _ in served if t == media_type]
    checked = jena.run("riotcmd.riot", "--validate", "--strict", str(saved))
    assert checked.returncode == 0 and checked.stdout + checked.stderr == "", checked.stdout[-1000:] + checked.stderr[-2000:]
    counted = jena.run("riotcmd.riot", "--count", str(saved))  # "FILE : Triples = 2,695" (or Quads), on stderr
    said = re.search(r"(?:Triples|Quads) = ([\d,]+)", counted.stdout + counted.stderr)
    assert said is not None and int(said.group(1).replace(",", "")) == expected(store, media_type), counted.stdout + counted.stderr
