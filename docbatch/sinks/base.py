"""The sink contract: a format writes one table as numbered parts in one folder.

A sink never decides *where* a run's tables live or when they become visible: the
outputs builder hands it a folder inside the run folder's staging area (and its
filesystem) and the run folder swaps finished folders into place, so a half-written part
never looks complete.  Each part is written under a hidden temporary name and renamed
when whole.  New formats register in ``SINKS``.
"""

from __future__ import annotations

import abc
import posixpath
from typing import IO, ClassVar

import pyarrow as pa
import pyarrow.fs as pafs


class TableWriter(abc.ABC):
    """Writes successive chunks of one table as ``part-NNNNN.<ext>`` files (``part-NNNNN.<ext><suffix>``
    with a ``suffix``: a kept build's names on S3, see :data:`docbatch.publication.BUILD_SUFFIX`)."""

    extension: ClassVar[str]

    def __init__(self, fs: pafs.FileSystem, folder: str, schema: pa.Schema, *, suffix: str = "") -> None:
        self.fs = fs
        self.folder = folder
        self.schema = schema
        self.suffix = suffix
        self.parts = 0
        fs.create_dir(folder, recursive=True)

    def write(self, table: pa.Table) -> None:
        """Write one part (an empty table still writes a part, so readers see the schema).

        A table of another schema is refused (every part of a table has the table's
        schema), and a part that fails mid-write leaves nothing behind.
        """
        if not table.schema.equals(self.schema, check_metadata=False):
            raise ValueError(f"table does not fit the schema of {self.folder}")
        name = f"part-{self.parts:05d}.{self.extension}{self.suffix}"
        tmp = posixpath.join(self.folder, f".{name}.tmp")
        try:
            with self.fs.open_output_stream(tmp, compression=None) as fh:
                self._write_part(table, fh)
            self.fs.move(tmp, posixpath.join(self.folder, name))
        except BaseException:
            if self.fs.get_file_info(tmp).type != pafs.FileType.NotFound:
                self.fs.delete_file(tmp)
            raise
        self.parts += 1

    @abc.abstractmethod
    def _write_part(self, table: pa.Table, stream: IO[bytes]) -> None: ...


class SinkFormat(abc.ABC):
    #: Sub-folder of the run folder that holds this format's table folders ("" = top level).
    subdir: ClassVar[str]

    @abc.abstractmethod
    def writer(self, fs: pafs.FileSystem, folder: str, schema: pa.Schema, *, suffix: str = "") -> TableWriter:
        """A writer of one table's parts in ``folder`` (names ending ``suffix``), each part checked
        against ``schema``: every format writes the catalogue's columns, whatever it is."""

    @abc.abstractmethod
    def text_column(self, data: bytes, column: str) -> list[str]:
        """One column of a part this format wrote (``data``: the whole file), each value as text:
        what ``docbatch merge`` counts a shard's rows and doc_ids by, whichever format it has."""

    @abc.abstractmethod
    def columns(self, fs: pafs.FileSystem, path: str) -> tuple[str, ...]:
        """The columns a part this format wrote declares, each as its name and, where the format
        keeps types, its type: ``docbatch merge`` refuses shards whose parts differ in them, since
        a reader of the folder takes one file's columns for all."""
