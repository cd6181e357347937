"""Reading back a table folder a run wrote: its flat Parquet parts, or Hive-style ``key=value/``
folders (``--partition-by``), on any ``pyarrow.fs`` filesystem (local or S3).

The report and the reconciliation both read run tables; one reader keeps them agreeing on
what counts as a part (``.``/``_``-prefixed names are staging or bookkeeping, never data), and
reads a run's tables as published (:func:`read_published`), not the folders copied after.
"""

from __future__ import annotations

from typing import Any

import pyarrow.dataset as ds
import pyarrow.fs as pafs

from .publication import BUILD_SUFFIX, Published


def table_parts(fs: pafs.FileSystem, path: str) -> list[str]:
    """The Parquet parts of the table folder at ``path``, sorted; [] when the run wrote none."""
    listing = fs.get_file_info(pafs.FileSelector(path, recursive=True, allow_not_found=True))
    return sorted(i.path for i in listing if i.type == pafs.FileType.File and i.path.endswith(".parquet")
                  and not any(p.startswith((".", "_")) for p in i.path[len(path):].split("/")))


def read_table(fs: pafs.FileSystem, path: str, *, columns: list[str] | None = None, where: Any = None,
               parts: list[str] | None = None) -> list[dict[str, Any]]:
    """The rows of the table folder at ``path`` (partition keys come back as columns); [] when it
    holds no part.  ``parts``: its :func:`table_parts`, when the caller has listed them already."""
    files = table_parts(fs, path) if parts is None else parts
    if not files:
        return []
    dataset = ds.dataset(files, filesystem=fs, format="parquet", partitioning="hive", partition_base_dir=path)
    return dataset.to_table(columns=columns, filter=where).to_pylist()


def parquet_builds(view: Published, table: str) -> list[tuple[str, list[str]]]:
    """``(partition base, Parquet parts)`` of each build of ``table`` a reader of ``view`` reads."""
    return [(b.base, [p for p in b.files if p.endswith((".parquet", ".parquet" + BUILD_SUFFIX))])
            for b in view.parts(table)]


def read_published(view: Published, table: str, *, columns: list[str] | None = None, where: Any = None,
                   builds: list[tuple[str, list[str]]] | None = None) -> list[dict[str, Any]]:
    """The rows of a run's ``table`` as ``view`` sees it published (every shard's build in turn,
    each with its own partition folders); [] when it holds no part.  ``builds``: its
    :func:`parquet_builds`, when the caller has listed them already (a folder with no pointer
    is listed on each call)."""
    return [row for base, parts in (parquet_builds(view, table) if builds is None else builds)
            for row in read_table(view.folder.fs, base, columns=columns, where=where, parts=parts)]


def tables_not_written(run: dict[str, Any]) -> str:
    """Why a run folder whose run.json counts documents holds no Parquet table: its last run
    stopped (interrupted, killed) before writing them, or wrote CSV only; and the way out."""
    if run.get("outcome") == "completed" and "parquet" not in ((run.get("config") or {}).get("formats") or ()):
        return ("no Parquet tables: its run wrote CSV only (--format csv); add them without engine calls: "
                "`docbatch reparse OUT --format parquet,csv`")
    return (f"no tables yet: its last run ({run.get('run_id')}) ended {run.get('outcome')} before writing them; "
            "re-run the same `docbatch run` command to resume and write them")
