"""The run folder: every path and file of one run, behind one object.

A run folder holds the output tables (one folder per table, ``csv/<table>/`` for CSV),
``raw/`` responses by doc_id, ``failed.csv``, ``run.json`` and the journal
(``state.sqlite``).  Nothing else in docbatch builds a path inside it: callers ask this
object for writers and readers, so where the folder lives (a local disk today, S3 later)
is this module's business alone.  Reads and writes go through one filesystem layer,
:mod:`pyarrow.fs` (already a dependency, and it speaks S3), except the journal, which
SQLite needs on a local disk.  Streams are opened with ``compression=None``: pyarrow
would otherwise gzip a file whose name ends in ``.gz`` a second time.

File names come from doc_ids in one way, :func:`raw_name`, which every reader uses
(the replay engine pointed at a run folder included).  Tables are written to a staging
folder and swapped into place whole (:class:`Staging`), so readers never see a
half-written table, and docbatch deletes only what it staged.

A folder is docbatch's only when it carries the marker file (:data:`MARKER`, with a format
version): a run refuses a non-empty folder without one, so ``--out`` pointed at someone
else's folder never deletes or overwrites their files.  A lock file (:class:`RunLock`)
keeps two runs out of one folder; a lock left by a killed process is taken over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import os
import posixpath
import re
import socket
import sqlite3
import time
import uuid
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping

import pyarrow.fs as pafs

from . import __version__
from .cache import dumps_gz, loads_gz, sha256_hex
from .errors import ConfigError, FolderLocked, ForeignFolder, StorageError

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,120}$")

RAW = "raw"
RUN_JSON = "run.json"
RUNS = "runs"
FAILED_CSV = "failed.csv"
JOURNAL = "state.sqlite"
MARKER = ".docbatch-run.json"
LOCK = ".docbatch-lock.json"
#: Version of the run folder's layout; a newer docbatch reading an older folder may migrate it.
FORMAT_VERSION = 1
#: Staging and trash folders are named from run ids of this shape, and only those are deleted.
_STAGED = re.compile(r"^\.(staging|trash)-(\.staging-)?\d{8}T\d{6}Z-[0-9a-f]{6}$")


def raw_name(doc_id: str) -> str:
    """The file name of a doc_id's saved response: the id itself when safe, else a
    sanitised form plus a hash of the id (so ``scan 01#a`` and ``scan_01_a`` never collide)."""
    if _SAFE.match(doc_id) and not doc_id.startswith("."):
        return f"{doc_id}.json.gz"
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id)[:80].lstrip(".")
    return f"{clean}-{sha256_hex(doc_id.encode())[:12]}.json.gz"


