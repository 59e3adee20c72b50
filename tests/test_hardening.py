"""It keeps serving and loses nothing: rebuilds while serving switch atomically, builds that
fail (killed, disk full, broken data) leave the served store intact, and the endpoint never
fetches or reads anything for a client (FROM, FROM NAMED, SERVICE, LOAD)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from weihai_kg.faults import BUILD_POINTS
from weihai_kg.faults import ENV as FAULT_ENV

from .abuse import session_from
from .server import running_server
from .test_cli import ROOT, store_digest

LABEL = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    'SELECT ?l WHERE { <https://w3id.org/weihai-kg/id/place/rushan> skos:prefLabel ?l FILTER (lang(?l) = "en") }'
)


def build(checkout: Path, store: str = "s/store", **popen: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "weihai_kg", "build", "--store", store], cwd=checkout, capture_output=True, text=True, timeout=300, check=False, **popen
    )  # type: ignore[call-overload]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    assert build(tmp_path).returncode == 0
    return tmp_path


def rename_rushan(checkout: Path, name: str) -> None:
    path = checkout / "data" / "translations.trig"
    text = path.read_text(encoding="utf-8")
    renamed = re.sub(r'place:rushan skos:prefLabel "[^"]*"@en', f'place:rushan skos:prefLabel "{name}"@en', text)
    assert renamed != text
    path.write_text(renamed, encoding="utf-8")


def test_rebuild_while_serving_switches_atomically(checkout: Path) -> None:
    seen: Counter[str] = Counter()
    errors: list[str] = []
    stop = threading.Event()

    def client(base: str, source: str) -> None:
        session = session_from(source)
        while not stop.is_set():
            try:
                response = session.get(base + "/sparql", params={"query": LABEL, "format": "csv"}, timeout=30)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text}")
                else:
                    seen[response.text.splitlines()[1]] += 1
            except requests.RequestException as e:
                errors.append(repr(e))

    with running_server(checkout / "s" / "store", "--threads", "16") as base:
        threads = [threading.Thread(target=client, args=(base, f"127.0.0.{40 + i}")) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        rename_rushan(checkout, "Rushan City")
        assert build(checkout).returncode == 0
        deadline = time.monotonic() + 20
        while seen["Rushan City"] < 50 and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join()
        health = requests.get(base + "/healthz", timeout=10).json()
    assert errors == []
    assert set(seen) == {"Rushan", "Rushan City"}, seen
    assert seen["Rushan"] > 20 and seen["Rushan City"] >= 50
    assert health["build"] == (checkout / "s" / "store").resolve().name


def test_admin_reload_is_off_by_default_and_needs_the_token(checkout: Path) -> None:
    with running_server(checkout / "s" / "store") as base:
        assert requests.post(base + "/admin/reload", timeout=10).status_code == 404
    env = {"WEIHAI_KG_ADMIN_TOKEN": "s3cret", "WEIHAI_KG_RELOAD_CHECK_SECONDS": "0"}
    # The route reaches the one web worker that answers it (README): one worker here, so the
    # answer after it is that worker's.
    with running_server(checkout / "s" / "store", "--workers", "1", env=env) as base:
        assert requests.post(base + "/admin/reload", timeout=10).status_code == 403
        assert requests.post(base + "/admin/reload", headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 403
        rename_rushan(checkout, "Rushan (reloaded)")
        assert build(checkout).returncode == 0
        before = requests.get(base + "/sparql", params={"query": LABEL, "format": "csv"}, timeout=10).text
        assert "Rushan (reloaded)" not in before  # automatic checks are off here
        reloaded = requests.post(base + "/admin/reload", headers={"Authorization": "Bearer s3cret"}, timeout=30).json()
        assert reloaded["switched"] is True
        after = requests.get(base + "/sparql", params={"query": LABEL, "format": "csv"}, timeout=10).text
        assert "Rushan (reloaded)" in after


@pytest.mark.parametrize("moment", BUILD_POINTS)
def test_a_build_killed_midway_leaves_the_store_intact(checkout: Path, moment: str) -> None:
    """Killed at each named moment of a build (faults.py): before the switch the old store is
    served untouched; after it the new build is whole; either way the next build works."""
    before, target = store_digest(checkout / "s" / "store"), (checkout / "s" / "store").resolve()
    rename_rushan(checkout, "Half-built")
    killed = subprocess.run(
        [sys.executable, "-m", "weihai_kg", "build", "--store", "s/store"],
        cwd=checkout,
        capture_output=True,
        env={**os.environ, FAULT_ENV: moment},
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # it did die at that moment
    link = checkout / "s" / "store"
    assert (link.resolve() != target) == (moment == "switched")
    if link.resolve() != target:  # the build got as far as the switch: then it is whole
        assert (
            "Half-built"
            in subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "weihai_kg",
                    "query",
                    "entity-names",
                    "--store",
                    "s/store",
                    "--format",
                    "csv",
                    "--param",
                    "entity=https://w3id.org/weihai-kg/id/place/rushan",
                ],
                cwd=checkout,
                capture_output=True,
                text=True,
                check=False,
            ).stdout
        )
    else:
        assert store_digest(link) == before
    assert build(checkout).returncode == 0  # and the next build is not hindered


def test_a_full_disk_fails_the_build_and_keeps_the_store(checkout: Path) -> None:
    before = store_digest(checkout / "s" / "store")

    def small_disk() -> None:  # files may not grow past 64 KiB: writing the store runs out of room
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    result = build(checkout, preexec_fn=small_disk)
    assert result.returncode == 5, result.stderr
    assert "cannot write the store" in result.stderr and "the current store is unchanged" in result.stderr
    assert store_digest(checkout / "s" / "store") == before
    leftovers = [p for p in (checkout / "s" / "store.builds").iterdir() if p.is_dir()]
    assert len(leftovers) == 1  # the failed build cleaned up after itself


def test_a_store_path_that_is_a_plain_directory_is_refused(checkout: Path) -> None:
    (checkout / "plain").mkdir()
    result = build(checkout, store="plain")
    assert result.returncode == 2 and "is not a weihai-kg store link" in result.stderr


def listener() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.5)
    return sock, sock.getsockname()[1]


def test_no_outbound_requests_and_no_file_reads(checkout: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://x/s> <http://x/p> "TOP-SECRET" .\n', encoding="utf-8")
    sock, port = listener()
    with sock, running_server(checkout / "s" / "store") as base:
        queries = [
            f"SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <file://{secret}> WHERE {{ ?s ?p ?o }}",
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"LOAD <http://127.0.0.1:{port}/data.ttl>",
            f"LOAD <file://{secret}>",
        ]
        for query in queries:
            response = requests.post(base + "/sparql", data={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
            assert response.status_code in (200, 403), response.text
            assert "TOP-SECRET" not in response.text
            if response.status_code == 200:
                assert response.text.strip().count("\n") == 0  # the dataset is only the store's graphs: nothing there
        for path in (
            f"/id/{'..%2F' * 6}etc/passwd",
            "/graph/..%2F..%2Fetc%2Fpasswd",
            f"/http://127.0.0.1:{port}/x",
            f"/store?graph=file://{secret}",
            f"/store?graph=http://127.0.0.1:{port}/g",
        ):
            response = requests.get(base + path, timeout=10)
            assert response.status_code in (400, 404), (path, response.status_code)
            assert "TOP-SECRET" not in response.text and "root:" not in response.text
        with pytest.raises(TimeoutError):
            sock.accept()


def test_server_survives_the_build_dir_disappearing_under_an_old_snapshot(checkout: Path) -> None:
    """Three builds in a row while a server holds the first: it moves on to the newest."""
    with running_server(checkout / "s" / "store") as base:
        for name in ("One", "Two", "Three"):
            rename_rushan(checkout, name)
            assert build(checkout).returncode == 0
        time.sleep(1.5)
        response = requests.get(base + "/sparql", params={"query": LABEL, "format": "csv"}, timeout=30)
        assert response.status_code == 200 and response.text.splitlines()[1] == "Three"


def test_a_read_only_store_directory_fails_the_build_and_keeps_the_store(checkout: Path) -> None:
    """The store folder made immutable (chattr +i: not even root may add to it)."""
    builds = checkout / "s" / "store.builds"
    before = store_digest(checkout / "s" / "store")
    locked = subprocess.run(["chattr", "+i", str(builds)], capture_output=True, text=True, check=False)
    if locked.returncode != 0:
        pytest.skip(f"cannot make a folder read-only here: {locked.stderr.strip()}")
    try:
        rename_rushan(checkout, "Never stored")
        result = build(checkout)
    finally:
        subprocess.run(["chattr", "-i", str(builds)], check=True)
    assert result.returncode == 5, result.stderr
    assert "cannot write the store" in result.stderr and "the current store is unchanged" in result.stderr
    assert store_digest(checkout / "s" / "store") == before


def test_a_reload_that_cannot_open_the_new_build_keeps_serving_the_old(checkout: Path) -> None:
    from weihai_kg.query.service import Limits
    from weihai_kg.store.serving import Serving

    link = checkout / "s" / "store"
    serving = Serving(link, Limits(workers=1), check_every=0)
    try:
        old = serving.current.build_id
        broken = link.parent / "store.builds" / "broken-build"
        broken.mkdir()
        (broken / "CURRENT").write_text("garbage\n")  # not a RocksDB directory, and no build record
        (link.parent / "tmp-link").symlink_to(broken.relative_to(link.parent))
        os.replace(link.parent / "tmp-link", link)
        assert serving.reload() is False
        assert serving.current.build_id == old
        snapshot = serving.acquire()
        assert len(snapshot.store) > 5000  # still answering from the old build
        serving.release(snapshot)
    finally:
        serving.close()
