"""Running queries: the lexical helpers and parameter binding (text), the named queries
(named), the query service with its limits and client share (service), one query's job and
answer (run), the fast lane, the worker processes, remote mode and each build's cache."""
