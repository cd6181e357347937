"""Content-addressed response cache: the same image costs one engine call, ever.

Keys are the SHA-256 of the image bytes (or of an S3 object's URI and ETag when the
service reads the object itself) plus the engine name and model version, so a new model
never serves stale answers (an AWS engine's version names its region, and an endpoint that
is not AWS's own: a local protocol server's answers are never the service's).  Entries are gzip JSON, written whole or not at all
(:func:`write_atomic`), so a killed process never leaves a half entry that reads as valid.
"""

from __future__ import annotations

import contextlib
import errno
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
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC
#: Linux's unnamed files (``O_TMPFILE``), given their name by ``linkat`` through /proc; None
#: where the platform has none, and once a folder's file system or a missing /proc refuses.
_UNNAMED: int | None = getattr(os, "O_TMPFILE", None)
#: Errors of opening an unnamed file that say "not on this file system or kernel".
_NO_UNNAMED = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL}
#: Errors of naming it through /proc that say "not here" (no /proc, a restricted one).
_NO_NAMING = {errno.ENOENT, errno.EXDEV, errno.EPERM, errno.EACCES, errno.EOPNOTSUPP, errno.EINVAL}


def _open_proc() -> int | None:
    """/proc, opened once ("self" in a name under it is looked up at each call: fork-safe)."""
    try:
        return os.open("/proc", os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    except (OSError, AttributeError):  # no /proc; no O_DIRECTORY off POSIX
        return None


_PROC = _open_proc() if _UNNAMED is not None else None

def write_atomic(path: Path, data: bytes, *, private: bool = True) -> None:
    """Write a file atomically: whole under its name, or not there at all.

    A run saves an answer per document, so this is on every document's way; the file
    system's work dominates it.  On Linux the bytes go to an unnamed file in the target
    folder (``O_TMPFILE``), which is then given its name: no temporary name is made and
    removed again, ~0.05 ms of CPU a file here against ~0.3-0.5 ms for a temporary file
    renamed (the way elsewhere, and over an existing file).  Plain ``os`` calls, the folder
    made only when missing.  ``private`` files are owner-only (answers hold personal data);
    the others are made as any file is, as the umask allows (a run's summary and report,
    shared like its tables).
    """
    mode = 0o600 if private else 0o666
    global _UNNAMED
    if _UNNAMED is not None:
        try:
            _write_unnamed(path, data, _UNNAMED, mode)
            return
        except _Unsupported:
            _UNNAMED = None
    write_renamed(path, data, mode)


class _Unsupported(Exception):
    """Unnamed files are not to be had here; nothing was written."""


def _open_new(path: str, flags: int, parent: Path, mode: int) -> int:
    try:
        return os.open(path, flags, mode)
    except FileNotFoundError:
        parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, flags, mode)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_unnamed(path: Path, data: bytes, unnamed: int, mode: int) -> None:
    try:
        fd = _open_new(str(path.parent), os.O_WRONLY | unnamed | _CLOEXEC, path.parent, mode)
    except OSError as exc:
        if exc.errno in _NO_UNNAMED and path.parent.is_dir():
            raise _Unsupported from exc
        raise
    try:
        _write_all(fd, data)
        try:
            _name(fd, str(path))
        except FileExistsError:  # replacing a file: named aside, then renamed over it
            tmp = _tmp_name(path)
            _name(fd, tmp)
            try:
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
    finally:
        os.close(fd)  # an unnamed file never named is gone with its descriptor


def _name(fd: int, path: str) -> None:
    """Give the unnamed file ``fd`` the name ``path`` (``linkat`` of its /proc entry)."""
    if _PROC is None:
        raise _Unsupported
    try:
        os.link(f"self/fd/{fd}", path, src_dir_fd=_PROC, follow_symlinks=True)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno in _NO_NAMING:
            raise _Unsupported from exc
        raise


def _tmp_name(path: Path) -> str:
    """A temporary name unique to this process and call (no random names to try)."""
    return os.path.join(path.parent, f".tmp-{os.getpid()}-{next(_TMP_SEQ)}-{path.name}")


def write_renamed(path: Path, data: bytes, mode: int) -> None:
    """The portable way: a temporary file in the same folder, renamed (where unnamed files are
    not to be had; ``benchmarks/overhead.py`` weighs it against :func:`write_atomic`)."""
    tmp = _tmp_name(path)
    fd = _open_new(tmp, _OPEN_NEW, path.parent, mode)
    try:
        try:
            _write_all(fd, data)
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
