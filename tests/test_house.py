"""The house keeps one home per concern: error classes live in errors.py, only the
negotiation module parses Accept, media types are written only in formats.py, no import
cycle, no module over 400 lines, and the core never imports Flask or the web layer. Each
check reads the source itself, so a second home fails here the day it is written."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import networkx as nx
import pytest

import weihai_kg
from weihai_kg.errors import KgError

PACKAGE = Path(weihai_kg.__file__).resolve().parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def all_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(PACKAGE)], "weihai_kg.") if m.name != "weihai_kg.__main__"]  # that one runs the CLI


def test_error_classes_live_in_errors_py() -> None:
    """Every exception class weihai-kg defines is in errors.py (a private control-flow
    signal that never leaves its module, spelt with a leading underscore, is the exception)."""
    strays = []
    for name in all_modules():
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name and name != "weihai_kg.errors" and not cls_name.startswith("_"):
                strays.append(f"{name}.{cls_name}")
    assert strays == []


def test_every_error_class_has_a_status_and_an_exit_code() -> None:
    from weihai_kg import errors

    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, KgError)]
    assert len(classes) > 20
    for cls in classes:
        assert 400 <= cls.status <= 599 and cls.exit_code >= 1, cls.__name__
    assert {c.status for c in classes} >= {400, 403, 404, 406, 413, 415, 429, 500, 502, 503}


ACCEPT_PARSING = re.compile(
    r"accept_mimetypes|accept_languages|parse_accept_header|best_match\(|HTTP_ACCEPT|MIMEAccept|headers\.get\([\"']Accept[\"']|headers\[[\"']Accept[\"']\]"
)


def test_only_the_negotiation_module_reads_accept() -> None:
    readers = [relative(p) for p in SOURCES if ACCEPT_PARSING.search(p.read_text(encoding="utf-8"))]
    assert readers == ["web/negotiation.py"]


MEDIA_TYPE = re.compile(r"[\"'](?:text|application|image)/[a-z0-9.+-]+[\"']")


def test_media_types_are_written_only_in_formats_py() -> None:
    writers = {relative(p): MEDIA_TYPE.findall(p.read_text(encoding="utf-8")) for p in SOURCES}
    assert {k: v for k, v in writers.items() if v and k != "formats.py"} == {}
    table = MEDIA_TYPE.findall((PACKAGE / "formats.py").read_text(encoding="utf-8"))
    assert len(table) == len(set(table)), "a media type written twice in formats.py"


def top_level_imports(path: Path) -> set[str]:
    """The weihai_kg modules ``path`` imports when it loads (not in functions, not for type checking only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("weihai_kg")}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])]) if node.level else node.module or ""
            if not target.startswith("weihai_kg"):
                continue
            for alias in node.names:  # ``from . import x`` imports the module x
                candidate = f"{target}.{alias.name}"
                found.add(candidate if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists() else target)
    return found


def test_no_import_cycles() -> None:
    graph = nx.DiGraph()
    for path in SOURCES:
        for target in top_level_imports(path):
            if target != module_name(path):
                graph.add_edge(module_name(path), target)
    # a package importing its own modules is how packages work; a module importing its package back is not
    cycles = [c for c in nx.simple_cycles(graph) if not all(a.startswith(b) or b.startswith(a) for a, b in zip(c, c[1:] + c[:1], strict=True))]
    assert cycles == []


def test_the_import_reader_sees_every_form_of_import() -> None:
    """The cycle check is only as good as the imports it reads: ``from pkg import module``,
    ``from pkg.module import name``, and none of the imports made inside functions."""
    service = top_level_imports(PACKAGE / "query" / "service.py")
    assert {"weihai_kg.query.fast_lane", "weihai_kg.query.workers", "weihai_kg.formats"} <= service
    assert "weihai_kg.query.remote" not in top_level_imports(PACKAGE / "store" / "serving.py")  # imported in a function, for remote mode only


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_no_module_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


FLASK = re.compile(r"^\s*(from|import)\s+(flask|werkzeug|gunicorn|granian)\b|^\s*from\s+(\.+web|weihai_kg\.web)\b", re.MULTILINE)


def test_the_core_knows_nothing_of_the_web() -> None:
    core = [p for p in SOURCES if not relative(p).startswith("web/") and relative(p) != "cli.py"]
    assert len(core) > 20
    assert [relative(p) for p in core if FLASK.search(p.read_text(encoding="utf-8"))] == []
