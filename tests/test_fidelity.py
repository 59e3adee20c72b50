"""The data says what the report says: every place's text is in the report at the lines it
names, every Korean or Chinese literal stated there is in that text, and every typed number
is the report's own figure read correctly."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

from weihai_kg.namespaces import PREFIXES, compact
from weihai_kg.project import ProjectPaths

from .helpers import cny_from_report, select, square_metres_from_report, squash, year_months_from_report

WH = PREFIXES["wh"]
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_5fc78798698adf42.txt"
REPORT_SHA256 = "2118d2aab173405af65bd4b5abcef8f3e89ddd4c44255aec6e185dc2e840be21"


def by_graph(quads: list[Quad]) -> dict[str, list[Quad]]:
    graphs: dict[str, list[Quad]] = defaultdict(list)
    for q in quads:
        if not isinstance(q.graph_name, DefaultGraph):
            graphs[q.graph_name.value].append(q)
    return graphs


def loci(quads: list[Quad]) -> dict[str, dict[str, list[str]]]:
    """Each place in the report: its source texts and first and last line."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        if q.predicate.value in (WH + "sourceText", WH + "lineStart", WH + "lineEnd"):
            found[q.subject.value][q.predicate.value[len(WH) :]].append(q.object.value)
    return found


def test_source_text_is_the_report(paths: ProjectPaths) -> None:
    data = paths.source_text.read_bytes()
    assert hashlib.sha256(data).hexdigest() == REPORT_SHA256
    if SEED.exists():  # beside a checkout, the shared seed is the original
        assert SEED.read_bytes() == data


def test_every_place_quotes_the_report_at_its_lines(paths: ProjectPaths, quads: list[Quad]) -> None:
    lines = paths.source_text.read_text(encoding="utf-8").split("\n")
    places = loci(quads)
    assert len(places) == 104  # 100 that hold statements, plus the 4 sections
    for iri, info in places.items():
        start, end = int(info["lineStart"][0]), int(info["lineEnd"][0])
        assert 1 <= start <= end <= len(lines), iri
        excerpt = squash("".join(lines[start - 1 : end]))
        for text in info["sourceText"]:
            assert squash(text) in excerpt, f"{compact(iri)}: {text!r} is not at lines {start}-{end}"


def test_korean_and_chinese_statements_quote_their_place(quads: list[Quad]) -> None:
    """A Korean or Chinese literal, or a plain string, in a place's graph is words that place
    of the report uses (codes the editors normalise units and currencies to aside)."""
    places = loci(quads)
    codes = {PREFIXES["schema"] + p for p in ("currency", "unitCode", "unitText")}
    checked = 0
    for graph, graph_quads in by_graph(quads).items():
        if graph not in places:
            continue
        evidence = squash(" ".join(places[graph]["sourceText"]))
        for q in graph_quads:
            if not isinstance(q.object, Literal) or q.predicate.value in codes:
                continue
            language = (q.object.language or "").lower()
            plain = not language and q.object.datatype.value == PREFIXES["xsd"] + "string"
            if language == "ko" or language.split("-")[0] == "zh" or plain:
                assert squash(q.object.value) in evidence, f"{compact(graph)}: {q.object.value!r} is not in its text"
                checked += 1
    assert checked >= 270


def test_english_labels_are_the_editors(quads: list[Quad]) -> None:
    """English is never put in the report's mouth: @en literals stand only in supplementary graphs."""
    places = loci(quads)
    for q in quads:
        if isinstance(q.object, Literal) and q.object.language == "en" and not isinstance(q.graph_name, DefaultGraph):
            assert q.graph_name.value not in places or q.predicate.value != PREFIXES["skos"] + "prefLabel", q


def test_amounts_are_the_reports_figures_in_cny(store: Store) -> None:
    rows = select(
        store,
        """
        PREFIX schema: <https://schema.org/> PREFIX wh: <https://w3id.org/weihai-kg/ontology#>
        SELECT ?amount ?value ?currency ?written WHERE {
          ?amount a schema:MonetaryAmount ; schema:value ?value ; schema:currency ?currency ; wh:amountAsWritten ?written }""",
    )
    assert len(rows) == 5
    for row in rows:
        assert Decimal(row["value"]) == cny_from_report(row["written"]), row
        assert row["currency"] == "CNY"


