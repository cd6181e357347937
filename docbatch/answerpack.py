"""A run's saved answers in one append-only pack file per run, instead of a file per answer.

Creating a file was the dearest thing docbatch did for a document besides the call itself
(0.5-2 ms of CPU, mostly the kernel's, swinging with the disk's load); appending a record
to an open file costs one ``pwrite``.  A local run folder's ``raw/`` holds one pack per run
(``answers-<run_id>.pack``, a shard's with its part prefix); answers of older docbatch
versions and of run folders on S3 (no appends there) stay files of their own.

A pack is gzip members one after another, one per answer, each the answer's JSON and a
newline, so any tool reads it (``zcat raw/*.pack | jq .Docbatch.doc_id``).  Each member's
header carries an extra field (``DB``: the member's length and the doc_id), so a reader
finds records without inflating them.  A record's place, ``<pack>:<offset>:<length>``
(:func:`place`), goes into the document's journal row, which is committed only after the
record is written: a document is done only once its answer is in its pack.  A run killed
mid-write leaves a torn last record; a reader checks the header, the length, the doc_id
and gzip's own CRC, so a torn or foreign record is never taken for an answer, and a scan
(:func:`scan`: adoption, readers without a place) stops at the first record that does
not hold up.  Every run writes a new pack, so nothing is ever appended after a torn tail.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import struct
import threading
import zlib
from pathlib import Path
from typing import Iterable, Iterator

#: A gzip member's fixed header with FEXTRA set (no mtime, unknown OS), then XLEN.
_GZIP_HEAD = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff"
_XLEN = struct.Struct("<H")
_FIELD = struct.Struct("<2sHI")  # subfield id, its length, the member's whole length
_FIELD_ID = b"DB"
_PREFIX_SIZE = len(_GZIP_HEAD) + _XLEN.size + _FIELD.size
#: The longest doc_id a record carries (a gzip extra field holds 65,535 bytes); longer ones
#: get a file of their own.
MAX_KEY = 60_000
_SUFFIX = ".pack"
#: A pack's name: ``<prefix>answers-<run>[+<n>].pack`` (``+n`` when the run's name was taken).
_NAME = re.compile(r"^(?P<stem>.*answers-.+?)(?:\+(?P<n>\d+))?\.pack$")
#: A name used as a file name as it is (a run id here, a doc_id in the run folder); any other is hashed.
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,120}$")
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def pack_stem(run_id: str, prefix: str = "") -> str:
    """A run's pack name without its suffix (the run id itself when safe as a file name, else its hash)."""
    safe = run_id if SAFE_NAME.match(run_id) else hashlib.sha256(run_id.encode()).hexdigest()[:16]
    return f"{prefix}answers-{safe}"


def stem_of(name: str) -> str | None:
    """The run part of a pack's file name (:func:`pack_stem`'s value), or None for any other file."""
    m = _NAME.match(name)
    return m.group("stem") if m else None


def place(pack: str, offset: int, length: int) -> str:
    """Where a record is, as the journal keeps it."""
    return f"{pack}:{offset}:{length}"


def parse_place(at: str) -> tuple[str, int, int]:
    """``(pack name, offset, length)`` of a place; ValueError when it is none."""
    name, offset, length = at.rsplit(":", 2)
    if stem_of(name) is None or "/" in name or "\\" in name:
        raise ValueError(f"not an answer's place: {at!r}")
    return name, int(offset), int(length)


def record(doc_id: str, text: bytes, level: int = 5) -> bytes:
    """One record: a gzip member of ``text`` whose header names ``doc_id`` and its own length."""
    key = doc_id.encode()
    body = zlib.compress(text, level, -zlib.MAX_WBITS)
    length = _PREFIX_SIZE + len(key) + len(body) + 8
    field = _FIELD.pack(_FIELD_ID, 4 + len(key), length) + key
    return b"".join((_GZIP_HEAD, _XLEN.pack(len(field)), field, body,
                     struct.pack("<II", zlib.crc32(text), len(text) & 0xFFFFFFFF)))


