"""Remote store mode, writing: ``build --remote`` replaces the remote server's graphs with a
validated build through the SPARQL 1.1 Graph Store Protocol (a PUT of each named graph and of
the default graph, the union; then a DELETE of graphs the build no longer has). Imported only
by ``build --remote``, so ``requests`` loads only there."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store, Triple, serialize

from weihai_kg.errors import ConfigError, RemoteFailed
from weihai_kg.query.dialects import UNION_GRAPH
from weihai_kg.query.remote import NTRIPLES, RemoteEndpoints, RemoteRunner, RemoteStore


@dataclass(frozen=True)
class Published:
    graphs: int
    default_triples: int
    removed: list[str]


def publish(store: Store, endpoints: RemoteEndpoints, timeout: float = 300) -> Published:
    """Replace the remote dataset's graphs with ``store``'s through the Graph Store Protocol.

    Each graph is replaced whole (PUT), the default graph last, then graphs the remote holds
    and the build does not are deleted. Not one transaction: during the upload a reader may
    see some graphs new and others old (serve from read-only copies to avoid that; README).
    """
    if endpoints.store is None:
        raise ConfigError(f"{endpoints.query}: give the Graph Store Protocol URL too (--remote-store)")
    session = requests.Session()
    session.auth = endpoints.auth()
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))
    try:
        for iri in graphs:
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(iri))]
            _put(session, endpoints.store, iri, triples, timeout)
        union = [q.triple for q in store.quads_for_pattern(None, None, None, DefaultGraph())]
        before = RemoteStore(RemoteRunner(endpoints, timeout)).named_graphs()
        stale = sorted({g.value for g in before} - set(graphs))
        # an engine that cannot write its default graph keeps the union as a named graph (query.dialects)
        _put(session, endpoints.store, None if endpoints.dialect.writable_default_graph else UNION_GRAPH, union, timeout)
        for iri in stale:
            response = session.delete(endpoints.store, params={"graph": iri}, timeout=timeout)
            if response.status_code not in (200, 204, 404):
                raise RemoteFailed(f"{endpoints.store}: DELETE of graph {iri} answered {response.status_code}")
    except requests.RequestException as e:
        raise RemoteFailed(f"{endpoints.store}: cannot publish the build ({type(e).__name__}: {e})") from e
    finally:
        session.close()
    return Published(len(graphs), len(union), stale)


def _put(session: requests.Session, url: str, graph: str | None, triples: list[Triple], timeout: float) -> None:
    """PUT ``triples`` as graph ``graph`` (None: the default graph, ``?default`` as GSP spells it)."""
    body = serialize(triples, format=RdfFormat.N_TRIPLES)
    params = {"graph": graph} if graph else None
    target_url = url if graph else url + ("&" if "?" in url else "?") + "default"
    response = session.put(target_url, params=params, data=body, headers={"Content-Type": NTRIPLES}, timeout=timeout)
    if response.status_code not in (200, 201, 204):
        target = graph or "the default graph"
        raise RemoteFailed(f"{url}: PUT of {target} answered {response.status_code}: {response.text[:200]}")
