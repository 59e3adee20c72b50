"""Exports load in their real consumers: every RDF dump parses back to the same graph, the
JSON-LD expands with pyld to the same graph, networkx reads GraphML and GEXF, Graphviz's
``dot`` renders the DOT, and the Cytoscape JSON has the elements cytoscape.js expects."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib
import requests
from pyld import jsonld
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store, parse

from weihai_kg import formats
from weihai_kg.export import network
from weihai_kg.export import rdf as export
from weihai_kg.store.layout import BuildInfo

from .server import running_server

ROOT = Path(__file__).resolve().parent.parent
DOT = shutil.which("dot")


def union(store: Store) -> set[str]:
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, DefaultGraph())}


def named(store: Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, DefaultGraph)}


@pytest.mark.parametrize("key", ["turtle", "ntriples", "rdfxml"])
def test_triple_dumps_round_trip(store: Store, key: str) -> None:
    body = export.export_rdf(store, key)
    parsed = {str(q.triple) for q in parse(body, format=formats.GRAPHS[key].rdf)}
    assert parsed == union(store)


@pytest.mark.parametrize("key", ["nquads", "trig"])
def test_quad_dumps_keep_every_named_graph_and_the_default_graph(store: Store, key: str) -> None:
    body = export.export_rdf(store, key)
    parsed = list(parse(body, format=formats.GRAPHS[key].rdf))
    assert {str(q) for q in parsed if not isinstance(q.graph_name, DefaultGraph)} == named(store)
    assert {str(q.triple) for q in parsed if isinstance(q.graph_name, DefaultGraph)} == union(store)


def test_turtle_dump_is_readable(store: Store) -> None:
    text = export.export_rdf(store, "turtle").decode("utf-8")
    assert text.startswith("@prefix") and "project:wekoreago-platform" in text
    assert rdflib.Graph().parse(data=text, format="turtle").isomorphic(rdflib.Graph().parse(data=export.export_rdf(store, "ntriples"), format="nt"))


def test_jsonld_reads_naturally_and_expands_to_the_same_graph(store: Store) -> None:
    document = export.export_jsonld(store)
    assert document["@context"] == export.context_document()["@context"]  # inlined: it loads offline
    park = next(n for n in document["@graph"] if n["id"].endswith("/project/china-korea-trade-ecommerce-park"))
    assert park["type"] == "Project"
    assert park["name"] == {"en": "China–Korea International Trade E-commerce Industrial Park", "ko": "중한국제무역전자상거래산업원"}
    assert park["leadAgency"] == "https://w3id.org/weihai-kg/id/agent/weihai-port-group"
    amount = next(n for n in document["@graph"] if n["id"].endswith("/quantity/china-korea-trade-ecommerce-park-investment"))
    assert amount["value"] == "360000000" and amount["currency"] == "CNY"
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})  # pyld's default loader: nothing to fetch
    again = {str(q.triple) for q in parse(nquads.encode(), format=RdfFormat.N_QUADS)}
    assert again == union(store)


def test_every_predicate_has_a_short_key_in_the_context(store: Store) -> None:
    keys = network.short_keys()
    used = {
        q.predicate.value
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, DefaultGraph) and q.graph_name != NamedNode("https://w3id.org/weihai-kg/graph/ontology")
    }
    missing = sorted(p for p in used if p not in keys and not p.endswith("#type"))
    assert missing == []


@pytest.mark.parametrize("frame,count", [("project", 50), ("plan", 3), ("organization", 12)])
def test_framed_jsonld_embeds_what_a_type_links_to(store: Store, frame: str, count: int) -> None:
    document = export.export_framed(store, frame)
    assert len(document["@graph"]) == count
    if frame == "project":
        park = next(n for n in document["@graph"] if n["id"].endswith("/project/china-korea-trade-ecommerce-park"))
        assert park["leadAgency"]["name"]["ko"] == "웨이하이항그룹유한공사"
        assert park["totalInvestment"]["value"] == "360000000"
        assert park["period"]["start"]["yearMonth"] == "2015-06" and park["period"]["end"]["yearMonth"] == "2017-06"
        assert park["plan"]["name"]["zh-hans"] == "威海市推进“互联网+”行动实施方案"
        assert isinstance(park["plan"]["publisher"], str)  # embedded only one level
        rushan = next(n for n in document["@graph"] if n["id"].endswith("/project/rushan-internet-plus-transport"))
        assert rushan["inArea"]["name"]["zh-hans"] == "乳山市"


def test_graphml_and_gexf_load_in_networkx(store: Store, tmp_path: Path) -> None:
    graph = network.build_network(store, network.data_triples(store), "ko")
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"g.{fmt}"
        path.write_bytes(network.write(graph, fmt))
        loaded = reader(path)
        assert loaded.number_of_nodes() == graph.number_of_nodes() > 200
        assert loaded.number_of_edges() == graph.number_of_edges() > 400
        park = loaded.nodes["https://w3id.org/weihai-kg/id/project/china-korea-trade-ecommerce-park"]
        assert park["label"] == "중한국제무역전자상거래산업원" and park["class"] == "wh:Project" and park["label_en"].startswith("China–Korea")
        amount = loaded.nodes["https://w3id.org/weihai-kg/id/quantity/china-korea-trade-ecommerce-park-investment"]
        assert amount["value"] == "360000000" and amount["currency"] == "CNY"  # literals are attributes, not nodes
        labels = {d.get("label") for _, _, d in loaded.edges(data=True)}
        assert "주관 기관" in labels  # edges carry the property's label in the chosen language


def test_subgraphs(store: Store) -> None:
    wendeng = network.build_network(store, network.neighbourhood(store, NamedNode("https://w3id.org/weihai-kg/id/place/wendeng"), 1), "en")
    projects = [n for n, d in wendeng.nodes(data=True) if d["class"] == "wh:Project"]
    assert len(projects) == 9
    two = network.build_network(store, network.neighbourhood(store, NamedNode("https://w3id.org/weihai-kg/id/place/wendeng"), 2), "en")
    assert two.number_of_nodes() > wendeng.number_of_nodes()
    chosen = network.build_network(store, network.of_classes(store, ["wh:Project", "org:Organization"]), "en")
    assert {d["class"] for _, d in chosen.nodes(data=True)} == {"wh:Project", "org:Organization"}
    assert sum(1 for _, _, k in chosen.edges(keys=True) if k.endswith("leadAgency")) == 5


def test_dot_renders_with_graphviz(store: Store, tmp_path: Path) -> None:
    assert DOT is not None, "Graphviz's dot is needed (scripts/setup installs Debian's graphviz)"
    graph = network.build_network(store, network.of_classes(store, ["wh:Project", "org:Organization", "wh:Plan", "wh:AdministrativeArea"]), "ko")
    source = tmp_path / "g.dot"
    source.write_bytes(network.write(graph, "dot"))
    result = subprocess.run([DOT or "dot", "-Tsvg", str(source), "-o", str(tmp_path / "g.svg")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "g.svg").read_text(encoding="utf-8")
    assert "웨이하이항그룹유한공사" in svg and svg.count('<g id="node') == graph.number_of_nodes()


def test_cytoscape_json_has_the_elements_schema(store: Store) -> None:
    data = json.loads(network.write(network.build_network(store, network.data_triples(store), "en"), "cytoscape"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert all("id" in n["data"] and "label" in n["data"] for n in nodes)
    ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids and "id" in e["data"] for e in edges)


def test_cli_export(tmp_path: Path, built: tuple[Path, BuildInfo]) -> None:
    out = tmp_path / "network.graphml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "weihai_kg",
            "export",
            "--store",
            str(built[0]),
            "--format",
            "graphml",
            "--query",
            "agency-network",
            "--lang",
            "en",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    graph = nx.read_graphml(out)
    assert graph.nodes["https://w3id.org/weihai-kg/id/agent/weihai-port-group"]["label"] == "Weihai Port Group Co., Ltd."
    bad = subprocess.run(
        [sys.executable, "-m", "weihai_kg", "export", "--store", str(built[0]), "--format", "dot", "--query", "plans"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 8 and "not a CONSTRUCT" in bad.stderr


def test_http_exports(built: tuple[Path, BuildInfo], store: Store) -> None:
    with running_server(built[0]) as base:
        context = requests.get(base + "/context.jsonld", timeout=10)
        assert context.headers["Content-Type"].startswith("application/ld+json") and "leadAgency" in context.json()["@context"]
        ttl = requests.get(base + "/export/turtle", timeout=30)
        assert {str(q.triple) for q in parse(ttl.content, format=RdfFormat.TURTLE)} == union(store)
        cy = requests.get(base + "/export/cytoscape", params={"entity": "https://w3id.org/weihai-kg/id/place/rushan", "lang": "zh"}, timeout=30).json()
        assert any(n["data"]["label"] == "乳山市" for n in cy["elements"]["nodes"])
        gexf = requests.get(base + "/export/gexf", params={"query": "agency-network"}, timeout=30)
        assert gexf.status_code == 200 and b"<gexf" in gexf.content
        assert requests.get(base + "/export/nope", timeout=10).status_code == 404
