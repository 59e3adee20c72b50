"""Each SHACL rule catches what it is written for: the minimal fixture conforms, and each
broken fixture (minimal + one offending addition) fails on exactly its rule, naming the
entity and the message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from weihai_kg.namespaces import GRAPH_ONTOLOGY
from weihai_kg.project import ProjectPaths
from weihai_kg.sources import read_file
from weihai_kg.validation.validate import ENGINES, ValidationReport, load_shapes, validate_quads

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal.trig"
BROKEN = sorted((FIXTURES / "broken").glob("*.trig"))


def run(paths: ProjectPaths, *files: Path, engine: str = "sparql") -> ValidationReport:
    quads = [q for f in paths.ontology_files() for q in read_file(f, GRAPH_ONTOLOGY)]
    for f in files:
        quads += read_file(f)
    return validate_quads(quads, load_shapes(paths.shapes_files()), list(files), engine)


def expectation(path: Path) -> tuple[str, str, str]:
    match = re.search(r"^# expect: (\S+) \| (.+?) \| (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path} lacks an '# expect: SHAPE | MESSAGE | FOCUS' line"
    return match[1], match[2], match[3]


def test_minimal_fixture_conforms(paths: ProjectPaths) -> None:
    report = run(paths, MINIMAL)
    assert report.conforms, report.text()


def test_every_rule_the_issue_names_has_a_fixture() -> None:
    names = {p.stem for p in BROKEN}
    for rule in [
        "missing-korean-label",
        "missing-english-label",
        "money-not-positive",
        "money-not-decimal",
        "money-without-currency",
        "period-start-after-end",
        "project-two-sectors",
        "project-without-sector",
        "project-without-plan",
        "sector-count-mismatch",
        "duplicate-korean-label",
        "statement-in-default-graph",
        "statement-in-undescribed-graph",
        "korean-tag-on-han-characters",
        "chinese-tag-on-hangul",
        "tag-on-numeral",
        "korean-content-without-english",
        "english-note-without-korean",
        "derived-value-in-row-graph",
        "derived-value-without-derivation",
    ]:
        assert rule in names


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_fixture_fails_on_its_rule(paths: ProjectPaths, fixture: Path, engine: str) -> None:
    shape, message, focus = expectation(fixture)
    report = run(paths, MINIMAL, fixture, engine=engine)
    assert not report.conforms
    assert {v.shape for v in report.violations} == {f"shapes:{shape}"}, report.text()
    hits = [v for v in report.violations if v.focus == focus and message in v.message]
    assert hits, f"expected {focus}: {message!r}\n{report.text()}"
    # the report points at a file and line where a person can fix it
    if focus.startswith(("agent:", "project:", "qty:", "period:", "count:", "target:")):
        assert hits[0].location is not None and hits[0].location.line is not None


def test_real_data_conforms(paths: ProjectPaths, quads: list) -> None:
    from weihai_kg.validation.validate import validate_project

    report = validate_project(quads, paths)
    assert report.conforms, report.text()
