"""Checking a release folder as its user does: ``sha256sum -c``, then every dump loaded offline
into rdflib (the graph tools' files into an XML parser) and compared with what a running
endpoint serves. Used by the release test and by the test of the installed wheel."""

from __future__ import annotations

import hashlib
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import rdflib
import requests

VERSION = "0.2.0"
DCAT, SPDX = rdflib.Namespace("http://www.w3.org/ns/dcat#"), rdflib.Namespace("http://spdx.org/rdf/terms#")
DCT, OWL = rdflib.DCTERMS, rdflib.OWL
DATASET = rdflib.URIRef(f"https://w3id.org/weihai-kg/dataset/{VERSION}")
RDF_DUMPS = {"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
NETWORK_DUMPS = ("graphml", "gexf")


def dump_path(folder: Path, extension: str) -> Path:
    return folder / f"weihai-kg-{VERSION}.{extension}"


def listed_sums(folder: Path) -> dict[str, str]:
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines)}


def release_void(folder: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / f"weihai-kg-{VERSION}.void.ttl", format="turtle")


def check_checksums(folder: Path) -> None:
    """``sha256sum -c SHA256SUMS`` passes in the folder, over every file but the list itself,
    and the release VoID gives each dump's size and checksum."""
    done = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    on_disk = {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
    assert set(listed_sums(folder)) == on_disk
    void = release_void(folder)
    for extension in [*RDF_DUMPS, *NETWORK_DUMPS]:
        path = dump_path(folder, extension)
        dist = next(d for d in void.objects(DATASET, DCAT.distribution) if str(d).endswith("/" + path.name))
        assert int(void.value(dist, DCAT.byteSize)) == path.stat().st_size
        checksum = void.value(dist, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()


def check_dumps_against(folder: Path, endpoint: str) -> None:
    """Every RDF dump reloads offline to the dataset the endpoint serves: N-Quads and TriG to
    each named graph, the others to the union default graph; GraphML and GEXF are the
    server's network export, node for node."""
    union = rdflib.Graph().parse(data=requests.get(endpoint + "/store?default", headers={"Accept": "application/n-triples"}, timeout=60).text, format="nt")
    assert len(union) > 1000
    whole = rdflib.Dataset().parse(data=requests.get(endpoint + "/store", headers={"Accept": "application/n-quads"}, timeout=60).text, format="nquads")
    named = {str(g.identifier): set(g) for g in whole.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID and len(g)}
    assert len(named) > 10
    for extension, fmt in RDF_DUMPS.items():
        path = dump_path(folder, extension)
        if extension == "jsonld":  # loads offline: the context is in the file, not at a URL to fetch
            assert isinstance(json.loads(path.read_bytes())["@context"], dict)
        if fmt in ("nquads", "trig"):
            loaded = rdflib.Dataset().parse(path, format=fmt)
            graphs = {str(g.identifier): set(g) for g in loaded.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID and len(g)}
            assert graphs == named, path.name
            assert set(loaded.default_graph) == set(union), f"{path.name}: its default graph is not the union"
        else:
            loaded_graph = rdflib.Graph().parse(path, format=fmt)
            assert set(loaded_graph) == set(union), path.name
    for extension in NETWORK_DUMPS:
        mine = ET.parse(dump_path(folder, extension)).getroot()  # noqa: S314  our own files, on loopback
        served = ET.fromstring(requests.get(f"{endpoint}/export/{extension}", timeout=60).content)  # noqa: S314
        nodes = [e for e in mine.iter() if e.tag.endswith("}node")]
        assert len(nodes) > 100
        assert sorted(e.get("id", "") for e in nodes) == sorted(e.get("id", "") for e in served.iter() if e.tag.endswith("}node"))
        assert sum(e.tag.endswith("}edge") for e in mine.iter()) == sum(e.tag.endswith("}edge") for e in served.iter())
