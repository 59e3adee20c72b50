"""Reading the project's RDF sources (ontology, data, shapes) into quads, with errors that
name the file, line and column."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, Store, parse

from weihai_kg.errors import ConfigError, DataSyntaxError, SourceLocation
from weihai_kg.formats import SOURCE_FILES
from weihai_kg.namespaces import GRAPH_ONTOLOGY
from weihai_kg.project import ProjectPaths

log = logging.getLogger(__name__)


def read_file(path: Path, graph: NamedNode | None = None) -> list[Quad]:
    """Parse one RDF file; triples of a Turtle file go into ``graph`` when given.

    Raises DataSyntaxError naming file, line and column, or ConfigError if unreadable.
    """
    try:
        quads = list(parse(path=str(path), format=SOURCE_FILES[path.suffix]))
    except SyntaxError as e:
        raise DataSyntaxError(SourceLocation(path, e.lineno, e.offset), _first_line(e.msg)) from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror or e})") from e
    if graph is None:
        return quads
    return [Quad(q.subject, q.predicate, q.object, graph) if q.graph_name == DefaultGraph() else q for q in quads]


def _first_line(message: str) -> str:
    return message.splitlines()[0] if message else "syntax error"


def read_sources(paths: ProjectPaths) -> list[Quad]:
    """The ontology (into graph:ontology) and every data file, as one list of quads."""
    quads: list[Quad] = []
    for path in paths.ontology_files():
        quads.extend(read_file(path, GRAPH_ONTOLOGY))
    for path in paths.data_files():
        quads.extend(read_file(path))
    log.info("read %d quads from %s", len(quads), paths.root)
    return quads


def source_files(paths: ProjectPaths) -> list[tuple[Path, NamedNode | None]]:
    """Each RDF source with the graph its triples go into (the ontology's into graph:ontology)."""
    return [*((p, GRAPH_ONTOLOGY) for p in paths.ontology_files()), *((p, None) for p in paths.data_files())]


def load_with_union(store: Store, files: Iterable[tuple[Path, NamedNode | None]], named_graphs: bool = True) -> Counter[NamedNode | BlankNode | DefaultGraph]:
    """Stream every file into ``store``: each quad in its graph (unless ``named_graphs`` is
    false, as for validating alone) and its triple once more in the default graph, which so
    becomes the union as a set (an RDF merge). One parse per file into Oxigraph's bulk
    loader: no list of quads is held in Python, so millions of triples load in bounded memory.

    Returns how many quads the sources put in each graph, ``DefaultGraph()`` included (the
    provenance rule requires none there). Raises DataSyntaxError naming file, line and
    column, or ConfigError if a file is unreadable.
    """
    counts: Counter[NamedNode | BlankNode | DefaultGraph] = Counter()
    default = DefaultGraph()

    def stream() -> Iterator[Quad]:
        for path, graph in files:
            try:
                for q in parse(path=str(path), format=SOURCE_FILES[path.suffix]):
                    if graph is not None and q.graph_name == default:
                        q = Quad(q.subject, q.predicate, q.object, graph)
                    counts[q.graph_name] += 1
                    if named_graphs:
                        yield q
                    yield Quad(q.subject, q.predicate, q.object, default)
            except SyntaxError as e:
                raise DataSyntaxError(SourceLocation(path, e.lineno, e.offset), _first_line(e.msg)) from e
            except OSError as e:
                raise ConfigError(f"{path}: cannot read ({e.strerror or e})") from e

    store.bulk_extend(stream())
    return counts


def source_digest(paths: ProjectPaths) -> str:
    """SHA-256 over the ontology, data and shapes files: the same sources give the same id."""
    digest = hashlib.sha256()
    for path in [*paths.ontology_files(), *paths.data_files(), *paths.shapes_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """1-based numbered lines of a text file."""
    with path.open(encoding="utf-8") as handle:
        yield from enumerate(handle, start=1)
