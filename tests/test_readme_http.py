"""Every ``curl`` example in the README works against a real server (port substituted)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from weihai_kg.store.layout import BuildInfo

from .server import running_server

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("curl ")]


def test_readme_has_curl_examples() -> None:
    assert len(EXAMPLES) >= 10


def test_every_curl_example_works(built: tuple[Path, BuildInfo], tmp_path: Path) -> None:
    with running_server(built[0]) as base:
        for line in EXAMPLES:
            args = shlex.split(line.replace("http://127.0.0.1:8000", base))
            args = [a.replace("@queries/", f"@{ROOT}/queries/") for a in args]
            result = subprocess.run(args, cwd=tmp_path, capture_output=True, timeout=60, check=False)
            assert result.returncode == 0, f"{line}\n{result.stderr.decode()}"
            assert result.stdout or "-o" in args, line
    assert (tmp_path / "weihai-kg.trig").stat().st_size > 100_000


@pytest.mark.parametrize("line", EXAMPLES)
def test_examples_use_fail_flag(line: str) -> None:
    assert re.match(r"curl -sf ", line), "README curl examples use -f so that an HTTP error is a failure"
