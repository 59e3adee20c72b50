"""The words of the pages in the three interface languages: the catalogue ``messages.toml``
and ``translator``, which templates call as ``t(key)``. Flask-free: ``weihai-kg docs``
renders pages with it too."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from importlib.resources import files

LANGUAGES = ("ko", "en", "zh")
NAMES = {"ko": "한국어", "en": "English", "zh": "中文"}


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, by key, then by language."""
    text = files("weihai_kg.web").joinpath("messages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)``: the message in ``lang`` (English if it lacks one), filled in."""
    messages = catalogue()

    def t(key: str, **values: object) -> str:
        entry = messages[key]  # an unknown key is a bug in a template: fail loudly
        text = entry.get(lang) or entry["en"]
        return text.format(**values) if values else text

    return t
