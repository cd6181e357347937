"""A run's tables on S3, published all at once as a reader sees them.

S3 has no folder rename and no transaction over objects: tables copied part by part over the
previous run's can be seen half swapped, by a reader during the copy or by everyone after a
crash in it (some tables new, some old, a table missing).  So, as table formats on object
stores do (Delta's log, Iceberg's metadata pointer), a build's parts stay where they were
written, under that build's own prefix (``.staging-<build id>/``, never written again, each
file's name ending in :data:`BUILD_SUFFIX`), and
the build is *committed* by one small object written last: :data:`PUBLISHED`
(``_published.json``, in the run's own folder) names the build and every part of every table
and ``failed.csv``.  It is put conditionally on the version the build started from
(``If-Match`` its ETag, ``If-None-Match: *`` when there was none) right after the run lock's
own compare-and-swap renewed the lock: a run that lost its lock while building, or that another
build overtook, commits nothing.  Readers that go through it (:class:`Published`: docbatch's
report, reconcile and merge, and :func:`published_parts`) see the previous build or this one,
whole, whatever crash happens when.

Once committed, the parts are copied into the table folders the README loads (``receipts/``...),
for readers that list a folder; that copy is part by part (a reader listing ``receipts/`` in
those seconds may see old and new parts together, and a crash then leaves the folders mixed
until the next build).  The committed build's prefix is kept until the next build has been
committed and the one after it starts, so a reader that read the pointer a moment before a
commit can still read what it named.  Kept builds' file names end in :data:`BUILD_SUFFIX` so
that a reader globbing from above the run folder (DuckDB's ``s3://bucket/runs/**/*.parquet``
matches dot-folders too) finds each row once, in the table folders.
"""

from __future__ import annotations

import json
import posixpath
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

import pyarrow.fs as pafs

from .aws import is_missing, put_if_unchanged
from .errors import ConfigError, FolderLocked

if TYPE_CHECKING:
    from .config import SourceSettings
    from .runfolder import RunFolder

#: The commit object of a run's (or a shard's) tables, in its own folder.
PUBLISHED = "_published.json"
#: The pointer's format: 2 names builds whose files end in :data:`BUILD_SUFFIX` (1: plain names).
#: A pointer of a newer format is refused, not misread: its builds may be named otherwise.
POINTER_FORMAT = 2
#: What ends the name of every file of a build on S3 (``part-00000.parquet.build``): no glob
#: ending in ``.parquet`` or ``.csv`` matches it; readers of the pointer read them by name.
BUILD_SUFFIX = ".build"


class Pointer:
    """The commit object of one run folder's (or one shard's) tables, changed only by
    conditional puts against the version read when the build began."""

    def __init__(self, folder: RunFolder) -> None:
        assert folder.s3 is not None, "only S3 run folders publish through a pointer"
        self.folder = folder
        self.key = folder.s3.key(posixpath.join(folder.home, PUBLISHED) if folder.home else PUBLISHED)
        self._client = folder.s3_client()
        self.body, self.etag = self._read()

    def _read(self) -> tuple[dict[str, Any] | None, str | None]:
        try:
            answer = self._client.get_object(Bucket=self.folder.s3.bucket, Key=self.key)  # type: ignore[union-attr]
        except Exception as exc:
            if is_missing(exc):
                return None, None
            raise
        body = json.loads(answer["Body"].read())
        if int(body.get("format", 1)) > POINTER_FORMAT:
            raise ConfigError(f"run folder {self.folder.uri}: its tables were published by a newer docbatch "
                              f"(pointer format {body.get('format')}); upgrade docbatch to read or run it")
        return body, answer["ETag"]

    @property
    def build(self) -> str | None:
        """The name of the committed build's folder (kept while the pointer names it)."""
        return self.body.get("build") if self.body else None

    def commit(self, body: dict[str, Any]) -> None:
        """Put ``body`` if the pointer is still the version read at the start of the build."""
        etag = put_if_unchanged(self._client, self.folder.s3.bucket, self.key,  # type: ignore[union-attr]
                                json.dumps(body, indent=1).encode(), self.etag)
        if etag is None:
            raise FolderLocked(f"run folder {self.folder.uri}: another run published its tables while this "
                               "one was building; this run's tables are not published (re-run to resume)")
        self.body, self.etag = body, etag


