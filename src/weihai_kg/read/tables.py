"""The graph as spreadsheets for people: every project (and every organisation, every place)
one row, with its names, where the report lists it, and what the report says of it; facets
with counts that filter, sorting, and how complete each column is. Flask-free: the pages and
the downloads (CSV, XLSX) show the same rows.

Each table is one SELECT over the served store (so it runs alike over a remote one); names
come from the build's name index (``read.search``), in the interface language.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, QuerySolutions

from weihai_kg.namespaces import compact, sparql_prefixes
from weihai_kg.read.search import SearchIndex
from weihai_kg.store.reading import ReadStore


@dataclass(frozen=True)
class Value:
    """One value of a cell: its text, the IRI it stands for (a link, and the facet's key),
    what sorts it, and a second line (the report's own wording)."""

    text: str
    iri: str = ""
    sort: object = None
    written: str = ""
    lang: str = ""  # the language of a name, when it is not the interface's (a fallback)

    @property
    def key(self) -> str:
        return self.iri.rsplit("/", 1)[-1] if self.iri else self.text


@dataclass(frozen=True)
class Column:
    key: str  # the URL's name for it, and the message col_<key> that titles it
    facet: bool = False
    numeric: bool = False


@dataclass
class Row:
    iri: str
    cells: dict[str, list[Value]] = field(default_factory=dict)

    def values(self, column: str) -> list[Value]:
        return self.cells.get(column, [])


@dataclass(frozen=True)
class Facet:
    column: str
    options: list[tuple[Value, int, bool]]  # (value, rows it would show, chosen)


@dataclass(frozen=True)
class TableView:
    name: str
    columns: list[Column]
    rows: list[Row]  # the rows shown: filtered and sorted
    total: int  # rows before filtering
    facets: list[Facet]
    filled: dict[str, int]  # column → rows shown that have a value in it
    sort: str
    descending: bool


@dataclass(frozen=True)
class Spec:
    name: str
    columns: list[Column]
    query: str
    assemble: Callable[[list[dict[str, object]], SearchIndex, str], list[Row]]


def _value_of(term: object) -> str:
    return term.value if isinstance(term, NamedNode | Literal) else ""


def _solutions(store: ReadStore, query: str) -> list[dict[str, object]]:
    result = store.query(query)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a table's query is a SELECT")
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def _name(index: SearchIndex, iri: str, lang: str) -> Value:
    entry = index.get(iri)
    text, text_lang = entry.name_in(lang) if entry else (compact(iri), "")
    return Value(text, iri, text.casefold(), lang=text_lang if text_lang != lang else "")


def _names_in(index: SearchIndex, iri: str, lang: str) -> str:
    """The entity's preferred name in exactly ``lang``, or nothing (the downloads' name columns)."""
    entry = index.get(iri)
    if entry is None:
        return ""
    found = [n.text for n in entry.names if n.lang == lang and n.preferred] or [n.text for n in entry.names if n.lang == lang]
    return found[0] if found else ""


def _money_text(value: Decimal, currency: str) -> str:
    return f"{value:,.0f} {currency}" if value == value.to_integral() else f"{value:,} {currency}"


PROJECTS_QUERY = """
SELECT ?project ?locus ?position ?rowPosition ?table ?tablePosition ?plan ?sector ?area ?agency
       ?investment ?currency ?investmentWritten ?floor ?floorUnit ?floorWritten ?start ?end ?periodWritten
WHERE {
  ?project a wh:Project .
  OPTIONAL {
    GRAPH ?locus { ?project wh:listedIn ?table }
    ?table wh:position ?tablePosition .
    OPTIONAL { ?locus wh:position ?position }
    OPTIONAL { ?locus dct:isPartOf ?row . ?row a wh:TableRow ; wh:position ?rowPosition }
  }
  OPTIONAL { ?project wh:partOfPlan ?plan }
  OPTIONAL { ?project wh:sector ?sector }
  OPTIONAL { ?project wh:inArea ?area }
  OPTIONAL { ?project wh:leadAgency ?agency }
  OPTIONAL { ?project wh:totalInvestment ?money . ?money schema:value ?investment ; schema:currency ?currency .
             OPTIONAL { ?money wh:amountAsWritten ?investmentWritten } }
  OPTIONAL { ?project wh:floorArea ?size . ?size schema:value ?floor ; schema:unitText ?floorUnit .
             OPTIONAL { ?size wh:amountAsWritten ?floorWritten } }
  OPTIONAL { ?project wh:period ?period . ?period time:hasBeginning/time:inXSDgYearMonth ?start ; time:hasEnd/time:inXSDgYearMonth ?end }
  OPTIONAL { ?project wh:periodAsWritten ?periodWritten }
}
"""

PROJECT_COLUMNS = [
    Column("name"),
    *(Column(f"name_{code}") for code in ("ko", "zh", "en")),
    Column("table", facet=True),
    Column("row"),
    Column("plan", facet=True),
    Column("sector", facet=True),
    Column("area", facet=True),
    Column("agency", facet=True),
    Column("investment_written"),
    Column("investment_cny", numeric=True),
    Column("floor_area", numeric=True),
    Column("period"),
    Column("year", facet=True),
]


def _add_names(row: Row, index: SearchIndex, iri: str) -> None:
    """The name in each language, in its own column (the report gives no Chinese for most)."""
    for code in ("ko", "zh", "en"):
        text = _names_in(index, iri, code)
        if text:
            _add(row, f"name_{code}", Value(text, sort=text.casefold()))


def _add(row: Row, column: str, value: Value) -> None:
    found = row.cells.setdefault(column, [])
    if value not in found:
        found.append(value)


def _projects(solutions: list[dict[str, object]], index: SearchIndex, lang: str) -> list[Row]:
    rows: dict[str, Row] = {}
    for s in solutions:
        iri = _value_of(s["project"])
        row = rows.setdefault(iri, Row(iri))
        _add(row, "name", _name(index, iri, lang))
        _add_names(row, index, iri)
        if "table" in s:
            table_number = int(_value_of(s["tablePosition"]))
            table = _name(index, _value_of(s["table"]), lang)
            _add(row, "table", Value(table.text, table.iri, table_number))
            place = [table_number, int(_value_of(s.get("rowPosition")) or _value_of(s.get("position")) or 0)]
            if "rowPosition" in s:
                place.append(int(_value_of(s.get("position")) or 0))
            _add(row, "row", Value(_name(index, _value_of(s["locus"]), lang).text, _value_of(s["locus"]), tuple(place)))
        for column in ("plan", "sector", "area", "agency"):
            if column in s:
                _add(row, column, _name(index, _value_of(s[column]), lang))
        if "investment" in s:
            amount, currency = Decimal(_value_of(s["investment"])), _value_of(s["currency"])
            written = _value_of(s.get("investmentWritten"))
            _add(row, "investment_written", Value(written, sort=amount))
            _add(row, "investment_cny", Value(_money_text(amount, currency), sort=amount, written=written))
        if "floor" in s:
            area, unit = Decimal(_value_of(s["floor"])), _value_of(s["floorUnit"])
            _add(row, "floor_area", Value(f"{area:,} {unit}", sort=area, written=_value_of(s.get("floorWritten"))))
        if "start" in s:
            start, end = _value_of(s["start"]), _value_of(s["end"])
            _add(row, "period", Value(f"{start} – {end}", sort=start, written=_value_of(s.get("periodWritten"))))
            for year in range(int(start[:4]), int(end[:4]) + 1):
                _add(row, "year", Value(str(year), sort=year))
    return list(rows.values())


# Organisations and places: one row per entity (?thing), with its names in the three
# languages, its kinds, one linked column (?link) and how many projects point at it.
ORGANISATIONS_QUERY = """
SELECT ?thing ?kind ?project ?link WHERE {
  { ?thing a org:Organization } UNION { ?thing a schema:CollegeOrUniversity } UNION { ?thing a foaf:Organization }
  ?thing a ?kind .
  OPTIONAL { ?project wh:leadAgency ?thing }
  OPTIONAL { ?thing schema:areaServed ?link }
}
"""
PLACES_QUERY = """
SELECT ?thing ?kind ?project ?link WHERE {
  ?thing a ?kind .
  ?kind rdfs:subClassOf* ?top .
  VALUES ?top { schema:Place schema:AdministrativeArea }
  OPTIONAL { ?thing schema:containedInPlace ?link }
  OPTIONAL { ?project wh:inArea ?thing }
}
"""


def _columns(name: str, link: str) -> list[Column]:
    return [
        Column(name),
        *(Column(f"name_{code}") for code in ("ko", "zh", "en")),
        Column("type", facet=True),
        Column(link, facet=True),
        Column("projects", numeric=True),
    ]


ORGANISATION_COLUMNS = _columns("org_name", "area")
PLACE_COLUMNS = _columns("place_name", "located_in")


def _things(name: str, link: str) -> Callable[[list[dict[str, object]], SearchIndex, str], list[Row]]:
    def assemble(solutions: list[dict[str, object]], index: SearchIndex, lang: str) -> list[Row]:
        rows: dict[str, Row] = {}
        projects: dict[str, set[str]] = defaultdict(set)
        for s in solutions:
            iri = _value_of(s["thing"])
            row = rows.setdefault(iri, Row(iri))
            _add(row, name, _name(index, iri, lang))
            _add_names(row, index, iri)
            _add(row, "type", _name(index, _value_of(s["kind"]), lang))
            if "link" in s:
                _add(row, link, _name(index, _value_of(s["link"]), lang))
            if "project" in s:
                projects[iri].add(_value_of(s["project"]))
        for iri, row in rows.items():
            row.cells["projects"] = [Value(str(len(projects[iri])), sort=len(projects[iri]))]
        return list(rows.values())

    return assemble


SPECS = {
    spec.name: spec
    for spec in (
        Spec("projects", PROJECT_COLUMNS, PROJECTS_QUERY, _projects),
        Spec("organisations", ORGANISATION_COLUMNS, ORGANISATIONS_QUERY, _things("org_name", "area")),
        Spec("places", PLACE_COLUMNS, PLACES_QUERY, _things("place_name", "located_in")),
    )
}


def load_rows(store: ReadStore, index: SearchIndex, name: str, lang: str) -> list[Row]:
    """Every row of table ``name`` (a key of SPECS), names in ``lang``."""
    spec = SPECS[name]
    prefixes = sparql_prefixes(["wh", "dct", "schema", "time", "org", "foaf", "rdfs"])
    return spec.assemble(_solutions(store, prefixes + spec.query), index, lang)


def _sort_key(row: Row, column: str) -> tuple[int, object]:
    values = row.values(column)
    if not values:
        return (1, "")  # rows without a value last, whichever the direction
    first = values[0].sort if values[0].sort is not None else values[0].text
    return (0, first)


def view(name: str, rows: list[Row], chosen: Mapping[str, Iterable[str]], sort: str = "", descending: bool = False) -> TableView:
    """The rows that have, in every filtered column, one of the chosen values; each facet's
    counts are those of the rows the other facets leave (so a click shows what it will give)."""
    spec = SPECS[name]
    picked = {c: set(v) for c, v in chosen.items() if any(col.key == c and col.facet for col in spec.columns) and v}

    def keeps(row: Row, skip: str = "") -> bool:
        return all(any(v.key in wanted for v in row.values(c)) for c, wanted in picked.items() if c != skip)

    shown = [r for r in rows if keeps(r)]
    facets = []
    for column in (c for c in spec.columns if c.facet):
        counts: Counter[Value] = Counter()
        firsts: dict[str, Value] = {}
        for row in rows:
            if keeps(row, skip=column.key):
                for v in row.values(column.key):
                    firsts.setdefault(v.key, v)
                    counts[firsts[v.key]] += 1
        options = sorted(counts.items(), key=lambda item: (-item[1], str(item[0].sort if item[0].sort is not None else item[0].text)))
        if column.key in ("year", "table"):
            options = sorted(counts.items(), key=lambda item: item[0].sort if item[0].sort is not None else 0)  # type: ignore[return-value, arg-type]
        facets.append(Facet(column.key, [(v, n, v.key in picked.get(column.key, set())) for v, n in options]))
    columns = [c.key for c in spec.columns]
    sort = sort if sort in columns else ("row" if "row" in columns else columns[0])
    with_value = [r for r in shown if r.values(sort)]
    without = [r for r in shown if not r.values(sort)]
    with_value.sort(key=lambda r: _sort_key(r, sort), reverse=descending)
    filled = {c: sum(1 for r in shown if r.values(c)) for c in columns}
    return TableView(name, spec.columns, with_value + without, len(rows), facets, filled, sort, descending)


def plain_rows(table: TableView, title: Callable[[str], str]) -> tuple[list[str], list[list[object]]]:
    """Header and rows for a download: each cell its values' text joined by "; " (numbers as
    numbers where the column is numeric; empty where the report gives nothing, so that a
    spreadsheet counts and sums it right), the IRI of the row last."""
    header = [title(c.key) for c in table.columns] + ["IRI"]
    body: list[list[object]] = []
    for row in table.rows:
        line: list[object] = []
        for column in table.columns:
            values = row.values(column.key)
            if column.numeric and len(values) == 1 and isinstance(values[0].sort, int | Decimal):
                line.append(values[0].sort)
            else:
                line.append("; ".join(v.text for v in values))
        line.append(row.iri)
        body.append(line)
    return header, body
