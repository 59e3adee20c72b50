"""Virtuoso Open Source 7 from Debian (``virtuoso-opensource``), started for a test on
127.0.0.1 with a configuration and a fresh database in a temporary folder, and stopped."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .server import free_port, running_process

BINARY = shutil.which("virtuoso-t")
USER, PASSWORD = "dba", "dba"  # a fresh database's administrator, on loopback only
CONFIG = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CaseMode           = 2
DirsAllowed        = ., /usr/share/virtuoso-opensource-7/vad
VADInstallDir      = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {folder}/vsp
ServerThreads      = 10
Charset            = UTF-8
[SPARQL]
ResultSetMaxRows      = 100000
MaxQueryExecutionTime = {timeout}
"""


def available() -> bool:
    return BINARY is not None


@contextmanager
def virtuoso_server(folder: Path, timeout: int = 4) -> Iterator[str]:
    """A Virtuoso on 127.0.0.1 with its database in ``folder``; yields its SPARQL URL. Its
    own time limit (``MaxQueryExecutionTime``) stops queries that weihai-kg gave up on."""
    assert BINARY is not None
    (folder / "vsp").mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(CONFIG.format(folder=folder, sql_port=free_port(), http_port=http_port, timeout=timeout), encoding="utf-8")
    url = f"http://127.0.0.1:{http_port}/sparql"
    with running_process([BINARY, "-f", "-c", str(ini)], f"{url}?query=ASK%7B%7D", timeout=120):
        yield url
