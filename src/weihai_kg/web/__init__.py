"""The web layer: a Flask application over the core. ``create_app`` takes defaults, then
``WEIHAI_KG_*`` environment variables, then explicit overrides (tests)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Config, Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from weihai_kg import faults
from weihai_kg.errors import ConfigError
from weihai_kg.project import find_project
from weihai_kg.query.named import load_queries
from weihai_kg.query.service import Limits
from weihai_kg.store.layout import DEFAULT_STORE, ENV_STORE
from weihai_kg.store.serving import Serving
from weihai_kg.web import errors, state
from weihai_kg.web.caching import finish
from weihai_kg.web.direct import DirectSparql
from weihai_kg.web.i18n import remember
from weihai_kg.web.reply import Reply, policy
from weihai_kg.web.routes import admin, api, dataset, exports, home, pages, report, search, sparql, tables, views
from weihai_kg.web.spooled import body_of, set_body

DEFAULTS: dict[str, Any] = {
    "STORE": os.environ.get(ENV_STORE, str(DEFAULT_STORE)),
    # The project folder (project.py): --project, $WEIHAI_KG_PROJECT, the wheel's copy, else the
    # working directory. The four paths below default to its folders when left empty.
    "PROJECT": "",
    "QUERY_DIR": "",  # the named queries
    "SHAPES_DIR": "",  # served at /shapes
    "QUERY_TIMEOUT": 10.0,  # seconds a query may run before its worker is stopped
    # query workers at most (started when needed): the whole server's with serve's broker,
    # else each web worker's; "auto": one per core (query_workers below)
    "QUERY_WORKERS": "auto",
    # the Unix socket of the server's query broker (query/broker.py), set by weihai-kg serve;
    # empty: each web worker starts and shares out query workers of its own
    "BROKER": "",
    "WEB_WORKERS": 1,  # web worker processes of the server (weihai-kg serve sets it)
    # an idle query worker stops after this long (0: never). It holds the store's caches (about
    # 85 MiB at 1M triples); starting another costs the next query about 30 ms (README, Speed)
    "QUERY_WORKER_IDLE_SECONDS": 10.0,
    "IN_PROCESS_ROWS": 5000,  # most rows of work (query/work_bound.py) a query may take in the web process, unlimited in time (0: one-pattern queries only)
    # queries one client address may have waiting for a worker (0: no limit); with the query
    # workers below serve's 32 threads, so that other clients always find a thread
    "CLIENT_QUEUE": 24,
    "MAX_QUERY_CHARS": 20_000,
    "MAX_ROWS": 10_000,  # rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in one answer
    "MAX_CONTENT_LENGTH": 1_000_000,  # request body bytes (Flask's own limit: 413)
    "REPORT_TEXT": "",  # the report's text, shown at /read (loci count lines in it)
    "RELEASE_DIR": "",  # a release folder (weihai-kg release) whose files are served at /release/NAME and listed in VoID
    "VENDOR_DIR": "",  # browser libraries: the project's node_modules (scripts/setup: npm ci; a wheel carries them)
    "RELOAD_CHECK_SECONDS": 1.0,  # how often a request checks for a new build (0: never)
    "ADMIN_TOKEN": "",  # set to enable POST /admin/reload (Authorization: Bearer TOKEN)
    "RESULT_CACHE": "all",  # what answers are cached per build: named (queries and pages), all (+ /sparql), off
    "RESULT_CACHE_BYTES": 64 * 1024 * 1024,  # bound on the cached bodies, per served build
    "REMOTE": "",  # a SPARQL query URL: answer from that server instead of the embedded store
    "REMOTE_DIALECT": "standard",  # that server's engine family (query/dialects.py): standard or virtuoso
    "DIRECT_SPARQL": True,  # plain /sparql requests answered before Flask (web/direct.py); False: all through Flask
    "PUBLIC_URL": "",  # the public base URL advertised in VoID, the service description and pages (default: LISTEN_URL)
    "LISTEN_URL": "http://127.0.0.1:8000",  # where the server listens (set by weihai-kg serve)
    # True: honour X-Forwarded-For/-Proto/-Host/-Prefix from the one proxy in front (werkzeug's ProxyFix)
    "TRUST_PROXY": False,
}
CACHE_MODES = ("named", "all", "off")


def settings(overrides: Mapping[str, Any] | None = None) -> Config:
    """The settings an app is built with: the defaults, then ``WEIHAI_KG_*`` variables (read
    as JSON where they parse, as Flask reads them), then ``overrides``."""
    config = Config("")
    config.from_mapping(DEFAULTS)
    config.from_prefixed_env("WEIHAI_KG")
    config.update(overrides or {})
    return config


def query_workers(config: Mapping[str, Any], server_wide: bool | None = None) -> int:
    """The most query workers the fair share lends: with the server's broker (``BROKER``) the
    whole server's, else one web worker's own. "auto" gives one per core, and without a
    broker shares the cores out between ``WEB_WORKERS`` (at least one each): a heavy query
    runs on one core and computes all the while, so workers past the cores add memory (a
    heavy query's worker peaks near Oxigraph's whole process), not answers (README, Speed
    and scale)."""
    value = config["QUERY_WORKERS"]
    if value != "auto":
        return int(value)
    cores = len(os.sched_getaffinity(0))
    if bool(config["BROKER"]) if server_wide is None else server_wide:
        return cores
    return max(1, cores // max(1, int(config["WEB_WORKERS"])))


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; raises StoreNotFound/StoreError if the store cannot be opened.

    Close it with ``app.extensions["kg"]["serving"].close()`` (tests; gunicorn ends the process).
    """
    # werkzeug would answer "//" and the like with a 308 and an HTML body; a plain 404 is
    # documented. Rules take the setting when added, so the static route is added after it.
    faults.pause("app-building")
    app = Flask(__name__, static_folder=None)
    app.url_map.merge_slashes = False
    app.static_folder = "static"
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=app.send_static_file)
    app.config.update(settings(overrides))
    project = find_project(app.config["PROJECT"] or None)
    folders = {"QUERY_DIR": project.queries_dir, "SHAPES_DIR": project.shapes_dir, "REPORT_TEXT": project.source_text, "VENDOR_DIR": project.vendor_dir}
    for key, path in folders.items():
        app.config[key] = app.config[key] or str(path)
    if app.config["RELEASE_DIR"]:  # a folder that is not a whole release fails here, not at the first VoID request
        from weihai_kg.export.release import release_files

        release_files(Path(app.config["RELEASE_DIR"]))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    store_path = Path(app.config["STORE"])
    limits = Limits(
        timeout=float(app.config["QUERY_TIMEOUT"]),
        max_query_chars=int(app.config["MAX_QUERY_CHARS"]),
        max_rows=int(app.config["MAX_ROWS"]),
        workers=query_workers(app.config),
        client_queue=int(app.config["CLIENT_QUEUE"]),
        worker_idle=float(app.config["QUERY_WORKER_IDLE_SECONDS"]),
        in_process_rows=int(app.config["IN_PROCESS_ROWS"]),
    )
    if "QUERIES_PER_CLIENT" in app.config:  # a hard cap that refused a lone busy client; say so rather than ignore it
        raise ConfigError("QUERIES_PER_CLIENT is no longer read: clients now share the workers fairly; CLIENT_QUEUE bounds one client's waiting queries")
    if app.config["RESULT_CACHE"] not in CACHE_MODES:
        raise ConfigError(f"RESULT_CACHE is {app.config['RESULT_CACHE']!r}; choose one of {', '.join(CACHE_MODES)}")
    cache_bytes = int(app.config["RESULT_CACHE_BYTES"])  # the build's one cache; the mode says which answers go in
    remote = None
    if app.config["REMOTE"]:
        from weihai_kg.query.remote import RemoteEndpoints  # requests loads only in remote mode

        remote = RemoteEndpoints.from_urls(app.config["REMOTE"], dialect_name=str(app.config["REMOTE_DIALECT"]))
    broker = None
    if app.config["BROKER"] and remote is None:
        from weihai_kg.query.broker import BrokerLink

        broker = BrokerLink(str(app.config["BROKER"]), limits.timeout, limits.workers, limits.client_queue)
    app.extensions["kg"] = {
        "serving": Serving(store_path, limits, float(app.config["RELOAD_CHECK_SECONDS"]), cache_bytes, remote, broker),
        "queries": load_queries(Path(app.config["QUERY_DIR"])),
    }
    app.teardown_request(state.release)
    errors.register(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(tables.bp)
    app.register_blueprint(report.bp)
    app.after_request(_headers)
    app.after_request(remember)  # runs first: after_request functions run last-registered first
    if _flag(app.config["DIRECT_SPARQL"]):
        serving = app.extensions["kg"]["serving"]
        direct = DirectSparql(app.wsgi_app, serving, int(app.config["MAX_CONTENT_LENGTH"]), app.config["RESULT_CACHE"] == "all")
        app.wsgi_app = direct  # type: ignore[method-assign]
    if _flag(app.config["TRUST_PROXY"]):
        app.config["TRUST_PROXY"] = True
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)  # type: ignore[method-assign]
    else:
        app.config["TRUST_PROXY"] = False
    return app


def _flag(value: Any) -> bool:
    """A boolean setting, given in code or as an environment variable's text."""
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def _headers(response: Response) -> Response:
    """The headers every answer carries (``reply.policy``, shared with the WSGI shortcut), then
    validators, 304 and gzip (``caching.finish``, also shared) for answers held in memory."""
    for name, value in policy(response.mimetype or ""):
        response.headers[name] = value
    body = body_of(response)
    if body is None:  # static files: werkzeug's own validators
        return response
    info = state.snapshot().info if state.has_snapshot() else None
    finished = finish(Reply(response.status_code, body, list(response.headers.items())), request.environ, info)
    response.status_code = finished.status
    response.headers.clear()
    for name, value in finished.headers:
        response.headers.add(name, value)
    set_body(response, finished.body)
    return response