def publish(folder: RunFolder, pointer: Pointer, build: str, moves: list[tuple[str, str]], *,
            run_id: str, check: Callable[[], None] | None) -> None:
    """Commit the staged ``moves`` (build path -> the path readers load) of build folder ``build``:
    ``check`` (the lock's compare-and-swap) first, then the pointer, written last."""
    files: dict[str, list[str]] = {}
    for src, dst in moves:
        listing = [src] if folder.fs.get_file_info(src).type == pafs.FileType.File else sorted(
            i.path for i in folder.fs.get_file_info(pafs.FileSelector(src, recursive=True))
            if i.type == pafs.FileType.File)
        files[posixpath.relpath(dst, folder.root)] = [posixpath.relpath(p, folder.root) for p in listing]
    if check is not None:
        check()
    pointer.commit({"format": POINTER_FORMAT, "run_id": run_id, "build": build, "previous": pointer.build, "files": files})


class Build(NamedTuple):
    """One build's files of a table, as a reader reads them: ``base`` is the folder its
    ``key=value/`` partition folders sit under; ``home`` the run (or shard) that built them."""

    home: RunFolder
    base: str
    files: list[str]


class Published:
    """A run folder's tables as one reader sees them: each home's pointer (the run's, or every
    shard's) is read once, so every table read through one ``Published`` comes from the same
    builds even when a run commits meanwhile, and none from the table folders a crash in the
    copy left mixed."""

    def __init__(self, folder: RunFolder) -> None:
        from .runfolder import RunFolder

        self.folder = folder
        sources = folder.s3.sources if folder.s3 is not None else None
        homes = [RunFolder(folder.uri, sources=sources, shard=s) for s in folder.shards()] or [folder]
        self.homes = [(home, Pointer(home).body if folder.s3 is not None else None) for home in homes]

    def parts(self, table: str, subdir: str = "") -> list[Build]:
        """Each home's files of ``table`` (``subdir``: the format's): the build its pointer names,
        or, with no pointer (a local disk swaps by rename; an older docbatch's folder on S3), its
        parts in the table folder."""
        name = posixpath.join(subdir, table) if subdir else table
        listed = self.folder.table_parts(table, subdir) if any(body is None for _, body in self.homes) else []
        out = []
        for home, body in self.homes:
            if body is None:
                prefix = home.shard.part_prefix if home.shard is not None else ""
                out.append(Build(home, self.folder.path(name),
                                 [p for p in listed if posixpath.basename(p).startswith(prefix)]))
            else:
                out.append(Build(home, home.own(body["build"], name),
                                 [self.folder.path(p) for p in body["files"].get(name, [])]))
        return out


def published_parts(out: str, table: str, *, fmt: str = "parquet",
                    sources: SourceSettings | None = None) -> list[str]:
    """The files of ``table`` as last published in run folder ``out`` (every shard's), to read
    as one dataset: ``s3://`` URIs of one whole build per shard on S3, where the table folders
    are copied after the commit; on a local disk the table folder's parts (swapped in by rename).
    A shard that has run nothing yet adds nothing (``docbatch merge`` says whether every shard
    is done); one of an older docbatch, with no pointer, adds its parts in the table folder."""
    from .parse.catalog import TABLES
    from .runfolder import MARKER, RunFolder
    from .sinks import SINKS

    if table not in TABLES:
        raise ConfigError(f"unknown table {table!r}; a run's tables: {', '.join(TABLES)}")
    folder = RunFolder(out, sources=sources)
    if folder.fs.get_file_info(folder.path(MARKER)).type != pafs.FileType.File:
        raise ConfigError(f"{out} is not a docbatch run folder (no {MARKER})")
    scheme = "s3://" if folder.s3 is not None else ""
    return [scheme + p for build in Published(folder).parts(table, SINKS[fmt].subdir) for p in build.files]
