"""The W3C SPARQL 1.1 Service Description of ``/sparql``, listing only what the endpoint
really does: SPARQL 1.1 Query, the result formats it writes, a union default graph, and no
federation (SERVICE is refused)."""

from __future__ import annotations

from flask import Response
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from weihai_kg import formats
from weihai_kg.namespaces import ENTAILMENT_SIMPLE, PREFIXES, RDF_TYPE, SD, SD_PREFIXES
from weihai_kg.web import state
from weihai_kg.web.negotiation import negotiate

DESCRIPTION_FORMATS = [formats.GRAPHS[k] for k in ("turtle", "jsonld", "rdfxml")]


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
        Triple(service, sd("defaultEntailmentRegime"), ENTAILMENT_SIMPLE),
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


def service_description(endpoint: str, accept: str, format_param: str | None) -> Response:
    """The description in Turtle, JSON-LD or RDF/XML; raises NotAcceptable for another ``format=``."""
    chosen = negotiate(DESCRIPTION_FORMATS, accept, format_param, what="the service description")
    body = state.memo(("service-description", endpoint, chosen.key), lambda: formats.write_rdf(description_triples(endpoint), chosen.key, SD_PREFIXES))
    return Response(body, mimetype=chosen.media_type, headers={"Vary": "Accept"})
