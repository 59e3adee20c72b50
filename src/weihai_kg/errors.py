"""Every error weihai-kg raises on purpose, in one place. Each class carries the HTTP status
the web layer answers with and the exit code the CLI ends with, so both read one table: the
class itself. Anything that is not a KgError is a server fault (500, logged).

Every class here can cross a process boundary: query workers send the error object back to
the web process, which raises it again (``query.workers``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KgError(Exception):
    """Base class of every error weihai-kg raises on purpose."""

    status = 500
    exit_code = 1
    retry_after: int | None = None  # seconds, for the answers that tell a client to come back


# Set-up and data --------------------------------------------------------------------------


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

    def __reduce__(self) -> tuple[type[DataSyntaxError], tuple[SourceLocation, str]]:
        return (type(self), (self.location, self.message))


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


# A client's request -----------------------------------------------------------------------


class BadRequest(KgError):
    """The request breaks the SPARQL 1.1 Protocol (two queries, no query, bad encoding)."""

    status = 400
    exit_code = 8


class QuerySyntaxError(KgError):
    """A SPARQL query does not parse; the message gives the parser's position."""

    status = 400
    exit_code = 6


class QueryParameterError(KgError):
    """A query parameter is unknown or its value does not fit its type."""

    status = 400
    exit_code = 8


class Forbidden(KgError):
    """The request asks for something this server never does."""

    status = 403
    exit_code = 10


class ReadOnly(Forbidden):
    """SPARQL Update (or LOAD, CLEAR, DROP, INSERT...) sent to this read-only endpoint."""


class ServiceClauseRefused(Forbidden):
    """A query with SERVICE: the endpoint never fetches from other servers for a client."""


class MethodNotAllowed(KgError):
    """A write method on a resource that is only read (the Graph Store): 405 with the
    methods it does answer in ``Allow``."""

    status = 405
    exit_code = 10

    def __init__(self, message: str, allow: str) -> None:
        super().__init__(message)
        self.allow = allow


class NotFound(KgError):
    """Nothing at that name: the one way weihai-kg says "not found"."""

    status = 404
    exit_code = 7


class UnknownQuery(NotFound):
    """No named query (or export, or view) of that name."""


class UnknownResource(NotFound):
    """An IRI or graph the store says nothing about."""


class NotAcceptable(KgError):
    """No format we serve for this kind of result matches what the client accepts."""

    status = 406
    exit_code = 8


class QueryTooLong(KgError):
    """The query text is longer than the configured limit."""

    status = 413
    exit_code = 11


class ResultTooLarge(KgError):
    """The result has more rows or triples than the configured limit."""

    status = 413
    exit_code = 11


class UnsupportedMediaType(KgError):
    """A POST body of a content type the protocol does not allow."""

    status = 415
    exit_code = 8


class TooManyQueries(KgError):
    """One client already has as many queries running as it may."""

    status = 429
    exit_code = 12
    retry_after = 5


# The server's side ------------------------------------------------------------------------


class WorkerFailed(KgError):
    """A worker died or answered nonsense: a server fault, not the client's."""

    exit_code = 13


class NoRoomForAnswer(KgError):
    """The server's temporary folder, where large answers are held while they pass between its
    processes, is full: 507, which says the server could not store what the answer needs, and
    that this is temporary. The client's request was fine; the same query may work later."""

    status = 507
    exit_code = 13
    retry_after = 30


class RemoteFailed(KgError):
    """The remote SPARQL server (remote store mode) could not be reached or failed: 502 to clients."""

    status = 502
    exit_code = 9


class QueryTimeout(KgError):
    """The query ran past the time limit and was stopped."""

    status = 503
    exit_code = 12
    retry_after = 5


class ServiceBusy(KgError):
    """Every worker stayed busy past the time limit; try again later."""

    status = 503
    exit_code = 12
    retry_after = 5
