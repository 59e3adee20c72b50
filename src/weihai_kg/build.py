"""``weihai-kg build``: read, validate, and only then write the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .sources import ProjectPaths, read_sources, source_digest
from .store import BuildInfo, write_store
from .validate import require_conformance


def build(paths: ProjectPaths, store_path: Path, progress: Callable[[str], None] = lambda _: None) -> BuildInfo:
    """Build the store from ``paths``; nothing is written unless the data conforms.

    Raises DataSyntaxError (file, line, column), ValidationFailed (with the report),
    ConfigError or StoreError; on any of them the current store is left as it was.
    """
    progress(f"reading {paths.ontology_dir} and {paths.data_dir}")
    quads = read_sources(paths)
    progress(f"validating {len(quads)} quads against {paths.shapes_dir}")
    require_conformance(quads, paths)
    progress(f"writing the store to {store_path}")
    return write_store(quads, store_path, source_digest(paths))
