"""The numbers behind the pictures: project periods for the timeline, investments for the
bar chart. Plain data; the web layer draws them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, QuerySolutions

from weihai_kg.namespaces import sparql_prefixes
from weihai_kg.read.describe import label_of
from weihai_kg.store.reading import ReadStore


@dataclass(frozen=True)
class Span:
    project: str
    label: str
    plan: str
    sector: str
    start: str  # YYYY-MM
    end: str
    written: str

    @staticmethod
    def months(ym: str) -> int:
        year, month = ym.split("-")
        return int(year) * 12 + int(month) - 1


@dataclass(frozen=True)
class Bar:
    project: str
    label: str
    agency: str
    agency_label: str
    value: Decimal
    currency: str
    written: str


def _rows(store: ReadStore, query: str) -> QuerySolutions:
    result = store.query(sparql_prefixes(["wh", "time", "schema", "skos"]) + query)
    if not isinstance(result, QuerySolutions):
        raise TypeError("expected solutions")
    return result


def _text(term: object) -> str:
    return term.value if isinstance(term, Literal | NamedNode) else ""


def project_periods(store: ReadStore, lang: str) -> list[Span]:
    """Every project with a period, by plan, sector and start."""
    spans = []
    for row in _rows(
        store,
        """
        SELECT ?project ?plan ?sector ?start ?end (SAMPLE(?w) AS ?written) WHERE {
          ?project wh:period ?period ; wh:partOfPlan ?plan .
          OPTIONAL { ?project wh:sector ?sector }
          ?period time:hasBeginning/time:inXSDgYearMonth ?start ; time:hasEnd/time:inXSDgYearMonth ?end .
          OPTIONAL { ?project wh:periodAsWritten ?w FILTER (CONTAINS(STR(?w), "~")) }
        } GROUP BY ?project ?plan ?sector ?start ?end""",
    ):
        project, plan, sector = row["project"], row["plan"], row["sector"]
        if not isinstance(project, NamedNode) or not isinstance(plan, NamedNode):
            continue
        spans.append(
            Span(
                project.value,
                label_of(store, project, lang),
                label_of(store, plan, lang),
                label_of(store, sector, lang) if isinstance(sector, NamedNode) else "—",
                _text(row["start"]),
                _text(row["end"]),
                _text(row["written"]),
            )
        )
    return sorted(spans, key=lambda s: (s.plan, s.sector, s.start, s.label))


def investments(store: ReadStore, lang: str) -> list[Bar]:
    """Every project with a total investment, largest first, with its lead agency."""
    bars = []
    for row in _rows(
        store,
        """
        SELECT ?project ?agency ?value ?currency ?written WHERE {
          ?project wh:totalInvestment ?amount .
          ?amount schema:value ?value ; schema:currency ?currency ; wh:amountAsWritten ?written .
          OPTIONAL { ?project wh:leadAgency ?agency }
        }""",
    ):
        project, agency = row["project"], row["agency"]
        if not isinstance(project, NamedNode):
            continue
        bars.append(
            Bar(
                project.value,
                label_of(store, project, lang),
                _text(agency),
                label_of(store, agency, lang) if isinstance(agency, NamedNode) else "—",
                Decimal(_text(row["value"])),
                _text(row["currency"]),
                _text(row["written"]),
            )
        )
    return sorted(bars, key=lambda b: (-b.value, b.label))
