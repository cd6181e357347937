"""Shards: N copies of one run (an AWS Batch array job, any scheduler's N tasks), each
doing a fixed part of the manifest into one shared run folder.

Which rows a shard holds: the manifest row's doc_id hashed with SHA-256 (never Python's
``hash()``, which changes per process), modulo N.  The same manifest gives every shard the
same rows on every re-run and on every machine, and the pages of a PDF or TIFF (doc_ids
``<doc_id>#p<N>``) stay with their source's row.  A row is selected after the manifest
has been read whole, so malformed and duplicate rows are found exactly as in one process.

Where a shard writes (the run folder asks this module for the names): its journal, lock,
``run.json``, ``runs/``, staging and ``failed.csv`` under ``shards/<i>-of-<N>/``; its table
parts beside the other shards' in the shared table folders, named
``shard-<i>-of-<N>-part-NNNNN.<ext>``; raw responses in the shared ``raw/`` (by doc_id:
a document is in one shard only).  A folder holds one split: shards of another N, or an
unsharded run, are refused there.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

from .errors import ConfigError
from .listing import Manifest
from .manifest_rows import ManifestRow

#: The folder of the run folder that holds each shard's own files.
SHARDS = "shards"
_NAME = re.compile(r"^(\d+)-of-(\d+)$")
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
#: AWS Batch sets both in every child of an array job (the index from 0, the parent's array size).
BATCH_INDEX = "AWS_BATCH_JOB_ARRAY_INDEX"
BATCH_SIZE = "AWS_BATCH_JOB_ARRAY_SIZE"


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (0-based) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ConfigError(f"shard {self.index}/{self.count}: the index runs from 0 to the count - 1")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"i/N"`` (``--shard 2/4``, ``DOCBATCH_SHARD``)."""
        match = _SPEC.match(str(text))
        if not match:
            raise ConfigError(f"shard {text!r}: write it as INDEX/COUNT, e.g. 0/4 (indexes run from 0)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def from_batch_env(cls, environ: Mapping[str, str]) -> Shard | None:
        """The shard of an AWS Batch array child (None outside an array job)."""
        index = environ.get(BATCH_INDEX, "").strip()
        if not index:
            return None
        size = environ.get(BATCH_SIZE, "").strip()
        if not size.isdigit() or not index.isdigit():
            raise ConfigError(f"{BATCH_INDEX}={index!r} but {BATCH_SIZE}={size!r}: not an AWS Batch array "
                              "child's pair of numbers; give --shard i/N (or DOCBATCH_SHARD)")
        return cls(int(index), int(size))

    @property
    def name(self) -> str:
        return f"{self.index}-of-{self.count}"

    @property
    def home(self) -> str:
        """The shard's own folder, relative to the run folder."""
        return f"{SHARDS}/{self.name}"

    @property
    def part_prefix(self) -> str:
        """What the shard's table parts are named with (``shard-1-of-4-part-00000.parquet``)."""
        return f"shard-{self.name}-"

    def holds(self, doc_id: str) -> bool:
        """Whether this shard does ``doc_id`` (:func:`of`: the same answer in every shard's process)."""
        return of(doc_id, self.count) == self.index


def of(doc_id: str, count: int) -> int:
    """The shard (0-based) of ``doc_id`` among ``count``: stable across processes and machines."""
    digest = hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count


def resolve(spec: str | None, environ: Mapping[str, str]) -> Shard | None:
    """The run's shard: ``spec`` when given (an explicit option wins), else AWS Batch's array
    variables, else None (the whole manifest)."""
    if spec is not None and str(spec).strip():
        return Shard.parse(spec)
    return Shard.from_batch_env(environ)


@dataclass(frozen=True)
class ShardManifest(Manifest):
    """A manifest seen by one shard: only the rows whose doc_id hashes to it."""

    shard: Shard = Shard(0, 1)

    def rows(self) -> Iterator[ManifestRow]:
        """This shard's rows only (a row without a doc_id by its row number)."""
        return (row for row in super().rows() if self.shard.holds(row.doc_id or f"row-{row.row_no}"))


def select(manifest: Manifest, shard: Shard | None) -> Manifest:
    """``manifest`` as ``shard`` sees it (unchanged for an unsharded run)."""
    if shard is None:
        return manifest
    return ShardManifest(path=manifest.path, name=manifest.name, base=manifest.base,
                         default_doc_type=manifest.default_doc_type, shard=shard)


def parse_name(name: str) -> Shard | None:
    """The shard a ``shards/`` entry is named for, or None for anything else."""
    match = _NAME.match(name)
    if not match:
        return None
    try:
        return Shard(int(match[1]), int(match[2]))
    except ConfigError:
        return None


def check_layout(shard: Shard | None, entries: Iterable[str], *, unsharded_state: bool, folder: str) -> None:
    """Refuse a run that would mix splits in one folder: ``entries`` are the names under
    ``shards/``; ``unsharded_state`` says the folder holds an unsharded run's journal or lock."""
    split = sorted({s.count for s in map(parse_name, entries) if s is not None})
    if shard is None:
        if split:
            raise ConfigError(f"run folder {folder} holds a run split in {split[0]} shards; run each shard "
                              f"with --shard i/{split[0]} (and docbatch merge), or use another --out")
        return
    if unsharded_state:
        raise ConfigError(f"run folder {folder} holds an unsharded run; shard {shard.index}/{shard.count} cannot "
                          "share it: use another --out")
    other = [n for n in split if n != shard.count]
    if other:
        raise ConfigError(f"run folder {folder} holds a run split in {other[0]} shards, not {shard.count}: "
                          f"run --shard i/{other[0]} there, or use another --out for a {shard.count}-way split")
