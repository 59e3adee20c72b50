"""The on-disk Oxigraph store: built once into a fresh directory, switched in atomically,
opened read-only for serving.

Layout, for a store path ``build/store``::

    build/store            -> a symlink to the current build
    build/store.builds/<build-id>/        the Oxigraph (RocksDB) directory
    build/store.builds/<build-id>.json    what was built, from what, when

A build writes a new directory and only then replaces the symlink with ``os.replace``
(atomic on POSIX), so readers see the old store or the new one, never a half-written one,
and a failed build leaves the current store as it was.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Store

from weihai_kg import faults
from weihai_kg.errors import ConfigError, StoreError, StoreNotFound

log = logging.getLogger(__name__)

ENV_STORE = "WEIHAI_KG_STORE"
DEFAULT_STORE = Path("build/store")
KEEP_BUILDS = 2


@dataclass(frozen=True)
class BuildInfo:
    """What a build holds and where it came from; kept beside each build."""

    build_id: str
    built_at: str
    source_digest: str
    quads: int

    @classmethod
    def read(cls, path: Path) -> BuildInfo:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**data)


def resolve_store_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """``--store`` if given, else ``$WEIHAI_KG_STORE``, else ``build/store`` in the working directory."""
    chosen = cli_value or os.environ.get(ENV_STORE) or DEFAULT_STORE
    return Path(chosen)


def builds_dir(store_path: Path) -> Path:
    return store_path.parent / f"{store_path.name}.builds"


def new_build_id(source_digest: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{source_digest[:12]}"


def write_store(
    fill: Callable[[Store], None],
    store_path: Path,
    source_digest: str,
    sidecars: Callable[[Store], dict[str, str]] | None = None,
) -> BuildInfo:
    """Have ``fill`` write into a new build's store and switch ``store_path`` to it.

    ``sidecars`` makes files kept beside the build from the finished store (suffix → text,
    e.g. the search index, ``<build-id>.search.json``); they are written before the switch,
    so a served build always has them.

    ``fill`` may raise (a KgError: bad data, failed validation); the new directory is then
    removed and the error passed on. Raises ConfigError if ``store_path`` is a real directory
    (not one of our symlinks), and StoreError if writing or switching fails; in every case
    the current store is untouched.
    """
    if store_path.exists() and not store_path.is_symlink():
        raise ConfigError(f"{store_path}: exists and is not a weihai-kg store link; choose another --store")
    build_id = new_build_id(source_digest)
    target = builds_dir(store_path) / build_id
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        count = _fill(target, fill, sidecars)
        faults.point("store-written")
        info = BuildInfo(build_id, datetime.now(UTC).isoformat(timespec="seconds"), source_digest, count)
        target.with_suffix(".json").write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
        faults.point("record-written")
        _switch(store_path, target)
        faults.point("switched")
    except OSError as e:
        _discard(target)
        raise StoreError(f"{target}: cannot write the store ({e.strerror or e}); the current store is unchanged") from e
    except BaseException:
        _discard(target)
        raise
    _prune(store_path)
    log.info("store %s now serves build %s (%d quads)", store_path, build_id, count)
    return info


def _fill(target: Path, fill: Callable[[Store], None], sidecars: Callable[[Store], dict[str, str]] | None) -> int:
    store = Store(str(target))
    try:
        fill(store)
        store.flush()
        store.optimize()
        for suffix, text in (sidecars(store) if sidecars else {}).items():
            (target.parent / (target.name + suffix)).write_text(text, encoding="utf-8")
        return len(store)
    finally:
        del store  # closes RocksDB before the directory is published or removed


def _discard(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    for kept in target.parent.glob(target.name + ".*"):  # its record and its sidecars
        kept.unlink(missing_ok=True)


def _switch(store_path: Path, target: Path) -> None:
    link = store_path.parent / f".{store_path.name}.switch-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(target, store_path.parent))
    faults.point("link-made")
    os.replace(link, store_path)


def _prune(store_path: Path) -> None:
    """Keep the current build and the complete one before it (a server may still be answering
    from it); remove older builds and any a killed build left half-written."""
    current = store_path.resolve()
    folder = builds_dir(store_path)
    complete = sorted((p for p in folder.iterdir() if p.is_dir() and p.with_suffix(".json").exists()), key=lambda p: p.name, reverse=True)
    keep = {current, *complete[:KEEP_BUILDS]}
    for old in folder.iterdir():
        if old.is_dir() and old not in keep:
            _discard(old)
    for stale in store_path.parent.glob(f".{store_path.name}.switch-*"):
        if stale.is_symlink() and not _pid_alive(stale.name.rsplit("-", 1)[-1]):
            stale.unlink(missing_ok=True)


def _pid_alive(pid: str) -> bool:
    return pid.isdigit() and Path(f"/proc/{pid}").exists()


@dataclass
class OpenStore:
    """A store opened read-only, with the build it serves."""

    store: Store
    info: BuildInfo
    path: Path


def current_build(store_path: Path) -> tuple[Path, BuildInfo]:
    """The directory ``store_path`` points at and what was built there, without opening it.

    Raises StoreNotFound if nothing was built at ``store_path``, StoreError if it is unreadable.
    """
    if not store_path.exists():
        raise StoreNotFound(f"{store_path}: no store here; run 'weihai-kg build' first (or pass --store)")
    target = store_path.resolve()
    try:
        return target, BuildInfo.read(target.with_suffix(".json"))
    except (OSError, ValueError, TypeError) as e:
        raise StoreError(f"{target}: cannot open the store ({e})") from e


def open_build(target: Path, info: BuildInfo) -> OpenStore:
    """Open a build read-only; raises StoreError if it cannot be opened."""
    try:
        return OpenStore(Store.read_only(str(target)), info, target)
    except (OSError, ValueError, TypeError) as e:
        raise StoreError(f"{target}: cannot open the store ({e})") from e


def open_store(store_path: Path) -> OpenStore:
    """Open the current build read-only.

    Raises StoreNotFound if nothing was built at ``store_path``, StoreError if it cannot be opened.
    """
    return open_build(*current_build(store_path))
