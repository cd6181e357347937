"""Output formats, by name (``--format parquet,csv``)."""

from __future__ import annotations

from .base import SinkFormat
from .csv import CsvFormat
from .parquet import ParquetFormat

SINKS: dict[str, type[SinkFormat]] = {"parquet": ParquetFormat, "csv": CsvFormat}

__all__ = ["SINKS", "SinkFormat"]
