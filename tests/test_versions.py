"""One version number everywhere, dates and makers on the ontology and the dataset, the
ontology's version IRI resolving, a data CHANGELOG, and a CITATION.cff that the Citation
File Format's own validator (cffconvert) accepts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests

from weihai_kg.store.layout import BuildInfo

from .server import ROOT, running_server

DCT = rdflib.Namespace("http://purl.org/dc/terms/")
ONTOLOGY = rdflib.URIRef("https://w3id.org/weihai-kg/ontology")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.fixture(scope="module")
def base(built: tuple[Path, BuildInfo]) -> Iterator[str]:
    with running_server(built[0]) as url:
        yield url


def test_the_ontology_states_its_version_dates_and_makers() -> None:
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "weihai-kg.ttl")
    assert str(ontology.value(ONTOLOGY, rdflib.OWL.versionInfo)) == VERSION
    assert ontology.value(ONTOLOGY, rdflib.OWL.versionIRI) == rdflib.URIRef(f"{ONTOLOGY}/{VERSION}")
    issued, modified = ontology.value(ONTOLOGY, DCT.issued), ontology.value(ONTOLOGY, DCT.modified)
    assert issued is not None and modified is not None and issued.toPython() <= modified.toPython()
    for role in (DCT.creator, DCT.publisher):
        maker = ontology.value(ONTOLOGY, role)
        assert maker is not None and ontology.value(maker, rdflib.FOAF.name) is not None


def test_the_version_iri_resolves_and_others_do_not(base: str) -> None:
    current = requests.get(f"{base}/ontology/{VERSION}", headers={"Accept": "text/turtle"}, timeout=10)
    assert current.status_code == 200 and current.headers["Content-Type"].startswith("text/turtle")
    assert (ONTOLOGY, rdflib.RDF.type, rdflib.OWL.Ontology) in rdflib.Graph().parse(data=current.content, format="turtle")
    other = requests.get(f"{base}/ontology/0.0.1", timeout=10)
    assert other.status_code == 404 and VERSION in other.text


def test_the_dataset_description_names_version_build_time_and_makers(base: str, built: tuple[Path, BuildInfo]) -> None:
    void = rdflib.Graph().parse(data=requests.get(base + "/dataset", headers={"Accept": "text/turtle"}, timeout=30).content, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/weihai-kg/dataset")
    assert str(void.value(dataset, rdflib.OWL.versionInfo)) == VERSION
    assert void.value(dataset, DCT.modified).toPython().isoformat() == built[1].built_at
    assert void.value(dataset, DCT.conformsTo) == rdflib.URIRef("https://w3id.org/weihai-kg/shapes")
    editors = {void.value(dataset, role) for role in (DCT.creator, DCT.publisher)}
    assert editors == {rdflib.URIRef("https://w3id.org/weihai-kg/id/agent/weihai-kg-editors")}
    page = requests.get(base + "/id/agent/weihai-kg-editors", headers={"Accept": "text/turtle"}, timeout=10)
    assert page.status_code == 200 and "weihai-kg editors" in page.text


def test_the_changelog_has_the_version() -> None:
    assert f"## {VERSION}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_citation_cff_is_valid_and_of_this_version() -> None:
    cffconvert = shutil.which("cffconvert", path=str(Path(sys.executable).parent))
    assert cffconvert is not None, "cffconvert is a test dependency (pyproject.toml)"
    checked = subprocess.run([cffconvert, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"version: {VERSION}\n" in (ROOT / "CITATION.cff").read_text(encoding="utf-8")
