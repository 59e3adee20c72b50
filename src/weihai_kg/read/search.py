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
import logging
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

from opencc import OpenCC
from pyoxigraph import DefaultGraph, Literal, NamedNode

from weihai_kg.namespaces import BASE, PREFIXES, RDF_TYPE
from weihai_kg.store.reading import ReadStore

log = logging.getLogger(__name__)
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
INDEX_FORMAT = 2  # the file's layout (``to_json``); a file of another is made afresh from the store
Key = tuple[str, tuple[int, ...], "Entry", "Name"]  # a name as the index keeps it
SCAN_BUDGET = 3000  # names looked at for matches inside a name, shortest first
SEPARATOR = "\x00"  # never in a folded name (only letters and digits are kept)


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def fold(text: str) -> str:
    """``text`` as it is compared (see the module's docstring)."""
    folded = _t2s().convert(unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def _starts(text: str) -> tuple[int, ...]:
    """Where the words of ``text`` begin in its folded form, in order. A tuple, not a set:
    a name has a few words and the scan only walks them, and a set costs some 240 bytes more
    per name (about 100 MiB of a million-triple graph's index)."""
    folded = _t2s().convert(unicodedata.normalize("NFKC", text).casefold())
    starts, at = [], 0
    for word in "".join(ch if ch.isalnum() else " " for ch in folded).split():
        starts.append(at)
        at += len(word)
    return tuple(starts)


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    lang: str  # primary language subtag: ko, en, zh, or "" for untagged
    preferred: bool


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    matched: Name  # the name the query met
    rank: int


class Found(NamedTuple):
    hits: list[Hit]  # the best, in order
    total: int  # entities matched (at least, when more)
    more: bool  # the scan stopped at its budget: there are more than total


class SearchIndex:
    """Names kept shortest first (then by kind), so that a scan meets the best candidates of
    each rank first and can stop: exact and prefix matches come from a sorted list by
    bisection; matches inside a name from one string of all names, found with str.find, at
    most ``SCAN_BUDGET`` of them (the shortest names), so that a one-letter query on a
    million-triple graph costs what a rare one does."""

    def __init__(self, entries: list[Entry], kept: tuple[list[Key], list[int]] | None = None) -> None:
        """``kept``: the names folded and in order, and the order by folded name, as the
        index file holds them (folding with OpenCC and sorting are the slow part of making one)."""
        self.entries = entries
        if kept is None:
            keys: list[Key] = [(fold(n.text), _starts(n.text), e, n) for e in entries for n in e.names]
            keys.sort(key=lambda k: (len(k[3].text), k[2].kind_rank(), k[2].iri))
            by_key = sorted(range(len(keys)), key=lambda i: keys[i][0])
        else:
            keys, by_key = kept
        self._keys = keys  # (folded name, where its words start, entry, name), shortest first
        self._by_iri = {e.iri: e for e in entries}
        entry_number = {e.iri: n for n, e in enumerate(entries)}
        self._entry_of = [entry_number[k[2].iri] for k in keys]
        self._sorted_keys = [keys[i][0] for i in by_key]
        self._sorted_ids = by_key
        # every folded name in one string, so that finding a query in all of them is one C
        # loop (str.find) rather than a Python loop over the names
        self._blob = SEPARATOR.join(k[0] for k in keys)
        self._offsets = list(accumulate((len(k[0]) + 1 for k in keys[:-1]), initial=0))

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, iri: str) -> Entry | None:
        return self._by_iri.get(iri)

    def _containing(self, text: str, budget: int) -> tuple[list[int], bool]:
        """The positions in ``_keys`` of the first ``budget`` names (shortest first) that
        contain ``text``, and whether there are more."""
        found: list[int] = []
        at, blob, offsets = 0, self._blob, self._offsets
        while (at := blob.find(text, at)) >= 0:
            if len(found) == budget:
                return found, True
            i = bisect_right(offsets, at) - 1
            found.append(i)
            at = offsets[i + 1] if i + 1 < len(offsets) else len(blob)  # on to the next name
        return found, False

    def search(self, query: str, limit: int = 10) -> Found:
        whole = fold(query)
        words = [w for w in (fold(w) for w in query.split()) if w]
        if not whole:
            return Found([], 0, False)
        best: dict[str, Hit] = {}

        def offer(i: int, rank: int) -> None:
            _, _, entry, name = self._keys[i]
            found = best.get(entry.iri)
            if found is None or (rank, not name.preferred) < (found.rank, not found.matched.preferred):
                best[entry.iri] = Hit(entry, name, rank)

        lo = bisect_left(self._sorted_keys, whole)
        hi = bisect_left(self._sorted_keys, whole + "\U0010ffff", lo)
        starting = self._sorted_ids[lo:hi]  # the names that start with the query: exact or prefix
        for i in heapq.nsmallest(limit * 4, starting):  # the shortest of them (keys are kept shortest first)
            offer(i, 0 if self._keys[i][0] == whole else 1)
        matched = set(map(self._entry_of.__getitem__, starting))
        inside, more = self._containing(whole, SCAN_BUDGET)
        for i in inside:
            key, starts, _, _ = self._keys[i]
            if not key.startswith(whole):
                offer(i, 2 if any(key.startswith(whole, at) for at in starts) else 3)
                matched.add(self._entry_of[i])
        if len(words) > 1 and len(best) < limit:  # every word somewhere in one name, in any order
            spread, more_spread = self._containing(max(words, key=len), SCAN_BUDGET)
            for i in spread:
                if self._entry_of[i] not in matched and all(w in self._keys[i][0] for w in words):
                    offer(i, 4)
                    matched.add(self._entry_of[i])
            more = more or more_spread
        ordered = heapq.nsmallest(limit, best.values(), key=lambda h: (h.rank, len(h.matched.text), h.entry.kind_rank(), h.entry.iri))
        return Found(ordered, len(matched), more)

    def to_json(self) -> str:
        """The index as a file: the entities (IRI, kinds); every name in the index's order, as
        columns (entity number, its place among the entity's names, text, language, preferred,
        folded, word starts as one string); then the order of the names by folded form.
        Columns, not a list per name: reading a list per name left a million-triple graph's
        index some 60 MiB larger in each web worker, as the lists' freed memory stayed
        scattered among the names kept."""
        number = {e.iri: n for n, e in enumerate(self.entries)}
        keys = self._keys
        return json.dumps(
            {
                "format": INDEX_FORMAT,
                "entities": [[e.iri, list(e.kinds)] for e in self.entries],
                "names": {
                    "entity": [number[e.iri] for _, _, e, _ in keys],
                    "place": [e.names.index(n) for _, _, e, n in keys],
                    "text": [n.text for _, _, _, n in keys],
                    "lang": [n.lang for _, _, _, n in keys],
                    "preferred": [n.preferred for _, _, _, n in keys],
                    "folded": [key for key, _, _, _ in keys],
                    "starts": [" ".join(map(str, starts)) for _, starts, _, _ in keys],
                },
                "byName": self._sorted_ids,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> SearchIndex:
        """The index from its file; raises ValueError for a file of another format."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
            raise ValueError(f"not a search index of format {INDEX_FORMAT}")
        names: list[dict[int, Name]] = [{} for _ in data["entities"]]
        rows = []
        shared: dict[str, tuple[int, ...]] = {}  # most names start their words alike: one tuple each
        columns = data["names"]
        for entity, place, name_text, lang, preferred, key, starts in zip(
            *(columns[k] for k in ("entity", "place", "text", "lang", "preferred", "folded", "starts")), strict=True
        ):
            name = Name(name_text, lang, bool(preferred))
            names[entity][place] = name
            word_starts = shared.get(starts)
            if word_starts is None:
                word_starts = shared[starts] = tuple(map(int, starts.split()))
            rows.append((key, word_starts, entity, name))
        entries = [Entry(iri, tuple(kinds), tuple(found[i] for i in sorted(found))) for (iri, kinds), found in zip(data["entities"], names, strict=True)]
        return cls(entries, ([(key, starts, entries[e], name) for key, starts, e, name in rows], data["byName"]))


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
    none (a remote store, a build made before the index existed) or when its file is of an
    older format (a build made by an older version)."""
    path = index_path(build_dir)
    if path.is_file():
        try:
            return SearchIndex.from_json(path.read_bytes())
        except ValueError as e:  # an older layout, or a damaged file: the store has the names
            log.warning("the search index %s cannot be read (%s); making it from the store", path, e)
    return build_index(store)


def labels_for(index: SearchIndex, iris: Iterable[str], lang: str) -> dict[str, tuple[str, str]]:
    """(name, its language) in ``lang`` of each IRI the index knows."""
    found = {}
    for iri in iris:
        entry = index.get(iri)
        if entry is not None:
            found[iri] = entry.name_in(lang)
    return found
