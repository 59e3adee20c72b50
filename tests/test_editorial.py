"""The editorial layer as its users meet it: renamed IRIs still resolve (a 301 that rdflib
and curl-style clients follow), entity pages show the links to other datasets with their
sources in a real browser, Chinese literals carry script subtags that match the characters
written (checked by hanzidentifier, not by us), and a derived figure says where it came from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import hanzidentifier
import pytest
import rdflib
import requests
from pyoxigraph import Literal, Quad

from weihai_kg.namespaces import PREFIXES
from weihai_kg.store.layout import BuildInfo

from .server import running_server

OWL_SAME_AS = rdflib.OWL.sameAs


@pytest.fixture(scope="module")
def base(built: tuple[Path, BuildInfo]) -> Iterator[str]:
    with running_server(built[0]) as url:
        yield url


@pytest.mark.parametrize(
    "old,new",
    [
        ("/id/agent/yingu-industrial-park-co", "/id/agent/yinggu-industrial-park-co"),
        ("/id/place/incheon-fez", "/id/zone/incheon-fez"),
        ("/id/place/incheon-fez.ttl", "/id/zone/incheon-fez.ttl"),
    ],
)
def test_a_renamed_iri_redirects_to_its_new_one(base: str, old: str, new: str) -> None:
    response = requests.get(base + old, allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == new
    followed = requests.get(base + old, headers={"Accept": "text/turtle"}, timeout=10)
    assert followed.status_code == 200 and followed.url == base + new


def test_rdflib_follows_a_renamed_iri_to_the_description_of_the_new_one(base: str) -> None:
    graph = rdflib.Graph()
    graph.parse(base + "/id/agent/yingu-industrial-park-co", format="turtle")  # rdflib's own HTTP, its defaults
    new = rdflib.URIRef(PREFIXES["agent"] + "yinggu-industrial-park-co")
    assert (new, rdflib.URIRef(PREFIXES["skos"] + "prefLabel"), rdflib.Literal("Weihai Yinggu Industrial Park Co., Ltd.", lang="en")) in graph
    assert (rdflib.URIRef(PREFIXES["agent"] + "yingu-industrial-park-co"), OWL_SAME_AS, new) in graph


def test_a_link_graph_resolves_and_names_its_source(base: str) -> None:
    graph = rdflib.Graph()
    graph.parse(data=requests.get(base + "/graph/external/wikipedia-weihai", headers={"Accept": "text/turtle"}, timeout=10).text, format="turtle")
    me = rdflib.URIRef(PREFIXES["graph"] + "external/wikipedia-weihai")
    assert (me, rdflib.DCTERMS.source, rdflib.URIRef("https://en.wikipedia.org/wiki/Weihai")) in graph
    assert (me, rdflib.DCTERMS.isPartOf, rdflib.URIRef(PREFIXES["graph"] + "external")) in graph


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_entity_page_shows_links_with_their_sources(base: str, browser: object, lang: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, extra_http_headers={"Accept-Language": lang})  # type: ignore[attr-defined]
    try:
        page.goto(base + "/id/place/weihai")
        heading = "다른 데이터셋과의 연결" if lang == "ko" else "Links to other datasets"
        assert page.locator("#links").inner_text() == heading
        table = page.locator("table.links").inner_text()
        assert "http://dbpedia.org/resource/Weihai" in table and "371000" in table
        assert "https://en.wikipedia.org/wiki/Weihai" in table
    finally:
        page.close()


def test_chinese_tags_match_the_characters_written(quads: list[Quad]) -> None:
    expected = {
        "zh-hans": {hanzidentifier.SIMPLIFIED, hanzidentifier.BOTH},
        "zh-hant": {hanzidentifier.TRADITIONAL, hanzidentifier.BOTH},
        "zh": {hanzidentifier.BOTH},
    }
    seen = {tag: 0 for tag in expected}
    for q in quads:
        if isinstance(q.object, Literal) and (q.object.language or "").lower().startswith("zh"):
            tag = q.object.language.lower()
            assert tag in expected, q
            han = "".join(ch for ch in q.object.value if hanzidentifier.has_chinese(ch))
            assert hanzidentifier.identify(han) in expected[tag], f"{q.object.value!r} is tagged {tag}"
            seen[tag] += 1
    assert all(seen.values()), seen  # all three tags are in use, so each rule is exercised


def test_a_derived_figure_names_its_source_method_and_doubt(store: object) -> None:
    from .helpers import select

    rows = select(
        store,  # type: ignore[arg-type]
        """
        PREFIX wh: <https://w3id.org/weihai-kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX graph: <https://w3id.org/weihai-kg/graph/>
        PREFIX schema: <https://schema.org/>
        SELECT ?quantity ?m2 ?from ?method ?note WHERE {
          GRAPH graph:derivations { ?quantity schema:value ?m2 ; wh:derivation ?d .
            ?d prov:wasDerivedFrom ?from ; wh:method ?method ; skos:editorialNote ?note }
          FILTER (lang(?method) = "en" && lang(?note) = "en") }""",
    )
    assert {r["from"] for r in rows} == {"locus:t3-r3", "locus:t3-r4"}
    assert any("平" in r["note"] for r in rows)


def test_every_place_of_prose_has_its_english_in_the_translations_graph(store: object) -> None:
    """Each passage, section title, footnote, figure, table title and source entry has the
    editors' English (wh:translation), and it stands only in graph:translations."""
    from pyoxigraph import QuerySolutions

    missing = store.query(  # type: ignore[attr-defined]
        """PREFIX wh: <https://w3id.org/weihai-kg/ontology#>
        SELECT ?locus WHERE {
          VALUES ?kind { wh:Passage wh:Section wh:Footnote wh:Figure wh:Table wh:FrontMatter wh:SourceListEntry }
          ?locus a ?kind .
          FILTER EXISTS { ?locus wh:sourceText ?text FILTER (REGEX(?text, "[가-힣一-鿿]")) }  # a bare URL needs none
          FILTER NOT EXISTS { GRAPH <https://w3id.org/weihai-kg/graph/translations> { ?locus wh:translation ?en FILTER (lang(?en) = "en") } }
        }"""
    )
    assert isinstance(missing, QuerySolutions)
    assert [r["locus"].value for r in missing] == []
    elsewhere = store.query(  # type: ignore[attr-defined]
        "ASK { GRAPH ?g { ?l <https://w3id.org/weihai-kg/ontology#translation> ?t } FILTER (?g != <https://w3id.org/weihai-kg/graph/translations>) }"
    )
    assert not bool(elsewhere)
