"""``POST /admin/reload``: switch to the newest build now. Off unless ``ADMIN_TOKEN`` is set;
then it needs ``Authorization: Bearer TOKEN``. Servers also switch by themselves within
``RELOAD_CHECK_SECONDS`` of a build, in every worker; this route reaches the one worker that
answers it."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request

from weihai_kg.errors import Forbidden, NotFound
from weihai_kg.web import state

bp = Blueprint("admin", __name__)


@bp.post("/admin/reload")
def reload() -> Response:
    token = str(current_app.config.get("ADMIN_TOKEN") or "")
    if not token:
        raise NotFound("no such route: /admin/reload is off unless ADMIN_TOKEN is set")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Forbidden("a valid admin token is needed")
    switched = state.serving().reload()
    return jsonify(switched=switched, build=state.serving().current.build_id)
