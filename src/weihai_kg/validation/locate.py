"""Finding the data file and line where an entity is described.

Neither pyoxigraph nor rdflib reports the position of a parsed triple, so a validation
report could only name an IRI. The data files keep one subject block per entity, each
starting with the subject at the block's indentation; this index maps each such subject to
its first block, which is where a reader should look to fix a violation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from weihai_kg.errors import SourceLocation
from weihai_kg.namespaces import PREFIXES
from weihai_kg.sources import iter_lines

# A subject block opens a line (at most one level of indentation inside a TriG graph block)
# with a prefixed name or an IRI, followed by a predicate.
_SUBJECT = re.compile(r"^ {0,4}(<[^>\s]+>|[A-Za-z][\w-]*:[\w.\-]*)\s+\S")


@dataclass
class Locator:
    """Maps subject IRIs to the file and line of their first subject block."""

    places: dict[str, SourceLocation]

    @classmethod
    def from_files(cls, files: list[Path]) -> Locator:
        places: dict[str, SourceLocation] = {}
        for path in files:
            for number, line in iter_lines(path):
                match = _SUBJECT.match(line)
                if not match or line.lstrip().startswith(("@prefix", "PREFIX", "#")):
                    continue
                iri = _expand(match.group(1))
                if iri is not None and iri not in places:
                    places[iri] = SourceLocation(path, number)
        return cls(places)

    def find(self, iri: str) -> SourceLocation | None:
        return self.places.get(iri)


def _expand(token: str) -> str | None:
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    namespace = PREFIXES.get(prefix)
    return namespace + local if namespace is not None else None
