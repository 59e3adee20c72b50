"""``weihai-kg release``: a versioned folder that reloads offline to the endpoint's dataset, the
same bytes a server sends, served as files by ``serve --release``, and clear refusals."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests

from weihai_kg.store.build import BuildInfo

from .releases import DATASET, DCAT, DCT, OWL, RDF_DUMPS, VERSION, check_checksums, check_dumps_against, dump_path, release_void
from .server import ROOT, running_server

ISSUED = "2026-12-05"


def weihai_kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "weihai_kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def release(built: tuple[Path, BuildInfo], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("releases")
    done = weihai_kg("release", "--store", str(built[0]), "--out", str(out), "--issued", ISSUED)
    assert done.returncode == 0, done.stderr
    assert (out / VERSION).is_dir() and [p.name for p in out.iterdir()] == [VERSION]  # no temporary folder left
    return out / VERSION


@pytest.fixture(scope="module")
def served(built: tuple[Path, BuildInfo], release: Path) -> Iterator[str]:
    with running_server(built[0], "--release", str(release)) as base:
        yield base


def test_the_release_holds_every_dump_with_the_version_in_its_name(release: Path) -> None:
    names = {p.name for p in release.iterdir()}
    expected = {dump_path(release, e).name for e in [*RDF_DUMPS, "graphml", "gexf"]}
    expected |= {f"weihai-kg-{VERSION}.void.ttl", f"weihai-kg-ontology-{VERSION}.ttl", f"weihai-kg-shapes-{VERSION}.ttl", "SHA256SUMS", "README.md"}
    assert names == expected


def test_every_file_meets_its_checksum_and_the_void_gives_sizes_and_checksums(release: Path) -> None:
    check_checksums(release)


def test_a_changed_file_fails_the_check(release: Path, tmp_path: Path) -> None:
    copy = tmp_path / VERSION
    shutil.copytree(release, copy)
    with dump_path(copy, "ttl").open("a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and dump_path(copy, "ttl").name in done.stdout


def test_every_dump_reloads_offline_to_the_endpoints_dataset(release: Path, served: str) -> None:
    check_dumps_against(release, served)


def test_the_server_sends_the_release_bytes(release: Path, served: str) -> None:
    """What ``/store`` and ``/export/FORMAT`` send for the same build is the release's file, byte for byte."""
    exports = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "jsonld": "jsonld", "graphml": "graphml", "gexf": "gexf"}
    urls = {"nq": "/store?format=nquads", "trig": "/store?format=trig"} | {e: f"/export/{k}" for e, k in exports.items()}
    for extension, url in urls.items():
        body = requests.get(served + url, timeout=60).content
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(dump_path(release, extension).read_bytes()).hexdigest(), url


def test_the_release_names_its_version_day_ontology_and_shapes(release: Path) -> None:
    void = release_void(release)
    assert str(void.value(DATASET, OWL.versionInfo)) == VERSION
    assert void.value(DATASET, DCT.issued) == rdflib.Literal(ISSUED, datatype=rdflib.XSD.date)
    assert void.value(DATASET, DCT.isVersionOf) == rdflib.URIRef("https://w3id.org/weihai-kg/dataset")
    assert {str(o) for o in void.objects(DATASET, DCT.conformsTo)} >= {
        f"https://w3id.org/weihai-kg/shapes/{VERSION}",
        f"https://w3id.org/weihai-kg/ontology/{VERSION}",
    }
    assert void.value(DATASET, DCAT.previousVersion) is None  # the changelog has no earlier dated release
    ontology = rdflib.Graph().parse(release / f"weihai-kg-ontology-{VERSION}.ttl", format="turtle")
    assert (rdflib.URIRef("https://w3id.org/weihai-kg/ontology"), OWL.versionIRI, rdflib.URIRef(f"https://w3id.org/weihai-kg/ontology/{VERSION}")) in ontology
    shapes = rdflib.Graph().parse(release / f"weihai-kg-shapes-{VERSION}.ttl", format="turtle")
    assert (rdflib.URIRef("https://w3id.org/weihai-kg/shapes"), OWL.versionIRI, rdflib.URIRef(f"https://w3id.org/weihai-kg/shapes/{VERSION}")) in shapes
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert f"# weihai-kg {VERSION}" in readme and "derived figures in `graph:derivations`" in readme  # what changed, from CHANGELOG.md
    assert "preview" in readme  # the changelog still calls 0.2.0 unreleased


