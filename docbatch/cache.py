"""Content-addressed response cache: the same image costs one engine call, ever.

Keys are the SHA-256 of the image bytes (or of an S3 object's URI and ETag when the
service reads the object itself) plus the engine name and model version, so a new model
never serves stale answers.  Entries are gzip JSON, written to a temporary name and
renamed, so a killed process never leaves a half entry that reads as valid.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import itertools
import json
import os
from pathlib import Path
from typing import Any, Mapping


def cache_key(*, content_hash: str, engine: str, model_version: str) -> str:
    tag = hashlib.sha256(f"{engine}\0{model_version}".encode()).hexdigest()[:12]
    return f"{content_hash}-{tag}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps_gz(obj: Any) -> bytes:
    """A response as stored everywhere (cache entries and a run's raw/): compact gzip JSON."""
    return gzip.compress(json.dumps(obj, separators=(",", ":")).encode(), compresslevel=5)


def loads_gz(data: bytes) -> Any:
    return json.loads(gzip.decompress(data))


_TMP_SEQ = itertools.count()
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file atomically (temp file in the same folder, then rename).

    Plain ``os`` calls, a temporary name unique to this process and call (no random names
    to try, no file object), and the folder made only when missing: a run saves an answer
    per document, so this is on every document's way (``tempfile.mkstemp`` cost ~1 ms of
    CPU a file here, this ~0.15 ms).  Owner-only, as ``mkstemp``'s files were (answers
    hold personal data).
    """
    tmp = os.path.join(path.parent, f".tmp-{os.getpid()}-{next(_TMP_SEQ)}-{path.name}")
    try:
        fd = os.open(tmp, _OPEN_NEW, 0o600)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, _OPEN_NEW, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class ResponseCache:
    """A folder of cached responses; safe for concurrent threads and processes."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json.gz"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            return loads_gz(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            # A corrupt entry is a miss; the fresh answer will overwrite it.
            return None

    def put(self, key: str, response: Mapping[str, Any]) -> None:
        try:
            write_atomic(self._path(key), dumps_gz(dict(response)))
        except OSError:
            # A read-only or full cache disk must not fail the document.
            pass
