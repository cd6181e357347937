"""One manifest row to a :class:`~docbatch.records.Document`, or to a refused row saying why.

A source is normalised (``s3://bucket/key``, or an absolute path resolved against the
manifest's folder), a doc_id is the row's own or derived from the file name, and repeated
sources and ids are refused.  The checker remembers 64-bit digests of what it has seen
(:class:`~docbatch.firstrows.FirstRows`: fixed memory, on disk past its limit), never the
rows.  :mod:`docbatch.manifest` streams the rows to it from each file format.
"""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import unquote

from docbatch.errors import ManifestRowError
from docbatch.firstrows import FirstRows
from docbatch.records import DOC_TYPES, Document

RESERVED: tuple[str, ...] = ("source", "doc_type", "doc_id")

_SHOWN_MAX = 200  # longest source quoted in an error message
_ID_MAX = 100  # longest derived doc_id stem
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
BUCKET_NAME = re.compile(r"[A-Za-z0-9._-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")
#: The doc_ids the pages of a multi-page source take (records.page_doc_id): a row's own
#: doc_id of that form would take a page's place in the journal and tables.
_PAGE_ID = re.compile(r"#p[0-9]+\Z")


@dataclass(frozen=True)
class ManifestRow:
    """One data row, valid (``document`` set) or not (``error`` set), never both.

    ``doc_id`` is the id the row goes by in every output, unique across the manifest:
    ``document.doc_id`` for a valid row; for a bad row its explicit ``doc_id`` when that is
    unique, else ``row-<row_no>``.  A bad row keeps its ``doc_type`` as asked (the default when
    it names none) and its ``passthrough`` columns, so its documents row says what the
    manifest said, as failed.csv does.
    """

    row_no: int
    document: Document | None
    error: ManifestRowError | None
    raw: Mapping[str, str | None]
    doc_id: str = ""
    doc_type: str = ""
    passthrough: Mapping[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.document is None) == (self.error is None):
            raise ValueError("ManifestRow needs exactly one of document and error")
        if not self.doc_id:
            doc_id = self.document.doc_id if self.document else f"row-{self.row_no}"
            object.__setattr__(self, "doc_id", doc_id)


def role(column: str) -> str | None:
    """The reserved column ``column`` names (source, doc_type, doc_id; any case), else None: passthrough."""
    name = column.strip().lower()
    return name if name in RESERVED else None


@functools.lru_cache(maxsize=64)
def _roles(columns: tuple[str, ...]) -> tuple[str | None, str | None, str | None, tuple[str, ...]]:
    """The source, doc_type and doc_id columns (None if absent), then the passthrough rest."""
    roles: dict[str, str] = {}
    passthrough = []
    for column in columns:
        named = role(column)
        if named is None or named in roles:
            passthrough.append(column)
        else:
            roles[named] = column
    return roles.get("source"), roles.get("doc_type"), roles.get("doc_id"), tuple(passthrough)


def _field(row: Mapping[str, Any], column: str | None) -> str:
    return (row.get(column) or "").strip() if column is not None else ""


def _clean(value: str | None) -> str | None:
    """Undecodable bytes (surrogates) become U+FFFD so every output can encode the value."""
    if value is None or value.isascii():
        return value
    return _SURROGATE.sub("\ufffd", value)


def _shown(source: str) -> str:
    short = source if len(source) <= _SHOWN_MAX else source[:_SHOWN_MAX] + "…"
    return repr(_clean(short))


def _digest(text: str) -> int:
    """A non-zero 64-bit digest, deterministic across runs (unlike ``hash``)."""
    data = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(data, "little") or 1


def _sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


