"""What the server answers, without Flask: a status, headers and a body. Errors become short
``text/plain`` answers here, and the headers every answer carries are decided here, so the
Flask views and the WSGI shortcut (``web.direct``) answer alike by construction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from http import HTTPStatus

from weihai_kg.errors import KgError, MethodNotAllowed
from weihai_kg.formats import HTML, PLAIN, content_type
from weihai_kg.query.spool import Body

log = logging.getLogger(__name__)

# Pages load nothing from elsewhere and may not be framed.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"


@dataclass
class Reply:
    status: int
    body: Body  # bytes, or a large answer in a file (query/spool.py)
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_line(self) -> str:
        return _STATUS_LINES.get(self.status) or str(self.status)


_STATUS_LINES = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}  # built once: every answer needs one


def policy(mimetype: str) -> list[tuple[str, str]]:
    """The headers every answer carries: CORS for any origin without credentials (the
    endpoint is public and read-only), no sniffing, and for pages the framing rules."""
    headers = [("Access-Control-Allow-Origin", "*"), ("X-Content-Type-Options", "nosniff")]
    if mimetype == HTML.media_type:
        headers += [("Content-Security-Policy", CSP), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer")]
    return headers


def plain(message: str, status: int, headers: list[tuple[str, str]] | None = None) -> Reply:
    """A short text answer, one line."""
    return Reply(status, (message.rstrip() + "\n").encode("utf-8"), [("Content-Type", content_type(PLAIN)), *(headers or [])])


def for_error(error: Exception) -> Reply:
    """A KgError by the status its class carries; anything else is a server fault, logged and
    answered 500 with a short message, never a stack trace."""
    if not isinstance(error, KgError):
        log.error("unexpected error", exc_info=error)
        return plain("500 Internal Server Error: the server failed; the error was logged", 500)
    if error.status >= 500:
        log.error("%s: %s", type(error).__name__, error)
    headers = [("Retry-After", str(error.retry_after))] if error.retry_after else []
    if isinstance(error, MethodNotAllowed):
        headers.append(("Allow", error.allow))
    return plain(str(error), error.status, headers)
