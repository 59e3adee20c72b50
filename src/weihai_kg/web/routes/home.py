"""``/``: the query page for people, in Korean, English or Chinese."""

from __future__ import annotations

import json

from flask import Blueprint, Response, send_from_directory
from pyoxigraph import NamedNode, QuerySolutions

from weihai_kg import formats
from weihai_kg.namespaces import BASE, PREFIXES
from weihai_kg.store.reading import ReadStore
from weihai_kg.web import state
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
    vocabulary = state.memo(("editor-vocabulary",), lambda: json.dumps(terms_in_use(state.store())).encode("utf-8"))
    return html_page(
        "index.html",
        base=BASE,
        default_query=DEFAULT_QUERY,
        formats=list(formats.ALL.values()),
        vocabulary=json.loads(vocabulary),
        prefixes=PREFIXES,
    )


TERMS_QUERY = """SELECT DISTINCT ?term ?kind WHERE {
  { [] a ?term . BIND ("class" AS ?kind) } UNION { [] ?term [] . BIND ("property" AS ?kind) }
}"""


def terms_in_use(store: ReadStore) -> dict[str, list[str]]:
    """The classes and properties the graph uses, for the editor's completion (computed once
    per build: the editor completes from what is here, never from a vocabulary service)."""
    result = store.query(TERMS_QUERY)
    found: dict[str, set[str]] = {"class": set(), "property": set()}
    if isinstance(result, QuerySolutions):
        for row in result:
            term, kind = row["term"], row["kind"]
            if isinstance(term, NamedNode) and kind is not None:
                found[kind.value].add(term.value)
    return {kind: sorted(terms) for kind, terms in found.items()}
