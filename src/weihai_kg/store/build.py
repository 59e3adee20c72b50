"""``weihai-kg build``: load into a new store, validate it there, and only then switch to it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import rdflib
from pyoxigraph import Store

from weihai_kg import faults
from weihai_kg.project import ProjectPaths
from weihai_kg.sources import load_with_union, source_digest, source_files
from weihai_kg.store.layout import BuildInfo, write_store
from weihai_kg.validation.validate import data_files_for_locating, load_shapes, require_conformance, validate_loaded

if TYPE_CHECKING:  # publishing (and requests) loads only for build --remote
    from weihai_kg.query.remote import RemoteEndpoints
    from weihai_kg.store.publish import Published


def build(
    paths: ProjectPaths,
    store_path: Path,
    progress: Callable[[str], None] = lambda _: None,
    engine: str = "sparql",
) -> BuildInfo:
    """Build the store from ``paths``; nothing is switched in unless the data conforms.

    The files stream into the new build's own directory (each quad in its graph, each triple
    once more in the default graph, which is thus the union as a set, an RDF merge: queries
    see every statement without ``GRAPH`` and no row twice, while ``GRAPH ?g`` still tells
    where each stands). The shapes then run inside that store. Oxigraph's own
    union-default-graph option would return a triple once per graph holding it.

    Raises DataSyntaxError (file, line, column), ValidationFailed (with the report),
    ShapesError, ConfigError or StoreError; on any of them the current store is left as it
    was and the new directory is removed.
    """
    shapes = load_shapes(paths.shapes_files())  # broken shapes fail before anything is written

    def fill(store: Store) -> None:
        load_and_validate(store, paths, shapes, progress, engine, compact=True)
        progress(f"writing the store to {store_path}")

    def sidecars(store: Store) -> dict[str, str]:
        from weihai_kg.read.search import INDEX_SUFFIX, build_index
        from weihai_kg.store.degrees import DEGREES_SUFFIX, count_degrees

        started = time.perf_counter()
        progress("indexing names for search")
        index = build_index(store).to_json()
        progress(f"indexed in {time.perf_counter() - started:.1f} s; counting degrees for the query planner")
        started = time.perf_counter()
        degrees = count_degrees(store).to_json()
        progress(f"counted in {time.perf_counter() - started:.1f} s")
        return {INDEX_SUFFIX: index, DEGREES_SUFFIX: degrees}

    return write_store(fill, store_path, source_digest(paths), sidecars)


def load_and_validate(
    store: Store,
    paths: ProjectPaths,
    shapes: rdflib.Graph,
    progress: Callable[[str], None],
    engine: str,
    compact: bool = False,
) -> None:
    """Stream the sources into ``store`` (with the union) and validate them there; raises
    ValidationFailed when they do not conform. ``compact`` optimizes an on-disk store first:
    the shapes' queries then run several times faster."""
    files = source_files(paths)
    started = time.perf_counter()
    progress(f"loading {len(files)} files from {paths.ontology_dir} and {paths.data_dir}")
    counts = load_with_union(store, files)
    faults.point("loaded")
    if compact:
        store.flush()
        store.optimize()
    progress(f"loaded in {time.perf_counter() - started:.1f} s; validating against {paths.shapes_dir} ({engine})")
    started = time.perf_counter()
    require_conformance(validate_loaded(store, counts, shapes, data_files_for_locating(paths), engine))
    faults.point("validated")
    progress(f"valid ({time.perf_counter() - started:.1f} s)")


def build_remote(
    paths: ProjectPaths,
    endpoints: RemoteEndpoints,
    progress: Callable[[str], None] = lambda _: None,
    engine: str = "sparql",
) -> Published:
    """Validate locally (in memory), then replace the remote store's graphs with the build's.

    Nothing is sent unless the data conforms; raises as ``build`` does, or RemoteFailed.
    """
    store = Store()  # in memory
    load_and_validate(store, paths, load_shapes(paths.shapes_files()), progress, engine)
    from weihai_kg.store.publish import publish

    progress(f"publishing to {endpoints.store} (Graph Store Protocol)")
    return publish(store, endpoints)
