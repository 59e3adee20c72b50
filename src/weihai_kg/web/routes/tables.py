"""``/tables/projects``, ``/tables/organisations``, ``/tables/places``: the graph as
spreadsheets (``read.tables``), with facets, sorting and downloads of the rows shown (CSV
with a byte-order mark, so that Excel reads Korean right, and XLSX). The whole state is in
the URL: filters (``plan=…&area=…``, several values of one facet are alternatives), ``sort``,
``desc``, ``lang``."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from weihai_kg import formats
from weihai_kg.errors import UnknownResource
from weihai_kg.read.tables import SPECS, load_rows, plain_rows, view
from weihai_kg.web import state
from weihai_kg.web.html import html_page
from weihai_kg.web.i18n import ui_language
from weihai_kg.web.messages import translator
from weihai_kg.web.negotiation import accept_of, negotiate

bp = Blueprint("tables", __name__)
DOWNLOADS = [formats.CSV, formats.XLSX]


@bp.get("/tables/<name>")
def table(name: str) -> Response:
    if name not in SPECS:
        raise UnknownResource(f"no table {name!r}; the tables are: {', '.join(SPECS)}")
    lang = ui_language()
    t = translator(lang)
    rows = load_rows(state.store(), state.snapshot().search, name, lang)
    chosen = {c.key: request.args.getlist(c.key) for c in SPECS[name].columns if c.facet}
    shown = view(name, rows, chosen, request.args.get("sort", ""), request.args.get("desc") == "1")
    fmt = negotiate(DOWNLOADS, accept_of(request.headers), request.args.get("format"), html=True, what="a table")
    if fmt is formats.HTML:
        return html_page("table.html", lang=lang, table=shown, title=t(f"table_{name}_title"), links=links(name, lang), filtered=any(chosen.values()))
    header, body = plain_rows(shown, lambda key: t(f"col_{key}"))
    filename = f"weihai-kg-{name}-{lang}.{fmt.extension}"
    data = _csv(header, body) if fmt is formats.CSV else _xlsx(header, body, name)
    return Response(data, mimetype=fmt.media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _csv(header: list[str], body: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8


def _xlsx(header: list[str], body: list[list[object]], name: str) -> bytes:
    import xlsxwriter  # only for this download

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_urls": False})
    sheet = book.add_worksheet(name)
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for number, line in enumerate(body, start=1):
        sheet.write_row(number, 0, [v if isinstance(v, str | int) else float(str(v)) for v in line])  # Decimal → a number cell
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(body), len(header) - 1)
    book.close()
    return out.getvalue()


def links(name: str, lang: str) -> dict[str, object]:
    """What the template calls to build this table's URLs: a facet value toggled, a column
    sorted, a download; every other parameter kept."""
    current = [(k, v) for k, v in request.args.items(multi=True) if k not in ("lang", "format")]

    def url(pairs: list[tuple[str, str]]) -> str:
        return f"/tables/{name}?" + urlencode([*pairs, ("lang", lang)])

    def toggle(column: str, key: str) -> str:
        if (column, key) in current:
            return url([p for p in current if p != (column, key)])
        return url([*current, (column, key)])

    def sort(column: str) -> str:
        kept = [p for p in current if p[0] not in ("sort", "desc")]
        descending = request.args.get("sort") == column and request.args.get("desc") != "1"
        return url([*kept, ("sort", column), *([("desc", "1")] if descending else [])])

    def download(fmt: str) -> str:
        return url([*current, ("format", fmt)])

    return {"toggle": toggle, "sort": sort, "download": download, "clear": url([])}
