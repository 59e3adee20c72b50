"""Large answers cross processes as unnamed files (``query.spool``): the same bytes as an
answer made in process, the row limit still kept, nothing left on disk, and through a real
``serve`` the broker and the web workers never hold the answer in memory."""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import pytest
import requests
from pyoxigraph import Store
from SPARQLWrapper import SPARQLWrapper

from weihai_kg.errors import ResultTooLarge
from weihai_kg.query.run import Job, run_job
from weihai_kg.query.spool import SPOOL_BYTES, Sink, Spool, gzipped
from weihai_kg.query.workers import WorkerPool
from weihai_kg.store.layout import BuildInfo

from .processes import role, server_pid, tree
from .server import free_port, running_process, running_server


def _times(n: int) -> str:
    """The report's quads n times over: an answer of n × 0.9 MB as JSON."""
    return " ".join(str(i) for i in range(n))


def _select(n: int) -> str:
    return f"SELECT * WHERE {{ ?s ?p ?o VALUES ?x {{ {_times(n)} }} }}"


def _construct(n: int) -> str:
    copy = 'BIND (IRI(CONCAT(STR(?s), "/copy-", STR(?x))) AS ?c)'
    return f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ ?s ?p ?o FILTER (isIRI(?s)) VALUES ?x {{ {_times(n)} }} {copy} }}"


CASES = [(_select(4), f) for f in ("json", "xml", "csv", "tsv")] + [(_construct(4), f) for f in ("ntriples", "turtle")]


@pytest.fixture(scope="module")
def pool(built: tuple[Path, BuildInfo]) -> WorkerPool:
    made = WorkerPool(built[0], 1, 60)
    yield made
    made.close()


@pytest.mark.parametrize(("query", "fmt"), CASES, ids=[f for _, f in CASES])
def test_a_large_answer_comes_from_its_worker_as_a_file_with_the_same_bytes(pool: WorkerPool, store: Store, query: str, fmt: str) -> None:
    answer = pool.run(Job(query, fmt, 1_000_000))
    assert isinstance(answer.body, Spool)
    assert len(answer.body) > SPOOL_BYTES
    # an unnamed file (O_TMPFILE): nothing on disk outlives the processes that hold it
    assert os.readlink(f"/proc/self/fd/{answer.body.fileno()}").endswith("(deleted)")
    assert answer.body.read() == run_job(store, Job(query, fmt, 1_000_000)).body


def test_a_small_answer_still_comes_in_the_message(pool: WorkerPool, store: Store) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 50"
    answer = pool.run(Job(query, "json", 100))
    assert isinstance(answer.body, bytes)
    assert answer.body == run_job(store, Job(query, "json", 100)).body


@pytest.mark.parametrize(("query", "fmt"), CASES, ids=[f for _, f in CASES])
def test_a_spooled_answer_is_held_to_the_row_limit_to_the_row(pool: WorkerPool, store: Store, query: str, fmt: str) -> None:
    """Rows (triples) are counted on the spooled file as on bytes: the answer passes at its
    own number of rows and is refused at one less."""
    rows = sum(1 for _ in store.query(query))
    assert isinstance(pool.run(Job(query, fmt, rows)).body, Spool)
    with pytest.raises(ResultTooLarge):
        pool.run(Job(query, fmt, rows - 1))


def test_gzip_of_a_spool_is_what_gzip_compress_writes() -> None:
    sink = Sink(None, 10)
    for i in range(5000):
        sink.write(f"<urn:s{i}> <urn:p> {i} .\n".encode())
    body = sink.body()
    assert isinstance(body, Spool)
    assert gzipped(body).read() == gzip.compress(body.read(), compresslevel=6, mtime=0)


