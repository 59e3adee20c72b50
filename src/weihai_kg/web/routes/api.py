"""``/healthz`` and the named queries: ``/queries`` lists them in the request's language,
``/queries/NAME`` runs one with the same negotiation as ``/sparql``."""

from __future__ import annotations

import os

from flask import Blueprint, Response, jsonify, request

from weihai_kg import formats
from weihai_kg.errors import UnknownQuery
from weihai_kg.query.cache import Cached
from weihai_kg.query.named import NamedQuery
from weihai_kg.web import state
from weihai_kg.web.negotiation import FORMAT_PARAMETERS, accept_of, format_asked, language, negotiate

bp = Blueprint("api", __name__)
LANGUAGES = ["en", "ko", "zh"]


def named_queries() -> dict[str, NamedQuery]:
    return state.queries()


@bp.get("/healthz")
def healthz() -> Response:
    snapshot = state.snapshot()
    info = snapshot.info
    return jsonify(status="ok", store=str(snapshot.path.name), build=info.build_id, built_at=info.built_at, quads=info.quads, pid=os.getpid())


@bp.get("/queries")
def list_queries() -> Response:
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
    params = {k: v for k, v in request.args.items() if k not in FORMAT_PARAMETERS}
    text = query.bound(params)
    fmt = negotiate(formats.BY_FORM[query.form], accept_of(request.headers), format_asked(request.args.items(multi=True)), what=f"a {query.form} result")

    def compute() -> Cached:
        answer = state.service().answer(text, fmt.key, client=request.remote_addr or "")
        return Cached(answer.body, fmt.media_type)

    return state.cached(("named", name, fmt.key, text), compute, {"Vary": "Accept"})