class RunFolder:
    """One run's folder on a filesystem (local for now)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.local_root = Path(root).resolve()
        self.fs: pafs.FileSystem = pafs.LocalFileSystem()
        self.root = self.local_root.as_posix()

    def __repr__(self) -> str:
        return f"RunFolder({self.root!r})"

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def claim(self) -> None:
        """Make sure the folder is docbatch's, creating it (with its marker) when new or empty.

        A folder of an older docbatch (a journal and a run.json, no marker) is adopted.
        Raises :class:`ForeignFolder` for a non-empty folder docbatch did not create.
        """
        info = self.fs.get_file_info(self.root)
        if info.type == pafs.FileType.File:
            raise ForeignFolder(f"--out {self.root} is a file, not a folder")
        entries = ([] if info.type == pafs.FileType.NotFound else
                   [posixpath.basename(i.path) for i in self.fs.get_file_info(pafs.FileSelector(self.root))])
        if MARKER in entries:
            marker = json.loads(self._read(self.path(MARKER)))
            if int(marker.get("format", 0)) > FORMAT_VERSION:
                raise ConfigError(f"run folder {self.root} was written by a newer docbatch "
                                  f"(format {marker.get('format')}); upgrade docbatch to use it")
            return
        legacy = {JOURNAL, RUN_JSON} <= set(entries)
        if entries and not legacy:
            raise ForeignFolder(
                f"--out {self.root} is not empty and is not a docbatch run folder (no {MARKER}); "
                "choose a new or empty folder, docbatch will not write into or delete other files")
        self.fs.create_dir(self.root, recursive=True)
        self._write_atomic(self.path(MARKER), json.dumps(
            {"format": FORMAT_VERSION, "created_by": f"docbatch {__version__}",
             "created_at": dt.datetime.now(dt.timezone.utc).isoformat()}).encode())

    def lock(self, run_id: str, *, clock: Callable[[], float] = time.time) -> RunLock:
        """Take the folder's lock for ``run_id`` (see :class:`RunLock`)."""
        return RunLock(self, run_id, clock=clock).acquire()

    # -- the journal (SQLite needs a local file) -----------------------------------------
    @property
    def journal_path(self) -> Path:
        return self.local_root / JOURNAL

    # -- raw responses ---------------------------------------------------------------------
    def raw_path(self, doc_id: str) -> str:
        return self.path(RAW, raw_name(doc_id))

    def has_raw(self, doc_id: str) -> bool:
        return self.fs.get_file_info(self.raw_path(doc_id)).type == pafs.FileType.File

    def write_raw(self, doc_id: str, response: Mapping[str, Any]) -> None:
        """Save a response whole or not at all (a killed run never leaves half a file)."""
        self._write_atomic(self.raw_path(doc_id), dumps_gz(response))

    def read_raw(self, doc_id: str) -> dict[str, Any]:
        """The saved response; OSError when missing, ValueError when corrupt."""
        return loads_gz(self._read(self.raw_path(doc_id)))

    # -- run.json --------------------------------------------------------------------------
    def write_run_json(self, body: Mapping[str, Any]) -> None:
        """``run.json`` is the latest run; ``runs/<run_id>.json`` keeps every run's summary,
        so a re-run never erases what an earlier one did."""
        data = json.dumps(body, indent=2, default=str).encode()
        self._write_atomic(self.path(RUNS, f"{body['run_id']}.json"), data)
        self._write_atomic(self.path(RUN_JSON), data)

    def read_run_json(self) -> dict[str, Any] | None:
        """run.json of the last run, or None when the folder holds none."""
        try:
            return json.loads(self._read(self.path(RUN_JSON)))
        except FileNotFoundError:
            return None

    # -- tables ----------------------------------------------------------------------------
    def staging(self, run_id: str) -> Staging:
        """A fresh staging area for this run's tables (stale ones of killed runs removed)."""
        for info in self.fs.get_file_info(pafs.FileSelector(self.root, allow_not_found=True)):
            name = posixpath.basename(info.path)
            if info.type == pafs.FileType.Directory and _STAGED.match(name):
                self.fs.delete_dir(info.path)  # a whole copy of the tables left by a run killed mid-build
        return Staging(self, f".staging-{run_id}")

    # -- plumbing --------------------------------------------------------------------------
    def _read(self, path: str) -> bytes:
        try:
            with self.fs.open_input_stream(path, compression=None) as fh:
                return fh.read()
        except FileNotFoundError:
            raise
        except OSError as exc:
            if self.fs.get_file_info(path).type == pafs.FileType.NotFound:
                raise FileNotFoundError(path) from exc
            raise

    def _write_atomic(self, path: str, data: bytes) -> None:
        folder = posixpath.dirname(path)
        self.fs.create_dir(folder, recursive=True)
        tmp = posixpath.join(folder, f".tmp-{uuid.uuid4().hex}-{posixpath.basename(path)}")
        try:
            with self.fs.open_output_stream(tmp, compression=None) as fh:
                fh.write(data)
            self.fs.move(tmp, path)
        except BaseException:
            if self.fs.get_file_info(tmp).type != pafs.FileType.NotFound:
                self.fs.delete_file(tmp)
            raise


