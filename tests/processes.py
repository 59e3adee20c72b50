"""The processes of a server under test, and their memory: the benchmarks and the soak count
a server as the process the harness started and all its descendants (main process, every
web worker, query workers, fork servers), never one listener's tree."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def tree(pid: int) -> list[int]:
    """A process and its descendants (those still running). Each thread lists the children
    it started (``/proc/PID/task/TID/children``): a fork server started by a request thread is
    under that thread, not under the main one."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append(current)
        for task in tasks:
            try:
                pending.extend(int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split())
            except (FileNotFoundError, ProcessLookupError):  # a thread that ended meanwhile
                continue
    return found


def pss(pid: int) -> int:
    """A process's proportional set size (PSS) in KiB: pages it shares with others (forked
    processes share many) count in part; 0 for a process that ended."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def tree_pss(pid: int) -> int:
    """Memory of a process and its descendants, in KiB: the sum of their PSS, so pages forked
    processes share are counted once, not once per process."""
    return sum(pss(current) for current in tree(pid))


def role(pid: int, main: int) -> str:
    """What a process of the server whose main process is ``main`` is: main, web worker, query
    broker, fork server, query worker (forked by a fork server, whose command line it keeps) or
    resource tracker; "ended" when it is gone."""
    command = _cmdline(pid)
    try:
        parent = _parent(pid)
    except (FileNotFoundError, ProcessLookupError):
        return "ended"
    if pid == main:
        return "main"
    if b"multiprocessing.resource_tracker" in command:
        return "resource tracker"
    if b"multiprocessing.forkserver" in command:
        return "query worker" if b"multiprocessing.forkserver" in _cmdline(parent) else "fork server"
    if b"weihai_kg.query.broker" in command:
        return "query broker"
    return "web worker" if parent == main else "other"


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process and its descendants have used so far, in seconds.
    Each process's own time and that of its children that ended and were reaped (proc(5)'s
    cutime and cstime): a query worker stopped when idle is reaped by its fork server, so
    its time stays counted after it is gone."""
    ticks = 0
    for current in tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime: fields 14 to 17
    return ticks / os.sysconf("SC_CLK_TCK")


def listeners(url: str) -> list[int]:
    """The pids of the processes listening on the URL's port (from /proc/net/tcp and fd
    links): one per web worker of a server that has several."""
    found = _owners(_sockets(_port(url), "0A"))
    if not found:
        raise RuntimeError(f"nothing listens on {url}")
    return found


def connection_owner(url: str, client_port: int) -> int:
    """The server process holding the connection a client opened from ``client_port`` to the
    URL's port: which web worker the kernel gave that connection to."""
    found = _owners(_sockets(_port(url), "01", client_port))
    if len(found) != 1:
        raise RuntimeError(f"no one process of the server holds the connection from port {client_port}: {found}")
    return found[0]


def _port(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


def _sockets(port: int, state: str, remote_port: int | None = None) -> set[str]:
    """Inodes of the TCP sockets on local ``port`` in ``state`` (0A listening, 01 established)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote = int(fields[2].split(":")[1], 16)
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state and remote_port in (None, remote):
            inodes.add(fields[9])
    return inodes


def _owners(inodes: set[str]) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] in inodes for fd in os.listdir(f"/proc/{pid}/fd")):
                found.append(int(pid))
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
    return found


def _parent(pid: int) -> int:
    # the field after the command name, which is in parentheses and may hold spaces
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def server_pid(url: str) -> int:
    """The process this harness started for the server listening on the URL: the listener's
    ancestor whose parent is this process. A server of several web workers has one listener
    per worker; counting a listener's process tree alone would leave out the other workers."""
    pid = listeners(url)[0]
    while (parent := _parent(pid)) not in (os.getpid(), 0, 1):
        pid = parent
    return pid


@contextmanager
def every(seconds: float, sample: Callable[[], object]) -> Iterator[None]:
    """Calls ``sample`` as the block starts, then every ``seconds``, in a thread of its own
    until the block ends: how the benchmarks watch a server's memory under load."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            sample()
            stop.wait(seconds)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
