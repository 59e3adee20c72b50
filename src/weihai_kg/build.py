"""``weihai-kg build``: read, validate, and only then write the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad, Triple

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
    return write_store([*quads, *union_default_graph(quads)], store_path, source_digest(paths))


def union_default_graph(quads: list[Quad]) -> list[Quad]:
    """Each distinct triple of every named graph, once, in the default graph.

    Queries then see the union as a set (an RDF merge) without ``GRAPH``, while ``GRAPH ?g``
    still tells where each statement stands. Oxigraph's own union-default-graph option
    returns a triple once per graph holding it, which would repeat rows in every answer.
    """
    seen = {Triple(q.subject, q.predicate, q.object) for q in quads}
    return [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in seen]
