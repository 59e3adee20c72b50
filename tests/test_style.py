"""The code meets its own bar: ruff and mypy (strict) pass. (That the core never imports
Flask is one of the house rules in test_house.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_and_mypy() -> None:
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    mypy = subprocess.run([sys.executable, "-m", "mypy", "src"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert mypy.returncode == 0, mypy.stdout
