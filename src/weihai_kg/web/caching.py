"""HTTP caching and compression of every answer, without Flask: an ``ETag`` and
``Last-Modified`` from the served build, ``304 Not Modified`` for a client that already has
the answer, and gzip for a client that asks for it. The Flask app (an after-request hook)
and the WSGI shortcut (``web.direct``) both finish their answers here.

The validators come from the build: an answer can only change when a new build is served,
so ``Last-Modified`` is the build's time and the ``ETag`` is the build id with a digest of
the representation (its media type, its encoding and its bytes: the one URL gives several
representations, by Accept and language). In remote mode there is no build time: the ETag
alone (the digest of what was sent) validates."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from cachetools import LRUCache
from werkzeug.http import http_date, is_resource_modified, quote_etag

from weihai_kg.errors import NoRoomForAnswer
from weihai_kg.query import spool
from weihai_kg.query.spool import Body, Spool
from weihai_kg.store.layout import BuildInfo
from weihai_kg.web.negotiation import accepts_gzip
from weihai_kg.web.reply import Reply

MIN_GZIP_BYTES = 1024  # below this, gzip's header costs about what it saves
COMPRESSIBLE = ("text/", "application/")  # every format the server writes is text (JSON, XML, RDF, CSV)
GZIP_CACHE_BYTES = 32 * 1024 * 1024  # compressed bodies kept, least recently used out (per web worker)
_GZIPPED: LRUCache[bytes, bytes] = LRUCache(maxsize=GZIP_CACHE_BYTES, getsizeof=len)
_GZIP_LOCK = threading.Lock()


def finish(reply: Reply, environ: Mapping[str, Any], info: BuildInfo | None) -> Reply:
    """``reply`` with validators (a GET or HEAD that succeeded), as 304 when the client's
    copy is current, and gzip-encoded when the client accepts it."""
    if reply.status != 200 or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return reply  # first: a POSTed query (most of the light ones) needs nothing more
    headers = dict((k.lower(), v) for k, v in reply.headers)
    media_type = headers.get("content-type", "").split(";", 1)[0]
    if media_type.startswith(COMPRESSIBLE) and "content-encoding" not in headers:
        reply.headers = [(k, v) for k, v in reply.headers if k.lower() != "vary"]
        reply.headers.append(("Vary", ", ".join(filter(None, [headers.get("vary", ""), "Accept-Encoding"]))))
        if len(reply.body) >= MIN_GZIP_BYTES and accepts_gzip(environ) and (packed := _packed(reply.body)) is not None:
            reply.body = packed
            reply.headers = [(k, v) for k, v in reply.headers if k.lower() != "content-length"]
            reply.headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(reply.body)))]
    encoding = "gzip" if any(k.lower() == "content-encoding" for k, _ in reply.headers) else ""
    etag = _etag(info, media_type, encoding, reply.body)
    modified, modified_text = _built_at(info.built_at if info else "")
    reply.headers += [("ETag", quote_etag(etag)), ("Cache-Control", "no-cache")]  # no-cache: keep it, but ask again (a reload may come any time)
    if modified_text:
        reply.headers.append(("Last-Modified", modified_text))
    conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
    if conditional and not is_resource_modified(environ, etag=etag, last_modified=modified):  # type: ignore[arg-type]
        kept = {"etag", "last-modified", "cache-control", "vary", "content-location", "link", "access-control-allow-origin"}
        return Reply(304, b"", [(k, v) for k, v in reply.headers if k.lower() in kept])
    return reply


def _packed(body: Body) -> Body | None:
    """``body`` gzip-compressed; None when a spooled answer finds no room for its compressed
    copy: the answer, already made, goes out as it is rather than not at all."""
    if not isinstance(body, Spool):
        return _gzipped(body)
    try:
        return spool.gzipped(body)
    except NoRoomForAnswer:
        return None


def _gzipped(body: bytes) -> bytes:
    """``body`` compressed, from a small LRU keyed by its digest: the dumps and pages that the
    build's cache keeps would otherwise be compressed anew for every client (a 1 MB dump:
    about 20 ms at level 6)."""
    key = hashlib.blake2b(body, digest_size=16).digest()
    with _GZIP_LOCK:
        found = _GZIPPED.get(key)
    if found is None:
        found = gzip.compress(body, compresslevel=6, mtime=0)  # mtime 0: the same bytes every time
        if len(found) <= GZIP_CACHE_BYTES // 4:
            with _GZIP_LOCK:
                _GZIPPED[key] = found
    return found


def _etag(info: BuildInfo | None, media_type: str, encoding: str, body: Body) -> str:
    digest = spool.digest(f"{media_type};{encoding};".encode(), body)
    build = info.build_id.replace(" ", "-").replace('"', "") if info else "none"
    return f"{build}-{digest}"


@lru_cache(maxsize=8)
def _built_at(built_at: str) -> tuple[datetime | None, str]:
    """A build's time, and as an HTTP date: read once per build, not per answer."""
    try:
        when = datetime.fromisoformat(built_at) if built_at else None
    except ValueError:
        when = None
    return when, http_date(when) if when else ""
