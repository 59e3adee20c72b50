"""Pictures for people: the interactive network view (cytoscape.js, installed from npm and
served from the project's node_modules), the timeline of project periods and the bar chart of investments
(SVG drawn on the server)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file

from weihai_kg import formats
from weihai_kg.errors import NotFound
from weihai_kg.namespaces import BASE, PREFIXES, WH, compact
from weihai_kg.project import VENDOR
from weihai_kg.read.charts import Span, investments, project_periods
from weihai_kg.web import state
from weihai_kg.web.html import html_page
from weihai_kg.web.i18n import ui_language
from weihai_kg.web.present import kind_label

bp = Blueprint("views", __name__)


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    """Only the listed files of node_modules (weihai_kg/vendor.json) are served."""
    if name not in VENDOR:
        raise NotFound(f"no browser library {name!r} is served")
    path = Path(current_app.config["VENDOR_DIR"]).resolve() / VENDOR[name]
    if not path.is_file():
        raise NotFound(f"{name} is not installed; run scripts/setup (npm ci)")
    media = formats.CSS if name.endswith(".css") else formats.JAVASCRIPT
    return send_file(path, mimetype=media.media_type, max_age=86400)


@bp.get("/view/graph")
def graph_view() -> Response:
    lang = ui_language()
    params = {k: v for k, v in request.args.items() if k in ("query", "entity", "hops", "classes", "sparql")}
    index = state.snapshot().search
    classes = {compact(e.iri): e.name_in(lang)[0] for e in index.entries if e.iri.startswith(WH)}
    outside = ("org", "Organization"), ("schema", "CollegeOrUniversity"), ("skos", "Concept")
    classes |= {f"{p}:{local}": kind_label(index, (PREFIXES[p] + local,), lang) for p, local in outside}
    return html_page("graph.html", lang=lang, base=BASE, params=params, class_names=classes)


@bp.get("/view/timeline")
def timeline() -> Response:
    lang = ui_language()
    spans = project_periods(state.store(), lang)
    first = min(Span.months(s.start) for s in spans) // 12 * 12
    last = (max(Span.months(s.end) for s in spans) // 12 + 1) * 12
    width, left, row = 640, 470, 34
    scale = width / (last - first)
    bars = [
        {"span": s, "x": left + (Span.months(s.start) - first) * scale, "y": 40 + i * row, "w": max((Span.months(s.end) - Span.months(s.start) + 1) * scale, 2)}
        for i, s in enumerate(spans)
    ]
    years = [{"year": first // 12 + i, "x": left + i * 12 * scale} for i in range((last - first) // 12 + 1)]
    return html_page("timeline.html", lang=lang, bars=bars, years=years, height=60 + len(spans) * row, width=left + width + 170)


@bp.get("/view/investments")
def investment_chart() -> Response:
    lang = ui_language()
    rows = investments(state.store(), lang)
    top = max(b.value for b in rows)
    width, left, row = 560, 420, 40
    bars = [{"bar": b, "y": 30 + i * row, "w": max(float(b.value / top) * width, 2)} for i, b in enumerate(rows)]
    currencies = sorted({b.currency for b in rows})
    totals = [(f"{sum(b.value for b in rows if b.currency == c):,} {c}", sum(1 for b in rows if b.currency == c)) for c in currencies]
    return html_page("investments.html", lang=lang, bars=bars, totals=totals, height=50 + len(rows) * row, left=left, width=left + width + 200)