def test_areas_are_converted_from_the_reports_unit(store: Store) -> None:
    rows = select(
        store,
        """
        PREFIX schema: <https://schema.org/> PREFIX wh: <https://w3id.org/weihai-kg/ontology#>
        SELECT ?area ?m2 ?stated ?unit ?written WHERE {
          ?area a schema:QuantitativeValue ; schema:value ?m2 ; wh:statedValue ?stated ;
                wh:statedUnit ?unit ; wh:amountAsWritten ?written }""",
    )
    assert len(rows) == 3
    for row in rows:
        m2, stated, unit = square_metres_from_report(row["written"])
        assert (Decimal(row["m2"]), Decimal(row["stated"]), row["unit"]) == (m2, stated, unit), row


def test_periods_are_the_reports_year_months(store: Store) -> None:
    rows = select(
        store,
        """
        PREFIX time: <http://www.w3.org/2006/time#> PREFIX wh: <https://w3id.org/weihai-kg/ontology#>
        SELECT ?period ?start ?end ?written WHERE {
          ?project wh:periodAsWritten ?written ; wh:period ?period .
          ?period time:hasBeginning/time:inXSDgYearMonth ?start ; time:hasEnd/time:inXSDgYearMonth ?end }""",
    )
    assert len(rows) == 6  # five project periods as the rows write them, one project written both ways
    for row in rows:
        assert year_months_from_report(row["written"]) == (row["start"], row["end"]), row


def test_yearly_targets_are_in_their_key_tasks_words(store: Store) -> None:
    rows = select(
        store,
        """
        PREFIX wh: <https://w3id.org/weihai-kg/ontology#>
        SELECT ?task ?year ?quantity (GROUP_CONCAT(?content; SEPARATOR=" | ") AS ?text) WHERE {
          ?t wh:targetOf ?task ; wh:targetYear ?year ; wh:targetQuantity ?quantity . ?task wh:content ?content }
        GROUP BY ?task ?year ?quantity""",
    )
    assert len(rows) == 9
    for row in rows:
        assert f"{row['year']}년 {row['quantity']}개" in row["text"], row


@pytest.mark.parametrize("table,items", [(2, 22), (4, 12), (5, 15)])
def test_every_table_item_is_one_project(store: Store, table: int, items: int) -> None:
    rows = select(
        store,
        f"""
        PREFIX dct: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX wh: <https://w3id.org/weihai-kg/ontology#>
        PREFIX locus: <https://w3id.org/weihai-kg/id/report/hanjung-zine-193/>
        SELECT ?item ?text (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
          ?item a wh:TableItem ; dct:isPartOf/dct:isPartOf locus:table-{table} ; wh:sourceText ?text .
          GRAPH ?item {{ ?project a wh:Project ; skos:prefLabel ?label }}
          FILTER (STR(?label) = STR(?text))
        }} GROUP BY ?item ?text""",
    )
    assert len(rows) == items
    assert all(row["projects"] == "1" for row in rows)


def test_counts_of_the_graph(store: Store) -> None:
    rows = select(
        store,
        """
        PREFIX wh: <https://w3id.org/weihai-kg/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT
          (COUNT(DISTINCT ?project) AS ?projects) WHERE { ?project a wh:Project }""",
    )
    assert rows == [{"projects": "50"}]


def test_no_statement_is_only_in_the_default_graph(quads: list[Quad]) -> None:
    assert not [q for q in quads if isinstance(q.graph_name, DefaultGraph)]


def test_one_entity_per_place_spelled_two_ways(store: Store) -> None:
    rows = select(
        store,
        """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?entity WHERE { ?entity skos:prefLabel|skos:altLabel ?l .
          FILTER (STR(?l) IN ("원당구", "원딩구", "루산시", "류산", "룡청시", "룡청구", "룡청")) }""",
    )
    assert {r["entity"] for r in rows} == {"place:wendeng", "place:rushan", "place:rongcheng"}


def test_no_iri_points_nowhere(store: Store) -> None:
    """Every IRI of ours used as an object is described (has a label) somewhere."""
    rows = select(
        store,
        """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?o WHERE { ?s ?p ?o . FILTER (isIRI(?o) && STRSTARTS(STR(?o), "https://w3id.org/weihai-kg/id/"))
          FILTER NOT EXISTS { ?o skos:prefLabel ?l } }""",
    )
    assert rows == []


def test_named_node_usage(quads: list[Quad]) -> None:
    assert all(isinstance(q.predicate, NamedNode) for q in quads)
