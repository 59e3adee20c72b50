"""Where weihai-kg finds its project: the ontology, data, shapes, named queries, the report's
text, the data changelog and the browser libraries the pages use.

A project folder is laid out like the repository (``ontology/``, ``data/``, ``shapes/``,
``queries/``, ``CHANGELOG.md``, ``node_modules/``). It is found in this order: ``--project DIR``,
``$WEIHAI_KG_PROJECT``, the copy a wheel installs with the package (``weihai_kg/bundle``,
read through importlib.resources), and last the working directory, which is how a checkout
runs. Nothing here knows where the source tree is.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from weihai_kg.errors import ConfigError
from weihai_kg.formats import SOURCE_FILES

ENV_PROJECT = "WEIHAI_KG_PROJECT"
BUNDLED = "bundle"  # the folder of package data a wheel carries (setup.py writes it)
# The browser libraries the pages load: served name → file under node_modules. setup.py reads
# this file too, to copy just these into the wheel.
VENDOR: dict[str, str] = json.loads(resources.files("weihai_kg").joinpath("vendor.json").read_text(encoding="utf-8"))["served"]


@dataclass(frozen=True)
class ProjectPaths:
    """One project folder; every path is relative to ``root``."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def source_text(self) -> Path:
        return self.data_dir / "sources" / "hanjung-zine-193.txt"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def vendor_dir(self) -> Path:
        return self.root / "node_modules"

    def ontology_files(self) -> list[Path]:
        return rdf_files(self.ontology_dir)

    def data_files(self) -> list[Path]:
        return rdf_files(self.data_dir)

    def shapes_files(self) -> list[Path]:
        return rdf_files(self.shapes_dir)


def rdf_files(folder: Path) -> list[Path]:
    """The RDF files of one folder of a project, in name order."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such directory (is --project, or ${ENV_PROJECT}, a weihai-kg project folder?)")
    return sorted(p for p in folder.iterdir() if p.suffix in SOURCE_FILES and p.is_file())


def package_folder(package: str, name: str) -> Path | None:
    """A folder of package data (read through importlib.resources, wherever the package is
    installed), or None when the package has none."""
    folder = resources.files(package).joinpath(name)
    if not folder.is_dir():
        return None
    if not isinstance(folder, Path):  # a zipped install: the files have no path to serve from
        raise ConfigError("weihai-kg is installed zipped; install it unpacked (pip does) or pass --project DIR")
    return folder


def bundled_root() -> Path | None:
    """The project a wheel installed beside the code, or None (a checkout has none)."""
    return package_folder("weihai_kg", BUNDLED)


def _from_environment() -> str | None:
    """$WEIHAI_KG_PROJECT read as Flask reads every WEIHAI_KG_* variable: as JSON where it
    parses (``serve`` writes '"/srv/kg"'), else as it stands."""
    value = os.environ.get(ENV_PROJECT)
    if not value:
        return None
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, str) else value


def find_project(explicit: str | os.PathLike[str] | None = None) -> ProjectPaths:
    """The project to use (see the module's docstring for the order); raises ConfigError
    naming what was tried when none is found."""
    chosen = explicit or _from_environment()
    if chosen:
        root = Path(chosen)
        if not (root / "ontology").is_dir():
            raise ConfigError(f"{root}: not a weihai-kg project folder (it has no ontology/)")
        return ProjectPaths(root)
    bundled = bundled_root()
    if bundled is not None:
        return ProjectPaths(bundled)
    here = Path.cwd()
    if (here / "ontology").is_dir():
        return ProjectPaths(here)
    raise ConfigError(f"no weihai-kg project here ({here} has no ontology/): pass --project DIR or set ${ENV_PROJECT}, or install the wheel, which carries one")
