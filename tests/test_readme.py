"""The README's promises: its counts are what ``weihai-kg stats`` says of a fresh build, its
two set-up commands exist, and CI runs the test command."""

from __future__ import annotations

import re
from pathlib import Path

from pyoxigraph import Store

from weihai_kg.read.stats import compute_stats
from weihai_kg.store.layout import BuildInfo

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_counts() -> dict[str, str]:
    block = README.split("<!-- stats -->")[1].split("<!-- /stats -->")[0]
    return dict(re.findall(r"^\| (.+?) \| ([\d /]+) \|$", block, re.MULTILINE))


def test_counts_come_from_stats(store: Store, built: tuple[Path, BuildInfo]) -> None:
    stats = compute_stats(store)
    counts = readme_counts()
    assert counts["distinct triples (default graph)"] == str(stats.distinct_triples)
    assert counts["quads (named graphs + default graph)"] == str(stats.quads) == str(built[1].quads)
    assert counts["named graphs"] == str(stats.named_graphs)
    assert counts["places in the report (graphs that hold statements)"] == str(stats.report_loci)
    assert counts["projects"] == str(stats.count_of("wh:Project"))
    assert counts["organisations (agencies, companies, universities, governments)"] == str(stats.count_of("org:Organization"))
    assert counts["administrative areas (countries, provinces, cities, districts)"] == str(stats.count_of("wh:AdministrativeArea"))
    assert counts["key tasks / yearly targets of the action plan"] == f"{stats.count_of('wh:KeyTask')} / {stats.count_of('wh:YearlyTarget')}"


def test_two_setup_commands_and_ci() -> None:
    commands = re.findall(r"^(scripts/\w+)\s+#", README.split("## Set-up: two commands")[1].split("##")[0], re.MULTILINE)
    assert commands == ["scripts/serve", "scripts/test"]
    for command in commands:
        assert (ROOT / command).stat().st_mode & 0o111
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_negotiation_table_names_every_alias() -> None:
    """Every media-type alias and format name negotiation knows is in the README's table."""
    from weihai_kg import formats

    section = README.split("**Negotiation**")[1].split("**Relative IRIs**")[0]
    missing = [name for f in formats.ALL.values() for name in (f.key, *f.names, *f.also) if f"`{name}`" not in section]
    assert missing == []


def test_the_works_with_table_names_tests_that_exist() -> None:
    section = README.split("## Works with")[1].split("\n## ")[0]
    named = set(re.findall(r"`((?:tests/)?test_\w+\.py)`", section))
    assert len(named) >= 4
    assert all((ROOT / "tests" / Path(name).name).exists() for name in named)
