"""The package as someone installs it: the sdist and the wheel built from the tracked files as a
packager builds them (``python -m build``: the sdist, then the wheel from the sdist), the wheel
installed into a fresh virtual environment outside any checkout, and from a folder of its own,
with no trace of the source in its environment, ``weihai-kg`` builds, validates, serves (a page
clicked in Chromium, a query, an entity, an export, a view, the docs) and writes a release whose
dumps reload offline to what that server serves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from pyoxigraph import DefaultGraph, Store

from .releases import VERSION, check_checksums, check_dumps_against
from .server import ROOT, free_port, running_process

VENDOR = json.loads((ROOT / "src" / "weihai_kg" / "vendor.json").read_text(encoding="utf-8"))["served"]
BUILD_SECONDS = 900  # an isolated build fetches setuptools, and npm the browser libraries, from the registries


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path


@dataclass(frozen=True)
class Installed:
    venv: Path
    work: Path  # the folder the command runs in: empty but for what it writes
    env: dict[str, str]

    def command(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.venv / "bin" / "weihai-kg"), *args], cwd=self.work, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert done.returncode == 0, f"weihai-kg {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done


def tracked_files() -> list[str]:
    """What a fresh clone holds (with files not yet committed, not those git ignores)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode("utf-8").split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sdist and wheel of a copy of the tracked files; the copy is gone before anything is installed."""
    source = tmp_path_factory.mktemp("source") / "weihai-kg"
    for name in tracked_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    packaging = [sys.executable, "-m", "build", "--outdir", str(dist), str(source)]
    done = subprocess.run(packaging, capture_output=True, text=True, timeout=BUILD_SECONDS, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    shutil.rmtree(source)
    (sdist,) = dist.glob("weihai_kg-*.tar.gz")
    (wheel,) = dist.glob("weihai_kg-*-py3-none-any.whl")
    return Built(sdist, wheel)


@pytest.fixture(scope="module")
def installed(package: Built, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel in a new venv (its dependencies from the package index), and an environment
    that says nothing of the checkout: no PYTHONPATH, no WEIHAI_KG_* settings, not the checkout's venv."""
    home = tmp_path_factory.mktemp("installed")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", str(package.wheel)],
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    work = home / "work"
    work.mkdir()
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), "/usr/local/bin", "/usr/bin", "/bin"])
    return Installed(venv, work, env)


@pytest.fixture(scope="module")
def served(installed: Installed) -> Iterator[str]:
    """The installed command's build, then its server on a free loopback port."""
    installed.command("build")
    installed.command("validate")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(installed.venv / "bin" / "weihai-kg"), "serve", "--port", str(port)]
    with running_process(command, base + "/healthz", timeout=60, env=installed.env, cwd=installed.work, inherit=False):
        yield base


