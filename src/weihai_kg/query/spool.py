"""Large answers pass between processes as files, not as bytes in memory.

A query worker's answer used to travel as one pickled message: written into the worker's
memory while Oxigraph still held the query's own, copied into the pickle, read whole by the
query broker, read whole again by the web worker, unpickled (one more copy) and held there
until the last byte was sent. A 25 MB CONSTRUCT cost some 100 MB across three processes, and
at 8 clients the web workers and the broker held more than the query workers (``bench.memory``).

So an answer past ``SPOOL_BYTES`` is written, while Oxigraph writes it, into an unnamed
temporary file (``O_TMPFILE`` in the system's temp folder, ``$TMPDIR``); the small pickled
message that says what it is goes through the pipes as before, and the file goes beside it as
a descriptor (``SCM_RIGHTS`` over the same Unix sockets, by the standard library's
``multiprocessing.reduction``). The web worker sends it to the client in chunks. The file has
no name, so nothing is left behind whichever process dies: the kernel frees it with its last
descriptor. Its pages are the page cache of a disk file, which the system reclaims under
pressure, not memory any process holds.

This module loads neither pyoxigraph nor Flask: the broker relays frames with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import tempfile
import zlib
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from typing import Any, BinaryIO

from weihai_kg.errors import NoRoomForAnswer, ResultTooLarge

log = logging.getLogger(__name__)

SPOOL_BYTES = 1 << 20  # an answer larger than this crosses processes as a file
CHUNK_BYTES = 256 * 1024  # what is read from a spool at a time, to hash, compress or send
SPOOLED, IN_FRAME = b"F", b"-"  # a frame's first byte: whether a descriptor follows it


class Spool:
    """An answer's ``size`` bytes in an unnamed temporary file. Read at explicit offsets, so
    hashing it (for an ETag) and sending it do not disturb each other; closed when streamed
    out, or with the object."""

    def __init__(self, size: int, file: BinaryIO | None = None) -> None:
        self.size = size
        self.file = file

    def __len__(self) -> int:
        return self.size

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (Spool, (self.size,))  # the file goes as a descriptor, beside the pickle (``send``)

    def attach(self, fd: int) -> None:
        self.file = os.fdopen(fd, "rb")

    def fileno(self) -> int:
        if self.file is None:
            raise ValueError("this spool has no file attached")
        return self.file.fileno()

    def chunks(self) -> Iterator[bytes]:
        fd, offset = self.fileno(), 0
        while offset < self.size:
            chunk = os.pread(fd, min(CHUNK_BYTES, self.size - offset), offset)
            if not chunk:
                raise OSError(f"a spooled answer ended at byte {offset} of {self.size}")
            offset += len(chunk)
            yield chunk

    def stream(self) -> Iterator[bytes]:
        """The bytes, for a WSGI server: the file is closed once sent, or when the client left."""
        try:
            yield from self.chunks()
        finally:
            self.close()

    def read(self) -> bytes:
        return b"".join(self.chunks())

    def reader(self) -> BinaryIO:
        """The file, from its start, for a parser that reads a file."""
        file = self.file
        if file is None:
            raise ValueError("this spool has no file attached")
        file.seek(0)
        return file

    def count(self, byte: bytes) -> int:
        return sum(chunk.count(byte) for chunk in self.chunks())

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


Body = bytes | Spool


def as_bytes(body: Body) -> bytes:
    """The whole answer in memory, for the server's own reads (pages, VoID, the cache)."""
    return body.read() if isinstance(body, Spool) else body


def digest(prefix: bytes, body: Body) -> str:
    """blake2b (10 bytes) of ``prefix`` and ``body``, a spool read in chunks."""
    h = hashlib.blake2b(prefix, digest_size=10)
    for chunk in body.chunks() if isinstance(body, Spool) else (body,):
        h.update(chunk)
    return h.hexdigest()


def gzipped(body: Spool, level: int = 6) -> Spool:
    """``body`` gzip-compressed into a new spool, in chunks: the bytes ``gzip.compress`` with
    ``mtime=0`` writes (zlib's gzip wrapper), so an answer's ETag does not depend on where it
    was held."""
    out = Sink(None, 0)
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)
    for chunk in body.chunks():
        out.write(packer.compress(chunk))
    out.write(packer.flush())
    written = out.body()
    return written if isinstance(written, Spool) else Spool(len(written), _file_of(written))


