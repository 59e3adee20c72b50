"""The report as it reads: its text line by line (``data/sources/hanjung-zine-193.txt``, the
file every locus's ``wh:lineStart``/``wh:lineEnd`` counts in), each line with the places of
the report it belongs to (section, passage, table, row, item, footnote) and the entities
those places make statements about. Flask-free."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions

from weihai_kg.namespaces import ID, sparql_prefixes
from weihai_kg.read.search import SearchIndex
from weihai_kg.store.reading import ReadStore

# the few HTML list fragments the report's table cells carry (<ul style=…>, </ul>): ASCII tag
# names only, so the report's own brackets (<13·5규획>, <인터넷+실시방안>, <http://…>) stay
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?>")

LOCI_QUERY = """
SELECT ?locus ?start ?end (SAMPLE(?kind) AS ?type) WHERE {
  ?locus wh:lineStart ?start ; wh:lineEnd ?end ; a ?kind .
  ?kind rdfs:subClassOf* wh:ReportLocus .
} GROUP BY ?locus ?start ?end
"""
SUBJECTS_QUERY = f"""
SELECT DISTINCT ?locus ?entity WHERE {{
  ?locus wh:lineStart ?start .
  GRAPH ?locus {{ ?entity ?p ?o }}
  FILTER (isIRI(?entity) && ?entity != ?locus && STRSTARTS(STR(?entity), "{ID}"))
}}
"""


TRANSLATIONS_QUERY = """
SELECT DISTINCT ?locus ?translated WHERE {
  ?locus wh:lineStart ?start .
  GRAPH ?locus { ?entity ?property ?korean FILTER (langMatches(lang(?korean), "ko")) }
  ?entity ?property ?translated .
  FILTER (langMatches(lang(?translated), "%s"))
  # only where the statement has one Korean value: a translation names no literal it renders
  FILTER NOT EXISTS { ?entity ?property ?other . FILTER (langMatches(lang(?other), "ko") && ?other != ?korean) }
}
"""


OWN_TRANSLATION_QUERY = """
SELECT ?locus ?translated WHERE { ?locus wh:translation ?translated . FILTER (langMatches(lang(?translated), "%s")) }
"""


@dataclass(frozen=True)
class Place:
    iri: str
    name: str
    span: int  # lines it covers: the smallest is the most specific


@dataclass
class Line:
    number: int
    text: str
    cells: list[str]  # a table line's cells (tab-separated), else []
    places: list[Place] = field(default_factory=list)
    entities: list[tuple[str, str]] = field(default_factory=list)  # (IRI, name) stated about here
    translated: list[str] = field(default_factory=list)  # the editors' translation of the place, or of what it states

    @property
    def is_table(self) -> bool:
        return len(self.cells) > 1


def lines_of(path: Path) -> list[str]:
    """The report's lines, read once per version of the file (pages ask for them often)."""
    return list(_lines(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _lines(path: Path, _version: int) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def reading(store: ReadStore, index: SearchIndex, text: list[str], lang: str) -> list[Line]:
    """Every line of the report, in order, with its places and what they state about."""
    lines = [Line(n, _TAG.sub(" ", t).strip(), [_TAG.sub(" ", c).strip() for c in t.split("\t")] if "\t" in t else []) for n, t in enumerate(text, start=1)]
    prefixes = sparql_prefixes(["wh", "rdfs"])
    loci = _rows(store, prefixes + LOCI_QUERY)
    about: dict[str, list[str]] = {}
    for row in _rows(store, prefixes + SUBJECTS_QUERY):
        about.setdefault(row["locus"], []).append(row["entity"])
    for row in loci:
        start, end = int(row["start"]), int(row["end"])
        entry = index.get(row["locus"])
        place = Place(row["locus"], entry.name_in(lang)[0] if entry else row["locus"], end - start + 1)
        for line in lines[start - 1 : end]:
            line.places.append(place)
        first = lines[start - 1]
        if end - start < 3:  # a section's whole list would drown its lines; a passage's goes on its first line
            for entity in about.get(row["locus"], []):
                found = index.get(entity)
                named = (entity, found.name_in(lang)[0] if found else entity)
                if named not in first.entities:
                    first.entities.append(named)
    # beside the Korean, the editors' English: the graph has no Chinese rendering of the text
    target = "en"
    translations: dict[str, list[str]] = {}
    for row in _rows(store, prefixes + TRANSLATIONS_QUERY % target):
        translations.setdefault(row["locus"], []).append(row["translated"])
    # a place's own translation (wh:translation) says it all, in reading order: it wins
    own = {row["locus"]: row["translated"] for row in _rows(store, prefixes + OWN_TRANSLATION_QUERY % target)}
    for locus, english in own.items():
        translations[locus] = [english]
    spans = {row["locus"]: int(row["end"]) - int(row["start"]) for row in loci}
    for row in loci:
        first = lines[int(row["start"]) - 1]
        if spans[row["locus"]] < 3 or row["locus"] in own:  # a long place's own English still goes on its first line
            first.translated.extend(t for t in sorted(translations.get(row["locus"], [])) if t not in first.translated)
    for line in lines:
        line.places.sort(key=lambda p: p.span)
        line.entities.sort(key=lambda e: e[1])
    return lines


def _rows(store: ReadStore, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT was expected")
    names = [v.value for v in result.variables]
    return [{n: t.value for n in names if isinstance(t := row[n], NamedNode | Literal)} for row in result]


def blocks(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """The lines grouped as they are drawn: runs of table lines as one table, others one by one."""
    grouped: list[tuple[str, list[Line]]] = []
    for line in lines:
        kind = "table" if line.is_table else "text"
        if kind == "table" and grouped and grouped[-1][0] == "table":
            grouped[-1][1].append(line)
        else:
            grouped.append((kind, [line]))
    return grouped
