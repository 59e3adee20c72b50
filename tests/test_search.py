"""The name index (``read.search``) on the real data: folding, ranking, and the index file
that ``weihai-kg build`` writes beside the store."""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
import weakref
from pathlib import Path

import pytest
from pyoxigraph import Store

from weihai_kg.project import ProjectPaths
from weihai_kg.query.service import Limits
from weihai_kg.read.search import Entry, Name, SearchIndex, build_index, fold, index_path, load_index
from weihai_kg.store.build import build
from weihai_kg.store.layout import BuildInfo
from weihai_kg.store.serving import Serving

ID = "https://w3id.org/weihai-kg/id/"


@pytest.fixture(scope="module")
def index(built: tuple[Path, BuildInfo]) -> SearchIndex:
    return load_index(built[0].resolve(), Store.read_only(str(built[0].resolve())))


def test_build_writes_the_index_beside_the_store(built: tuple[Path, BuildInfo], store: Store) -> None:
    path = index_path(built[0].resolve())
    assert path.is_file()
    written = SearchIndex.from_json(path.read_text(encoding="utf-8"))
    made = build_index(store)  # what a remote store's server makes: the same index
    assert written.to_json() == made.to_json()
    assert [e.names for e in written.entries] == [e.names for e in made.entries]  # names in their order: the same name shown


def test_the_index_read_from_its_file_holds_little_per_name(built: tuple[Path, BuildInfo]) -> None:
    """Each web worker that serves a search holds the whole index: on a million-triple graph
    its word starts as one set per name cost about 100 MiB of 530. Kept as tuples, one per distinct
    value, the real report's index holds about 660 bytes per name (980 with the sets)."""
    text = index_path(built[0].resolve()).read_text(encoding="utf-8")
    gc.collect()
    tracemalloc.start()
    try:
        index = SearchIndex.from_json(text)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    names = len(index._keys)
    assert names > 500  # the real report's names, not an empty index
    assert held / names < 800, f"{held / names:.0f} bytes per name"


def test_an_index_file_of_an_older_layout_is_made_afresh_from_the_store(built: tuple[Path, BuildInfo], store: Store, tmp_path: Path) -> None:
    """A build made by an older version has its index as a list per name, without a format
    number: the server does not misread it, but makes the index from the store."""
    made = build_index(store)
    number = {e.iri: n for n, e in enumerate(made.entries)}
    older = {
        "entities": [[e.iri, list(e.kinds)] for e in made.entries],
        "names": [[number[e.iri], e.names.index(n), n.text, n.lang, n.preferred, key, list(starts)] for key, starts, e, n in made._keys],
        "byName": made._sorted_ids,
    }
    build_dir = tmp_path / "20240101T000000Z-old"
    index_path(build_dir).write_text(json.dumps(older, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="format"):
        SearchIndex.from_json(index_path(build_dir).read_text(encoding="utf-8"))
    assert load_index(build_dir, store).to_json() == made.to_json()


def test_folding_ignores_case_width_spacing_punctuation_and_script() -> None:
    assert fold("Weihai Port-Group, Co.") == "weihaiportgroupco"
    assert fold("ＷＥＩＨＡＩ") == "weihai"  # full-width letters
    assert fold("上韓網") == fold("上韩网")  # traditional and simplified meet
    assert fold("항 그룹") == "항그룹"


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("德克隆", "project/dekelong-international-platform"),
        ("port group", "agent/weihai-port-group"),
        ("group port", "agent/weihai-port-group"),  # every word, in any order
        ("원딩구", "place/wendeng"),
        ("원당구", "place/wendeng"),
        ("Wendeng", "place/wendeng"),  # the place before its projects: the shorter name
        ("文登", "place/wendeng"),
        ("國網", "project/guowang-ecommerce-platform"),
        ("항그룹", "agent/weihai-port-group"),  # part of a word
    ],
)
def test_the_best_hit(index: SearchIndex, typed: str, first: str) -> None:
    hits, total, _ = index.search(typed, 5)
    assert total >= 1 and hits[0].entry.iri == ID + first, [h.entry.iri for h in hits]


def test_ranks_exact_then_prefix_then_word_then_anywhere() -> None:
    def entry(iri: str, name: str) -> Entry:
        return Entry(iri, (), (Name(name, "en", True),))

    index = SearchIndex([entry("a", "smart city"), entry("b", "smart"), entry("c", "city smart"), entry("d", "newsmartness")])
    hits, total, more = index.search("smart")
    assert [h.entry.iri for h in hits] == ["b", "a", "c", "d"] and [h.rank for h in hits] == [0, 1, 2, 3] and total == 4 and not more
    assert index.search("")[1] == 0 and index.search("  ·  ")[1] == 0


def test_a_match_never_spans_two_names() -> None:
    index = SearchIndex([Entry("a", (), (Name("ab", "en", True),)), Entry("b", (), (Name("cd", "en", True),))])
    assert index.search("bc")[1] == 0


def test_a_common_query_stops_at_its_budget_and_says_so() -> None:
    from weihai_kg.read import search

    entries = [Entry(f"e{n}", (), (Name(f"name number {n}", "en", True),)) for n in range(search.SCAN_BUDGET + 50)]
    entries.append(Entry("x", (), (Name("number", "en", True),)))
    found = SearchIndex(entries).search("umber", 3)
    assert found.more and found.total >= search.SCAN_BUDGET  # a lower bound, said to be one
    assert found.hits[0].entry.iri == "x"  # the shortest name still first
    found = SearchIndex(entries).search("number", 3)
    assert [h.rank for h in found.hits] == [0, 2, 2]  # exact first, then word starts


def test_a_new_build_served_frees_the_old_builds_index(paths: ProjectPaths, tmp_path: Path) -> None:
    """The served index is moved out of the collector's reach (``gc.freeze``, so that no full
    collection walks it during a keystroke); the build served before must still be freed,
    index and all, once the server has moved on to a new one."""
    store_path = tmp_path / "store"
    build(paths, store_path)
    serving = Serving(store_path, Limits(workers=1), check_every=0)
    try:
        snapshot = serving.acquire()
        assert snapshot.search.search("웨이하이").hits  # the index is read, and frozen
        serving.release(snapshot)
        old_snapshot, old_index = weakref.ref(snapshot), weakref.ref(snapshot.search)
        del snapshot
        time.sleep(1.1)  # a build's id holds its time; the next one must differ
        build(paths, store_path)
        assert serving.reload()
        gc.collect()
        assert old_snapshot() is None and old_index() is None
        assert serving.current.search.search("웨이하이").hits  # the new build's index, read anew
    finally:
        serving.close()
