"""The code meets its own bar: ruff and mypy (strict) pass, and the core never imports Flask."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = [p for p in (ROOT / "src" / "weihai_kg").glob("*.py") if p.name != "cli.py"]


def test_core_knows_nothing_of_flask() -> None:
    for path in CORE:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(flask|werkzeug|gunicorn)\b|from \.web\b", text, re.MULTILINE), path.name


def test_ruff_and_mypy() -> None:
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    mypy = subprocess.run([sys.executable, "-m", "mypy", "src"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert mypy.returncode == 0, mypy.stdout
