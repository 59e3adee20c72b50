"""A VoID and DCAT description of the dataset, computed from the store: what it holds
(triples, entities, classes, properties, named graphs), where it comes from (the report),
its licence, its SPARQL endpoint and its dumps with size and checksum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, QuerySolutions, Triple

from weihai_kg.namespaces import BASE, DCAT, ID, LICENSE, MEDIA_TYPES, ONTOLOGY_IRI, PREFIXES, RDF_TYPE, SPDX, VOID, sparql_prefixes
from weihai_kg.store.reading import ReadStore

XSD = PREFIXES["xsd"]
REPORT = NamedNode(f"{ID}report/hanjung-zine-193")


@dataclass(frozen=True)
class Dump:
    url: str
    media_type: str
    body: bytes


@dataclass(frozen=True)
class Release:
    """What a release adds to the description: its version, the day it was issued, the
    release before it (a version, or None) and the address its files are published under."""

    version: str
    issued: str
    previous: str | None
    base_url: str

    @property
    def dataset(self) -> NamedNode:
        return NamedNode(f"{BASE}dataset/{self.version}")


def release_dataset(version: str) -> NamedNode:
    return Release(version, "", None, "").dataset


def _n(ns: str, local: str) -> NamedNode:
    return NamedNode(ns + local)


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _rows(store: ReadStore, query: str) -> list[tuple[NamedNode, int]]:
    result = store.query(sparql_prefixes(["graph"]) + query)
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(result).__name__}")
    return [(row["x"], int(row["n"].value)) for row in result if isinstance(row["x"], NamedNode)]


def _one(store: ReadStore, query: str) -> int:
    result = store.query(query)
    if not isinstance(result, QuerySolutions):
        raise TypeError(f"expected QuerySolutions, got {type(result).__name__}")
    return int(next(iter(result))["n"].value)


def _made_by(ds: NamedNode, dct: str) -> list[Triple]:
    """The project's editors as creator and publisher, as the ontology names them (the
    report's own author and publisher are in the data)."""
    editors = NamedNode(f"{ID}agent/weihai-kg-editors")
    return [Triple(ds, _n(dct, "creator"), editors), Triple(ds, _n(dct, "publisher"), editors)]


def dataset_version(store: ReadStore) -> str | None:
    """The dataset's version is the ontology's: one number for the release (``owl:versionInfo``)."""
    found = [q.object for q in store.quads_for_pattern(NamedNode(ONTOLOGY_IRI), NamedNode(PREFIXES["owl"] + "versionInfo"), None, DefaultGraph())]
    return found[0].value if found and isinstance(found[0], Literal) else None


def _version(store: ReadStore, ds: NamedNode) -> list[Triple]:
    version = dataset_version(store)
    return [Triple(ds, NamedNode(PREFIXES["owl"] + "versionInfo"), Literal(version))] if version else []


