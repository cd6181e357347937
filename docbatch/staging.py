"""Where a build of a run's tables is written before it becomes visible, and how it becomes so.

A build writes every table into a staging folder of its own; :meth:`Staging.swap_into_place`
makes it the visible one: renames on a local disk, the pointer of :mod:`docbatch.publication`
then a copy over the table folders on S3, part-by-part moves for a shard (whose parts sit
beside the other shards').  docbatch deletes only what it staged.
"""

from __future__ import annotations

import io
import posixpath
from typing import IO, TYPE_CHECKING, Callable, Iterable

import pyarrow.fs as pafs

from .publication import BUILD_SUFFIX, Pointer, publish
from .symlinks import write_manifests

if TYPE_CHECKING:
    from .runfolder import RunFolder

FAILED_CSV = "failed.csv"
#: failed.csv with formula-looking cells neutralised, for spreadsheets (written with CSV output).
ESCAPED_FAILED_CSV = "csv/failed.csv"


class Staging:
    """Where a run's tables are written before they become visible, then swapped in."""

    def __init__(self, folder: RunFolder, name: str, *, run_id: str, pointer: Pointer | None = None) -> None:
        self.folder = folder
        self.fs = folder.fs
        self.run_id = run_id
        self._pointer = pointer
        self.root = folder.own(name)
        self._trash = folder.own(".trash-" + name)
        self.fs.create_dir(self.root, recursive=True)

    @property
    def part_suffix(self) -> str:
        """What ends every file name of this build: :data:`~docbatch.publication.BUILD_SUFFIX` on S3,
        where the build is kept after it is copied into the table folders, so no glob ending in a
        format's extension finds its rows a second time; nothing on a local disk (renamed in)."""
        return BUILD_SUFFIX if self._pointer is not None else ""

    def table_path(self, subdir: str, table: str) -> str:
        """The staging folder of one table in one format (``subdir`` is the format's, "" for Parquet)."""
        return posixpath.join(self.root, subdir, table) if subdir else posixpath.join(self.root, table)

    def open_failed_csv(self, *, escaped: bool = False) -> IO[str]:
        """A text stream for ``failed.csv`` (closed by the caller before :meth:`swap_into_place`);
        ``escaped`` is the spreadsheet-safe copy under ``csv/``."""
        path = posixpath.join(self.root, (ESCAPED_FAILED_CSV if escaped else FAILED_CSV) + self.part_suffix)
        self.fs.create_dir(posixpath.dirname(path), recursive=True)
        raw = self.fs.open_output_stream(path, compression=None)
        return io.TextIOWrapper(raw, encoding="utf-8", newline="")

    def swap_into_place(self, tables: Iterable[tuple[str, str]], *, check: Callable[[], None] | None = None,
                        dropped: Iterable[tuple[str, str]] = ()) -> None:
        """Make each finished ``(subdir, table)`` folder and failed.csv the visible one, and
        remove the ``dropped`` tables (formats this build does not write: an earlier build's
        would be read as this one's) and a spreadsheet copy of failed.csv it did not write.

        ``check`` (the run lock's compare-and-swap) runs first, at the commit point: a run that
        lost its folder while building publishes nothing.  On a local disk, one rename each.
        On S3 the build is committed by its pointer (:func:`docbatch.publication.publish`),
        named in Athena's symlink manifests (:mod:`docbatch.symlinks`), then copied part by
        part over the table folders, older parts beyond the new count
        deleted.  A shard's parts are moved the same way, on any filesystem, renamed with its
        prefix (only parts of its own prefix are ever replaced or deleted).
        """
        tables = list(tables)
        moves = [(self.table_path(sub, t), self._visible(sub, t)) for sub, t in tables]
        dropped = list(dropped)
        gone = [self._visible(sub, t) for sub, t in dropped]
        for name in (FAILED_CSV, ESCAPED_FAILED_CSV):
            staged = posixpath.join(self.root, name + self.part_suffix)
            if self.fs.get_file_info(staged).type == pafs.FileType.File:
                moves.append((staged, self.folder.own(name)))
            else:
                gone.append(self.folder.own(name))
        prefix = self.folder.shard.part_prefix if self.folder.shard is not None else ""
        if self._pointer is not None:
            publish(self.folder, self._pointer, posixpath.basename(self.root), moves, run_id=self.run_id, check=check)
            assert self._pointer.body is not None
            # a dropped Parquet table's manifests name no part of this build: they are deleted
            write_manifests(self.folder, self.root, self._pointer.body["files"],
                            [t for sub, t in tables + dropped if not sub])
            self._swap_objects(moves, prefix, copy=True)
            self._remove(gone, prefix)
            return
        if check is not None:
            check()
        if self.folder.shard is not None:
            self._swap_objects(moves, prefix)
            self._remove(gone, prefix)
            self.fs.delete_dir(self.root)
            return
        moves += [(None, path) for path in gone]
        for src, dst in moves:  # src None: a dropped table, only moved out of the way
            if src is not None:
                self.fs.create_dir(posixpath.dirname(dst), recursive=True)
            if self.fs.get_file_info(dst).type != pafs.FileType.NotFound:
                old = posixpath.join(self._trash, posixpath.relpath(dst, self.folder.root))
                self.fs.create_dir(posixpath.dirname(old), recursive=True)
                self.fs.move(dst, old)
            if src is not None:
                self.fs.move(src, dst)
        for sub in sorted({sub for sub, _ in dropped if sub}):  # csv/ once its tables went: no empty folder
            folder = self.folder.path(sub)
            if (self.fs.get_file_info(folder).type == pafs.FileType.Directory
                    and not self.fs.get_file_info(pafs.FileSelector(folder))):
                self.fs.delete_dir(folder)
        for leftover in (self._trash, self.root):
            if self.fs.get_file_info(leftover).type != pafs.FileType.NotFound:
                self.fs.delete_dir(leftover)

    def _visible(self, subdir: str, table: str) -> str:
        """Where a table in one format is read (``subdir`` is the format's, "" for Parquet)."""
        return self.folder.path(subdir, table) if subdir else self.folder.path(table)

    def _remove(self, paths: list[str], prefix: str) -> None:
        """Delete this run's files at or below ``paths`` (a shard's: those of its ``prefix``)."""
        doomed = []
        for path in paths:
            info = self.fs.get_file_info(path)
            if info.type == pafs.FileType.File:
                doomed.append(path)
            elif info.type == pafs.FileType.Directory:
                doomed += [i.path for i in self.fs.get_file_info(pafs.FileSelector(path, recursive=True))
                           if i.type == pafs.FileType.File and posixpath.basename(i.path).startswith(prefix)]
        self._delete_files(doomed)

    def _swap_objects(self, moves: list[tuple[str, str]], prefix: str, *, copy: bool = False) -> None:
        """File by file: each new part over the one of its name (``prefix`` + its name, without
        the build's suffix), then the old parts of that prefix beyond the new ones deleted;
        ``copy`` keeps the build's own."""
        local = self.folder.s3 is None
        place = self.fs.copy_file if copy else self.fs.move
        for src, dst in moves:
            if local:
                self.fs.create_dir(posixpath.dirname(dst), recursive=True)
            if self.fs.get_file_info(src).type == pafs.FileType.File:
                place(src, dst)
                continue
            if local:
                self.fs.create_dir(dst, recursive=True)
            # recursive: a partitioned table's parts sit in key=value/ folders
            new = {_placed(posixpath.relpath(i.path, src), prefix, self.part_suffix): posixpath.relpath(i.path, src)
                   for i in self.fs.get_file_info(pafs.FileSelector(src, recursive=True))
                   if i.type == pafs.FileType.File}
            old = [i.path for i in self.fs.get_file_info(pafs.FileSelector(dst, allow_not_found=True, recursive=True))
                   if posixpath.relpath(i.path, dst) not in new and i.type == pafs.FileType.File
                   and posixpath.basename(i.path).startswith(prefix)]
            for name in sorted(new):
                if local:
                    self.fs.create_dir(posixpath.dirname(posixpath.join(dst, name)), recursive=True)
                place(posixpath.join(src, new[name]), posixpath.join(dst, name))
            self._delete_files(old)

    def _delete_files(self, paths: list[str]) -> None:
        """Delete the parts ``paths``; on S3 through boto3, since pyarrow's ``delete_file`` puts an
        empty folder marker in place of the last part of a folder (a partition the new build
        lacks), which pandas' ``s3://`` reader (s3fs) fails to open and Athena's ``MSCK REPAIR
        TABLE`` adds as a partition."""
        if self.folder.s3 is None or not paths:
            for path in paths:
                self.fs.delete_file(path)
            return
        place = self.folder.s3
        client = self.folder.s3_client()
        for path in paths:
            client.delete_object(Bucket=place.bucket, Key=place.key_of(path))


def _placed(rel: str, prefix: str, suffix: str) -> str:
    """Where a build's part (``rel`` below its table folder) goes below the table folder it is
    swapped into: a shard's ``prefix`` on its file name, the build's ``suffix`` off it."""
    head, name = posixpath.split(rel)
    if suffix and name.endswith(suffix):
        name = name[:-len(suffix)]
    return posixpath.join(head, prefix + name)