def test_the_sdist_holds_the_project_and_no_browser_libraries(package: Built) -> None:
    with tarfile.open(package.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert package.sdist.name == f"weihai_kg-{VERSION}.tar.gz"
    for needed in ("setup.py", "pyproject.toml", "package.json", "package-lock.json", "CHANGELOG.md", "src/weihai_kg/vendor.json"):
        assert needed in names, needed
    for folder in ("ontology", "data", "shapes", "queries"):
        expected = {str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert expected and expected <= names, folder
    assert not [n for n in names if n.startswith(("node_modules/", "build/", ".venv/"))]


def test_the_wheel_carries_the_graph_and_just_the_browser_files_the_pages_load(package: Built) -> None:
    with zipfile.ZipFile(package.wheel) as wheel:
        names = set(wheel.namelist())
    bundle = "weihai_kg/bundle/"
    for folder in ("ontology", "data", "shapes", "queries"):
        expected = {f"{bundle}{p.relative_to(ROOT)}" for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert expected and expected <= names, folder
    assert f"{bundle}CHANGELOG.md" in names and f"{bundle}data/sources/hanjung-zine-193.txt" in names
    modules = {n.removeprefix(bundle + "node_modules/") for n in names if n.startswith(bundle + "node_modules/")}
    assert set(VENDOR.values()) <= modules
    extra = modules - set(VENDOR.values())
    assert extra and all(n.rsplit("/", 1)[-1] == "package.json" or n.rsplit("/", 1)[-1].upper().startswith("LICEN") for n in extra), extra
    assert "cytoscape/package.json" in extra and any(n.startswith("cytoscape/LICEN") for n in extra)
    for folder in ("templates", "static"):
        expected = {f"weihai_kg/web/{folder}/{p.name}" for p in (ROOT / "src" / "weihai_kg" / "web" / folder).iterdir() if p.is_file()}
        assert expected and expected <= names, folder


def test_the_command_runs_the_installed_copy_of_the_package(installed: Installed) -> None:
    code = "import weihai_kg, weihai_kg.project as p; print(weihai_kg.__file__); print(p.find_project().root)"
    python = str(installed.venv / "bin" / "python")
    done = subprocess.run([python, "-c", code], cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True)
    module, project = done.stdout.split()
    assert Path(module).is_relative_to(installed.venv) and Path(project).is_relative_to(installed.venv)
    assert Path(project).name == "bundle"


def test_the_installed_server_answers_a_query_with_the_whole_graph(served: str, store: Store) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answer = requests.get(served + "/sparql", params={"query": count}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == len(list(store.quads_for_pattern(None, None, None, DefaultGraph())))


def test_the_installed_server_serves_entities_exports_context_and_docs(served: str, installed: Installed) -> None:
    turtle = requests.get(served + "/id/agent/weihai-port-group", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200 and "웨이하이항그룹유한공사" in turtle.text
    graphml = requests.get(served + "/export/graphml", timeout=60)
    assert graphml.status_code == 200 and "https://w3id.org/weihai-kg/id/agent/weihai-port-group" in graphml.text
    context = requests.get(served + "/context.jsonld", timeout=30)
    assert context.status_code == 200 and "wh" in context.json()["@context"]
    ontology = requests.get(served + "/ontology", headers={"Accept": "text/html"}, timeout=30)
    assert ontology.status_code == 200 and "wh:Project" in ontology.text
    installed.command("export", "--format", "jsonld", "--out", "graph.jsonld")  # its context from the wheel's ontology/
    assert "wh" in json.loads((installed.work / "graph.jsonld").read_text(encoding="utf-8"))["@context"]
    installed.command("export", "--format", "gexf", "--lang", "ko", "--out", "graph.gexf")
    assert "웨이하이항그룹유한공사" in (installed.work / "graph.gexf").read_text(encoding="utf-8")
    installed.command("docs", "--out", "docs-out")
    assert "wh:Project" in (installed.work / "docs-out" / "index.html").read_text(encoding="utf-8")


def test_the_installed_pages_work_in_chromium(served: str, browser: object) -> None:
    page = browser.new_page(locale="en-US", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(served) else None)
    page.goto(served + "/")
    page.click("#examples a[data-name='agency-projects']")
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    assert page.locator("#results tbody tr").count() == 5
    page.click("#results a[href^='/id/agent/weihai-port-group']")
    page.wait_for_selector("h1#title")
    assert page.locator("h1#title").inner_text() == "Weihai Port Group Co., Ltd."
    page.goto(served + "/view/graph?query=agency-network&lang=ko")
    page.wait_for_selector("#cy[data-ready='true']", timeout=20000)  # cytoscape.js from the wheel drew the network
    assert page.evaluate("window.weihaiGraph.nodes().length") > 50
    assert outside == []
    page.close()


def test_the_installed_command_writes_a_release_that_reloads_to_the_served_dataset(served: str, installed: Installed) -> None:
    installed.command("release", "--out", "releases", "--issued", "2026-12-06")
    folder = installed.work / "releases" / VERSION
    check_checksums(folder)
    check_dumps_against(folder, served)