class RowChecker:
    """Validates rows in order; remembers (digests of) sources and ids to reject repeats."""

    def __init__(self, *, base_dir: str, default_doc_type: str) -> None:
        self._base_dir = base_dir
        self._default = default_doc_type
        self._source_rows = FirstRows()
        self._id_rows = FirstRows()

    def check(self, row_no: int, values: dict[str, Any], problem: str | None) -> ManifestRow:
        """Row ``row_no`` as a document, or as a refused row with its error (``problem``: the reader's
        own; an unknown doc_type, a reserved or repeated doc_id, a repeated source): a bad row fails
        alone, with its values, and the batch goes on."""
        source_col, type_col, id_col, passthrough_keys = _roles(tuple(values))
        raw = values
        if not all(v is None or v.isascii() for v in values.values()):
            raw = {k: _clean(v) for k, v in values.items()}
        given = _field(values, source_col)
        failure: tuple[str, str] | None = ("bad_row", problem) if problem else None
        source = None
        if failure is None:
            source, failure = _normalise_source(given, self._base_dir)
        doc_type = _field(raw, type_col).lower() or self._default
        if failure is None and doc_type not in DOC_TYPES:
            failure = ("unknown_doc_type", f"doc_type must be one of {', '.join(DOC_TYPES)}")
        explicit = _field(raw, id_col)
        if _PAGE_ID.search(explicit):
            failure = failure or ("reserved_doc_id", "a doc_id ending #p<N> is the id of a PDF or TIFF page")
            explicit = ""
        if explicit:
            first = self._id_rows.setdefault(_digest(explicit), row_no)
            if first != row_no:
                failure = failure or ("duplicate_doc_id", f"doc_id is already used by row {first}")
                explicit = ""
        if failure is None:
            # only a row that runs claims its source: a later row of a refused one's source runs
            first = self._source_rows.setdefault(_digest(source), row_no)
            if first != row_no:
                failure = ("duplicate_source", f"source {_shown(given)} repeats row {first}")
        if failure is not None:
            code, message = failure
            doc_id = explicit or self._claim(f"row-{row_no}", salt=f"row-{row_no}", row_no=row_no)
            error = ManifestRowError(f"row {row_no}: {message}", error_code=code)
            return ManifestRow(row_no, None, error, raw, doc_id, doc_type, {k: raw[k] for k in passthrough_keys})
        assert source is not None
        doc_id = explicit or self._claim(_stem_id(source), salt=given, row_no=row_no)
        document = Document(
            doc_id=doc_id,
            source=source,
            doc_type=doc_type,  # type: ignore[arg-type]  # checked against DOC_TYPES
            row_no=row_no,
            passthrough={k: raw[k] for k in passthrough_keys},
        )
        return ManifestRow(row_no, document, None, raw, doc_id)

    def _claim(self, candidate: str, *, salt: str, row_no: int) -> str:
        """``candidate`` if unused, else ``candidate-<sha1(salt)[:8]>`` (then ``-2``, ``-3``...)."""
        if self._id_rows.setdefault(_digest(candidate), row_no) == row_no:
            return candidate
        hashed = name = f"{candidate}-{_sha8(salt)}"
        n = 1
        while self._id_rows.setdefault(_digest(name), row_no) != row_no:
            n += 1
            name = f"{hashed}-{n}"
        return name


def _normalise_source(
    given: str, base_dir: str
) -> tuple[str, None] | tuple[None, tuple[str, str]]:
    """Canonical form of a source: ``s3://bucket/key`` or an absolute, normalised path."""
    if not given:
        return None, ("empty_source", "source is empty")

    def bad(why: str) -> tuple[None, tuple[str, str]]:
        return None, ("bad_source", f"source {_shown(given)} {why}")

    if not given.isascii() and _SURROGATE.search(given):
        return bad("is not valid UTF-8 (save the manifest as UTF-8)")
    match = _SCHEME.match(given)
    if match is None:
        if base_dir.startswith("s3://"):  # a manifest read from S3: relative to its S3 folder
            key = posixpath.normpath(posixpath.join(base_dir[5:].partition("/")[2], given)).lstrip("/")
            if key.startswith(".."):
                return bad("points outside the bucket")
            return f"s3://{base_dir[5:].partition('/')[0]}/{key}", None
        return os.path.normpath(os.path.join(base_dir, given)), None
    scheme, rest = match.group(1).lower(), given[match.end():]
    if scheme == "s3":
        bucket, _, key = rest.partition("/")
        if not BUCKET_NAME.fullmatch(bucket):
            return bad("has no valid bucket name")
        if not key or key.endswith("/"):
            return bad("names no object (empty key or a folder)")
        return f"s3://{bucket}/{key}", None
    if scheme == "file":
        path = file_uri_path(rest)
        return (path, None) if path else bad("is not a file:///absolute/path URI")
    return bad(f"has an unsupported scheme {scheme}:// (use s3://, file:// or a path)")


def file_uri_path(rest: str) -> str | None:
    """The local path a ``file://`` URI names (``rest``: what follows the scheme), or None when
    it names another host or no path: a manifest row and a listed folder read the same URI as the same file."""
    host, slash, path = rest.partition("/")
    if host not in ("", "localhost") or not slash:
        return None
    return os.path.normpath("/" + unquote(path))


def _stem_id(source: str) -> str:
    """A readable id from the source's file stem, limited to ``[A-Za-z0-9._-]``."""
    stem = os.path.splitext(source.rsplit("/", 1)[-1])[0]
    if not stem.isascii():  # café -> cafe; other scripts become "_"
        decomposed = unicodedata.normalize("NFKD", stem)
        stem = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ID.sub("_", stem).strip("._-")[:_ID_MAX].rstrip("._-") or "doc"
