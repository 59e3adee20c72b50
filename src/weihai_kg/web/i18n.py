"""Which interface language (ko, en, zh) a request is answered in, and keeping the choice.

The choice, first match wins: ``?lang=`` (which the pages' links carry, and which is kept in
a cookie), the cookie of an earlier choice, the browser's ``Accept-Language``, English.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, request

from weihai_kg import formats
from weihai_kg.web.messages import LANGUAGES, NAMES
from weihai_kg.web.negotiation import language

COOKIE = "weihai_kg_lang"
COOKIE_SECONDS = 365 * 24 * 3600


def ui_language() -> str:
    """The language this request is answered in (see the module's docstring)."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    kept = request.cookies.get(COOKIE)
    if kept in LANGUAGES:
        return str(kept)
    return language(None, request.headers, list(LANGUAGES))


def remember(response: Response) -> Response:
    """Keep an explicit ``?lang=`` choice for the next pages (a first-party cookie, no
    tracking); every page then varies by that cookie too."""
    if (response.mimetype or "") != formats.HTML.media_type:
        return response
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, str(asked), max_age=COOKIE_SECONDS, samesite="Lax", httponly=True)
    return response


def language_links() -> list[tuple[str, str, str]]:
    """(code, name, URL) of this page in each language: the same path and parameters
    (a network view keeps its query), only ``lang`` changed."""
    links = []
    for code in LANGUAGES:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
        links.append((code, NAMES[code], request.path + "?" + urlencode(args)))
    return links
