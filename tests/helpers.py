"""Small helpers the tests share: reading the report's own notation for amounts, areas and
periods, independently of the data, so the data can be checked against the report."""

from __future__ import annotations

import re
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from weihai_kg.namespaces import compact

UNITS = {"억": Decimal(10) ** 8, "만": Decimal(10) ** 4}


def cny_from_report(text: str) -> Decimal:
    """'3.6억 위안' -> 360000000; '500만 위안' -> 5000000."""
    match = re.fullmatch(r"([\d.,]+)\s*(억|만)?\s*위안", text.strip())
    assert match, f"not an amount in 위안: {text!r}"
    return Decimal(match[1].replace(",", "")) * UNITS.get(match[2] or "", Decimal(1))


def square_metres_from_report(text: str) -> tuple[Decimal, Decimal, str]:
    """'3,000평' -> (9917.36, 3000, '평'); '건평 24만㎡' -> (240000, 240000, '㎡')."""
    match = re.search(r"([\d.,]+)\s*(만)?\s*(평|㎡)", text)
    assert match, f"not an area: {text!r}"
    stated = Decimal(match[1].replace(",", "")) * UNITS.get(match[2] or "", Decimal(1))
    m2 = stated * Decimal(400) / Decimal(121) if match[3] == "평" else stated
    return m2.quantize(Decimal("0.01")), stated, match[3]


def year_months_from_report(text: str) -> tuple[str, str]:
    """'15.06 ~17.06' -> ('2015-06', '2017-06'); '2015년 6월부터 2017년 6월까지' likewise."""
    short = re.fullmatch(r"(\d{2})\.(\d{2})\s*~\s*(\d{2})\.(\d{2})", text.strip())
    if short:
        return f"20{short[1]}-{short[2]}", f"20{short[3]}-{short[4]}"
    long = re.fullmatch(r"(\d{4})년 (\d{1,2})월부터 (\d{4})년 (\d{1,2})월까지", text.strip())
    assert long, f"not a period: {text!r}"
    return f"{long[1]}-{int(long[2]):02d}", f"{long[3]}-{int(long[4]):02d}"


def squash(text: str) -> str:
    """Text without any white space: the report's line breaks and spacing vary."""
    return "".join(text.split())


def select(store: Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT as dicts of readable strings (IRIs compacted, literals bare)."""
    result = store.query(query)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if isinstance(term, NamedNode):
                row[name] = compact(term.value)
            elif isinstance(term, Literal):
                row[name] = term.value
            elif term is not None:
                row[name] = str(term)
        rows.append(row)
    return rows


def write_query(page: object, text: str) -> None:
    """Replace the query page's SPARQL as a person does: click into the editor, select all,
    paste the text (Playwright's insert_text is a paste: no key is typed, so no completion
    pops up over it)."""
    page.click("#editor .CodeMirror")  # type: ignore[attr-defined]
    page.keyboard.press("Control+A")  # type: ignore[attr-defined]
    page.keyboard.press("Delete")  # type: ignore[attr-defined]
    page.keyboard.insert_text(text)  # type: ignore[attr-defined]


def query_text(page: object) -> str:
    """What the query page's editor holds."""
    return str(page.evaluate("window.weihaiEditor.getValue()"))  # type: ignore[attr-defined]
