"""The wheel carries the project it serves: ``build_py`` copies the ontology, data, shapes,
named queries and data changelog into ``weihai_kg/bundle``, with the browser libraries the
pages load (the files weihai_kg/vendor.json names, from node_modules as package-lock.json pins
them; ``npm ci`` fetches them when they are missing or of another version). The repository
never holds a copy; an editable install reads the checkout's own folders instead."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FOLDERS = ("ontology", "data", "shapes", "queries")
FILES = ("CHANGELOG.md",)


def _package_of(relative: str) -> str:
    """node_modules/@zazuko/yasqe/build/x.js → @zazuko/yasqe; cytoscape/dist/x.js → cytoscape."""
    parts = relative.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def _installed_as_locked(modules: Path, packages: set[str]) -> bool:
    locked = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for name in packages:
        manifest = modules / name / "package.json"
        if not manifest.is_file():
            return False
        if json.loads(manifest.read_text(encoding="utf-8"))["version"] != locked[f"node_modules/{name}"]["version"]:
            return False
    return True


class BuildPyWithProject(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "weihai_kg" / "bundle"
        if target.exists():
            shutil.rmtree(target)
        for name in FOLDERS:
            shutil.copytree(HERE / name, target / name)
        for name in FILES:
            shutil.copy2(HERE / name, target / name)
        served: dict[str, str] = json.loads((HERE / "src" / "weihai_kg" / "vendor.json").read_text(encoding="utf-8"))["served"]
        modules = HERE / "node_modules"
        packages = {_package_of(p) for p in served.values()}
        if not _installed_as_locked(modules, packages):
            subprocess.run(["npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=HERE, check=True)  # noqa: S607
        for relative in served.values():
            (target / "node_modules" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(modules / relative, target / "node_modules" / relative)
        for name in packages:  # each library's licence and manifest travel with it
            for found in (modules / name).iterdir():
                if found.name == "package.json" or found.name.upper().startswith(("LICENSE", "LICENCE")):
                    shutil.copy2(found, target / "node_modules" / name / found.name)


setup(cmdclass={"build_py": BuildPyWithProject})
