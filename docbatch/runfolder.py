"""The run folder: every path and file of one run, local or on S3, behind one object.

A run folder holds the output tables (one folder per table, ``csv/<table>/`` for CSV),
``raw/`` (the saved answers: a pack per run, :mod:`docbatch.answerpack`; on S3, and from
older versions, a file per doc_id), ``failed.csv``, ``run.json`` and the journal
(``state.sqlite``).  Nothing else in docbatch builds a path inside it: callers ask this
object for writers and readers, so where the folder lives (a local disk today, S3 later)
is this module's business alone.  Reads and writes go through one filesystem layer,
:mod:`pyarrow.fs` (already a dependency, and it speaks S3), except the journal, which
SQLite needs on a local disk.  Streams are opened with ``compression=None``: pyarrow
would otherwise gzip a file whose name ends in ``.gz`` a second time.

An answer's file name, where it has one, comes from its doc_id in one way,
:func:`raw_name`, which every reader uses (the replay engine pointed at a run folder included).
Tables are written to a staging folder and swapped into place whole (:class:`Staging`), so
readers never see a half-written table, and docbatch deletes only what it staged.

A folder is docbatch's only when it carries the marker file (:data:`MARKER`, with a format
version): a run refuses a non-empty folder without one, so ``--out`` pointed at someone
else's folder never deletes or overwrites their files.  A lock (:mod:`docbatch.runlock`)
keeps two runs out of one folder; a lock left by a killed process is taken over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import posixpath
import re
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

import pyarrow.fs as pafs
from botocore.exceptions import BotoCoreError, ClientError

from . import __version__, answerpack
from .cache import dumps_gz, loads_gz, sha256_hex, write_atomic
from .config import SourceSettings, new_run_id
from .aws import is_missing, put_if_unchanged
from .errors import ConfigError, FolderLocked, ForeignFolder, StorageError
from .publication import Pointer
from .s3place import S3Place, work_folder
from .shards import SHARDS, check_layout
# failed.csv names: the staging writes them; callers find every name of the folder here.
from .staging import ESCAPED_FAILED_CSV, FAILED_CSV, Staging  # noqa: F401
from .symlinks import rename_committed

if TYPE_CHECKING:
    from .runlock import RunLock
    from .shards import Shard

RAW = "raw"
RUN_JSON = "run.json"
RUNS = "runs"
JOURNAL = "state.sqlite"
MARKER = ".docbatch-run.json"
LOCK = ".docbatch-lock.json"
#: The page ``docbatch report`` writes by default.
REPORT = "report.html"
#: Version of the run folder's layout; a newer docbatch reading an older folder may migrate it.
FORMAT_VERSION = 1
#: Staging and trash folders are named from run ids of this shape, and only those are deleted.
_STAGED = re.compile(r"^\.(staging|trash)-(\.staging-)?\d{8}T\d{6}Z-[0-9a-f]{6}$")


def raw_name(doc_id: str) -> str:
    """The file name of a doc_id's saved response: the id itself when safe, else a
    sanitised form plus a hash of the id (so ``scan 01#a`` and ``scan_01_a`` never collide)."""
    if answerpack.SAFE_NAME.match(doc_id) and not doc_id.startswith("."):
        return f"{doc_id}.json.gz"
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id)[:80].lstrip(".")
    return f"{clean}-{sha256_hex(doc_id.encode())[:12]}.json.gz"


