"""The ``weihai-kg`` command: build, validate, stats, queries, query. Thin: it parses
arguments, calls the core, prints, and maps each error class to its exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import QueryTriples

from weihai_kg.errors import ConfigError, KgError, QueryParameterError, ValidationFailed
from weihai_kg.export.results import serialize, table
from weihai_kg.formats import EXPORTS, GRAPHS, JSONLD_FRAMES, SOLUTIONS
from weihai_kg.project import ENV_PROJECT, ProjectPaths, find_project
from weihai_kg.query.dialects import DIALECTS
from weihai_kg.query.named import find_query, load_queries, run_named
from weihai_kg.read.stats import compute_stats
from weihai_kg.store.layout import ENV_STORE, open_store, resolve_store_path
from weihai_kg.validation.engines import ENGINES

if TYPE_CHECKING:
    from weihai_kg.query.broker import BrokerProcess


def _paths(args: argparse.Namespace) -> ProjectPaths:
    return find_project(args.project)


def cmd_build(args: argparse.Namespace) -> int:
    from weihai_kg.query.remote import RemoteEndpoints
    from weihai_kg.store.build import build, build_remote

    if args.remote:
        endpoints = RemoteEndpoints.from_urls(args.remote, args.remote_store, args.remote_dialect, args.remote_user, _remote_password(args))
        done = build_remote(_paths(args), endpoints, progress=lambda step: print(f"• {step}", file=sys.stderr, flush=True), engine=args.engine)
        removed = f", removed {len(done.removed)} graphs it no longer has" if done.removed else ""
        print(f"published {done.graphs} named graphs and {done.default_triples} default-graph triples to {endpoints.store}{removed}")
        return 0
    store_path = resolve_store_path(args.store)
    info = build(_paths(args), store_path, progress=lambda step: print(f"• {step}", file=sys.stderr, flush=True), engine=args.engine)
    print(f"built {info.quads} quads into {store_path} (build {info.build_id})")
    return 0


def _remote_password(args: argparse.Namespace) -> str | None:
    """The Graph Store password: from ``--remote-password-file`` or ``$WEIHAI_KG_REMOTE_PASSWORD``,
    never from the command line (where every process listing and shell history shows it)."""
    if args.remote_password_file:
        try:
            return Path(args.remote_password_file).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ConfigError(f"{args.remote_password_file}: cannot read the password file ({e.strerror or e})") from e
    return os.environ.get("WEIHAI_KG_REMOTE_PASSWORD")


def cmd_validate(args: argparse.Namespace) -> int:
    from weihai_kg.validation.validate import validate_sources

    paths = _paths(args)
    print(f"• validating {paths.data_dir} against {paths.shapes_dir}", file=sys.stderr, flush=True)
    report = validate_sources(paths, args.engine)
    print(report.text())
    return 0 if report.conforms else ValidationFailed.exit_code


def cmd_stats(args: argparse.Namespace) -> int:
    opened = open_store(resolve_store_path(args.store))
    stats = compute_stats(opened.store)
    print(f"store:          {opened.path} (build {opened.info.build_id})")
    print(f"quads:          {stats.quads}")
    print(f"triples:        {stats.distinct_triples} distinct")
    print(f"named graphs:   {stats.named_graphs} ({stats.report_loci} places in the report)")
    print("entities per class:")
    for cls, n in stats.classes:
        print(f"  {n:5d}  {cls}")
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    for name, query in load_queries(_paths(args).queries_dir).items():
        params = "".join(f" [{p.name}={p.default}]" for p in query.params)
        print(f"{name}{params}\n    {query.title(args.lang)}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    query = find_query(_paths(args).queries_dir, args.name)
    params = dict(_split_param(p) for p in args.param)
    opened = open_store(resolve_store_path(args.store))
    result = run_named(opened.store, query, params)
    if args.format == "table":
        print(table(result))
    else:
        sys.stdout.buffer.write(serialize(result, args.format))
        sys.stdout.flush()
    return 0


# The web server's shape as `serve` starts it; chosen by measurement (README, "Speed and
# scale"): bench/throughput.py measures these unless told otherwise.
# 32 threads per web worker: a thread waiting for a query worker computes nothing, but while
# it waits it is a thread that a query answered in the web process cannot have; with 8, heavy
# queries at c=32 held every thread and light ones queued behind them (README, Speed and scale).
SERVE_DEFAULTS = {"workers": 2, "threads": 32}
WILDCARD_HOSTS = ("0.0.0.0", "::", "")  # noqa: S104  names, not a bind


def listen_url(host: str, port: int) -> str:
    """The URL the server can be reached at from this machine: a wildcard bind address
    (0.0.0.0, ::) is no address a client can use, so loopback stands in for it."""
    shown = "127.0.0.1" if host in WILDCARD_HOSTS else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def cmd_serve(args: argparse.Namespace) -> int:
    from weihai_kg.web.server import serve

    store_path = resolve_store_path(args.store)
    # Flags override WEIHAI_KG_* variables only when given, so both ways of configuring work.
    # The project travels to every web worker as $WEIHAI_KG_PROJECT, so they all read the same one.
    overrides: dict[str, object] = {"STORE": str(store_path), "PROJECT": str(_paths(args).root.resolve())}
    if args.remote:
        from weihai_kg.query.remote import RemoteEndpoints, RemoteRunner

        endpoints = RemoteEndpoints.from_urls(args.remote, dialect_name=args.remote_dialect)
        RemoteRunner(endpoints, 10).fetch("ASK {}", graph=False)  # fail here, clearly, if it is not there
        overrides["REMOTE"] = endpoints.query
        overrides["REMOTE_DIALECT"] = args.remote_dialect
        print(f"serving the remote store {endpoints.query} at http://{args.host}:{args.port}/sparql", flush=True)
    else:
        opened = open_store(store_path)  # fail here, clearly, rather than in every worker
        print(f"serving build {opened.info.build_id} at http://{args.host}:{args.port}/sparql", flush=True)
        del opened
    overrides["LISTEN_URL"] = listen_url(args.host, args.port)
    if not args.public_url and args.host in WILDCARD_HOSTS and not os.environ.get("WEIHAI_KG_PUBLIC_URL"):
        print(f"note: listening on every address; VoID and pages advertise {overrides['LISTEN_URL']} until --public-url is given", file=sys.stderr)
    if args.public_url:
        overrides["PUBLIC_URL"] = args.public_url
    if args.trust_proxy:
        overrides["TRUST_PROXY"] = True
    if args.timeout is not None:
        overrides["QUERY_TIMEOUT"] = args.timeout
    overrides["WEB_WORKERS"] = args.workers  # the app shares the cores out between them ("auto" query workers)
    if args.query_workers is not None:
        overrides["QUERY_WORKERS"] = args.query_workers
    if args.release:
        from weihai_kg.export.release import release_files

        release_files(Path(args.release))  # fail here, clearly, rather than in every worker
        overrides["RELEASE_DIR"] = str(Path(args.release).resolve())
    note = thread_share_note(args.threads, overrides)
    if note:
        print(f"note: {note}", file=sys.stderr)
    if args.remote:
        serve(args.host, args.port, args.workers, args.threads, overrides, args.access_log, args.server)
        return 0
    broker = start_broker(overrides)  # one set of query workers for every web worker
    try:
        serve(args.host, args.port, args.workers, args.threads, overrides, args.access_log, args.server)
    finally:
        broker.stop()
    return 0


def start_broker(overrides: dict[str, object]) -> BrokerProcess:
    """The server's query broker with serve's settings; its socket goes to the web workers as ``BROKER``."""
    from weihai_kg.query.broker import BrokerProcess
    from weihai_kg.web import query_workers, settings

    config = settings(overrides)
    slots = query_workers(config, server_wide=True)
    broker = BrokerProcess(slots, float(config["QUERY_TIMEOUT"]), float(config["QUERY_WORKER_IDLE_SECONDS"]))
    overrides["BROKER"] = broker.address
    return broker


def thread_share_note(threads: int, overrides: dict[str, object]) -> str:
    """What to tell the operator when one client's queries, running and waiting for a query
    worker, could hold every thread of a web worker: other clients would then wait for a
    thread even for a query the web process answers at once. Empty when some are left."""
    from weihai_kg.web import query_workers, settings

    config = settings(overrides)
    queue, workers = int(config["CLIENT_QUEUE"]), query_workers(config, server_wide=not config["REMOTE"])
    if queue and queue + workers < threads:
        return ""
    limit = "no limit" if not queue else f"{queue} + {workers} query workers ≥ {threads}"
    return (
        f"one client's queries, running and waiting for a query worker, may take every one of a web worker's "
        f"{threads} threads (WEIHAI_KG_CLIENT_QUEUE: {limit}); other clients then wait for a thread even for a query "
        f"answered at once: keep the client queue below the threads less the query workers"
    )


def cmd_export(args: argparse.Namespace) -> int:
    from weihai_kg.export.render import Selection, render

    store = open_store(resolve_store_path(args.store)).store
    construct = None
    if args.query:
        result = run_named(store, find_query(_paths(args).queries_dir, args.query), dict(_split_param(p) for p in args.param))
        if not isinstance(result, QueryTriples):
            raise QueryParameterError(f"query {args.query} is not a CONSTRUCT or DESCRIBE; exports need triples")
        construct = list(result)
    selection = Selection(construct=construct, entity=args.entity, hops=args.hops, classes=args.classes)
    body = render(store, args.format, selection, args.lang, args.frame)
    if args.out:
        Path(args.out).write_bytes(body)
        print(f"wrote {len(body)} bytes to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from weihai_kg.export.release import write_release

    opened = open_store(resolve_store_path(args.store))
    folder = write_release(opened.store, _paths(args), Path(args.out), opened.info.build_id, opened.info.built_at, args.issued, args.base_url, args.force)
    print(f"wrote the release to {folder} (check it: cd {folder} && sha256sum -c SHA256SUMS)")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Static HTML of the ontology, rendered by the same code as the page the server gives
    browsers, from the built store; no server or query worker is started."""
    import shutil

    from weihai_kg.formats import write_rdf
    from weihai_kg.namespaces import GRAPH_ONTOLOGY
    from weihai_kg.web.present import ontology_page
    from weihai_kg.web.templating import STATIC

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    store = open_store(resolve_store_path(args.store)).store
    for lang, name in (("en", "index.html"), ("ko", "index.ko.html")):
        (out / name).write_text(ontology_page(store, lang, static_root="static/"), encoding="utf-8")
    (out / "weihai-kg.ttl").write_bytes(write_rdf(list(store.quads_for_pattern(None, None, None, GRAPH_ONTOLOGY)), "turtle"))
    (out / "static").mkdir(exist_ok=True)
    shutil.copy(STATIC / "weihai.css", out / "static" / "weihai.css")
    print(f"wrote the ontology documentation to {out}/index.html (and index.ko.html, weihai-kg.ttl)")
    return 0


