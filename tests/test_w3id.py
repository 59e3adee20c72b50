"""The w3id.org redirect rules (``w3id/.htaccess``) in a real Apache httpd with mod_rewrite
(Debian's ``apache2``, started here on 127.0.0.1 with its own configuration), in front of a
real weihai-kg server: each kind of IRI arrives at the right server path, in the right
media type, as a client following the redirect sees it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from weihai_kg.store.layout import BuildInfo

from .releases import VERSION
from .server import ROOT, free_port, running_process, running_server

APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
SETTING = "RewriteRule ^ - [E=WEIHAI_KG:https://weihai-kg.example.org]"
CONFIG = """\
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/httpd.pid"
ErrorLog "{root}/error.log"
LogLevel warn
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
DocumentRoot "{root}/htdocs"
<Directory "{root}/htdocs">
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
"""
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def kg(built: tuple[Path, BuildInfo], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server, with a release of its build (so that the release's IRIs have files to reach)."""
    out = tmp_path_factory.mktemp("release")
    command = [sys.executable, "-m", "weihai_kg", "release", "--store", str(built[0]), "--out", str(out)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=300)
    with running_server(built[0], "--release", str(out / VERSION)) as url:
        yield url


@pytest.fixture(scope="module")
def w3id(kg: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Apache serving the rules at /weihai-kg/, as w3id.org does, pointed at ``kg``."""
    if not Path(APACHE).exists():
        pytest.skip("Debian's apache2 is not installed (scripts/setup installs it)")
    root = tmp_path_factory.mktemp("apache")
    rules = (ROOT / "w3id" / ".htaccess").read_text(encoding="utf-8")
    assert rules.count(SETTING) == 1, "the host is set in one line of w3id/.htaccess"
    (root / "htdocs" / "weihai-kg").mkdir(parents=True)
    (root / "htdocs" / "weihai-kg" / ".htaccess").write_text(rules.replace(SETTING, f"RewriteRule ^ - [E=WEIHAI_KG:{kg}]"), encoding="utf-8")
    port = free_port()
    (root / "httpd.conf").write_text(CONFIG.format(root=root, port=port, modules=MODULES), encoding="utf-8")
    base = f"http://127.0.0.1:{port}/weihai-kg/"
    with running_process([APACHE, "-f", str(root / "httpd.conf"), "-DFOREGROUND"], base + "dataset", timeout=60):
        yield base


CASES = [
    # (path under the base, Accept, status, server path it lands on, media type there)
    ("id/place/wendeng", "text/turtle", 303, "/id/place/wendeng.ttl", "text/turtle"),
    ("id/place/wendeng", BROWSER, 303, "/id/place/wendeng.html", "text/html"),
    ("id/place/wendeng", "application/ld+json", 303, "/id/place/wendeng.jsonld", "application/ld+json"),
    ("id/place/wendeng", "application/n-triples", 303, "/id/place/wendeng.nt", "application/n-triples"),
    ("id/place/wendeng", "application/rdf+xml", 303, "/id/place/wendeng.rdf", "application/rdf+xml"),
    ("id/place/wendeng", "application/n-quads", 303, "/id/place/wendeng.nq", "application/n-quads"),
    ("id/place/wendeng", "*/*", 303, "/id/place/wendeng.ttl", "text/turtle"),
    ("id/report/hanjung-zine-193/t3-r5", "application/trig", 303, "/id/report/hanjung-zine-193/t3-r5.trig", "application/trig"),
    ("graph/translations", BROWSER, 303, "/graph/translations.html", "text/html"),
    ("ontology", "text/turtle", 303, "/ontology.ttl", "text/turtle"),
    ("ontology", BROWSER, 303, "/ontology.html", "text/html"),
    ("ontology.rdf", "*/*", 302, "/ontology.rdf", "application/rdf+xml"),
    ("id/place/wendeng.jsonld", "text/html", 302, "/id/place/wendeng.jsonld", "application/ld+json"),
    ("context.jsonld", "*/*", 302, "/context.jsonld", "application/ld+json"),
    ("dataset", "text/turtle", 302, "/dataset", "text/turtle"),
    ("dataset", "application/ld+json", 302, "/dataset", "application/ld+json"),
    ("shapes", "text/turtle", 302, "/shapes", "text/turtle"),
    ("", BROWSER, 302, "/", "text/html"),
    (f"release/{VERSION}/weihai-kg-{VERSION}.nq", "*/*", 302, f"/release/weihai-kg-{VERSION}.nq", "application/n-quads"),
    (f"release/{VERSION}/weihai-kg-{VERSION}.void.ttl", "*/*", 302, f"/release/weihai-kg-{VERSION}.void.ttl", "text/turtle"),
    (f"release/{VERSION}/SHA256SUMS", "*/*", 302, "/release/SHA256SUMS", "text/plain"),
]


@pytest.mark.parametrize("path,accept,status,lands,media_type", CASES, ids=[f"{c[0] or 'base'}-{c[1][:20]}" for c in CASES])
def test_each_iri_arrives_at_its_server_path(w3id: str, kg: str, path: str, accept: str, status: int, lands: str, media_type: str) -> None:
    first = requests.get(w3id + path, headers={"Accept": accept}, allow_redirects=False, timeout=10)
    assert first.status_code == status and first.headers["Location"] == kg + lands, (first.status_code, first.headers.get("Location"))
    followed = requests.get(w3id + path, headers={"Accept": accept}, timeout=10)
    assert followed.status_code == 200 and followed.headers["Content-Type"].startswith(media_type)


def test_the_endpoint_keeps_method_query_and_body(w3id: str, kg: str) -> None:
    query = {"query": "ASK { ?s a <https://w3id.org/weihai-kg/ontology#Plan> }"}
    get = requests.get(w3id + "sparql", params=query, headers={"Accept": "application/sparql-results+json"}, allow_redirects=False, timeout=10)
    assert get.status_code == 307 and get.headers["Location"].startswith(kg + "/sparql?query=")
    posted = requests.post(w3id + "sparql", data=query, headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert posted.status_code == 200 and posted.json()["boolean"] is True
    assert posted.history[0].status_code == 307


def test_unknown_iris_are_the_servers_404(w3id: str) -> None:
    assert requests.get(w3id + "id/place/nowhere", headers={"Accept": "text/turtle"}, timeout=10).status_code == 404
    assert requests.get(w3id + "release/9.9.9/weihai-kg-9.9.9.nq", timeout=10).status_code == 404
