"""An HTML answer: a template rendered in the request's language, with the links to the same
page in the other languages, and the language choice kept (``web.i18n``)."""

from __future__ import annotations

from typing import Any

from flask import Response

from weihai_kg import formats
from weihai_kg.web.i18n import language_links, ui_language
from weihai_kg.web.templating import render


def html_page(template: str, status: int = 200, **context: Any) -> Response:
    lang = context.pop("lang", None) or ui_language()
    body = render(template, lang=lang, languages=language_links(), **context)
    return Response(body, status=status, mimetype=formats.HTML.media_type)
