"""``/read``: the whole report in its order, each line linked to the places of the report it
belongs to and to the entities stated about there (``read.report_text``); entity pages link
back to the lines."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app

from weihai_kg.errors import NotFound
from weihai_kg.read.report_text import blocks, lines_of, reading
from weihai_kg.web import state
from weihai_kg.web.html import html_page
from weihai_kg.web.i18n import ui_language

bp = Blueprint("report", __name__)


@bp.get("/read")
def read() -> Response:
    lang = ui_language()
    path = Path(current_app.config["REPORT_TEXT"])
    if not path.is_file():
        raise NotFound(f"the report's text is not here ({path}); set WEIHAI_KG_REPORT_TEXT")
    lines = reading(state.store(), state.snapshot().search, lines_of(path), lang)
    return html_page("read.html", lang=lang, blocks=blocks(lines))