class RunFolder:
    """One run's folder: a local path, or ``s3://bucket/prefix``.

    On S3 the tables, raw responses, failed list, run.json, marker and lock live in the
    bucket; the journal is worked on in a local folder (``local_root``, under the user's
    cache) and checkpointed to the bucket, so a new machine resumes from what S3 holds.

    A ``shard`` of a split run (:mod:`docbatch.shards`) keeps its journal, lock, run.json,
    runs/, staging and failed.csv in its own folder (``shards/<i>-of-<N>/``) and writes its
    table parts beside the other shards' under names of its own.
    """

    def __init__(self, root: str | os.PathLike[str], *, sources: SourceSettings | None = None,
                 shard: Shard | None = None) -> None:
        text = os.fspath(root)
        self.shard = shard
        #: This run's own files' folder, relative to the run folder ("" unsharded).
        self.home = shard.home if shard is not None else ""
        self.s3: S3Place | None = None
        if text[:5].lower() == "s3://":
            self.s3 = S3Place.of(text, sources or SourceSettings())
            self.fs = self.s3.filesystem()
            self.root = self.s3.fs_path
            self.uri = self.s3.uri
            self.local_root = work_folder(self.uri)
        else:
            self.local_root = Path(text).resolve()
            self.fs = pafs.LocalFileSystem()
            self.root = self.local_root.as_posix()
            self.uri = self.root
        self._raw_index: set[str] | None = None
        #: Whether a local raw/ may hold answers as files of their own (None: not looked): when
        #: it holds only packs, no document's answer needs a look at the disk of its own (a stat
        #: a document was a tenth of the run loop's CPU).  Looked at once, when the run opens
        #: its pack (before any worker saves an answer); a file saved since makes it True.
        self._raw_files: bool | None = None
        #: On S3, the version (ETag) of the journal :meth:`restore_journal` read or the last
        #: checkpoint wrote (None: there was none), which the next checkpoint's put is conditional
        #: on; the error once another run's journal was found there instead.
        self._journal_version: str | None | FolderLocked = None
        self._boto: Any = None  # boto3's client for this folder, made on first use (see s3_client)
        #: Answers packed per run (a local folder; S3 has no appends: an object each).
        self._answers = answerpack.LocalAnswers(self.local_root / RAW) if self.s3 is None else None

    def __repr__(self) -> str:
        return f"RunFolder({self.uri!r})"

    def path(self, *parts: str) -> str:
        """A path in the run folder shared by every shard (the tables, raw/), for ``pyarrow.fs``."""
        return posixpath.join(self.root, *parts)

    def own(self, *parts: str) -> str:
        """A path among this run's (or this shard's) own files."""
        return posixpath.join(self.root, self.home, *parts) if self.home else self.path(*parts)

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
            self._check_split(entries)
            if self.s3 is not None:
                Pointer(self)  # refuses tables a newer docbatch published, before a call is paid for
            return
        legacy = {JOURNAL, RUN_JSON} <= set(entries) and self._written_by_docbatch()
        if entries and not legacy:
            raise ForeignFolder(
                f"--out {self.root} is not empty and is not a docbatch run folder (no {MARKER}); "
                "choose a new or empty folder, docbatch will not write into or delete other files")
        self.fs.create_dir(self.root, recursive=True)
        self._write_atomic(self.path(MARKER), json.dumps(
            {"format": FORMAT_VERSION, "created_by": f"docbatch {__version__}",
             "created_at": dt.datetime.now(dt.timezone.utc).isoformat()}).encode())

    def _check_split(self, entries: list[str]) -> None:
        """One folder, one split: shards of another N, or shards and an unsharded run, are refused."""
        shards = [posixpath.basename(i.path) for i in self.fs.get_file_info(
            pafs.FileSelector(self.path(SHARDS), allow_not_found=True))] if SHARDS in entries else []
        check_layout(self.shard, shards, unsharded_state=JOURNAL in entries or LOCK in entries, folder=self.uri)

    def _written_by_docbatch(self) -> bool:
        """A folder of a docbatch from before the marker: its run.json says so, and its journal
        is a SQLite database with docbatch's tables (names alone prove nothing)."""
        try:
            meta = json.loads(self._read(self.path(RUN_JSON)))
            header = self._read(self.path(JOURNAL))[:16]
        except (OSError, ValueError):
            return False
        return (isinstance(meta, dict) and "docbatch_version" in meta and "run_id" in meta
                and header == b"SQLite format 3\x00")

    def lock(self, run_id: str, *, clock: Callable[[], float] = time.time, wait: float = 0.0,
             sleep: Callable[[float], None] = time.sleep) -> "RunLock":
        """Take the folder's lock for ``run_id``, waiting up to ``wait`` s for a live holder
        (see :class:`~docbatch.runlock.RunLock`)."""
        from .runlock import LocalLockFile, RunLock, S3LockObject

        name = posixpath.join(self.home, LOCK) if self.home else LOCK
        if self.s3 is None:
            (self.local_root / self.home).mkdir(parents=True, exist_ok=True)
        where = (S3LockObject(self.s3_client(), self.s3.bucket, self.s3.key(name)) if self.s3 is not None
                 else LocalLockFile(self.local_root / name))
        return RunLock(where, run_id, folder=self.uri, clock=clock).acquire(wait=wait, sleep=sleep)

    # -- the journal (SQLite needs a local file) -----------------------------------------
    @property
    def journal_path(self) -> Path:
        return self.local_root / self.home / JOURNAL if self.home else self.local_root / JOURNAL

    def restore_journal(self) -> None:
        """On S3, start from the journal checkpointed there (a new machine resumes from it)."""
        if self.s3 is None:
            return
        work = self.journal_path.parent
        work.mkdir(parents=True, exist_ok=True)
        for stale in work.glob(JOURNAL + "*"):
            stale.unlink()
        client = self.s3_client()
        try:
            answer = client.get_object(Bucket=self.s3.bucket, Key=self.s3.key_of(self.own(JOURNAL)))
        except ClientError as exc:
            if not is_missing(exc):
                raise
            self._journal_version = None
            return
        data, self._journal_version = answer["Body"].read(), answer["ETag"]
        tmp = self.journal_path.with_name(f".{JOURNAL}.download")
        tmp.write_bytes(data)
        os.replace(tmp, self.journal_path)

    def checkpoint_journal(self, copy_to: Callable[[Path], None]) -> None:
        """On S3, put a consistent copy of the journal (``copy_to`` writes one) into the bucket
        (after :meth:`restore_journal`, as every run and reparse does).

        Conditional on the version this run read or last wrote: a run that lost its folder
        between its heartbeat and this put (the new holder's journal landed in between) gets
        :class:`FolderLocked` instead of overwriting the new holder's journal."""
        if self.s3 is None:
            return
        if isinstance(self._journal_version, FolderLocked):  # overtaken: said once, never written
            raise self._journal_version
        copy = self.journal_path.with_name(f".{JOURNAL}.checkpoint")
        copy.unlink(missing_ok=True)
        copy_to(copy)
        try:
            etag = put_if_unchanged(self.s3_client(), self.s3.bucket, self.s3.key_of(self.own(JOURNAL)),
                                    copy.read_bytes(), self._journal_version)
            if etag is None:
                self._journal_version = FolderLocked(
                    f"run folder {self.uri}: taken over by another run, which wrote its journal since this "
                    "run read it; this run stops without overwriting it (re-run to resume once that one is done)")
                raise self._journal_version
            self._journal_version = etag
        finally:
            copy.unlink(missing_ok=True)

    def s3_client(self) -> Any:
        """One boto3 client for every S3 call on this folder: its lock, journal, pointer, swap and
        manifests (a client each cost a session and its credentials, and a checkpoint every 30 s
        made one each time).  Clients are safe to share between threads."""
        assert self.s3 is not None
        if self._boto is None:
            self._boto = self.s3.client()
        return self._boto

    def __getstate__(self) -> dict[str, Any]:
        """Sent to parse workers (spawned processes, a large run's tables): a boto3 client does
        not pickle, and a worker that needs one makes its own."""
        return {**self.__dict__, "_boto": None}

    # -- raw responses ---------------------------------------------------------------------
    def raw_path(self, doc_id: str) -> str:
        """The file a doc_id's answer has when it is a file of its own (S3, older versions)."""
        return self.path(RAW, raw_name(doc_id))

    def open_answers(self, run_id: str, settled_runs: Iterable[str] = ()) -> None:
        """Save this run's answers in a pack of its own (:mod:`docbatch.answerpack`; on S3 an
        object each); ``settled_runs``: the runs the journal saw finish."""
        if self._answers is not None:
            self._answers.open(run_id, self.shard.part_prefix if self.shard is not None else "", settled_runs)
            self._raw_files = answerpack.holds_other_files(self.local_root / RAW)

    def close_answers(self) -> None:
        """Close this run's answer pack (a local folder's): its last records are on disk."""
        if self._answers is not None:
            self._answers.close()

    def has_raw(self, doc_id: str, at: str | None = None) -> bool:
        """Whether doc_id's answer is saved: at its journaled place ``at``, else anywhere."""
        if at is not None:
            return self._answers is not None and self._answers.holds(at)
        if self._answers is not None:
            if self._answers.place_of(doc_id) is not None:
                return True
            return self._raw_files is not False and os.path.isfile(self.raw_path(doc_id))
        if self._raw_index is None:  # one listing instead of a HEAD per document
            listing = self.fs.get_file_info(pafs.FileSelector(self.path(RAW), allow_not_found=True))
            self._raw_index = {posixpath.basename(i.path) for i in listing if i.type == pafs.FileType.File}
        return raw_name(doc_id) in self._raw_index

    def write_raw(self, doc_id: str, response: Mapping[str, Any]) -> str | None:
        """Save a response whole or not at all (a killed run never leaves half an answer that
        reads as one); returns its place in this run's pack, None when it is a file of its own."""
        if self._answers is not None:
            at = self._answers.save(doc_id, json.dumps(response, separators=(",", ":")).encode() + b"\n")
            if at is not None:
                return at
        self._write_atomic(self.raw_path(doc_id), dumps_gz(response), private=True)
        self._raw_files = True
        if self._raw_index is not None:
            self._raw_index.add(raw_name(doc_id))
        return None

    def read_raw(self, doc_id: str, at: str | None = None) -> dict[str, Any]:
        """The saved response (at its journaled place ``at``, else the latest saved for
        ``doc_id``); OSError when missing, ValueError when corrupt or not doc_id's."""
        if self._answers is not None:
            at = at or self._answers.place_of(doc_id)
            if at is not None:
                return json.loads(self._answers.read(doc_id, at))
        return loads_gz(self._read(self.raw_path(doc_id)))

    def answer_place(self, doc_id: str) -> str | None:
        """Where the latest answer saved for ``doc_id`` in a pack is (None: in none)."""
        return self._answers.place_of(doc_id) if self._answers is not None else None

    # -- run.json --------------------------------------------------------------------------
    def write_run_json(self, body: Mapping[str, Any]) -> None:
        """``run.json`` is the latest run; ``runs/<run_id>.json`` keeps every run's summary,
        so a re-run never erases what an earlier one did (a shard's: in its own folder, naming it)."""
        if self.shard is not None:
            body = {**body, "shard": {"index": self.shard.index, "count": self.shard.count}}
        data = json.dumps(body, indent=2, default=str).encode()
        self._write_atomic(self.own(RUNS, f"{body['run_id']}.json"), data)
        self._write_atomic(self.own(RUN_JSON), data)

    def read_run_json(self) -> dict[str, Any] | None:
        """run.json of the last run, or None when the folder holds none."""
        try:
            return json.loads(self._read(self.own(RUN_JSON)))
        except FileNotFoundError:
            return None

    # -- a split run's shards (docbatch merge) -----------------------------------------------
    def shards(self) -> list[Shard]:
        """The shards whose own folders this run folder holds."""
        from .shards import parse_name

        listing = self.fs.get_file_info(pafs.FileSelector(self.path(SHARDS), allow_not_found=True))
        found = (parse_name(posixpath.basename(i.path)) for i in listing if i.type == pafs.FileType.Directory)
        return sorted((s for s in found if s is not None), key=lambda s: (s.count, s.index))

    def read_own(self, name: str) -> bytes | None:
        """One of this run's (or shard's) own files (``failed.csv``, ``csv/failed.csv``...), None when absent."""
        try:
            return self._read(self.own(name))
        except FileNotFoundError:
            return None

    def write_own(self, name: str, data: bytes) -> None:
        """Write one of this run's (or shard's) own files whole: a reader sees the old file or the new."""
        self._write_atomic(self.own(name), data)

    def holds_lock(self) -> bool:
        """Whether this run's (or shard's) lock is there: a run holds it, or one was killed."""
        return self.fs.get_file_info(self.own(LOCK)).type == pafs.FileType.File

    def table_parts(self, table: str, subdir: str = "") -> list[str]:
        """The visible part files of one table, in its partition folders too (hidden temporary
        names left out, as dataset readers leave them), sorted."""
        folder = self.path(subdir, table) if subdir else self.path(table)
        listing = self.fs.get_file_info(pafs.FileSelector(folder, allow_not_found=True, recursive=True))
        return sorted(i.path for i in listing if i.type == pafs.FileType.File and not any(
            part.startswith((".", "_")) for part in posixpath.relpath(i.path, folder).split("/")))

    # -- tables ----------------------------------------------------------------------------
    def staging(self, run_id: str) -> Staging:
        """A fresh staging area for a build of this run's tables, under a name of its own.  Stale
        ones of killed builds are removed; on S3, not the build the tables were last published
        from (:mod:`docbatch.publication`): readers of that pointer still read it, and Athena's
        symlink manifests are made to name it first (:mod:`docbatch.symlinks`)."""
        pointer = Pointer(self) if self.s3 is not None else None
        if pointer is not None:
            rename_committed(self, pointer)  # before the build its manifests may still name is deleted
        for info in self.fs.get_file_info(pafs.FileSelector(self.own(), allow_not_found=True)):
            name = posixpath.basename(info.path)
            if info.type == pafs.FileType.Directory and _STAGED.match(name) and name != (pointer and pointer.build):
                self.fs.delete_dir(info.path)  # a whole copy of the tables left by a run killed mid-build
        return Staging(self, f".staging-{new_run_id()}", run_id=run_id, pointer=pointer)

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

    def _write_atomic(self, path: str, data: bytes, *, private: bool = False) -> None:
        """``path`` whole or not at all; as the umask allows, or owner-only when ``private`` (answers)."""
        if self.s3 is not None:  # one PUT: an object is visible whole or not at all
            with self.fs.open_output_stream(path, compression=None) as fh:
                fh.write(data)
            return
        write_atomic(Path(path), data, private=private)  # plain os calls, any thread




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
        if folder.s3 is not None and exc.errno is None:  # pyarrow's S3 errors carry no errno
            raise _s3_storage_error(folder, str(exc)) from exc
        if exc.errno not in _STORAGE_ERRNOS:
            raise
        what = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
                errno.EROFS: "the file system is read-only"}.get(exc.errno, exc.strerror or "it cannot be written")
        where = f" ({exc.filename})" if exc.filename else ""
        raise StorageError(f"cannot write the run folder {folder.root}: {what}{where}; fix it and re-run to "
                           "resume (nothing half-written is kept)") from exc
    except (BotoCoreError, ClientError) as exc:  # the lock object, through boto3
        if folder.s3 is None:
            raise
        raise _s3_storage_error(folder, f"{type(exc).__name__}: {exc}") from exc


def _s3_storage_error(folder: RunFolder, detail: str) -> StorageError:
    """An S3 run folder that stopped answering or refused a write (an outage, a network cut,
    credentials gone): the first line of what S3 said, without the curl details."""
    return StorageError(f"cannot use the run folder {folder.uri}: {detail.split('; Details:')[0].strip()}; "
                        "fix it and re-run the same command to resume (nothing half-written is kept)")
