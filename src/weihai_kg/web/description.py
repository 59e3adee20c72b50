"""The W3C SPARQL 1.1 Service Description of ``/sparql``, listing only what the endpoint
really does: SPARQL 1.1 Query, the result formats it writes, a union default graph, and no
federation (SERVICE is refused)."""

from __future__ import annotations

from functools import lru_cache

from flask import Response
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from werkzeug.datastructures import MIMEAccept

from .. import formats
from ..namespaces import PREFIXES
from .conneg import NotAcceptable

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
DESCRIPTION_FORMATS = [formats.GRAPHS["turtle"], formats.GRAPHS["jsonld"], formats.GRAPHS["rdfxml"]]


def sd(local: str) -> NamedNode:
    return NamedNode(SD + local)


def description_triples(endpoint: str) -> list[Triple]:
    service = NamedNode(endpoint + "#service")
    dataset = BlankNode("dataset")
    default_graph = BlankNode("defaultGraph")
    triples = [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("defaultEntailmentRegime"), NamedNode("http://www.w3.org/ns/entailment/Simple")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, sd("Graph")),
        Triple(
            service,
            NamedNode(PREFIXES["dct"] + "description"),
            Literal(
                "Read-only SPARQL 1.1 Query endpoint of weihai-kg, the knowledge graph of 한중Zine Vol.193 on Weihai. "
                "The default graph is the union of all named graphs; each named graph is a place in the report or a "
                "supplementary graph. SERVICE, SPARQL Update and LOAD are refused.",
                language="en",
            ),
        ),
    ]
    for fmt in formats.ALL.values():
        iri = (fmt.results or fmt.rdf).iri  # type: ignore[union-attr]
        triples.append(Triple(service, sd("resultFormat"), NamedNode(iri)))
    return triples


@lru_cache(maxsize=16)
def _render(endpoint: str, key: str) -> bytes:
    return formats.write_rdf(description_triples(endpoint), key, {"sd": SD, "dct": PREFIXES["dct"]})


def service_description(endpoint: str, accept: MIMEAccept, format_param: str | None) -> Response:
    """The description in Turtle, JSON-LD or RDF/XML; raises NotAcceptable otherwise."""
    if format_param:
        given = formats.by_name_or_type(format_param)
        if given is None or given not in DESCRIPTION_FORMATS:
            raise NotAcceptable(f"the service description is offered as {', '.join(f.media_type for f in DESCRIPTION_FORMATS)}")
        chosen = given
    else:
        best = accept.best_match([f.media_type for f in DESCRIPTION_FORMATS], default=DESCRIPTION_FORMATS[0].media_type)
        chosen = next(f for f in DESCRIPTION_FORMATS if f.media_type == best)
    response = Response(_render(endpoint, chosen.key), mimetype=chosen.media_type)
    response.headers["Vary"] = "Accept"
    return response