def _head(data: bytes) -> tuple[int, bytes]:
    """A record's declared length and doc_id from its first bytes; ValueError when they are no record's."""
    if len(data) < _PREFIX_SIZE or not data.startswith(_GZIP_HEAD):
        raise ValueError("not a record")
    (xlen,) = _XLEN.unpack_from(data, len(_GZIP_HEAD))
    field_id, field_len, length = _FIELD.unpack_from(data, len(_GZIP_HEAD) + _XLEN.size)
    if field_id != _FIELD_ID or field_len != xlen - 4 or field_len < 4 or len(data) < _PREFIX_SIZE + field_len - 4:
        raise ValueError("not a record")
    return length, data[_PREFIX_SIZE:_PREFIX_SIZE + field_len - 4]


class PackWriter:
    """The pack of one run: records appended by any thread, the file made at the first one."""

    def __init__(self, folder: Path, stem: str) -> None:
        self.folder = folder
        self._stem = stem
        self.name: str | None = None
        self._fd: int | None = None
        self.end = 0
        self._lock = threading.Lock()

    def append(self, doc_id: str, text: bytes) -> str:
        """Write one record (whole, at the pack's end) and return its place."""
        data = record(doc_id, text)
        with self._lock:
            if self._fd is None:
                self._open()
            assert self._fd is not None and self.name is not None
            offset = self.end
            view = memoryview(data)
            while view:  # pwrite: a failed write is overwritten by the next, never followed
                view = view[os.pwrite(self._fd, view, offset + len(data) - len(view)):]
            self.end += len(data)
            return place(self.name, offset, len(data))

    def _open(self) -> None:
        """A new file (a run id used before gets ``+n``: nothing follows an old pack's torn tail)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for n in range(1, 10_000):
            name = f"{self._stem}{_SUFFIX}" if n == 1 else f"{self._stem}+{n}{_SUFFIX}"
            try:
                self._fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o600)
            except FileExistsError:
                continue
            self.name = name
            return
        raise FileExistsError(self.folder / f"{self._stem}{_SUFFIX}")

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def read(folder: Path, at: str, doc_id: str) -> bytes:
    """The answer's JSON text saved at ``at`` for ``doc_id``: OSError when its pack is missing,
    ValueError when the bytes there are not ``doc_id``'s whole, intact record."""
    name, offset, length = parse_place(at)
    with open(folder / name, "rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    return _text(data, name, offset, length, doc_id)


def _text(data: bytes, name: str, offset: int, length: int, doc_id: str) -> bytes:
    """The JSON text of the record ``data`` read at ``offset`` of pack ``name``, checked as :func:`read` says."""
    declared, key = _head(data)
    if declared != length or len(data) != length:
        raise ValueError(f"{name} holds no whole record at {offset}")
    if key != doc_id.encode():
        raise ValueError(f"{name} holds another document's answer at {offset}")
    try:
        return gzip.decompress(data)  # gzip checks the CRC and the length of the text
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"{name}: the answer at {offset} is damaged ({exc})") from exc


def scan(path: Path) -> Iterator[tuple[str, str]]:
    """``(doc_id, place)`` of each record of one pack, in order, up to the first whose header
    does not hold up or that the file ends inside (a torn tail: nothing is written after it).
    A record's contents are checked when it is read (:func:`read`)."""
    size = os.stat(path).st_size
    with open(path, "rb", buffering=1 << 16) as fh:
        offset = 0
        while offset < size:
            fh.seek(offset)
            head = fh.read(_PREFIX_SIZE)
            try:
                head += fh.read(max(0, _FIELD.unpack_from(head, len(_GZIP_HEAD) + _XLEN.size)[1] - 4))
                length, key = _head(head)
                doc_id = key.decode()
            except (ValueError, struct.error):
                return
            if length < _PREFIX_SIZE + len(key) or offset + length > size:
                return
            yield doc_id, place(path.name, offset, length)
            offset += length


def packs(folder: Path, prefix: str = "") -> list[Path]:
    """The packs in ``folder`` whose names start with ``prefix``, oldest run first (run ids sort by time)."""
    try:
        with os.scandir(folder) as entries:  # streamed: an older run's raw/ may hold a file per answer
            found = [(m.group("stem"), int(m.group("n") or 1), e.name) for e in entries
                     if e.name.startswith(prefix) and (m := _NAME.match(e.name))]
    except FileNotFoundError:
        return []
    return [folder / n for *_, n in sorted(found)]


