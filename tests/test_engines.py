"""The shapes compiled to SPARQL (the default engine) give pySHACL's verdicts, result for
result: on the real data, on generated report-like data, and on every broken fixture."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import DefaultGraph, RdfFormat, serialize

from weihai_kg.errors import ShapesError
from weihai_kg.namespaces import GRAPH_ONTOLOGY, compact
from weihai_kg.project import ProjectPaths
from weihai_kg.sources import read_file
from weihai_kg.validation.validate import ValidationReport, load_shapes, read_report, validate_quads, validate_sources, validation_store

from . import jena
from .test_shapes import BROKEN, MINIMAL

ROOT = Path(__file__).resolve().parent.parent


def verdicts(report: ValidationReport) -> list[tuple[str, str, str, str | None, str | None, str]]:
    """Each result as pySHACL would name it, sorted; duplicates kept (counts must match too)."""
    return sorted((v.focus, v.shape, v.component, v.path, v.value, v.message) for v in report.violations)


def both(paths: ProjectPaths, *files: Path) -> tuple[ValidationReport, ValidationReport]:
    quads = [q for f in paths.ontology_files() for q in read_file(f, GRAPH_ONTOLOGY)]
    for f in files:
        quads += read_file(f)
    shapes = load_shapes(paths.shapes_files())
    return validate_quads(quads, shapes, list(files), "sparql"), validate_quads(quads, shapes, list(files), "pyshacl")


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_same_violations_as_pyshacl_on_broken_fixture(paths: ProjectPaths, fixture: Path) -> None:
    compiled, reference = both(paths, MINIMAL, fixture)
    assert not reference.conforms
    assert compiled.conforms is reference.conforms
    assert verdicts(compiled) == verdicts(reference)


def test_same_verdict_as_pyshacl_on_real_data(paths: ProjectPaths) -> None:
    compiled, reference = both(paths, *paths.data_files())
    assert compiled.conforms and reference.conforms, compiled.text() + reference.text()


def test_every_fixture_at_once(paths: ProjectPaths) -> None:
    """All the faults together: no rule hides another, and each result is pySHACL's."""
    compiled, reference = both(paths, MINIMAL, *BROKEN)
    assert len(reference.violations) > len(BROKEN)
    assert verdicts(compiled) == verdicts(reference)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, "-m", "bench.generate", "--triples", "4000", "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    return out


def test_generated_data_passes_both_engines(generated: Path) -> None:
    paths = ProjectPaths(generated)
    assert validate_sources(paths, "sparql").conforms
    assert validate_sources(paths, "pyshacl").conforms


def test_generated_data_with_a_fault_fails_alike(generated: Path, paths: ProjectPaths) -> None:
    """A copied report with one label removed: both engines name the same entity."""
    text = (generated / "data" / "reports.nq").read_text(encoding="utf-8").splitlines()
    victim = next(line for line in text if "/id/r00001/" in line.split(" ")[0] and 'core#prefLabel> "' in line and '"@en ' in line)
    broken = generated / "data-broken"
    broken.mkdir()
    (broken / "reports.nq").write_text("\n".join(line for line in text if line != victim) + "\n", encoding="utf-8")
    quads = [q for f in paths.ontology_files() for q in read_file(f, GRAPH_ONTOLOGY)] + read_file(broken / "reports.nq")
    shapes = load_shapes(paths.shapes_files())
    compiled = validate_quads(quads, shapes, [], "sparql")
    reference = validate_quads(quads, shapes, [], "pyshacl")
    assert verdicts(compiled) == verdicts(reference)
    expected = (compact(victim.split(" ")[0].strip("<>")), "Needs an English preferred label (skos:prefLabel @en).")
    assert [(v.focus, v.message) for v in compiled.violations] == [expected]


def test_a_shape_the_compiler_does_not_know_is_refused(tmp_path: Path) -> None:
    from weihai_kg.validation.compiled import compile_shapes

    shapes = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ] .""",
        format="turtle",
    )
    with pytest.raises(ShapesError, match="nodeKind"):
        compile_shapes(shapes)


# --- Apache Jena's SHACL, a third engine ------------------------------------------------------


def jena_report(paths: ProjectPaths, folder: Path, *files: Path) -> ValidationReport:
    """Jena's ``shacl validate`` over the same data our engines see (the union plus the
    per-graph triple counts), its report read as ours."""
    quads = [q for f in paths.ontology_files() for q in read_file(f, GRAPH_ONTOLOGY)]
    for f in files:
        quads += read_file(f)
    data = validation_store(quads)
    flat = folder / "data.nt"
    flat.write_bytes(serialize(data.quads_for_pattern(None, None, None, DefaultGraph()), format=RdfFormat.N_QUADS) or b"")
    (shapes_file,) = paths.shapes_files()
    done = jena.run("shacl.shacl", "validate", "--shapes", str(shapes_file), "--data", str(flat))
    assert done.returncode in (0, 1) and done.stdout.strip(), done.stderr[-2000:]
    return read_report(rdflib.Graph().parse(data=done.stdout, format="turtle"), load_shapes(paths.shapes_files()), data, list(files))


needs_jena = pytest.mark.skipif(not jena.available(), reason="Debian's libapache-jena-java is not installed (scripts/setup installs it)")


@needs_jena
def test_jena_shacl_agrees_on_the_real_data(paths: ProjectPaths, tmp_path: Path) -> None:
    report = jena_report(paths, tmp_path, *paths.data_files())
    assert report.conforms, report.text()


@needs_jena
def test_jena_shacl_agrees_on_every_broken_fixture(paths: ProjectPaths, tmp_path: Path) -> None:
    """All the fixtures in one Jena run (a JVM start per fixture would cost a minute), then
    each fixture alone through pySHACL: Jena finds each fixture's violations, result for result."""
    together = jena_report(paths, tmp_path, MINIMAL, *BROKEN)
    _, reference = both(paths, MINIMAL, *BROKEN)
    assert not together.conforms
    assert _comparable(together) == _comparable(reference)


def _comparable(report: ValidationReport) -> list[tuple[str, str, str | None, str | None, str]]:
    """A report's results without what differs by engine and not by verdict: a property
    shape is a blank node whose label is the engine's own (the results name it; ours maps it
    to its node shape through the shapes graph, which only works with pySHACL's labels); and
    where a message puts a SPARQL constraint's value in words, Jena writes an IRI as <IRI>,
    pySHACL as IRI (SHACL §5.3.1 leaves the form open)."""
    return sorted((v.focus, v.component, v.path, v.value, re.sub(r"<(https?://[^>\s]+)>", r"\1", v.message)) for v in report.violations)
