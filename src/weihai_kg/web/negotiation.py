"""Content negotiation, the only place that reads Accept (and Accept-Language): which format
answers a request. The same rules hold on every route (the README's negotiation table):

1. ``format=`` (or ``output=``, ``results=``: the names Fuseki, Virtuoso and SPARQLWrapper
   send; the first value counts) names a format by key, alias or media type. A name that
   fits this answer wins over Accept (``xml`` is SPARQL XML for solutions and RDF/XML for
   graphs); a known name that does not fit it (``turtle`` for a SELECT) is set aside and
   Accept decides; a name no format has is a 406 that lists the choices.
2. Accept is read with its q-values; media-type parameters (``charset``, ``profile``,
   ``header``) are ignored for matching (RFC 9110 §12.5.1 allows them), and the common
   aliases (``application/json``, ``application/xml``, ``text/plain``, ``text/n3``…) match
   their canonical format. HTML answers only a client that names ``text/html`` at least as
   high as its best other choice (browsers do; ``*/*`` alone gets data).
3. When Accept matches nothing offered (or there is none) the first offered format answers,
   as RFC 9110 lets a server do, unless the client refused that format outright with
   ``q=0``: then 406.

The media types themselves are in ``formats``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


FORMAT_PARAMETERS = ("format", "output", "results")


@lru_cache(maxsize=512)
def parse_accept(header: str) -> MIMEAccept:
    """The Accept header parsed, each media range without its parameters (q kept); clients
    send the same few headers again and again, so each is parsed once (a memo of the
    header's text, not of any answer)."""
    parsed = parse_accept_header(header, MIMEAccept)
    return MIMEAccept([(value.split(";", 1)[0].strip().lower(), q) for value, q in parsed])


def format_asked(params: Iterable[tuple[str, str]]) -> str | None:
    """The format a request names in its parameters: the first non-empty ``format``, else
    ``output``, else ``results`` (clients send one or all three, some twice)."""
    listed = [(k, v) for k, v in params if k in FORMAT_PARAMETERS and v.strip()]
    for name in FORMAT_PARAMETERS:
        value = next((v for k, v in listed if k == name), None)
        if value is not None:
            return value
    return None


def negotiate(
    offered: Sequence[Format],
    accept: MIMEAccept | str | None,
    format_param: str | None = None,
    *,
    html: bool = False,
    what: str = "this answer",
) -> Format:
    """The format to answer in: one of ``offered``, or ``formats.HTML`` when ``html`` is offered
    too. Raises NotAcceptable naming what is offered. Clients send the same few requests again
    and again: each choice is made once (a memo of the request's terms, not of an answer)."""
    if isinstance(accept, str) or accept is None:
        return _negotiate_text(tuple(offered), accept or "", format_param, html, what)
    return _negotiate(tuple(offered), accept, format_param, html, what)


@lru_cache(maxsize=1024)
def _negotiate_text(offered: tuple[Format, ...], accept: str, format_param: str | None, html: bool, what: str) -> Format:
    return _negotiate(offered, parse_accept(accept), format_param, html, what)


def _negotiate(offered: tuple[Format, ...], accept: MIMEAccept, format_param: str | None, html: bool, what: str) -> Format:
    choices = [*offered, formats.HTML] if html else list(offered)
    if format_param:
        fitting = formats.by_name_or_type(format_param, choices)
        if fitting:
            return fitting[0]
        if not formats.by_name_or_type(format_param):
            raise NotAcceptable(f"format={format_param} is not a format weihai-kg writes; for {what} use one of: {_names(choices)}")
    ranked = [(mt, f) for f in offered for mt in f.media_types]
    best_type = accept.best_match([mt for mt, _ in ranked]) if accept else None
    best_q = accept[best_type] if best_type else 0
    if html and _html_first(accept, best_q):
        return formats.HTML
    if best_type is not None:
        return next(f for mt, f in ranked if mt == best_type)
    default = offered[0]
    if any(value in default.media_types and q == 0 for value, q in accept):  # q=0 ranges are kept in the list
        raise NotAcceptable(f"nothing acceptable for {what}; offered: {_names(choices)}")
    return default


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


def accepts_gzip(environ: Mapping[str, object]) -> bool:
    """Whether a WSGI request's Accept-Encoding takes gzip (named, or ``*``, with q > 0)."""
    return _gzip_in(str(environ.get("HTTP_ACCEPT_ENCODING", "")))


@lru_cache(maxsize=128)
def _gzip_in(header: str) -> bool:
    encodings = parse_accept_header(header)
    return bool(encodings["gzip"] or encodings["x-gzip"])


def _html_first(accept: MIMEAccept, rival: float) -> bool:
    """HTML named explicitly (``*/*`` does not count), at a quality of at least ``rival``."""
    html_q = next((q for v, q in accept if v == formats.HTML.media_type), 0)
    return bool(html_q > 0 and html_q >= rival)


def _names(offered: Sequence[Format]) -> str:
    return ", ".join(f"{f.media_type} (format={f.key})" for f in offered)
