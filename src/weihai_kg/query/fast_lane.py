"""Queries whose cost is bounded by their own answer, answered in the web process.

Every other query goes to a worker process, which can be stopped at the time limit because
pyoxigraph cannot cancel a query. A query made of one triple pattern with a constant
subject or object — and nothing else: no FILTER, no path, no DISTINCT, ORDER BY or GROUP BY,
no second pattern — is one range scan of one index: each step of the scan is one row of the
answer. The answer is written through the same byte-bounded writer as in the workers and
stops after ``max_rows`` rows, so its work is bounded by ``max_rows`` index steps whatever
the data, and no time limit is needed for it. Point lookups and CONSTRUCTs of one entity —
most of what pages and linked-data clients ask — then skip the trip to a worker and back.

Anything the pattern below does not match exactly (comments, strings with braces, paths,
several patterns…) simply goes to the workers: a false "no" costs speed, never safety.
"""

from __future__ import annotations

import re

from pyoxigraph import Store

from weihai_kg.query.run import Answer, Job, run_job

_IRI = r"<[^<>\"{}|^`\\\s]*>"
_PNAME = r"(?:[A-Za-z][\w-]*)?:[\w-]*(?:\.[\w-]+)*"
_VAR = r"[?$]\w+"
_LITERAL = rf"(?:\"(?:[^\"\\\n]|\\.)*\"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:{_IRI}|{_PNAME}))?|[+-]?\d+(?:\.\d+)?|true|false)"
_CONSTANT = rf"(?:{_IRI}|{_PNAME}|{_LITERAL})"
_PREDICATE = rf"(?:{_IRI}|{_PNAME}|{_VAR}|a)"
_PROLOGUE = rf"(?:\s*(?:PREFIX\s+(?:[A-Za-z][\w-]*)?:\s*{_IRI}|BASE\s+{_IRI}))*"
_TRIPLE = rf"(?:{_CONSTANT}|{_VAR})\s+{_PREDICATE}\s+(?:{_CONSTANT}|{_VAR})"
_HEAD = rf"(?:SELECT\s+(?:\*|(?:{_VAR}\s*)+)|CONSTRUCT\s*\{{\s*(?P<template>{_TRIPLE})\s*\.?\s*\}})"
_BOUND_TRIPLE = rf"(?:{_CONSTANT}\s+{_PREDICATE}\s+(?:{_CONSTANT}|{_VAR})|{_VAR}\s+{_PREDICATE}\s+{_CONSTANT})"
_BOUNDED = re.compile(
    rf"^{_PROLOGUE}\s*{_HEAD}\s*(?:WHERE\s*)?\{{\s*(?P<where>{_BOUND_TRIPLE})\s*\.?\s*\}}\s*$",
    re.IGNORECASE,
)


def bounded(text: str) -> bool:
    """Whether ``text`` is one triple pattern with a constant subject or object, nothing more.

    A CONSTRUCT must repeat that very pattern as its template: each scanned triple is then a
    new triple of the answer (another template could repeat one triple for many rows, which
    Oxigraph folds into one, and the scan would no longer be bounded by the answer)."""
    match = _BOUNDED.match(text)
    if match is None:
        return False
    template = match.group("template")
    return template is None or template.split() == match.group("where").split()


def answer_here(store: Store, job: Job, rows_at_most: int | None = None) -> Answer:
    """Answer a bounded query on this process's read-only store, as a worker would;
    ``rows_at_most``: its work bound, when it has one (``query.work_bound``)."""
    return run_job(store, job, rows_at_most)
