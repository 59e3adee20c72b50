"""Content negotiation: which format answers a request, from ``format=`` (which overrides
Accept, so links and downloads work) or the Accept header with its q-values."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from .. import formats
from ..errors import KgError


class NotAcceptable(KgError):
    """No format we serve for this kind of result matches what the client accepts."""


def negotiate(form: str, accept: MIMEAccept, format_param: str | None) -> formats.Format:
    """The format for a result of query form ``form``; raises NotAcceptable naming what we offer."""
    offered = formats.BY_FORM[form]
    if format_param:
        chosen = formats.by_name_or_type(format_param)
        if chosen is None or chosen not in offered:
            raise NotAcceptable(f"format={format_param} is not offered for {form}; use one of: {_names(offered)}")
        return chosen
    if not accept or not accept.values():
        return offered[0]
    best = accept.best_match([f.media_type for f in offered])
    if best is None:
        raise NotAcceptable(f"nothing acceptable for a {form} result; offered: {_names(offered)}")
    return next(f for f in offered if f.media_type == best)


def _names(offered: list[formats.Format]) -> str:
    return ", ".join(f"{f.media_type} (format={f.key})" for f in offered)
