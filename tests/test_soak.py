"""The 60-second soak (``bench/soak.py`` runs ten minutes): no errors, bounded memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from weihai_kg.store.layout import BuildInfo

from .server import running_server
from .soak import soak


@pytest.mark.slow
def test_sixty_second_soak(built: tuple[Path, BuildInfo]) -> None:
    with running_server(built[0], "--threads", "16") as base:
        result = soak(base, 60.0, concurrency=16)
    assert result.errors == [], result.errors[:5]
    assert sum(result.answers.values()) > 1000, result.summary()
    growth_mib = (result.memory[-1] - result.memory[0]) / 1024
    assert growth_mib < 64, result.summary()
