"""A work-conserving fair share of the query workers between clients.

A client alone may use every worker: nothing is held back while the others are idle. When
queries wait, each client waits in its own queue, and a freed worker goes straight to the
waiting client with the fewest queries running (the first in turn among equals; served, a
client goes to the back of the line). So a client sending one query at a time gets the next
free worker even while another keeps a dozen waiting: only the excess of the one sending
most waits. Only a client whose own queue is full is refused (429); a query that waited the
whole time limit for a worker is answered 503. Queries that need no worker (the in-process
path, cached answers) never come here.

A worker is never taken away from a running query (pyoxigraph cannot pause one), so a
newcomer waits at most until the first running query ends — and that within the time limit.

Within one client's queue the question expected to finish soonest goes first: each query
is due at its arrival plus what the same question took before (``RunTimes``; a question not
seen yet takes nothing), and the earliest due is served. A notebook, or a page, that sends a
quick question beside a long one then gets the quick answer without waiting behind the long
one, as on a server that runs all of them at once. A query is passed only by queries of its
own client that arrived less than its expected time (at most half the time limit) after it,
so a long one is not starved by a stream of quick ones.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from weihai_kg.errors import ServiceBusy, TooManyQueries

if TYPE_CHECKING:
    from weihai_kg.query.run import Answer, Job


class _Ticket:
    __slots__ = ("due", "granted", "order", "ready")

    def __init__(self, due: float, order: int) -> None:
        self.ready = threading.Event()
        self.granted = False
        self.due = due
        self.order = order  # arrival order: the first in among tickets due together

    def __lt__(self, other: _Ticket) -> bool:
        return (self.due, self.order) < (other.due, other.order)


class RunTimes:
    """How long each question held its worker, as a moving average over its runs: the last
    ``kept`` questions asked (a question is whatever key the caller gives: the job's hash or digest)."""

    WEIGHT = 0.5  # of the latest run against the ones before

    def __init__(self, kept: int = 4096) -> None:
        self.kept = kept
        self._seconds: OrderedDict[Hashable, float] = OrderedDict()

    def expected(self, key: Hashable) -> float:
        """Seconds the question ``key`` is expected to take; 0 for a question not seen yet.
        Called under the fair share's lock, as ``record`` is."""
        return self._seconds.get(key, 0.0)

    def record(self, key: Hashable, seconds: float) -> None:
        before = self._seconds.pop(key, None)
        self._seconds[key] = seconds if before is None else self.WEIGHT * seconds + (1 - self.WEIGHT) * before
        if len(self._seconds) > self.kept:
            self._seconds.popitem(last=False)


class FairShare:
    """``slots`` workers shared between clients; ``queue_limit`` queries of one client may
    wait at once (0: no limit)."""

    def __init__(self, slots: int, queue_limit: int) -> None:
        self.slots = slots
        self.queue_limit = queue_limit
        self.times = RunTimes()
        self._free = slots
        self._arrivals = itertools.count()
        self._waiting: dict[str, list[_Ticket]] = {}  # a heap per client: the earliest due first
        self._turns: deque[str] = deque()  # clients with a waiting query, next first
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, client: str, timeout: float, question: Hashable = None) -> Iterator[None]:
        """Hold one worker's slot for ``client`` while the block runs; raises TooManyQueries
        when the client's queue is full, ServiceBusy when no slot came within ``timeout``.
        ``question`` (any key; None: not known) places the query in its client's queue by
        what it took before, and what it takes now is kept for the next time."""
        self._acquire(client, timeout, question)
        start = time.monotonic()
        try:
            yield
        finally:
            self._release(client, question, time.monotonic() - start)

    def _acquire(self, client: str, timeout: float, question: Hashable) -> None:
        with self._lock:
            if self._free and not self._turns:
                self._free -= 1
                self._running[client] = self._running.get(client, 0) + 1
                return
            queue = self._waiting.setdefault(client, [])
            if self.queue_limit and len(queue) >= self.queue_limit:
                raise TooManyQueries(f"this client already has {len(queue)} queries waiting for a query worker; wait for one to finish")
            expected = 0.0 if question is None else min(self.times.expected(question), timeout / 2)
            ticket = _Ticket(time.monotonic() + expected, next(self._arrivals))
            heapq.heappush(queue, ticket)
            if len(queue) == 1:
                self._turns.append(client)
        ticket.ready.wait(timeout)
        with self._lock:
            if ticket.granted:  # granted, possibly just as the wait ran out: keep it
                return
            queue.remove(ticket)
            heapq.heapify(queue)
            if not queue:
                del self._waiting[client]
                self._turns.remove(client)
        raise ServiceBusy(f"every query worker stayed busy for {timeout:g} s; try again later")

    def _release(self, client: str, question: Hashable, seconds: float) -> None:
        with self._lock:
            if question is not None:
                self.times.record(question, seconds)
            left = self._running[client] - 1
            if left:
                self._running[client] = left
            else:
                del self._running[client]
            if not self._turns:
                self._free += 1
                return
            # The slot passes straight to the waiting client with the fewest queries running
            # (the first in turn among equals), so the one sending most is the one that waits.
            following = min(self._turns, key=lambda c: self._running.get(c, 0))
            self._turns.remove(following)
            queue = self._waiting[following]
            ticket = heapq.heappop(queue)
            if queue:
                self._turns.append(following)
            else:
                del self._waiting[following]
            self._running[following] = self._running.get(following, 0) + 1
            ticket.granted = True
            ticket.ready.set()

    def state(self) -> dict[str, tuple[int, int]]:
        """Each client's (running, waiting) queries: what the tests and a debugger look at."""
        with self._lock:
            clients = set(self._running) | set(self._waiting)
            return {c: (self._running.get(c, 0), len(self._waiting.get(c, ()))) for c in sorted(clients)}


class Lent(Protocol):
    """What the fair share lends: a web worker's own query workers, or a remote server."""

    def run(self, job: Job) -> Answer: ...

    def close(self) -> None: ...


class Shared:
    """``runner`` lent to clients by a FairShare of ``slots``: each query runs when its
    client's turn comes (see FairShare). The server's one broker (``query.broker``) shares its
    workers the same way, for every web worker at once."""

    def __init__(self, runner: Lent, slots: int, queue_limit: int, timeout: float) -> None:
        self.runner = runner
        self.share = FairShare(slots, queue_limit)
        self.timeout = timeout

    def run(self, job: Job, client: str) -> Answer:
        # The job's hash names the question: the job itself would keep every text asked.
        with self.share.slot(client, self.timeout, hash(job)):
            return self.runner.run(job)

    def close(self) -> None:
        self.runner.close()