class Staging:
    """Where a run's tables are written before they become visible, then swapped in."""

    def __init__(self, folder: RunFolder, name: str) -> None:
        self.folder = folder
        self.fs = folder.fs
        self.root = folder.path(name)
        self._trash = folder.path(".trash-" + name)
        self.fs.create_dir(self.root, recursive=True)

    def table_path(self, subdir: str, table: str) -> str:
        """The staging folder of one table in one format (``subdir`` is the format's, "" for Parquet)."""
        return posixpath.join(self.root, subdir, table) if subdir else posixpath.join(self.root, table)

    def open_failed_csv(self) -> IO[str]:
        """A text stream for ``failed.csv`` (closed by the caller before :meth:`swap_into_place`)."""
        raw = self.fs.open_output_stream(posixpath.join(self.root, FAILED_CSV), compression=None)
        return io.TextIOWrapper(raw, encoding="utf-8", newline="")

    def swap_into_place(self, tables: Iterable[tuple[str, str]]) -> None:
        """Replace each finished ``(subdir, table)`` folder and failed.csv, one rename each."""
        moves = [(self.table_path(sub, t), self.folder.path(sub, t) if sub else self.folder.path(t))
                 for sub, t in tables]
        moves.append((posixpath.join(self.root, FAILED_CSV), self.folder.path(FAILED_CSV)))
        for src, dst in moves:
            self.fs.create_dir(posixpath.dirname(dst), recursive=True)
            if self.fs.get_file_info(dst).type != pafs.FileType.NotFound:
                old = posixpath.join(self._trash, posixpath.relpath(dst, self.folder.root))
                self.fs.create_dir(posixpath.dirname(old), recursive=True)
                self.fs.move(dst, old)
            self.fs.move(src, dst)
        for leftover in (self._trash, self.root):
            if self.fs.get_file_info(leftover).type != pafs.FileType.NotFound:
                self.fs.delete_dir(leftover)


_STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


@contextlib.contextmanager
def storage_errors(folder: RunFolder) -> Iterator[None]:
    """Turn a failing run folder (full, read-only, unwritable, a corrupt journal) into one
    :class:`StorageError` line naming the folder and what to do."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "full" in text:
            raise StorageError(f"the disk of {folder.root} is full ({text}); free space and re-run to resume") \
                from exc
        raise StorageError(f"the run journal {folder.journal_path} cannot be used ({text}); if it is corrupt, "
                           "move it aside to start the folder afresh (saved responses are reused)") from exc
    except OSError as exc:
        if exc.errno not in _STORAGE_ERRNOS:
            raise
        what = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
                errno.EROFS: "the file system is read-only"}.get(exc.errno, exc.strerror or "it cannot be written")
        where = f" ({exc.filename})" if exc.filename else ""
        raise StorageError(f"cannot write the run folder {folder.root}: {what}{where}; fix it and re-run to "
                           "resume (nothing half-written is kept)") from exc


class RunLock:
    """One run at a time in a run folder.

    The lock is a file created only if absent (``O_EXCL``) holding who took it (host,
    pid, run id) and a heartbeat the holder refreshes.  A second run exits naming the
    holder.  A lock is stale, and taken over, when its process is gone (same host) or
    its heartbeat is older than :attr:`STALE_AFTER` seconds (another host, or a hung one).
    """

    STALE_AFTER = 600.0
    REFRESH_EVERY = 60.0

    def __init__(self, folder: RunFolder, run_id: str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = folder.local_root / LOCK
        self.run_id = run_id
        self._clock = clock
        self._beat = 0.0

    def _body(self) -> bytes:
        return json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "run_id": self.run_id,
                           "heartbeat": self._clock()}).encode()

    def acquire(self) -> RunLock:
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder is not None and not self._stale(holder):
                    raise FolderLocked(
                        f"run folder {self.path.parent} is in use by run {holder.get('run_id')} "
                        f"(pid {holder.get('pid')} on {holder.get('host')}); wait for it to finish") from None
                self.path.unlink(missing_ok=True)  # stale: its holder is gone
                continue
            with os.fdopen(fd, "wb") as fh:
                fh.write(self._body())
            self._beat = self._clock()
            return self
        raise FolderLocked(f"could not take the lock of run folder {self.path.parent}")

    def _holder(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return None
        except ValueError:
            return {}  # half-written by a process killed while taking it: stale

    def _stale(self, holder: Mapping[str, Any]) -> bool:
        if not holder:
            return True
        if self._clock() - float(holder.get("heartbeat", 0)) > self.STALE_AFTER:
            return True
        if holder.get("host") == socket.gethostname():
            return not _alive(int(holder.get("pid", 0)))
        return False

    def refresh(self) -> None:
        """Renew the heartbeat (cheap to call often: it writes at most every REFRESH_EVERY s)."""
        if self._clock() - self._beat >= self.REFRESH_EVERY:
            tmp = self.path.with_name(f".lock-{uuid.uuid4().hex}")
            tmp.write_bytes(self._body())
            os.replace(tmp, self.path)
            self._beat = self._clock()

    def release(self) -> None:
        holder = self._holder()
        if holder and holder.get("run_id") == self.run_id and holder.get("pid") == os.getpid():
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