def _hwm_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def test_served_large_answers_pass_the_broker_and_web_workers_without_filling_them(built: tuple[Path, BuildInfo], store: Store) -> None:
    """A 34 MB answer through a real server (2 web workers, the broker): the same bytes as in
        process, to POST, to GET with gzip (with an ETag that revalidates as 304), through the Flask
    view as through the WSGI shortcut, and to HEAD; and
        the broker's and each web worker's peak memory grows by far less than the answer (each used
        to hold it whole, twice over while unpickling)."""
    env = {"WEIHAI_KG_MAX_ROWS": "1000000", "WEIHAI_KG_RESULT_CACHE": "off"}
    big = _select(30)
    expected = run_job(store, Job(big, "json", 1_000_000)).body
    assert len(expected) > 25_000_000
    with running_server(built[0], "--workers", "2", "--access-log", "off", env=env) as base:
        url = base + "/sparql"
        json_type = {"Accept": "application/sparql-results+json"}
        assert requests.post(url, data={"query": _select(1)}, headers=json_type, timeout=60).status_code == 200  # the broker and a worker are up
        main = server_pid(base)
        watched = {pid: role(pid, main) for pid in tree(main)}
        watched = {pid: r for pid, r in watched.items() if r in ("query broker", "web worker")}
        assert sorted(watched.values()) == ["query broker", "web worker", "web worker"]
        before = {pid: _hwm_kib(pid) for pid in watched}

        posted = requests.post(url, data={"query": big}, headers=json_type, timeout=120)
        assert posted.status_code == 200
        assert posted.content == expected
        grown = {(pid, watched[pid]): (_hwm_kib(pid) - kib) * 1024 for pid, kib in before.items()}
        assert all(g < len(expected) / 4 for g in grown.values()), (grown, len(expected))

        got = requests.get(url, params={"query": big}, headers={**json_type, "Accept-Encoding": "gzip"}, timeout=120, stream=True)
        assert got.status_code == 200
        assert got.headers["Content-Encoding"] == "gzip"
        raw = got.raw.read(decode_content=False)
        assert int(got.headers["Content-Length"]) == len(raw)
        assert gzip.decompress(raw) == expected
        again = requests.get(url, params={"query": big}, headers={**json_type, "Accept-Encoding": "gzip", "If-None-Match": got.headers["ETag"]}, timeout=120)
        assert again.status_code == 304

        # a request with more than the query goes through Flask's view (not web.direct): the same
        flask = requests.get(url, params={"query": big, "format": "json"}, headers={"Accept-Encoding": "gzip"}, timeout=120, stream=True)
        assert flask.status_code == 200
        assert flask.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(flask.raw.read(decode_content=False)) == expected
        plain = requests.get(url, params={"query": big, "format": "json"}, headers={"Accept-Encoding": "identity"}, timeout=120)
        assert plain.content == expected
        assert int(plain.headers["Content-Length"]) == len(expected)

        head = requests.head(url, params={"query": big}, headers={**json_type, "Accept-Encoding": "identity"}, timeout=120)
        assert head.status_code == 200
        assert int(head.headers["Content-Length"]) == len(expected)
        assert head.content == b""


def test_sparqlwrapper_at_its_defaults_reads_a_spooled_answer(built: tuple[Path, BuildInfo], store: Store) -> None:
    """SPARQLWrapper 2 at its defaults (GET, XML results) on an answer past SPOOL_BYTES."""
    with running_server(built[0], "--access-log", "off", env={"WEIHAI_KG_MAX_ROWS": "1000000"}) as base:
        client = SPARQLWrapper(base + "/sparql")
        client.setQuery(_select(2))
        results = client.query().convert()
        rows = results.getElementsByTagName("result")  # type: ignore[union-attr]
        assert len(rows) == sum(1 for _ in store.query(_select(2)))


def test_a_full_temp_folder_refuses_the_large_answer_and_the_server_goes_on(built: tuple[Path, BuildInfo], store: Store, tmp_path: Path) -> None:
    """A real ``serve`` whose temp folder is a 6 MiB tmpfs (mounted in a mount namespace of
    its own, so nothing outside sees it): a 7 MB answer gets 507 with Retry-After and a
    message that says what to do, not a dead worker; the half-written file's space is freed,
    so 3.4 MB answers right after come whole, from the same query worker; and an answer that
    fits but whose gzip copy does not goes out uncompressed rather than not at all."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    serve = [sys.executable, "-m", "weihai_kg", "serve", "--store", str(built[0]), "--access-log", "off"]
    in_small_tmp = ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=6m tmpfs "$0" && TMPDIR="$0" exec "$@"', str(folder)]
    env = {"WEIHAI_KG_MAX_ROWS": "1000000", "WEIHAI_KG_RESULT_CACHE": "off"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    json_type = {"Accept": "application/sparql-results+json"}
    fits = run_job(store, Job(_select(3), "json", 1_000_000)).body
    assert SPOOL_BYTES < len(fits) < 4 << 20
    digest = "BIND (SHA512(CONCAT(STR(?s), STR(?p), STR(?o), STR(?x))) AS ?h)"
    hashes = f"SELECT ?h WHERE {{ ?s ?p ?o VALUES ?x {{ {_times(10)} }} {digest} }}"
    unpacked = run_job(store, Job(hashes, "csv", 1_000_000)).body  # hex digits: gzip halves them at best
    assert len(unpacked) < 6 << 20 < len(unpacked) + len(gzip.compress(unpacked))
    with running_process([*in_small_tmp, *serve, "--port", str(port)], base + "/healthz", timeout=30, env=env):
        refused = requests.post(base + "/sparql", data={"query": _select(6)}, headers=json_type, timeout=120)
        assert refused.status_code == 507, refused.text
        assert "no room left" in refused.text and "add a LIMIT" in refused.text
        assert int(refused.headers["Retry-After"]) > 0
        main = server_pid(base)
        workers = [pid for pid in tree(main) if role(pid, main) == "query worker"]
        assert len(workers) == 1
        for sent in ({"data": {"query": _select(3)}}, {"params": {"query": _select(3)}}):
            answer = requests.request(
                "post" if "data" in sent else "get", base + "/sparql", **sent, headers={**json_type, "Accept-Encoding": "gzip"}, timeout=120
            )
            assert answer.status_code == 200
            assert answer.content == fits
        plain = requests.get(base + "/sparql", params={"query": hashes}, headers={"Accept": "text/csv", "Accept-Encoding": "gzip"}, timeout=120)
        assert plain.status_code == 200
        assert "Content-Encoding" not in plain.headers
        assert plain.content == unpacked
        assert [pid for pid in tree(main) if role(pid, main) == "query worker"] == workers
        assert not os.listdir(folder)  # seen from here, the mount's own folder stays empty
