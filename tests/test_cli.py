"""The ``weihai-kg`` command from the outside: build, validate, stats and query as a user runs
them, errors that name file, line, entity and rule, and a failed build that leaves the
current store exactly as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import RdfFormat

from weihai_kg.store.layout import open_store

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "weihai_kg", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the sources, to break without touching the repository."""
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def store_digest(store_path: Path) -> str:
    """SHA-256 of a canonical (sorted) N-Quads export of the store."""
    opened = open_store(store_path)
    lines = sorted(opened.store.dump(format=RdfFormat.N_QUADS).decode().splitlines())
    del opened
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_build_stats_and_query(checkout: Path) -> None:
    built = cli("build", "--store", "out/store", cwd=checkout)
    assert built.returncode == 0, built.stderr
    assert "validating" in built.stderr and "writing the store" in built.stderr  # progress
    stats = cli("stats", "--store", "out/store", cwd=checkout)
    assert stats.returncode == 0, stats.stderr
    assert "   50  wh:Project" in stats.stdout and "named graphs:   115" in stats.stdout
    answer = cli("query", "korea-projects-investment", "--store", "out/store", "--format", "csv", cwd=checkout)
    assert answer.stdout.splitlines() == ["projects,total,currencyCode", "5,1072000000,CNY"]


def test_store_from_environment(checkout: Path) -> None:
    env = {"WEIHAI_KG_STORE": str(checkout / "env-store")}
    assert cli("build", cwd=checkout, env=env).returncode == 0
    answer = cli("query", "projects-in-month", "--param", "month=2018-01", "--format", "tsv", cwd=checkout, env=env)
    assert "weihai-china-korea-ftz-bohai-park" in answer.stdout
    assert (checkout / "env-store").is_symlink()


def test_swapped_period_fails_validation_naming_entity_rule_and_line(checkout: Path) -> None:
    data = checkout / "data" / "section-3.trig"
    text = data.read_text(encoding="utf-8")
    text = text.replace(
        "time:hasBeginning period:2017-03 ;\n        time:hasEnd period:2018-01",
        "time:hasBeginning period:2018-01 ;\n        time:hasEnd period:2017-03",
    )
    data.write_text(text, encoding="utf-8")
    result = cli("validate", cwd=checkout)
    assert result.returncode == 4
    assert "Period (shapes:IntervalShape)" in result.stdout
    assert "period:2017-03--2018-01" in result.stdout and "Starts 2018-01, after it ends 2017-03" in result.stdout
    assert "data/section-3.trig:" in result.stdout


def test_dropped_label_fails_validation(checkout: Path) -> None:
    data = checkout / "data" / "translations.trig"
    text = data.read_text(encoding="utf-8")
    assert '"Weihai Port Group Co., Ltd."@en' in text
    data.write_text(text.replace('skos:prefLabel "Weihai Port Group Co., Ltd."@en', 'skos:altLabel "Weihai Port Group Co., Ltd."@en'), encoding="utf-8")
    result = cli("validate", cwd=checkout)
    assert result.returncode == 4
    assert "agent:weihai-port-group «웨이하이항그룹유한공사»" in result.stdout
    assert "Needs an English preferred label" in result.stdout


def test_failed_builds_leave_the_store_intact(checkout: Path) -> None:
    assert cli("build", "--store", "s/store", cwd=checkout).returncode == 0
    before = store_digest(checkout / "s" / "store")
    target = (checkout / "s" / "store").resolve()

    data = checkout / "data" / "section-2.trig"
    good = data.read_text(encoding="utf-8")
    data.write_text(good.replace('wh:launched "2015-12"^^xsd:gYearMonth ;', 'wh:launched "2015-12"^^xsd:gYearMonth ;;; oops'), encoding="utf-8")
    broken = cli("build", "--store", "s/store", cwd=checkout)
    assert broken.returncode == 3
    assert "data/section-2.trig:" in broken.stderr and "the store" not in broken.stdout

    data.write_text(good.replace("wh:deliveryDaysMin 10 ;", "wh:deliveryDaysMin 20 ;"), encoding="utf-8")
    invalid = cli("build", "--store", "s/store", cwd=checkout)
    assert invalid.returncode == 4
    assert "Minimum delivery days exceeds the maximum" in invalid.stderr and "the store was not changed" in invalid.stderr

    assert (checkout / "s" / "store").resolve() == target
    assert store_digest(checkout / "s" / "store") == before


def test_unknown_query_and_bad_parameter(checkout: Path) -> None:
    assert cli("build", "--store", "s/store", cwd=checkout).returncode == 0
    unknown = cli("query", "no-such-query", "--store", "s/store", cwd=checkout)
    assert unknown.returncode == 7 and "no query named 'no-such-query'" in unknown.stderr
    bad = cli("query", "projects-in-month", "--param", "month=June", "--store", "s/store", cwd=checkout)
    assert bad.returncode == 8 and "not a valid xsd:gYearMonth" in bad.stderr
    missing = cli("stats", "--store", "nowhere/store", cwd=checkout)
    assert missing.returncode == 5 and "run 'weihai-kg build' first" in missing.stderr


