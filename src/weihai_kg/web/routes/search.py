"""``/search``: entities by name, from the build's name index (``read.search``). Browsers get
a results page; the search box of every page asks for JSON as you type."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from weihai_kg import formats
from weihai_kg.errors import BadRequest
from weihai_kg.read.search import Hit, SearchIndex, labels_for
from weihai_kg.web import state
from weihai_kg.web.html import html_page
from weihai_kg.web.i18n import ui_language
from weihai_kg.web.negotiation import accept_of, negotiate
from weihai_kg.web.present import kind_label
from weihai_kg.web.templating import local_url

bp = Blueprint("search", __name__)
MAX_QUERY = 200  # characters of a search; a name is never longer
MAX_LIMIT = 100
MAX_NAMES = 2000
CHOICES = [formats.JSON]


def as_json(index: SearchIndex, hit: Hit, lang: str) -> dict[str, object]:
    name, name_lang = hit.entry.name_in(lang)
    return {
        "iri": hit.entry.iri,
        "url": local_url(hit.entry.iri),
        "name": name,
        "nameLang": name_lang,
        "kind": kind_label(index, hit.entry.kinds, lang),
        "matched": hit.matched.text,
        "matchedLang": hit.matched.lang,
        "rank": hit.rank,
    }


@bp.get("/search")
def search() -> Response:
    lang = ui_language()
    query = request.args.get("q", "")[:MAX_QUERY]
    try:
        limit = min(max(int(request.args.get("limit", "50")), 1), MAX_LIMIT)
    except ValueError:
        limit = 50
    index = state.snapshot().search
    hits, total, more = index.search(query, limit)
    found = [as_json(index, h, lang) for h in hits]
    fmt = negotiate(CHOICES, accept_of(request.headers), request.args.get("format"), html=True, what="search results")
    if fmt is formats.HTML:
        response = html_page("search.html", lang=lang, query=query, hits=found, total=f"{total:,}+" if more else f"{total:,}")
    else:  # "more": the count is a lower bound (read.search stops scanning at its budget)
        response = jsonify(query=query, language=lang, total=total, more=more, hits=found)
    response.vary.add("Accept")
    return response


@bp.post("/search/names")
def names() -> Response:
    """The names in the interface language of up to 2,000 IRIs (a JSON list in the body), for
    pages that show results: ``{iri: [name, language]}`` for the IRIs the index knows."""
    lang = ui_language()
    asked = request.get_json(silent=True)
    if not isinstance(asked, list) or not all(isinstance(i, str) for i in asked):
        raise BadRequest("send a JSON list of IRIs")
    return jsonify(labels_for(state.snapshot().search, asked[:MAX_NAMES], lang))
