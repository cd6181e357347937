"""The sink contract: a format writes one table as numbered parts in one folder.

A sink never decides *where* a run's tables live or when they become visible: the
outputs builder hands it a staging folder and swaps finished folders into place, so a
half-written part never looks complete.  New formats register in ``SINKS``.
"""

from __future__ import annotations

import abc
import os
from pathlib import Path
from typing import ClassVar

import pyarrow as pa


class TableWriter(abc.ABC):
    """Writes successive chunks of one table as ``part-NNNNN.<ext>`` files."""

    extension: ClassVar[str]

    def __init__(self, folder: Path, schema: pa.Schema) -> None:
        self.folder = folder
        self.schema = schema
        self.parts = 0
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, table: pa.Table) -> None:
        """Write one part (an empty table still writes a part, so readers see the schema)."""
        path = self.folder / f"part-{self.parts:05d}.{self.extension}"
        tmp = path.with_name(f".{path.name}.tmp")
        self._write_file(table, tmp)
        os.replace(tmp, path)
        self.parts += 1

    @abc.abstractmethod
    def _write_file(self, table: pa.Table, path: Path) -> None: ...


class SinkFormat(abc.ABC):
    name: ClassVar[str]
    #: Sub-folder of the run folder that holds this format's table folders ("" = top level).
    subdir: ClassVar[str]

    @abc.abstractmethod
    def writer(self, folder: Path, schema: pa.Schema) -> TableWriter: ...
