"""Serving the application under gunicorn (never Flask's development server)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class KgServer(BaseApplication):  # type: ignore[misc]
    """gunicorn with its options given in code; each gunicorn worker builds its own app,
    and so its own query workers, after the fork."""

    def __init__(self, overrides: dict[str, Any], options: dict[str, Any]) -> None:
        self.overrides = overrides
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from . import create_app

        return create_app(self.overrides)


def serve(host: str, port: int, workers: int, threads: int, overrides: dict[str, Any], access_log: str = "-") -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None if access_log == "off" else access_log,  # one line per request costs ~5% of a light query
        "limit_request_line": 16384,  # long GET queries; longer ones are POSTed
        "control_socket_disable": True,  # one fixed socket path would clash between instances
    }
    KgServer(overrides, options).run()
