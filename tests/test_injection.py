"""Hostile text in the data or the request is shown as text on every page, in a real
headless Chromium: no script runs, no markup is injected; and pages carry security headers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .helpers import write_query
from .server import running_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
HOSTILE = "https://w3id.org/weihai-kg/id/agent/fx-hostile"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    checkout = tmp_path_factory.mktemp("hostile")
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, checkout / folder)
    (checkout / "data").mkdir()
    shutil.copy(FIXTURES / "minimal.trig", checkout / "data")
    shutil.copy(FIXTURES / "hostile.trig", checkout / "data")
    built = subprocess.run([sys.executable, "-m", "weihai_kg", "build", "--store", "s/store"], cwd=checkout, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    with running_server(checkout / "s" / "store") as url:
        yield url


def test_entity_page_shows_hostile_literals_as_text(base: str, browser: object) -> None:
    page = browser.new_page(locale="ko-KR")  # type: ignore[attr-defined]
    page.goto(base + "/id/agent/fx-hostile?lang=ko")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#injected").count() == 0 and page.locator("img").count() == 0
    assert page.locator("h1#title").inner_text() == "<script>window.__pwned = 1</script>기관"
    text = page.locator("main").inner_text()
    assert "<img src=x onerror=" in text and "\u202eevil" in text and "</td></tr></table>" in text
    page.hover("h1#title")
    assert page.evaluate("window.__pwned") is None
    page.close()


def test_query_results_show_hostile_literals_as_text(base: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/")
    query = f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE {{ <{HOSTILE}> skos:prefLabel|skos:altLabel ?l }}"
    write_query(page, query)
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    assert page.locator("#results tbody tr").count() == 4
    assert page.evaluate("window.__pwned") is None and page.locator("#results img, #results b, #results script").count() == 0
    assert "<b onmouseover" in page.locator("#results").inner_text()
    page.close()


def test_request_parameters_never_reach_a_page_unescaped(base: str, browser: object) -> None:
    payload = '"><script>window.__pwned=9</script>'
    for path in (f"/view/graph?query={payload}", f"/?lang={payload}", f"/id/agent/fx-hostile?lang={payload}", f"/ontology?lang={payload}"):
        response = requests.get(base + path, headers={"Accept": "text/html"}, timeout=10)
        assert "<script>window.__pwned" not in response.text, path
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base + f"/view/graph?entity={payload}")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    page.close()
    missing = requests.get(base + f"/id/{payload}", headers={"Accept": "text/html"}, timeout=10)
    assert missing.status_code == 400  # not an IRI; a browser gets the error as a page, the payload as text
    assert missing.headers["Content-Type"].startswith("text/html") and "<script>window.__pwned" not in missing.text
    assert requests.get(base + f"/id/{payload}", timeout=10).headers["Content-Type"].startswith("text/plain")  # clients: one line


def test_security_headers_on_pages(base: str) -> None:
    for path in ("/", "/id/agent/fx-hostile", "/ontology", "/view/timeline", "/view/graph"):
        response = requests.get(base + path, headers={"Accept": "text/html"}, timeout=10)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff" and response.headers["X-Frame-Options"] == "DENY"
