"""The ontology documents every term, and every prefix declared anywhere agrees with
``namespaces.PREFIXES``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from weihai_kg.namespaces import ONTOLOGY_IRI, PREFIXES, WH

ROOT = Path(__file__).resolve().parent.parent
RDF_FILES = sorted([*ROOT.glob("ontology/*.ttl"), *ROOT.glob("data/*.trig"), *ROOT.glob("shapes/*.ttl"), *ROOT.glob("tests/fixtures/**/*.trig")])


@pytest.mark.parametrize("path", RDF_FILES, ids=[str(p.relative_to(ROOT)) for p in RDF_FILES])
def test_declared_prefixes_agree(path: Path) -> None:
    for prefix, iri in re.findall(r"^@prefix\s+(\w*):\s*<([^>]+)>", path.read_text(encoding="utf-8"), re.MULTILINE):
        assert PREFIXES.get(prefix) == iri, f"{path.name}: @prefix {prefix}: <{iri}>"


def test_every_term_is_documented() -> None:
    graph = rdflib.Graph().parse(ROOT / "ontology" / "weihai-kg.ttl")
    terms = {s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(WH)}
    assert len(terms) > 60
    for term in terms:
        labels = {lit.language for lit in graph.objects(term, rdflib.RDFS.label)}
        assert {"ko", "en"} <= labels, term
        assert graph.value(term, rdflib.RDFS.comment) is not None, term
        assert graph.value(term, rdflib.RDFS.isDefinedBy) == rdflib.URIRef(ONTOLOGY_IRI), term


def test_ontology_header() -> None:
    graph = rdflib.Graph().parse(ROOT / "ontology" / "weihai-kg.ttl")
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    assert graph.value(onto, rdflib.OWL.versionInfo) is not None
    assert {lit.language for lit in graph.objects(onto, rdflib.DCTERMS.title)} >= {"en", "ko"}