def describe_dataset(
    store: ReadStore, endpoint: str | None, dumps: list[Dump], build_id: str, built_at: str = "", release: Release | None = None
) -> list[Triple]:
    """VoID + DCAT triples for the served dataset: what it holds, where, who made it, which
    version (the ontology's ``owl:versionInfo``) and when this build was made. For a release
    (``weihai-kg release``) the dataset is that version's (``{BASE}dataset/VERSION``), a version
    of the served one, with its issue date, the release before it and no endpoint."""
    ds = release.dataset if release else NamedNode(f"{BASE}dataset")
    rdf_type = RDF_TYPE
    dct = PREFIXES["dct"]
    triples = [
        Triple(ds, rdf_type, _n(VOID, "Dataset")),
        Triple(ds, rdf_type, _n(DCAT, "Dataset")),
        Triple(ds, _n(dct, "title"), Literal("weihai-kg: knowledge graph of 한중Zine Vol.193", language="en")),
        Triple(ds, _n(dct, "title"), Literal("weihai-kg: 한중Zine Vol.193 지식그래프", language="ko")),
        Triple(
            ds,
            _n(dct, "description"),
            Literal(
                "Weihai's cross-border e-commerce, Internet+ and smart-city plans, projects, agencies, districts, "
                "investments, periods and yearly targets, and its cooperation with Incheon, as stated in 한중Zine Vol.193 "
                "(Incheon Development Institute, 2016-11-21); every statement in the named graph of the place in the report that makes it.",
                language="en",
            ),
        ),
        Triple(ds, _n(dct, "source"), REPORT),
        Triple(ds, _n(dct, "license"), LICENSE),
        Triple(ds, _n(dct, "identifier"), Literal(build_id)),
        *_made_by(ds, dct),
        *_version(store, ds),
        *([Triple(ds, _n(dct, "modified"), Literal(built_at, datatype=NamedNode(XSD + "dateTime")))] if built_at else []),
        Triple(ds, _n(dct, "conformsTo"), NamedNode(f"{BASE}shapes")),
        *([Triple(ds, _n(VOID, "sparqlEndpoint"), NamedNode(endpoint))] if endpoint else []),
        *(_release(ds, release, dct) if release else []),
        Triple(ds, _n(VOID, "uriSpace"), Literal(ID)),
        Triple(ds, _n(VOID, "exampleResource"), NamedNode(f"{ID}project/wekoreago-platform")),
        Triple(ds, _n(VOID, "vocabulary"), NamedNode(PREFIXES["wh"])),
        Triple(ds, _n(VOID, "triples"), _int(len(list(store.quads_for_pattern(None, None, None, DefaultGraph()))))),
        Triple(
            ds,
            _n(VOID, "entities"),
            _int(_one(store, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{ID}") }}')),
        ),
        Triple(ds, _n(VOID, "distinctSubjects"), _int(_one(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"))),
        Triple(ds, _n(VOID, "distinctObjects"), _int(_one(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"))),
    ]
    classes = _rows(store, "SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?x } FILTER (?g != graph:ontology) } GROUP BY ?x")
    properties = _rows(store, "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?x ?o } GROUP BY ?x")
    graphs = _rows(store, "SELECT ?x (COUNT(*) AS ?n) WHERE { GRAPH ?x { ?s ?p ?o } } GROUP BY ?x")
    triples += [Triple(ds, _n(VOID, "classes"), _int(len(classes))), Triple(ds, _n(VOID, "properties"), _int(len(properties)))]
    for kind, key, rows in (("classPartition", "class", classes), ("propertyPartition", "property", properties)):
        for iri, n in rows:
            part = _stable_blank(kind, iri.value)
            triples += [
                Triple(ds, _n(VOID, kind), part),
                Triple(part, _n(VOID, key), iri),
                Triple(part, _n(VOID, "entities" if key == "class" else "triples"), _int(n)),
            ]
    for iri, n in graphs:
        triples += [
            Triple(ds, _n(VOID, "subset"), iri),
            Triple(iri, rdf_type, _n(VOID, "Dataset")),
            Triple(iri, _n(VOID, "triples"), _int(n)),
        ]
    triples += describe_files(ds, dumps)
    return triples


def describe_files(owner: NamedNode, dumps: list[Dump], data_dumps: bool = True) -> list[Triple]:
    """Each file as a DCAT distribution of ``owner`` (and, of a dataset, a VoID data dump),
    with its media type, size, SHA-256 checksum and licence."""
    dct = PREFIXES["dct"]
    triples: list[Triple] = []
    for dump in dumps:
        dist = NamedNode(dump.url)
        checksum = _stable_blank("checksum", dump.url)
        triples += [
            *([Triple(owner, _n(VOID, "dataDump"), dist)] if data_dumps else []),
            Triple(owner, _n(DCAT, "distribution"), dist),
            Triple(dist, RDF_TYPE, _n(DCAT, "Distribution")),
            Triple(dist, _n(DCAT, "downloadURL"), dist),
            Triple(dist, _n(DCAT, "mediaType"), NamedNode(MEDIA_TYPES + dump.media_type)),
            Triple(dist, _n(DCAT, "byteSize"), Literal(str(len(dump.body)), datatype=NamedNode(XSD + "nonNegativeInteger"))),
            Triple(dist, _n(SPDX, "checksum"), checksum),
            Triple(checksum, _n(SPDX, "algorithm"), _n(SPDX, "checksumAlgorithm_sha256")),
            Triple(checksum, _n(SPDX, "checksumValue"), Literal(hashlib.sha256(dump.body).hexdigest(), datatype=NamedNode(XSD + "hexBinary"))),
            Triple(dist, _n(dct, "license"), LICENSE),
        ]
    return triples


def _release(ds: NamedNode, release: Release, dct: str) -> list[Triple]:
    triples = [
        Triple(ds, _n(dct, "isVersionOf"), NamedNode(f"{BASE}dataset")),
        Triple(ds, _n(DCAT, "version"), Literal(release.version)),
        Triple(ds, _n(dct, "issued"), Literal(release.issued, datatype=NamedNode(XSD + "date"))),
        Triple(ds, _n(dct, "conformsTo"), NamedNode(f"{BASE}shapes/{release.version}")),
        Triple(ds, _n(dct, "conformsTo"), NamedNode(f"{ONTOLOGY_IRI}/{release.version}")),
    ]
    if release.previous:
        triples.append(Triple(ds, _n(DCAT, "previousVersion"), release_dataset(release.previous)))
    return triples


def _stable_blank(*parts: str) -> BlankNode:
    """A blank node named from what it stands for: every web worker (and every run) then
    writes the same description, byte for byte, so its ETag holds whichever worker answers."""
    return BlankNode("b" + hashlib.blake2b("|".join(parts).encode("utf-8"), digest_size=16).hexdigest())
