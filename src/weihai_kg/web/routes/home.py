"""``/``: the query page for people, in Korean, English or Chinese."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory

from weihai_kg import formats
from weihai_kg.namespaces import BASE
from weihai_kg.web.html import html_page
from weihai_kg.web.templating import STATIC

bp = Blueprint("home", __name__)

DEFAULT_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wh: <https://w3id.org/weihai-kg/ontology#>

SELECT ?project ?name ?agency WHERE {
  ?project a wh:Project ; skos:prefLabel ?name ; wh:leadAgency ?agency .
  FILTER (lang(?name) = "ko")
}
ORDER BY ?name"""


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for on a first visit (an SVG, which every current browser draws)."""
    return send_from_directory(STATIC, "favicon.svg", mimetype=formats.SVG.media_type, max_age=86400)


@bp.get("/")
def index() -> Response:
    return html_page("index.html", base=BASE, default_query=DEFAULT_QUERY, formats=list(formats.ALL.values()))