def _split_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--param takes NAME=VALUE, got {text!r}")
    return name, value


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="weihai-kg", description="The knowledge graph of 한중Zine Vol.193 on Weihai.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, store: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument(
            "--project",
            "--root",
            metavar="DIR",
            help=f"the project folder: ontology/, data/, shapes/, queries/ (default: ${ENV_PROJECT}, else the one installed with weihai-kg, else .)",
        )
        if store:
            p.add_argument("--store", help=f"store path (default: ${ENV_STORE}, else build/store)")
        return p

    engine_help = "how to run the shapes: 'sparql' (compiled, in the store; default) or 'pyshacl' (the reference, slow on large data)"
    b = command("build", "validate the data and build the store")
    b.add_argument("--engine", default="sparql", choices=ENGINES, help=engine_help)
    b.add_argument("--remote", metavar="QUERY_URL", help="validate here, then replace the graphs of this SPARQL server instead of building a store")
    b.add_argument("--remote-store", metavar="GSP_URL", help="its Graph Store Protocol URL (default: the dialect's, beside the query URL)")
    b.add_argument("--remote-dialect", default="standard", choices=DIALECTS, help="the remote engine: standard (Oxigraph, Fuseki) or virtuoso")
    b.add_argument("--remote-user", metavar="NAME", help="user for the Graph Store (Digest for Virtuoso, else Basic)")
    b.add_argument("--remote-password-file", metavar="FILE", help="file holding that user's password (or $WEIHAI_KG_REMOTE_PASSWORD)")
    b.set_defaults(func=cmd_build)
    v = command("validate", "validate the data against the shapes", store=False)
    v.add_argument("--engine", default="sparql", choices=ENGINES, help=engine_help)
    v.set_defaults(func=cmd_validate)
    command("stats", "count triples, graphs and entities in the store").set_defaults(func=cmd_stats)
    q = command("queries", "list the named queries", store=False)
    q.add_argument("--lang", default="en", choices=["en", "ko", "zh"])
    q.set_defaults(func=cmd_queries)
    q = command("query", "run a named query or a .rq file")
    q.add_argument("name", help="a name from 'weihai-kg queries', or a path to a .rq file")
    q.add_argument("--format", default="table", choices=["table", *SOLUTIONS, *GRAPHS])
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind a query parameter")
    q.set_defaults(func=cmd_query)
    s = command("serve", "serve the store over HTTP (SPARQL 1.1 Protocol) under granian or gunicorn")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--server", default="granian", choices=["granian", "gunicorn"], help="the WSGI server (default granian: HTTP in Rust, the faster)")
    s.add_argument("--workers", type=int, default=SERVE_DEFAULTS["workers"], help=f"web worker processes (default {SERVE_DEFAULTS['workers']})")
    s.add_argument("--threads", type=int, default=SERVE_DEFAULTS["threads"], help=f"threads per web worker (default {SERVE_DEFAULTS['threads']})")
    s.add_argument(
        "--query-workers",
        type=int,
        help="query processes for the whole server at most, shared by its web workers and started when needed "
        "(default: one per core; or $WEIHAI_KG_QUERY_WORKERS; with --remote, concurrent queries per web worker)",
    )
    s.add_argument("--timeout", type=float, help="seconds a query may run (default 10, or $WEIHAI_KG_QUERY_TIMEOUT)")
    s.add_argument("--access-log", default="-", metavar="FILE", help="where to log each request: a file, - (standard output; default) or off")
    s.add_argument("--remote", metavar="QUERY_URL", help="answer from this SPARQL server instead of the embedded store (or $WEIHAI_KG_REMOTE)")
    s.add_argument("--remote-dialect", default="standard", choices=DIALECTS, help="the remote engine: standard (Oxigraph, Fuseki) or virtuoso")
    s.add_argument(
        "--public-url",
        metavar="URL",
        help="the public base URL to advertise in VoID, the service description and pages (or $WEIHAI_KG_PUBLIC_URL; default: where it listens)",
    )
    s.add_argument("--release", metavar="DIR", help="a release folder (weihai-kg release) to serve at /release/NAME and list in VoID")
    s.add_argument("--trust-proxy", action="store_true", help="honour X-Forwarded-Proto/-Host/-For of the one proxy in front (or $WEIHAI_KG_TRUST_PROXY=true)")
    s.set_defaults(func=cmd_serve)
    e = command("export", "write the graph for other tools: RDF dumps, JSON-LD, GraphML, GEXF, DOT, Cytoscape")
    e.add_argument("--format", required=True, choices=list(EXPORTS))
    e.add_argument("--out", help="file to write (default: standard output)")
    e.add_argument("--query", help="a named CONSTRUCT query whose result to export")
    e.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter of --query")
    e.add_argument("--entity", help="export this entity's neighbourhood (an IRI)")
    e.add_argument("--hops", type=int, default=1, help="how many links from --entity (1-5, default 1)")
    e.add_argument("--classes", nargs="+", help="export only resources of these classes (e.g. wh:Project org:Organization)")
    e.add_argument("--lang", default="en", choices=["en", "ko", "zh"], help="language of node and edge labels")
    e.add_argument("--frame", choices=JSONLD_FRAMES, help="JSON-LD: frame entities of one type")
    e.set_defaults(func=cmd_export)
    r = command("release", "write a versioned release folder: every dump, VoID/DCAT with checksums, ontology, shapes, SHA256SUMS, README")
    r.add_argument("--out", required=True, metavar="DIR", help="where to write it: DIR/VERSION (the ontology's owl:versionInfo)")
    r.add_argument("--issued", metavar="YYYY-MM-DD", help="the release's date (dct:issued; default: today, UTC)")
    r.add_argument("--base-url", metavar="URL", help="where its files will be published (default https://w3id.org/weihai-kg/release/VERSION/)")
    r.add_argument("--force", action="store_true", help="replace DIR/VERSION if it exists")
    r.set_defaults(func=cmd_release)
    d = command("docs", "write HTML documentation of the ontology (classes, properties, labels, examples)")
    d.add_argument("--out", default="build/docs", help="folder to write (default build/docs)")
    d.set_defaults(func=cmd_docs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except ValidationFailed as e:
        if hasattr(e.report, "text"):  # a validate.ValidationReport
            print(e.report.text(), file=sys.stderr)
        print(f"weihai-kg: {e}; the store was not changed", file=sys.stderr)
        return e.exit_code
    except KgError as e:
        print(f"weihai-kg: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:  # output piped into head and the like
        return 0
    except argparse.ArgumentTypeError as e:
        parser.error(str(e))
        return 2


if __name__ == "__main__":
    sys.exit(main())
