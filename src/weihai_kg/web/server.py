"""Serving the application under a production WSGI server (never Flask's development server):
granian (HTTP in Rust; the default) or gunicorn (gthread)."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

# granian's access log line: the path without its query string, which for GET /sparql is the
# whole query (up to the length limit) and would make each line as long as the query.
ACCESS_FORMAT = '%(addr)s - - [%(time)s] "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).3fms'


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
        from weihai_kg.web import create_app

        return create_app(self.overrides)


def serve(host: str, port: int, workers: int, threads: int, overrides: dict[str, Any], access_log: str = "-", server: str = "granian") -> None:
    if server == "gunicorn":
        _gunicorn(host, port, workers, threads, overrides, access_log)
    else:
        _granian(host, port, workers, threads, overrides, access_log)


def _gunicorn(host: str, port: int, workers: int, threads: int, overrides: dict[str, Any], access_log: str) -> None:
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


def environment(overrides: dict[str, Any]) -> dict[str, str]:
    """The overrides as ``WEIHAI_KG_*`` variables. Flask reads such variables as JSON where
    they parse as JSON, so each value is written as JSON: a store path like ``2024`` stays a
    string, a timeout stays a number."""
    return {f"WEIHAI_KG_{key}": json.dumps(value) for key, value in overrides.items()}


class NoThreadCountWarning(logging.Filter):
    """Drops granian's warning that more threads than twice the cores is "quite high": it
    assumes threads that compute in Python, and most of ours wait on a query worker."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Configuration allows spawning up to")


_GRANIAN: Any = None  # the granian Server of this process; a forked worker holds a copy


def granian_app() -> Flask:
    """What each granian worker loads: the app, built with the stop signals at their default.
    granian forks its workers from the main process, whose stop handler only sets a flag on
    the main process's Server; a stop that reached a worker before granian gave it handlers of
    its own would set that flag on the worker's copy, be lost, and leave the worker running
    until granian's kill timeout (10 s). At the default, a stop while the app is built ends
    the worker at once (it has nothing to finish yet); one that came earlier, between the fork
    and this call, is read from the copy's flag. granian installs its own handlers after."""
    import signal

    from weihai_kg.web import create_app

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if getattr(_GRANIAN, "interrupt_signal", False):
        os._exit(0)
    return create_app()


def _granian(host: str, port: int, workers: int, threads: int, overrides: dict[str, Any], access_log: str) -> None:
    """granian parses HTTP in Rust and calls the app from ``threads`` threads per worker
    process. Each worker builds the app with ``granian_app()``: ``create_app()`` with no
    arguments, which reads ``WEIHAI_KG_*`` variables; the overrides travel that way."""
    from granian.constants import Interfaces
    from granian.server import Server

    os.environ.update(environment(overrides))
    handler: dict[str, Any] = {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    if access_log not in ("-", "off"):
        handler = {"formatter": "access", "class": "logging.FileHandler", "filename": access_log}
    logging_config = {
        "filters": {"threads": {"()": NoThreadCountWarning}},
        "formatters": {
            "generic": {"()": "logging.Formatter", "fmt": "[%(levelname)s] %(message)s"},
            "access": {"()": "logging.Formatter", "fmt": "%(message)s"},
        },
        "handlers": {
            "console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr", "filters": ["threads"]},
            "access": handler,
        },
    }
    global _GRANIAN
    _GRANIAN = Server(
        "weihai_kg.web.server:granian_app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        factory=True,
        websockets=False,
        log_dictconfig=logging_config,
        log_access=access_log != "off",
        log_access_format=ACCESS_FORMAT,
        respawn_failed_workers=True,
        workers_kill_timeout=10,
    )
    _GRANIAN.serve()
