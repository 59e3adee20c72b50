"""Finding entities by name: an index of every name of every entity of ours (preferred and
alternative labels, the report's Chinese names and spelling variants), made once per build
(``weihai-kg build`` writes it beside the store) and searched in memory, so a keystroke costs
a scan of short strings, never a query.

Names and queries are folded alike before they are compared: Unicode NFKC (full-width forms,
compatibility characters), case folded, traditional Chinese characters mapped to simplified
(OpenCC's ``t2s``, so 上韓網 and 上韩网 meet), and everything but letters and digits dropped,
so spaces, middle dots, brackets and hyphens never matter ("항 그룹", "port-group").

A hit ranks by how the query meets a name: the whole name (0), its start (1), a word's start
(2), anywhere (3), or every word of the query somewhere in the same name (4); then by the
shorter name (the closest fit), then by kind (projects, organisations and places before the
report's passages and the amounts).
"""

from __future__ import annotations

import heapq
import json
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

from opencc import OpenCC
from pyoxigraph import DefaultGraph, Literal, NamedNode

from weihai_kg.namespaces import BASE, PREFIXES, RDF_TYPE
from weihai_kg.store.reading import ReadStore

SKOS = PREFIXES["skos"]
WH = PREFIXES["wh"]
# (predicate, is it a preferred name): what people call an entity, in the report and beyond
NAME_PREDICATES = (
    (SKOS + "prefLabel", True),
    (PREFIXES["rdfs"] + "label", True),
    (SKOS + "altLabel", False),
    (WH + "chineseNameAsGiven", False),
    (PREFIXES["foaf"] + "name", False),
)
# Kinds shown first; anything else after them, the report's own parts last.
KIND_ORDER = [WH + k for k in ("Project", "EcommercePlatform", "PilotZone", "EconomicZone", "Plan", "Cooperation", "CooperationActivity")] + [
    PREFIXES["org"] + "Organization",
    PREFIXES["schema"] + "CollegeOrUniversity",
    *(WH + k for k in ("PrefectureLevelCity", "CountyLevelCity", "District", "MetropolitanCity", "Province", "Country", "AdministrativeArea")),
    *(WH + k for k in ("Sector", "PlanArea", "KeyTask", "PlanMeasure", "YearlyTarget")),
]
REPORT_PARTS = {WH + k for k in ("Section", "Passage", "Table", "TableRow", "TableItem", "Footnote", "Figure", "SourceListEntry", "FrontMatter")} | {
    PREFIXES["schema"] + k for k in ("MonetaryAmount", "QuantitativeValue")
}
INDEX_SUFFIX = ".search.json"
SEPARATOR = "\x00"  # never in a folded name (only letters and digits are kept)


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def fold(text: str) -> str:
    """``text`` as it is compared (see the module's docstring)."""
    folded = _t2s().convert(unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def _starts(text: str) -> frozenset[int]:
    """Where the words of ``text`` begin in its folded form."""
    folded = _t2s().convert(unicodedata.normalize("NFKC", text).casefold())
    starts, at = set(), 0
    for word in "".join(ch if ch.isalnum() else " " for ch in folded).split():
        starts.add(at)
        at += len(word)
    return frozenset(starts)


@dataclass(frozen=True)
class Name:
    text: str
    lang: str  # primary language subtag: ko, en, zh, or "" for untagged
    preferred: bool


@dataclass(frozen=True)
class Entry:
    iri: str
    kinds: tuple[str, ...]
    names: tuple[Name, ...]

    def name_in(self, lang: str) -> tuple[str, str]:
        """(name, its language): the preferred name in ``lang``, else in English, Korean, Chinese, any."""
        for wanted in (lang, "en", "ko", "zh", ""):
            for preferred in (True, False):
                for n in self.names:
                    if n.lang == wanted and n.preferred == preferred:
                        return n.text, n.lang
        return (self.names[0].text, self.names[0].lang) if self.names else (self.iri, "")

    def kind_rank(self) -> int:
        ranks = [KIND_ORDER.index(k) for k in self.kinds if k in KIND_ORDER]
        if ranks:
            return min(ranks)
        return len(KIND_ORDER) + (1 if REPORT_PARTS & set(self.kinds) else 0)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    matched: Name  # the name the query met
    rank: int


class SearchIndex:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        # (folded name, where its words start, entry, name), one per name
        self._keys = [(fold(n.text), _starts(n.text), e, n) for e in entries for n in e.names]
        self._by_iri = {e.iri: e for e in entries}
        # every folded name in one string, so that finding a query in all of them is one C
        # loop (str.find) rather than a Python loop over the names
        self._blob = SEPARATOR.join(k for k, _, _, _ in self._keys)
        self._offsets = list(accumulate((len(k) + 1 for k, _, _, _ in self._keys[:-1]), initial=0))

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, iri: str) -> Entry | None:
        return self._by_iri.get(iri)

    def _containing(self, text: str) -> list[int]:
        """The positions in ``_keys`` of the names that contain ``text``."""
        found, at, blob, offsets = [], 0, self._blob, self._offsets
        while (at := blob.find(text, at)) >= 0:
            i = bisect_right(offsets, at) - 1
            found.append(i)
            at = offsets[i + 1] if i + 1 < len(offsets) else len(blob)  # on to the next name
        return found

    def search(self, query: str, limit: int = 10) -> tuple[list[Hit], int]:
        """The best ``limit`` hits and how many entities matched in all."""
        whole = fold(query)
        words = [w for w in (fold(w) for w in query.split()) if w]
        if not whole:
            return [], 0
        candidates = self._containing(whole)
        if len(words) > 1:  # every word somewhere in one name, in any order
            seen = set(candidates)
            candidates += [i for i in self._containing(max(words, key=len)) if i not in seen and all(w in self._keys[i][0] for w in words)]
        best: dict[str, Hit] = {}
        for i in candidates:
            key, starts, entry, name = self._keys[i]
            rank = _rank(whole, words, key, starts)
            if rank is None:
                continue
            found = best.get(entry.iri)
            if found is None or (rank, not name.preferred) < (found.rank, not found.matched.preferred):
                best[entry.iri] = Hit(entry, name, rank)
        ordered = heapq.nsmallest(limit, best.values(), key=lambda h: (h.rank, len(h.matched.text), h.entry.kind_rank(), h.entry.iri))
        return ordered, len(best)

    def to_json(self) -> str:
        return json.dumps(
            [{"iri": e.iri, "kinds": list(e.kinds), "names": [[n.text, n.lang, n.preferred] for n in e.names]} for e in self.entries],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> SearchIndex:
        return cls([Entry(d["iri"], tuple(d["kinds"]), tuple(Name(t, lg, bool(p)) for t, lg, p in d["names"])) for d in json.loads(text)])


def _rank(whole: str, words: list[str], key: str, starts: frozenset[int]) -> int | None:
    if key == whole:
        return 0
    if key.startswith(whole):
        return 1
    position = key.find(whole)
    if position >= 0:
        return 2 if position in starts else 3
    if len(words) > 1 and all(w in key for w in words):
        return 4
    return None


def build_index(store: ReadStore) -> SearchIndex:
    """Every IRI of ours with a name (entities, ontology terms, graphs), with its names and kinds."""
    names: dict[str, list[Name]] = {}
    for predicate, preferred in NAME_PREDICATES:
        for quad in store.quads_for_pattern(None, NamedNode(predicate), None, DefaultGraph()):
            subject, value = quad.subject, quad.object
            if isinstance(subject, NamedNode) and subject.value.startswith(BASE) and isinstance(value, Literal):
                lang = (value.language or "").split("-")[0].lower()
                name = Name(value.value, lang, preferred)
                found = names.setdefault(subject.value, [])
                if name not in found:
                    found.append(name)
    kinds: dict[str, list[str]] = {}
    for quad in store.quads_for_pattern(None, RDF_TYPE, None, DefaultGraph()):
        if isinstance(quad.subject, NamedNode) and quad.subject.value in names and isinstance(quad.object, NamedNode):
            kinds.setdefault(quad.subject.value, []).append(quad.object.value)
    return SearchIndex([Entry(iri, tuple(sorted(kinds.get(iri, []))), tuple(found)) for iri, found in sorted(names.items())])


def index_path(build_dir: Path) -> Path:
    """Where a build's index is kept: beside the build's directory."""
    return build_dir.parent / (build_dir.name + INDEX_SUFFIX)


def load_index(build_dir: Path, store: ReadStore) -> SearchIndex:
    """The build's index as ``weihai-kg build`` wrote it; made now from ``store`` when there is
    none (a remote store, a build made before the index existed)."""
    path = index_path(build_dir)
    if path.is_file():
        return SearchIndex.from_json(path.read_text(encoding="utf-8"))
    return build_index(store)


def labels_for(index: SearchIndex, iris: Iterable[str], lang: str) -> dict[str, tuple[str, str]]:
    """(name, its language) in ``lang`` of each IRI the index knows."""
    found = {}
    for iri in iris:
        entry = index.get(iri)
        if entry is not None:
            found[iri] = entry.name_in(lang)
    return found
