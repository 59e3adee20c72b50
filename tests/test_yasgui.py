"""YASGUI (npm ``@zazuko/yasgui``), the SPARQL editor people embed in their own pages, on a
page of another origin in headless Chromium: a person types a query, presses the run
button and reads the table, and the endpoint answers across origins (CORS)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from weihai_kg.store.layout import BuildInfo

from .conftest import ARTIFACTS
from .server import ROOT, free_port, running_server

YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>another site</title>
<link rel="stylesheet" href="/yasgui/yasgui.min.css"><script src="/yasgui/yasgui.min.js"></script></head>
<body><div id="yasgui"></div>
<script>
  localStorage.clear();
  window.yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: "ENDPOINT" },
    copyEndpointOnNewTab: false,
  });
</script></body></html>
"""


@pytest.fixture(scope="module")
def endpoint(built: tuple[Path, BuildInfo]) -> Iterator[str]:
    with running_server(built[0]) as base:
        yield base + "/sparql"


@pytest.fixture(scope="module")
def other_origin(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A plain static server on another port (another origin) with YASGUI and its page."""
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text(PAGE.replace("ENDPOINT", endpoint), encoding="utf-8")
    (site / "yasgui").symlink_to(YASGUI)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(not YASGUI.is_dir(), reason="npm's @zazuko/yasgui is not installed (scripts/setup installs it)")
def test_yasgui_on_another_origin_queries_the_endpoint(browser: object, other_origin: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    failures: list[str] = []
    page.on("requestfailed", lambda r: failures.append(r.url) if "127.0.0.1" in r.url else None)
    page.goto(other_origin)
    page.wait_for_selector(".CodeMirror")
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?plan WHERE { ?plan a <https://w3id.org/weihai-kg/ontology#Plan> } ORDER BY ?plan")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=20_000)
    cells = page.locator(".yasr table.dataTable tbody tr").all_inner_texts()
    page.screenshot(path=str(ARTIFACTS / "yasgui-other-origin.png"))
    page.close()
    assert len(cells) == 3, cells
    assert any("weihai-cbec-action-plan" in c for c in cells), cells
    assert failures == []
