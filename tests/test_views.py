"""The pictures, in headless Chromium: the network view draws the expected nodes and opens
entity pages, the timeline and the bar chart draw one bar per project, and a CONSTRUCT on
the query page opens as a graph. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from weihai_kg.store.layout import BuildInfo

from .conftest import ARTIFACTS, SCREENSHOTS, serve_args
from .server import running_server


@pytest.fixture(scope="module", params=["embedded", "remote", "virtuoso"])
def base(request: pytest.FixtureRequest, built: tuple[Path, BuildInfo]) -> Iterator[str]:
    """Over the embedded store, and over a real Oxigraph server (remote mode)."""
    remote = serve_args(request, request.param)
    with running_server(built[0], *remote) as url:
        yield url


def open_page(browser: object, base: str, path: str, locale: str = "en-US") -> object:
    page = browser.new_page(locale=locale, viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.goto(base + path)
    page.outside = outside
    return page


def test_network_view(base: str, browser: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    expected = requests.get(base + "/export/cytoscape?query=agency-network", timeout=30).json()["elements"]
    page = open_page(browser, base, "/view/graph?query=agency-network&lang=ko", "ko-KR")
    page.wait_for_selector("#cy[data-ready='true']", timeout=20000)
    assert page.evaluate("window.weihaiGraph.nodes().length") == len(expected["nodes"])
    assert page.evaluate("window.weihaiGraph.edges().length") == len(expected["edges"])
    assert page.evaluate("window.weihaiGraph.$id('https://w3id.org/weihai-kg/id/agent/weihai-port-group').data('shown')") == "웨이하이항그룹유한공사"
    page.screenshot(path=str(SCREENSHOTS / "network-view.png"))
    page.uncheck("input[data-cls='wh:Project']")
    assert page.evaluate("window.weihaiGraph.nodes(':visible').length") == len(expected["nodes"]) - 50
    page.select_option("#label-lang", "zh")
    assert page.evaluate("window.weihaiGraph.$id('https://w3id.org/weihai-kg/id/place/rushan').data('shown')") == "乳山市"
    page.check("input[data-cls='wh:Project']")
    page.evaluate("window.weihaiGraph.$id('https://w3id.org/weihai-kg/id/agent/weihai-port-group').emit('tap')")
    page.wait_for_url("**/id/agent/weihai-port-group?lang=ko")
    assert page.outside == []
    page.close()


def test_timeline(base: str, browser: object) -> None:
    page = open_page(browser, base, "/view/timeline")
    bars = page.locator("#timeline rect.bar")
    assert bars.count() == 5
    spans = {
        bars.nth(i).get_attribute("data-project").rsplit("/", 1)[1]: (bars.nth(i).get_attribute("data-start"), bars.nth(i).get_attribute("data-end"))
        for i in range(5)
    }
    assert spans["weihai-china-korea-ftz-bohai-park"] == ("2017-03", "2018-01")
    assert spans["shanghanwang-ecommerce-platform"] == ("2014-08", "2016-12")
    widths = {k: float(bars.nth(i).get_attribute("width")) for i, k in enumerate(spans)}
    assert widths["shanghanwang-ecommerce-platform"] > widths["weihai-china-korea-ftz-bohai-park"]
    page.screenshot(path=str(SCREENSHOTS / "timeline.png"), full_page=True)
    page.close()


def test_investment_chart(base: str, browser: object) -> None:
    page = open_page(browser, base, "/view/investments?lang=ko", "ko-KR")
    bars = page.locator("#investments rect.bar")
    assert bars.count() == 5
    values = [bars.nth(i).get_attribute("data-value") for i in range(5)]
    assert values == ["700000000", "360000000", "5000000", "5000000", "2000000"]
    assert "웨이하이항그룹유한공사" in page.locator("#investments").text_content()
    page.screenshot(path=str(SCREENSHOTS / "investments.png"), full_page=True)
    page.close()


def test_construct_on_the_query_page_opens_as_a_graph(base: str, browser: object) -> None:
    page = open_page(browser, base, "/")
    page.wait_for_selector("#examples a[data-name='agency-network']")
    page.click("#examples a[data-name='agency-network']")
    page.click("#run")
    page.wait_for_selector("#graph-link:not([hidden])")
    page.click("#graph-link")
    page.wait_for_selector("#cy[data-ready='true']", timeout=20000)
    assert page.evaluate("window.weihaiGraph.nodes().length") > 60
    page.screenshot(path=str(SCREENSHOTS / "construct-graph.png"))
    page.close()


def test_vendor_serves_only_listed_files(base: str) -> None:
    assert requests.get(base + "/vendor/cytoscape.min.js", timeout=10).status_code == 200
    assert requests.get(base + "/vendor/..%2Fpackage.json", timeout=10).status_code == 404
    assert requests.get(base + "/export/cytoscape?query=plans", timeout=10).status_code == 400  # a SELECT draws nothing
