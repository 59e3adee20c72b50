"""The errors weihai-kg raises. Each says what went wrong and where; the CLI maps each class
to its own exit code and the web layer to an HTTP status, both from one table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KgError(Exception):
    """Base class of every error weihai-kg raises on purpose."""

    exit_code = 1


class ConfigError(KgError):
    """A path, option or environment variable is missing or wrong."""

    exit_code = 2


@dataclass
class SourceLocation:
    """A place in a file: 1-based line and column, when known."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


class DataSyntaxError(KgError):
    """An ontology, data, shapes or query file does not parse."""

    exit_code = 3

    def __init__(self, location: SourceLocation, message: str) -> None:
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")


class ValidationFailed(KgError):
    """The data does not conform to the SHACL shapes; ``report`` lists the violations."""

    exit_code = 4

    def __init__(self, report: object, summary: str) -> None:
        self.report = report
        super().__init__(summary)


class ShapesError(KgError):
    """The SHACL shapes themselves are broken (they parse but cannot run)."""

    exit_code = 4


class StoreError(KgError):
    """The store cannot be opened, written or switched."""

    exit_code = 5


class StoreNotFound(StoreError):
    """No built store at the given path; run ``weihai-kg build`` first."""


class QuerySyntaxError(KgError):
    """A SPARQL query does not parse; the message gives the parser's position."""

    exit_code = 6


class UnknownQuery(KgError):
    """No named query of that name in the queries directory."""

    exit_code = 7


class UnknownResource(KgError):
    """An IRI the graph says nothing about."""

    exit_code = 7


class QueryParameterError(KgError):
    """A query parameter is unknown or its value does not fit its type."""

    exit_code = 8


class RemoteFailed(KgError):
    """The remote SPARQL server (remote store mode) could not be reached or failed: 502 to clients."""

    exit_code = 9