class Sink:
    """Where an answer is written: in memory up to ``spool_at`` bytes (None: always), then in
    an unnamed temporary file; ResultTooLarge (saying ``too_many``) past ``limit`` bytes (None:
    no limit), so a runaway result stops before it fills the memory or the disk."""

    def __init__(self, limit: int | None, spool_at: int | None, too_many: str = "") -> None:
        self.limit = limit
        self.too_many = too_many
        self.spool_at = spool_at
        self.size = 0
        self._memory = io.BytesIO()
        self._file: BinaryIO | None = None

    def write(self, data: Any) -> int:
        n = len(data)
        if self.limit is not None and self.size + n > self.limit:
            raise ResultTooLarge(self.too_many)
        self.size += n
        try:
            if self._file is None and self.spool_at is not None and self.size > self.spool_at:
                self._file = tempfile.TemporaryFile()  # noqa: SIM115  handed on as a Spool, closed there
                self._file.write(self._memory.getbuffer())
                self._memory = io.BytesIO()
            (self._file or self._memory).write(data)
        except OSError as e:
            raise _no_room(e, self._file) from e
        return n

    def flush(self) -> None:
        pass

    def body(self) -> Body:
        if self._file is None:
            return self._memory.getvalue()
        try:  # the file is buffered: the disk may say it is full only now
            self._file.flush()
        except OSError as e:
            raise _no_room(e, self._file) from e
        return Spool(self.size, self._file)


def spooled(body: bytes, spool_at: int | None) -> Body:
    """``body`` as a spool when it is larger than ``spool_at`` (None: never)."""
    if spool_at is None or len(body) <= spool_at:
        return body
    return Spool(len(body), _file_of(body))


def _file_of(body: bytes) -> BinaryIO:
    file = None
    try:
        file = tempfile.TemporaryFile()  # noqa: SIM115  closed by its Spool
        file.write(body)
        file.flush()
    except OSError as e:
        raise _no_room(e, file) from e
    return file


def _no_room(error: OSError, file: BinaryIO | None) -> NoRoomForAnswer:
    """What a client hears when the temp folder is full (or unwritable): the folder's path
    and the system's words go to the server's log only. The half-written file is closed here,
    which frees its space at once (it has no name)."""
    if file is not None:
        with contextlib.suppress(OSError):  # its buffer cannot be written either; the descriptor closes all the same
            file.close()
    log.warning("no room for a large answer in %s: %s", tempfile.gettempdir(), error)
    return NoRoomForAnswer("the server has no room left to hold an answer this large while it is sent; try again later, or add a LIMIT")


# The frames between a query worker, the broker and a web worker: a first byte, then the
# pickled reply (an Answer or a KgError); after a SPOOLED frame, the spool's descriptor.


def send(conn: Connection, reply: object) -> None:
    """A worker's ``reply`` on ``conn``; a spooled answer's file goes beside it, then is closed here."""
    body = getattr(reply, "body", None)
    if isinstance(body, Spool):
        conn.send_bytes(SPOOLED + pickle.dumps(reply))
        try:
            send_handle(conn, body.fileno(), 0)
        finally:
            body.close()
    else:
        conn.send_bytes(IN_FRAME + pickle.dumps(reply))


def frame_of(reply: object) -> bytes:
    """A reply made where no spool can be (the broker's own refusals)."""
    return IN_FRAME + pickle.dumps(reply)


def take(conn: Connection) -> tuple[bytes, int | None]:
    """A frame as it came, unread, and the descriptor that came with it."""
    frame = conn.recv_bytes()
    return frame, (recv_handle(conn) if frame[:1] == SPOOLED else None)


def give(conn: Connection, frame: bytes, fd: int | None) -> None:
    """Pass a frame on as it came (the broker); the descriptor is closed here once sent."""
    try:
        conn.send_bytes(frame)
        if fd is not None:
            send_handle(conn, fd, 0)
    finally:
        if fd is not None:
            os.close(fd)


def opened(frame: bytes, fd: int | None) -> object:
    """The reply a frame holds, its spool attached to the descriptor that came with it."""
    reply = pickle.loads(memoryview(frame)[1:])  # noqa: S301  the server's own processes, through pipes and a 0700 folder
    body = getattr(reply, "body", None)
    if fd is not None:
        if isinstance(body, Spool):
            body.attach(fd)
        else:
            os.close(fd)
    return reply
