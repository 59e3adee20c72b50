"""``/healthz`` and the named queries: ``/queries`` lists them in the request's language,
``/queries/NAME`` runs one with the same negotiation as ``/sparql``. Browsers get pages: the
list, and each question with a form for its parameters and its answer as a table."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from weihai_kg import formats
from weihai_kg.errors import QueryParameterError, UnknownQuery
from weihai_kg.query.cache import Cached
from weihai_kg.query.named import NamedQuery
from weihai_kg.query.spool import as_bytes
from weihai_kg.read.search import SearchIndex
from weihai_kg.web import state
from weihai_kg.web.html import html_page
from weihai_kg.web.i18n import ui_language
from weihai_kg.web.messages import translator
from weihai_kg.web.negotiation import FORMAT_PARAMETERS, accept_of, format_asked, language, negotiate
from weihai_kg.web.present import readable_solutions

bp = Blueprint("api", __name__)
LANGUAGES = ["en", "ko", "zh"]
# kinds too broad to choose a parameter's candidates by
GENERIC_KINDS = {"http://www.w3.org/2002/07/owl#NamedIndividual", "https://w3id.org/weihai-kg/ontology#Project"}


def named_queries() -> dict[str, NamedQuery]:
    return state.queries()


@bp.get("/healthz")
def healthz() -> Response:
    snapshot = state.snapshot()
    info = snapshot.info
    # query_workers: the most the server's broker starts (without one, this web worker); an operator checks what "auto" chose
    return jsonify(
        status="ok",
        store=str(snapshot.path.name),
        build=info.build_id,
        built_at=info.built_at,
        quads=info.quads,
        pid=os.getpid(),
        query_workers=snapshot.service.limits.workers,
    )


def _wants_html(offered: list[formats.Format]) -> bool:
    return negotiate(offered, accept_of(request.headers), format_asked(request.args.items(multi=True)), html=True, what="this answer") is formats.HTML


@bp.get("/queries")
def list_queries() -> Response:
    if _wants_html([formats.JSON]):
        lang = ui_language()
        listed = [(name, q) for name, q in named_queries().items() if not name.startswith("checks/")]
        return html_page("queries.html", lang=lang, queries=listed)
    lang = language(request.args.get("lang"), request.headers, LANGUAGES)
    items = [
        {
            "name": name,
            "title": q.title(lang),
            "description": q.description(lang),
            "form": q.form,
            "keywords": list(q.keywords),
            "parameters": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description} for p in q.params],
            "url": state.public_root() + "/queries/" + name,
            "sparql": q.text,
            "bound": q.bound(),  # with each parameter's default bound: what the query page runs
        }
        for name, q in named_queries().items()
    ]
    response = jsonify(language=lang, queries=items)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/queries/<path:name>")
def run_query(name: str) -> Response:
    query = named_queries().get(name)
    if query is None:
        raise UnknownQuery(f"no query named {name!r}; GET /queries lists them")
    if _wants_html(formats.BY_FORM[query.form]):
        return query_page(name, query)
    params = {k: v for k, v in request.args.items() if k not in FORMAT_PARAMETERS}
    text = query.bound(params)
    fmt = negotiate(formats.BY_FORM[query.form], accept_of(request.headers), format_asked(request.args.items(multi=True)), what=f"a {query.form} result")

    def compute() -> Cached:
        answer = state.service().answer(text, fmt.key, client=request.remote_addr or "")
        return Cached(answer.body, fmt.media_type)

    headers = {"Vary": "Accept"}
    if format_asked(request.args.items(multi=True)):  # a download link of the question's page: a file named after it
        headers["Content-Disposition"] = f'inline; filename="weihai-kg-{name.replace("/", "-")}.{fmt.extension}"'
    return state.cached(("named", name, fmt.key, text), compute, headers)


def query_page(name: str, query: NamedQuery) -> Response:
    """A named question for people: its title and description in the interface language, a
    form for each parameter, the answer as a readable table (SELECT, ASK) and links to run it
    in the editor and to download it. A bad parameter is said on the page, above the form."""
    lang = ui_language()
    given = {p.name: request.args[p.name] for p in query.params if request.args.get(p.name)}
    index = state.snapshot().search
    columns: list[str] = []
    rows: list[list[dict[str, object]]] = []
    problem = ""
    try:
        text = query.bound(given)
    except QueryParameterError as e:
        text, problem = query.bound(), parameter_problem(query, given, lang) or str(e)
    if not problem and query.form in ("SELECT", "ASK"):
        body = as_bytes(state.service().answer(text, "json", client=request.remote_addr or "").body)
        columns, rows = readable_solutions(json.loads(body), index, lang)
    choices = {p.name: candidates(index, p.default, lang) for p in query.params if p.type == "iri"}
    values = {p.name: given.get(p.name, p.default) for p in query.params}
    picked = {n: _name_or(index, v, lang) for n, v in values.items()}
    downloads = [(f.key, f.media_type) for f in formats.BY_FORM[query.form]]
    here = [(k, v) for k, v in values.items()]
    return html_page(
        "query.html",
        lang=lang,
        query_name=name,
        query=query,
        text=text,
        columns=columns,
        rows=rows,
        problem=problem,
        choices=choices,
        values=values,
        picked=picked,
        downloads=downloads,
        download_base=f"/queries/{name}?" + urlencode(here),
        editor_link="/?" + urlencode([("query", text), ("lang", lang)]),
    )


def parameter_problem(query: NamedQuery, given: dict[str, str], lang: str) -> str:
    """Which value does not fit, said in the reader's language (the answer then shows the
    defaults); "" when it is not one value (the caller says the error as it is)."""
    t = translator(lang)
    for p in query.params:
        if p.name in given:
            try:
                p.bind(given[p.name])
            except QueryParameterError:
                return t("param_invalid", name=p.name, value=given[p.name], kind=t("param_type_" + p.type.replace(":", "_")))
    return ""


def _name_or(index: SearchIndex, value: str, lang: str) -> str:
    entry = index.get(value)
    return entry.name_in(lang)[0] if entry else value


def candidates(index: SearchIndex, default: str, lang: str) -> list[tuple[str, str]]:
    """(IRI, name) of the entities of the default value's most specific kinds: the list a
    district parameter offers (every area, when its default is one). None for "any entity":
    those get the search-backed picker."""
    entry = index.get(default)
    if entry is None:
        return []
    kinds = set(entry.kinds) - GENERIC_KINDS
    found = [(e.iri, e.name_in(lang)[0]) for e in index.entries if kinds & set(e.kinds)]
    return sorted(found, key=lambda item: item[1].casefold())
