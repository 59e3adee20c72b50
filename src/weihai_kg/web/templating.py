"""The pages' templates, rendered without Flask: one Jinja environment over
``web/templates``, so the server and ``weihai-kg docs`` (which writes static files and starts
no server) render the same pages. Templates get ``url_for('static', filename=…)`` for their
assets, under ``static_root``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from weihai_kg.errors import ConfigError
from weihai_kg.namespaces import BASE
from weihai_kg.project import package_folder
from weihai_kg.web.messages import LANGUAGES, NAMES, translator


def _package_data(name: str) -> Path:
    found = package_folder("weihai_kg.web", name)
    if found is None:
        raise ConfigError(f"weihai-kg is installed without its {name}/ folder (package data of weihai_kg.web)")
    return found


TEMPLATES = _package_data("templates")
STATIC = _package_data("static")


def local_url(iri: str) -> str:
    """Where an IRI of ours is served on this server; other IRIs stay as they are."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE) :]
    return iri


_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False)
_ENV.filters["local_url"] = local_url


def render(name: str, static_root: str = "/static/", **context: Any) -> str:
    def url_for(endpoint: str, filename: str) -> str:
        if endpoint != "static":
            raise ValueError(f"templates link only static files, not {endpoint}")
        return static_root + filename

    lang = context.setdefault("lang", "en")
    context.setdefault("t", translator(lang))
    # without a request (weihai-kg docs) the language links just switch ?lang=
    context.setdefault("languages", [(code, NAMES[code], f"?lang={code}") for code in LANGUAGES])
    return _ENV.get_template(name).render(url_for=url_for, **context)