def test_query_file_with_syntax_error_names_position(checkout: Path) -> None:
    assert cli("build", "--store", "s/store", cwd=checkout).returncode == 0
    bad = checkout / "bad.rq"
    bad.write_text("#+ title: broken\nSELECT ?x WHERE { ?x ?y }\n", encoding="utf-8")
    result = cli("query", str(bad), "--store", "s/store", cwd=checkout)
    assert result.returncode == 6
    assert "bad.rq: error at 3:1" in result.stderr  # file, line and column of the parser


def test_ontology_docs(checkout: Path) -> None:
    assert cli("build", "--store", "s/store", cwd=checkout).returncode == 0
    result = cli("docs", "--store", "s/store", "--out", "docs-out", cwd=checkout)
    assert result.returncode == 0, result.stderr
    html = (checkout / "docs-out" / "index.html").read_text(encoding="utf-8")
    import rdflib

    onto = rdflib.Graph().parse(checkout / "ontology" / "weihai-kg.ttl")
    terms = {str(s).split("#")[1] for s in onto.subjects() if str(s).startswith("https://w3id.org/weihai-kg/ontology#")}
    for term in terms:
        assert f'id="{term}"' in html, term
    project = html.split('id="Project"')[1].split("</section>")[0]
    assert "Examples:" in project and 'href="/id/project/' in project
    assert "사업" in (checkout / "docs-out" / "index.ko.html").read_text(encoding="utf-8")
    assert (checkout / "docs-out" / "static" / "weihai.css").exists()


def test_cli_offers_the_validation_engines_there_are() -> None:
    """The CLI's --engine choices are the engines validate runs (named once, in engines.py,
    so that 'serve' need not import pySHACL), and each of them runs."""
    from weihai_kg import cli
    from weihai_kg.validation import validate

    parser = cli.make_parser()
    for command in ("build", "validate"):
        sub = next(a for a in parser._subparsers._group_actions[0].choices[command]._actions if a.dest == "engine")  # type: ignore[union-attr]
        assert tuple(sub.choices) == validate.ENGINES, command
    assert "sparql" in validate.ENGINES and "pyshacl" in validate.ENGINES


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_access_log_to_a_file(built: tuple[Path, Any], tmp_path: Path, server: str) -> None:
    """``serve --access-log FILE`` writes one line per request there, under either server."""
    import requests

    from .server import running_server

    log = tmp_path / f"{server}.log"
    with running_server(built[0], "--server", server, "--access-log", str(log)) as base:
        assert requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "GET /sparql" not in (log.read_text() if log.exists() else ""):
            time.sleep(0.1)
    lines = log.read_text().splitlines()
    assert any("GET /sparql" in line and " 200 " in line for line in lines), lines
    assert any("GET /healthz" in line for line in lines)  # the readiness checks, logged too


def test_serve_overrides_reach_granian_workers_with_their_types(monkeypatch: pytest.MonkeyPatch) -> None:
    """granian's workers read the CLI's overrides back from WEIHAI_KG_* variables: a path
    that looks like a number stays a path, a timeout stays a number."""
    from weihai_kg.web.server import environment

    overrides = {"STORE": "2024", "QUERY_DIR": "queries", "QUERY_TIMEOUT": 2.5, "QUERY_WORKERS": 2}
    for name, value in environment(overrides).items():
        monkeypatch.setenv(name, value)
    from flask import Flask

    app = Flask("probe")
    app.config.from_prefixed_env("WEIHAI_KG")
    assert {key: app.config[key] for key in overrides} == overrides


def test_serve_says_when_one_client_could_take_every_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve's defaults leave every web worker threads that one client's waiting queries
    cannot take; settings that do not are pointed out, naming the variable to change."""
    from weihai_kg.cli import SERVE_DEFAULTS, thread_share_note

    monkeypatch.delenv("WEIHAI_KG_CLIENT_QUEUE", raising=False)
    monkeypatch.delenv("WEIHAI_KG_QUERY_WORKERS", raising=False)
    assert thread_share_note(SERVE_DEFAULTS["threads"], {}) == ""
    assert "24 + 2 query workers ≥ 8" in thread_share_note(8, {"QUERY_WORKERS": 2})
    assert "24 + 8 query workers ≥ 32" in thread_share_note(32, {"QUERY_WORKERS": 8})
    monkeypatch.setenv("WEIHAI_KG_CLIENT_QUEUE", "0")
    assert "WEIHAI_KG_CLIENT_QUEUE: no limit" in thread_share_note(SERVE_DEFAULTS["threads"], {})


def test_auto_query_workers_share_the_cores_between_the_web_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "auto" (the default) gives each web worker its share of the cores, at least one; a
    number, given or from the environment, is taken as it is."""
    from weihai_kg.web import query_workers, settings

    monkeypatch.delenv("WEIHAI_KG_QUERY_WORKERS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(8)))
    assert [query_workers(settings({"WEB_WORKERS": n})) for n in (1, 2, 3, 16)] == [8, 4, 2, 1]
    assert query_workers(settings({"WEB_WORKERS": 2, "QUERY_WORKERS": 3})) == 3
    monkeypatch.setenv("WEIHAI_KG_QUERY_WORKERS", "5")
    assert query_workers(settings({"WEB_WORKERS": 2})) == 5
