"""Content negotiation, the only place that reads Accept (and Accept-Language): which format answers a request,
from ``format=`` (which overrides Accept, so links and downloads work) or the Accept header
with its q-values (werkzeug's Accept classes). Every route and the WSGI shortcut call
``negotiate``; the media types themselves are in ``formats``.

The rules: ``format=`` must name a format offered for that answer (406 otherwise). With no
Accept header, the first offered format answers. HTML answers only a client that names
``text/html`` at least as high as its best RDF choice (browsers do; ``*/*`` alone gets RDF).
When nothing offered matches, a route either answers its default (``fallback``) or 406
naming what it offers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from werkzeug.datastructures import Headers, LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

from weihai_kg import formats
from weihai_kg.errors import NotAcceptable
from weihai_kg.formats import Format


def accept_of(headers: Headers | Mapping[str, str]) -> str:
    """The Accept header of a request's headers (Flask's ``request.headers``)."""
    return headers.get("Accept") or ""


def accept_in(environ: Mapping[str, object]) -> str:
    """The Accept header of a WSGI request."""
    return str(environ.get("HTTP_ACCEPT", ""))


@lru_cache(maxsize=512)
def parse_accept(header: str) -> MIMEAccept:
    """The Accept header parsed; clients send the same few headers again and again, so each
    is parsed once (a memo of the header's text, not of any answer)."""
    return parse_accept_header(header, MIMEAccept)


def negotiate(
    offered: Sequence[Format],
    accept: MIMEAccept | str | None,
    format_param: str | None = None,
    *,
    html: bool = False,
    fallback: Format | None = None,
    what: str = "this answer",
) -> Format:
    """The format to answer in: one of ``offered``, or ``formats.HTML`` when ``html`` is offered
    too. Raises NotAcceptable naming what is offered."""
    if isinstance(accept, str) or accept is None:
        accept = parse_accept(accept or "")
    choices = [*offered, formats.HTML] if html else list(offered)
    if format_param:
        chosen = formats.HTML if format_param == "html" else formats.by_name_or_type(format_param)
        if chosen is None or chosen not in choices:
            raise NotAcceptable(f"format={format_param} is not offered for {what}; use one of: {_names(choices)}")
        return chosen
    if not accept:  # no Accept header, or an empty one
        return offered[0]
    best_type = accept.best_match([f.media_type for f in offered])
    if html and _html_first(accept, accept[best_type] if best_type else 0):
        return formats.HTML
    if best_type is None:
        if fallback is not None:
            return fallback
        raise NotAcceptable(f"nothing acceptable for {what}; offered: {_names(choices)}")
    return next(f for f in offered if f.media_type == best_type)


def prefers_html(accept: MIMEAccept | str | None) -> bool:
    """Whether a client names HTML at least as high as anything else it names (a browser)."""
    if isinstance(accept, str) or accept is None:
        accept = parse_accept(accept or "")
    others = max((q for v, q in accept if v != formats.HTML.media_type), default=0)
    return _html_first(accept, others)


def language(chosen: str | None, headers: Headers | Mapping[str, str], offered: Sequence[str], default: str = "en") -> str:
    """The page's language: ``?lang=`` when it is one offered, else the best of Accept-Language."""
    if chosen in offered:
        return str(chosen)
    accept_language = parse_accept_header(headers.get("Accept-Language") or "", LanguageAccept)
    return accept_language.best_match(list(offered), default=default) or default


def _html_first(accept: MIMEAccept, rival: float) -> bool:
    """HTML named explicitly (``*/*`` does not count), at a quality of at least ``rival``."""
    html_q = next((q for v, q in accept if v == formats.HTML.media_type), 0)
    return bool(html_q > 0 and html_q >= rival)


def _names(offered: Sequence[Format]) -> str:
    return ", ".join(f"{f.media_type} (format={f.key})" for f in offered)
