"""Flask responses whose body may be a spooled answer (``query.spool``): sent from its file
in chunks, never read into the web worker's memory. ``finish_response`` (the app's
after-request hook) gives them validators and gzip from the spool as it does for bytes."""

from __future__ import annotations

from typing import Any

from flask import Response

from weihai_kg.query.spool import Body, Spool


class SpooledResponse(Response):
    def __init__(self, spool: Spool, **kwargs: Any) -> None:
        super().__init__(spool.stream(), **kwargs)
        self.spool = spool
        self.headers["Content-Length"] = str(len(spool))


def response_with(body: Body, **kwargs: Any) -> Response:
    """A Flask response for ``body``: bytes as they are, a spool streamed."""
    return SpooledResponse(body, **kwargs) if isinstance(body, Spool) else Response(body, **kwargs)


def body_of(response: Response) -> Body | None:
    """What ``response`` sends, when it is an answer held in memory or in a spool; None for a
    stream of another kind (static files), which werkzeug validates itself."""
    if isinstance(response, SpooledResponse):
        return response.spool
    if response.direct_passthrough or response.is_streamed:
        return None
    return response.get_data()


def set_body(response: Response, body: Body) -> None:
    if isinstance(body, Spool):
        response.response = body.stream()
        response.headers["Content-Length"] = str(len(body))
    else:
        response.set_data(body)