def test_a_served_release_is_listed_in_void_and_served_as_files(release: Path, served: str) -> None:
    void = rdflib.Graph().parse(data=requests.get(served + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30).text, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/weihai-kg/dataset")
    listed = {str(d) for d in void.objects(dataset, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))}
    assert listed == {f"{served}/release/{dump_path(release, e).name}" for e in [*RDF_DUMPS, "graphml", "gexf"]}
    released = release_void(release)
    for url in listed:
        answer = requests.get(url, timeout=60)
        name = url.rsplit("/", 1)[1]
        assert answer.status_code == 200 and answer.content == (release / name).read_bytes()
        size = next(released.objects(next(d for d in released.objects(DATASET, DCAT.distribution) if str(d).endswith(name)), DCAT.byteSize))
        assert void.value(rdflib.URIRef(url), DCAT.byteSize) == size
    assert requests.get(served + "/release/SHA256SUMS", timeout=10).status_code == 200
    assert requests.get(served + "/release/..%2Fsecret", timeout=10).status_code == 404
    assert requests.get(served + "/release/weihai-kg-9.9.9.nq", timeout=10).status_code == 404


def test_the_release_folder_can_come_from_the_environment(built: tuple[Path, BuildInfo], release: Path) -> None:
    with running_server(built[0], env={"WEIHAI_KG_RELEASE_DIR": str(release)}) as base:
        void = rdflib.Graph().parse(data=requests.get(base + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30).text, format="turtle")
        listed = {str(d) for d in void.objects(rdflib.URIRef("https://w3id.org/weihai-kg/dataset"), rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))}
        assert f"{base}/release/{dump_path(release, 'nq').name}" in listed
        assert requests.get(f"{base}/release/{dump_path(release, 'ttl').name}", timeout=30).content == dump_path(release, "ttl").read_bytes()


def test_a_release_is_not_rewritten_in_place(built: tuple[Path, BuildInfo], release: Path) -> None:
    done = weihai_kg("release", "--store", str(built[0]), "--out", str(release.parent))
    assert done.returncode != 0 and "exists" in done.stderr and "--force" in done.stderr


def test_a_folder_that_is_not_a_release_is_refused_before_serving(built: tuple[Path, BuildInfo], release: Path, tmp_path: Path) -> None:
    done = weihai_kg("serve", "--store", str(built[0]), "--port", "9", "--release", str(tmp_path))
    assert done.returncode != 0 and "not a weihai-kg release folder" in done.stderr and str(tmp_path) in done.stderr
    copy = tmp_path / VERSION
    shutil.copytree(release, copy)
    dump_path(copy, "nt").write_bytes(b"")
    done = weihai_kg("serve", "--store", str(built[0]), "--port", "9", "--release", str(copy))
    assert done.returncode != 0 and "SHA-256" in done.stderr and dump_path(copy, "nt").name in done.stderr


def project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "CHANGELOG.md", project / "CHANGELOG.md")
    return project


def test_shapes_of_another_version_are_refused(built: tuple[Path, BuildInfo], tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    shapes = project / "shapes" / "weihai-kg.shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8").replace(f'owl:versionInfo "{VERSION}"', 'owl:versionInfo "0.1.9"'), encoding="utf-8")
    done = weihai_kg("release", "--store", str(built[0]), "--project", str(project), "--out", str(tmp_path / "out"))
    assert done.returncode != 0 and "0.1.9" in done.stderr and VERSION in done.stderr
    assert not (tmp_path / "out" / VERSION).exists()


def test_the_previous_dated_release_is_named(built: tuple[Path, BuildInfo], tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace("## 0.1.0 — unreleased", "## 0.1.0 — 2026-10-01"), encoding="utf-8")
    done = weihai_kg("release", "--store", str(built[0]), "--project", str(project), "--out", str(tmp_path / "out"), "--issued", ISSUED)
    assert done.returncode == 0, done.stderr
    void = release_void(tmp_path / "out" / VERSION)
    assert void.value(DATASET, DCAT.previousVersion) == rdflib.URIRef("https://w3id.org/weihai-kg/dataset/0.1.0")
    assert "The release before it is 0.1.0." in (tmp_path / "out" / VERSION / "README.md").read_text(encoding="utf-8")
