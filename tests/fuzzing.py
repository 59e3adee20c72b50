"""Hostile and broken HTTP requests for fuzzing the endpoint: strategies shared by the
suite's short property tests and the long run in ``bench/fuzz.py``."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

# Every status the endpoint documents; anything else (above all 500) is a finding.
DOCUMENTED = {200, 204, 303, 400, 403, 404, 405, 406, 413, 415, 429, 503}

PATHS = [
    "/sparql",
    "/",
    "/queries",
    "/queries/plans",
    "/queries/projects-in-month",
    "/id/place/wendeng",
    "/id/project/x",
    "/graph/translations",
    "/ontology",
    "/store",
    "/.well-known/void",
    "/export/turtle",
    "/export/cytoscape",
    "/view/graph",
    "/view/timeline",
    "/context.jsonld",
    "/healthz",
    "/id/../../etc/passwd",
    "/id/%2e%2e/%2e%2e/etc/passwd",
    "/static/../../pyproject.toml",
    "/vendor/../package.json",
    "/admin/reload",
]
MEDIA = [
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "text/plain",
    "application/json",
    "multipart/form-data; boundary=x",
    "application/sparql-query; charset=utf-16",
    "",
]
ACCEPT = [
    "*/*",
    "text/html",
    "text/turtle",
    "application/sparql-results+json",
    "text/csv;q=0.1, image/png",
    "image/png",
    "application/ld+json;q=0",
    "text/*",
    ";;;",
    "application/sparql-results+xml;q=abc",
]
PARAMS = [
    "query",
    "update",
    "format",
    "default-graph-uri",
    "named-graph-uri",
    "graph",
    "default",
    "lang",
    "month",
    "entity",
    "hops",
    "classes",
    "sparql",
    "frame",
]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query_string: bytes
    headers: dict[str, str]
    body: bytes


# Header-safe Latin-1 (clients refuse C1 controls such as U+0085 in headers, so they never reach a server).
latin1 = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255, blacklist_categories=("Cc",)), max_size=60)
raw_param_value = st.one_of(
    st.binary(max_size=80).map(lambda b: "".join(f"%{x:02X}" for x in b)),  # any bytes, percent-encoded (bad UTF-8 too)
    st.text(max_size=80).map(lambda t: t.encode("utf-8").hex()),
    st.sampled_from(["SELECT * WHERE { ?s ?p ?o } LIMIT 1", "%", "%G0", "%C3", "%00", "ASK {}", "x" * 300, ""]),
)
query_strings = st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=8), raw_param_value), max_size=5).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs).encode("latin-1", "replace")
)


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (position, delete count, insertion) edits to a query."""
    for position, delete, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + delete :]
    return text


edits = st.lists(
    st.tuples(
        st.integers(0, 5000),
        st.integers(0, 6),
        st.sampled_from(
            [
                "",
                "{",
                "}",
                "?x",
                "*",
                "SERVICE <http://127.0.0.1:9/>",
                "\x00",
                "\ufeff",
                "'",
                '"',
                "<",
                ">",
                "OPTIONAL {",
                "FILTER(",
                ")",
                "\u202e",
                "UNION",
                " .",
                "LIMIT 0",
            ]
        )
        | st.text(max_size=4),
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def requests(draw: st.DrawFn) -> Request:
    method = draw(st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]))
    path = draw(st.sampled_from(PATHS) | latin1.map(lambda t: "/" + t.replace("?", "").replace("#", "")))
    headers = {"Accept": draw(st.sampled_from(ACCEPT) | latin1)}
    if draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from(MEDIA) | latin1)
    if draw(st.booleans()):
        headers["Accept-Language"] = draw(st.sampled_from(["ko", "zh-CN,zh;q=0.9", "en;q=0", "*", "xx-@@"]) | latin1)
    body = draw(st.one_of(st.just(b""), st.binary(max_size=400), st.text(max_size=200).map(lambda t: t.encode("utf-16")), query_strings))
    return Request(method, path, draw(query_strings), headers, body)
