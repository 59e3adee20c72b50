"""Every IRI weihai-kg mints or reuses, declared once.

Entity IRIs follow ``{BASE}id/{kind}/{slug}``; places in the report (which are also the
names of the graphs holding what is said there) follow ``{BASE}id/report/hanjung-zine-193/{locus}``;
supplementary graphs follow ``{BASE}graph/{name}``. Data, shapes and queries declare the same
prefixes; a test checks they agree with :data:`PREFIXES`.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

BASE = "https://w3id.org/weihai-kg/"
# Relative IRIs in a query (``<id/place/wendeng>``) resolve against the canonical base, not
# the URL the request reached: the same query then names the same entities, and gets the
# same answer, on every server, behind any proxy, and in remote mode (SPARQL 1.1 §4.1.1
# leaves the base to the service). A query's own BASE still wins.
QUERY_BASE = BASE
ONTOLOGY_IRI = f"{BASE}ontology"
WH = f"{BASE}ontology#"
ID = f"{BASE}id/"

PREFIXES: dict[str, str] = {
    "agent": f"{ID}agent/",
    "concept": f"{ID}concept/",
    "coop": f"{ID}cooperation/",
    "count": f"{ID}sector-count/",
    "dct": "http://purl.org/dc/terms/",
    "derivation": f"{ID}derivation/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "graph": f"{BASE}graph/",
    "locus": f"{ID}report/hanjung-zine-193/",
    "measure": f"{ID}measure/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "period": f"{ID}period/",
    "place": f"{ID}place/",
    "plan": f"{ID}plan/",
    "platform": f"{ID}platform/",
    "project": f"{ID}project/",
    "prov": "http://www.w3.org/ns/prov#",
    "qty": f"{ID}quantity/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "report": f"{ID}report/",
    "schema": "https://schema.org/",
    "scheme": f"{ID}scheme/",
    "sector": f"{ID}sector/",
    "sh": "http://www.w3.org/ns/shacl#",
    "shapes": f"{BASE}shapes#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "target": f"{ID}target/",
    "task": f"{ID}key-task/",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "wh": WH,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "zone": f"{ID}zone/",
}


def wh(local: str) -> NamedNode:
    """A term of the weihai-kg ontology."""
    return NamedNode(WH + local)


def term(prefix: str, local: str) -> NamedNode:
    """A term under one of :data:`PREFIXES`; raises KeyError for an unknown prefix."""
    return NamedNode(PREFIXES[prefix] + local)


GRAPH_ONTOLOGY = term("graph", "ontology")
GRAPH_STRUCTURE = term("graph", "structure")

# Vocabularies the server writes in its descriptions (VoID, DCAT, SPDX checksums, the SPARQL
# Service Description) but the data does not use, so they stay out of PREFIXES and of dumps.
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
ENTAILMENT_SIMPLE = NamedNode("http://www.w3.org/ns/entailment/Simple")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"  # + type/subtype: a media type as an IRI (DCAT)
LICENSE = NamedNode("https://creativecommons.org/licenses/by/4.0/")  # the data's licence, CC BY 4.0
VOID_PREFIXES = {"void": VOID, "dcat": DCAT, "dct": PREFIXES["dct"], "spdx": SPDX}
SD_PREFIXES = {"sd": SD, "dct": PREFIXES["dct"]}

RDF_TYPE = term("rdf", "type")
RDFS_LABEL = term("rdfs", "label")
RDFS_SUBCLASS_OF = term("rdfs", "subClassOf")
SKOS_PREF_LABEL = term("skos", "prefLabel")
WH_TRIPLE_COUNT = wh("tripleCount")
WH_DEFAULT_GRAPH = wh("DefaultGraph")
# Computed for validation only: the graph each schema:value is stated in (a converted value
# must stand in graph:derivations alone).
WH_VALUE_STATED_IN = wh("valueStatedIn")
SCHEMA_VALUE = NamedNode(PREFIXES["schema"] + "value")
IS_REPLACED_BY = NamedNode(PREFIXES["dct"] + "isReplacedBy")
DCT_SOURCE = NamedNode(PREFIXES["dct"] + "source")


def to_iri(text: str) -> NamedNode:
    """``text`` as an IRI; raises QueryParameterError (a client error) when it is not one."""
    from weihai_kg.errors import QueryParameterError

    try:
        return NamedNode(text)
    except ValueError as e:
        raise QueryParameterError(f"not an IRI: {text[:200]!r}") from e


def compact(iri: str) -> str:
    """The shortest ``prefix:local`` form of an IRI, or ``<iri>`` when no prefix fits."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            local = iri[len(ns) :]
            if local and "/" not in local and "#" not in local:
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else f"<{iri}>"


def sparql_prefixes(names: list[str] | None = None) -> str:
    """``PREFIX`` lines for the given prefixes (all when None), for queries built in code."""
    chosen = names if names is not None else sorted(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)
