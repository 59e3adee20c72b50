"""``/healthz`` and the named queries: ``/queries`` lists them in the request's language,
``/queries/NAME`` runs one with the same negotiation as ``/sparql``."""

from __future__ import annotations

import os

from flask import Blueprint, Response, jsonify, request

from ..errors import UnknownQuery
from ..queries import NamedQuery
from ..result_cache import Cached
from . import state
from .conneg import negotiate
from .sparql import service

bp = Blueprint("api", __name__)
LANGUAGES = ["en", "ko", "zh"]


def named_queries() -> dict[str, NamedQuery]:
    return state.queries()


@bp.get("/healthz")
def healthz() -> Response:
    opened = state.opened()
    return jsonify(
        status="ok", store=str(opened.path.name), build=opened.info.build_id, built_at=opened.info.built_at, quads=opened.info.quads, pid=os.getpid()
    )


@bp.get("/queries")
def list_queries() -> Response:
    lang = request.args.get("lang") or request.accept_languages.best_match(LANGUAGES, default="en")
    items = [
        {
            "name": name,
            "title": q.title(lang),
            "description": q.description(lang),
            "form": q.form,
            "keywords": list(q.keywords),
            "parameters": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description} for p in q.params],
            "url": request.url_root + "queries/" + name,
            "sparql": q.text,
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
    params = {k: v for k, v in request.args.items() if k != "format"}
    bindings = query.substitutions(params)
    fmt = negotiate(query.form, request.accept_mimetypes, request.args.get("format"))

    def compute() -> Cached:
        answer = service().answer(query.text, fmt.key, substitutions=bindings, client=request.remote_addr or "")
        return Cached(answer.body, fmt.media_type)

    key = ("named", name, fmt.key, tuple(sorted((v.value, str(t)) for v, t in bindings.items())))
    return state.cached(key, compute, {"Vary": "Accept"})