def holds_other_files(folder: Path) -> bool:
    """Whether ``folder`` holds anything but packs (answers saved as files of their own, by
    older versions or for a doc_id too long for a record); streamed, it stops at the first."""
    try:
        with os.scandir(folder) as entries:
            return any(not _NAME.match(e.name) for e in entries)
    except FileNotFoundError:
        return False


def index(paths: Iterable[Path]) -> dict[str, str]:
    """doc_id -> place of its latest record in ``paths`` (oldest first, as :func:`packs` lists them)."""
    found: dict[str, str] = {}
    for path in paths:
        found.update(scan(path))
    return found


class PackReader:
    """:func:`read` with the last pack read kept open: the tables read a run's answers one
    after another from one pack, and opening it for each was a fifth of reading one back
    (under the profiler)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._open: tuple[str, int] | None = None
        self._lock = threading.Lock()

    def read(self, at: str, doc_id: str) -> bytes:
        name, offset, length = parse_place(at)
        with self._lock:
            if self._open is None or self._open[0] != name:
                fd = os.open(self.folder / name, os.O_RDONLY | _CLOEXEC)
                self._close()
                self._open = (name, fd)
            data = os.pread(self._open[1], length, offset)
        return _text(data, name, offset, length, doc_id)

    def _close(self) -> None:
        if self._open is not None:
            os.close(self._open[1])
            self._open = None

    def close(self) -> None:
        with self._lock:
            self._close()

    def __del__(self) -> None:
        self._close()

    def __reduce__(self) -> tuple[type[PackReader], tuple[Path]]:
        return PackReader, (self.folder,)  # a parse worker opens its own


class LocalAnswers:
    """A local run folder's packed answers: this run's pack, and where earlier answers are."""

    def __init__(self, raw: Path) -> None:
        self.raw = raw
        self._writer: PackWriter | None = None
        self._prefix = ""
        self._settled: set[str] = set()
        self._index: dict[str, str] | None = None
        self._sizes: dict[str, int] = {}
        self._reader = PackReader(raw)

    def open(self, run_id: str, prefix: str, settled_runs: Iterable[str]) -> None:
        """Save this run's answers in a pack of its own; ``settled_runs`` are runs whose packs
        hold no answer the journal lacks (looking for answers without a journal row skips them)."""
        self._writer = PackWriter(self.raw, pack_stem(run_id, prefix))
        self._prefix = prefix
        self._settled = {pack_stem(r, prefix) for r in settled_runs}
        self._index = None

    def close(self) -> None:
        self._reader.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def save(self, doc_id: str, text: bytes) -> str | None:
        """Append an answer to this run's pack; its place, or None when there is no pack to
        take it (no run opened one, or a doc_id too long for a record)."""
        if self._writer is None or len(doc_id.encode()) > MAX_KEY:
            return None
        return self._writer.append(doc_id, text)

    def holds(self, at: str) -> bool:
        """Whether the pack of a place is there and long enough to hold it (its bytes are
        checked when read)."""
        try:
            name, offset, length = parse_place(at)
        except ValueError:
            return False
        if self._writer is not None and name == self._writer.name:
            return offset + length <= self._writer.end
        if name not in self._sizes:
            try:
                self._sizes[name] = os.stat(self.raw / name).st_size
            except OSError:
                return False
        return offset + length <= self._sizes[name]

    def read(self, doc_id: str, at: str) -> bytes:
        return self._reader.read(at, doc_id)

    def place_of(self, doc_id: str) -> str | None:
        """Where the latest answer for ``doc_id`` is among the packs a journal may lack (every
        pack outside a run); the packs are read once, when first needed."""
        if self._index is None:
            own = self._writer.name if self._writer is not None else None
            self._index = index(p for p in packs(self.raw, self._prefix)
                                if stem_of(p.name) not in self._settled and p.name != own)
        return self._index.get(doc_id)

    def __getstate__(self) -> dict[str, object]:
        """Sent to parse workers: they read answers, never write them."""
        return {**self.__dict__, "_writer": None, "_index": None}
