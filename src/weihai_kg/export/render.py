"""The one export renderer, for ``weihai-kg export`` and ``/export/FORMAT`` alike: a format
of ``formats.EXPORTS`` and what to show (everything, a CONSTRUCT's triples, one entity's
neighbourhood, or some classes) in, the file's bytes out."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Triple

from weihai_kg.errors import UnknownQuery
from weihai_kg.export import network
from weihai_kg.export import rdf as export
from weihai_kg.export.results import serialize_triples
from weihai_kg.formats import EXPORTS
from weihai_kg.store.reading import ReadStore


@dataclass(frozen=True)
class Selection:
    """What part of the graph to export: a CONSTRUCT's triples, one entity's neighbourhood
    (``hops`` links away), resources of some classes, or (all empty) everything."""

    construct: list[Triple] | None = None
    entity: str | None = None
    hops: int = 1
    classes: list[str] | None = None

    @property
    def whole(self) -> bool:
        return self.construct is None and not self.entity and not self.classes


def check_format(fmt: str) -> None:
    """Raises UnknownQuery (404) for a format that is not an export."""
    if fmt not in EXPORTS:
        raise UnknownQuery(f"no export {fmt!r}; choose one of {', '.join(EXPORTS)}")


def render(store: ReadStore, fmt: str, selection: Selection = Selection(), lang: str = "en", frame: str | None = None) -> bytes:
    """The export ``fmt`` of ``selection``; JSON-LD is always the whole graph (compacted, or
    framed by entity type). Raises UnknownQuery for an unknown format, QueryParameterError
    or UnknownResource for a selection that does not fit."""
    check_format(fmt)
    if fmt in network.WRITERS:
        triples = _selected(store, selection)
        return network.write(network.build_network(store, triples, lang), fmt)
    if fmt == "jsonld":
        return export.to_json_bytes(export.export_framed(store, frame) if frame else export.export_jsonld(store))
    if not selection.whole:
        return serialize_triples(_selected(store, selection), fmt)
    return export.export_rdf(store, fmt)


def _selected(store: ReadStore, s: Selection) -> list[Triple]:
    return network.select(store, construct=s.construct, entity=s.entity, hops=s.hops, classes=s.classes)
