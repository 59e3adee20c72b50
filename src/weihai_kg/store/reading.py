"""What reading the graph needs of a store, as a protocol: pyoxigraph's ``Store`` has it as it
is, and so do the remote store (``query.remote.RemoteStore``) and the query service's reader
(``query.service.ServiceReader``), so describing, charts, VoID and exports run over any of
them without casts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples, Triple

Subject = NamedNode | BlankNode | Triple
Object = NamedNode | BlankNode | Literal | Triple
GraphName = NamedNode | BlankNode | DefaultGraph


class ReadStore(Protocol):
    def query(self, query: str, /) -> QuerySolutions | QueryBoolean | QueryTriples: ...

    def quads_for_pattern(
        self, subject: Subject | None, predicate: NamedNode | None, object: Object | None, graph_name: GraphName | None = None, /
    ) -> Iterator[Quad]: ...

    def contains_named_graph(self, graph_name: GraphName, /) -> bool: ...

    def named_graphs(self) -> Iterator[NamedNode | BlankNode]: ...

    def __len__(self) -> int: ...
