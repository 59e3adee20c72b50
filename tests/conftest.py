"""Shared fixtures: the checkout's paths, one store built once per test session, and the
quads read from the sources."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Quad, Store

from weihai_kg.build import build
from weihai_kg.sources import ProjectPaths, read_sources
from weihai_kg.store import BuildInfo, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def paths() -> ProjectPaths:
    return ProjectPaths(ROOT)


@pytest.fixture(scope="session")
def quads(paths: ProjectPaths) -> list[Quad]:
    return read_sources(paths)


@pytest.fixture(scope="session")
def built(paths: ProjectPaths, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildInfo]:
    """The real data, built (and so validated) once into a temporary store."""
    store_path = tmp_path_factory.mktemp("store") / "store"
    return store_path, build(paths, store_path)


@pytest.fixture(scope="session")
def store(built: tuple[Path, BuildInfo]) -> Iterator[Store]:
    yield open_store(built[0]).store
