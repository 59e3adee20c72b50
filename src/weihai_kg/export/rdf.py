"""Dumping the store for other tools: Turtle, N-Triples, RDF/XML (the union graph), N-Quads
and TriG (every named graph, so provenance travels with the data, and the union default
graph), and JSON-LD compacted with the published context inlined, or framed per entity type."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Triple, serialize

from weihai_kg.errors import QueryParameterError
from weihai_kg.formats import EXPORTS, GRAPHS, WITH_GRAPHS, write_rdf
from weihai_kg.formats import JSONLD_FRAMES as FRAMES
from weihai_kg.namespaces import BASE
from weihai_kg.project import find_project
from weihai_kg.store.reading import ReadStore

CONTEXT_URL = f"{BASE}context.jsonld"
RDF_EXPORTS = tuple(k for k in EXPORTS if k in GRAPHS and k != "jsonld")  # the dumps written straight from the store


def union_triples(store: ReadStore) -> list[Triple]:
    return [q.triple for q in store.quads_for_pattern(None, None, None, DefaultGraph())]


def dataset_quads(store: ReadStore) -> list[Quad]:
    """Every quad: the named graphs and the union default graph. A dump keeps the default
    graph, as Oxigraph's own dumps do, so a store that reloads it answers plain queries (no
    GRAPH) like this endpoint, whatever that store's idea of the default graph."""
    return list(store.quads_for_pattern(None, None, None, None))


def export_rdf(store: ReadStore, key: str) -> bytes:
    """One of RDF_EXPORTS; raises QueryParameterError for another name."""
    if key not in RDF_EXPORTS:
        raise QueryParameterError(f"no RDF export {key!r}; choose one of {', '.join([*RDF_EXPORTS, 'jsonld'])}")
    items: list[Quad] | list[Triple] = dataset_quads(store) if key in WITH_GRAPHS else union_triples(store)
    return write_rdf(items, key)


def ontology_dir() -> Path:
    """The ontology folder of this process's project (project.py: --project, $WEIHAI_KG_PROJECT,
    the wheel's copy, the working directory); ``serve`` passes its project on to every worker
    in $WEIHAI_KG_PROJECT."""
    return find_project().ontology_dir


def context_document(folder: Path | None = None) -> dict[str, Any]:
    """The published JSON-LD context (``ontology/context.jsonld``)."""
    return _read_json((folder or ontology_dir()) / "context.jsonld")


@cache
def _read_json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _jsonld() -> Any:
    """pyld, loaded when JSON-LD is first written: with requests it takes ~13 MB in every web
    worker, most of which never write JSON-LD."""
    from pyld import jsonld

    return jsonld


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's loader for our own context only: expanding never fetches anything remote."""
    if url != CONTEXT_URL:
        raise _jsonld().JsonLdError(f"weihai-kg loads no remote documents ({url})", "jsonld.LoadDocumentError", code="loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": context_document()}


def expanded(store: ReadStore) -> list[dict[str, Any]]:
    nquads = (serialize(union_triples(store), format=RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    result: list[dict[str, Any]] = _jsonld().from_rdf(nquads, {"format": GRAPHS["nquads"].media_type})
    return result


def export_jsonld(store: ReadStore) -> dict[str, Any]:
    """The union graph compacted with the published context, inlined: the dump loads in any
    JSON-LD processor offline. (The context is also published on its own, ``/context.jsonld``.)"""
    compacted: dict[str, Any] = _jsonld().compact(expanded(store), context_document(), {"documentLoader": document_loader})
    compacted["@context"] = context_document()["@context"]
    return compacted


def export_framed(store: ReadStore, frame_name: str) -> dict[str, Any]:
    """Entities of one type with what they link to embedded (``ontology/frames/NAME.jsonld``)."""
    if frame_name not in FRAMES:
        raise QueryParameterError(f"no frame {frame_name!r}; choose one of {', '.join(FRAMES)}")
    frame = json.loads((ontology_dir() / "frames" / f"{frame_name}.jsonld").read_text(encoding="utf-8"))  # fresh: pyld may change it
    # Only what the frame names is embedded; every other link stays an IRI, so entities stay shallow.
    options = {"documentLoader": document_loader, "omitGraph": False, "embed": "@never", "omitDefault": True}
    framed: dict[str, Any] = _jsonld().frame(expanded(store), frame, options)
    framed["@context"] = context_document()["@context"]  # inlined, as in export_jsonld
    return framed


def to_json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
