"""``/``: the query page for people, in Korean or English."""

from __future__ import annotations

from flask import Blueprint, Response

from weihai_kg import formats
from weihai_kg.namespaces import BASE
from weihai_kg.web.routes.pages import ui_language
from weihai_kg.web.templating import render

bp = Blueprint("home", __name__)

DEFAULT_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wh: <https://w3id.org/weihai-kg/ontology#>

SELECT ?project ?name ?agency WHERE {
  ?project a wh:Project ; skos:prefLabel ?name ; wh:leadAgency ?agency .
  FILTER (lang(?name) = "ko")
}
ORDER BY ?name"""


@bp.get("/")
def index() -> Response:
    lang = ui_language()
    html = render("index.html", lang=lang, base=BASE, default_query=DEFAULT_QUERY, formats=list(formats.ALL.values()))
    return Response(html, mimetype=formats.HTML.media_type, headers={"Vary": "Accept-Language"})
