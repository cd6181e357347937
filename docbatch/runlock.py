"""One run at a time in a run folder, on a local disk or on S3.

Two runs into one folder would both pay for every document and trip over each other's
staging.  The lock is a small JSON object created only if absent (``O_EXCL`` on a local
disk, a conditional ``PutObject`` with ``If-None-Match: *`` on S3) holding who took it
(host, pid, run id) and a heartbeat the holder refreshes while it runs.  A second run
exits naming the holder.  A lock is stale, and taken over, when its process is gone
(same host) or its heartbeat is older than :attr:`RunLock.STALE_AFTER` seconds (another
host, or a hung one).
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from .errors import FolderLocked

if TYPE_CHECKING:
    from .runfolder import S3Place


class LockStore(Protocol):
    """Where a lock lives: create-if-absent, read, overwrite (when held), delete."""

    def create(self, body: bytes) -> bool: ...
    def read(self) -> bytes | None: ...
    def replace(self, body: bytes) -> None: ...
    def delete(self) -> None: ...


class LocalLockFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def create(self, body: bytes) -> bool:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        return True

    def read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def replace(self, body: bytes) -> None:
        tmp = self.path.with_name(f".lock-{uuid.uuid4().hex}")
        tmp.write_bytes(body)
        os.replace(tmp, self.path)

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


class S3LockObject:
    """A lock object written with S3's conditional writes (``If-None-Match: *``)."""

    def __init__(self, place: S3Place, name: str) -> None:
        self.bucket = place.bucket
        self.key = place.key(name)
        self._client = place.client()

    def create(self, body: bytes) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.put_object(Bucket=self.bucket, Key=self.key, Body=body, IfNoneMatch="*")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise
        return True

    def read(self) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return self._client.get_object(Bucket=self.bucket, Key=self.key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise

    def replace(self, body: bytes) -> None:
        self._client.put_object(Bucket=self.bucket, Key=self.key, Body=body)

    def delete(self) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self.key)


class RunLock:
    """The held lock of one run; a context manager that releases it."""

    STALE_AFTER = 600.0
    REFRESH_EVERY = 60.0

    def __init__(self, store: LockStore, run_id: str, *, folder: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.run_id = run_id
        self.folder = folder
        self._clock = clock
        self._beat = 0.0

    def _body(self) -> bytes:
        return json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "run_id": self.run_id,
                           "heartbeat": self._clock()}).encode()

    def acquire(self) -> RunLock:
        for _ in range(2):
            if self.store.create(self._body()):
                self._beat = self._clock()
                return self
            holder = self._holder()
            if holder is not None and not self._stale(holder):
                raise FolderLocked(
                    f"run folder {self.folder} is in use by run {holder.get('run_id')} "
                    f"(pid {holder.get('pid')} on {holder.get('host')}); wait for it to finish")
            self.store.delete()  # stale: its holder is gone
        raise FolderLocked(f"could not take the lock of run folder {self.folder}")

    def _holder(self) -> dict[str, Any] | None:
        data = self.store.read()
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return {}  # half-written by a process killed while taking it: stale

    def _stale(self, holder: Mapping[str, Any]) -> bool:
        if not holder:
            return True
        if self._clock() - float(holder.get("heartbeat", 0)) > self.STALE_AFTER:
            return True
        if holder.get("host") == socket.gethostname():
            return not _alive(int(holder.get("pid", 0)))
        return False

    def refresh(self) -> None:
        """Renew the heartbeat (cheap to call often: it writes at most every REFRESH_EVERY s)."""
        if self._clock() - self._beat >= self.REFRESH_EVERY:
            self.store.replace(self._body())
            self._beat = self._clock()

    def release(self) -> None:
        holder = self._holder()
        if holder and holder.get("run_id") == self.run_id and holder.get("pid") == os.getpid():
            self.store.delete()

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        try:
            self.release()
        except Exception:
            # The run is already failing (its folder unreachable, say): that error is the one
            # to tell; a lock left behind is taken over once its process is gone.
            if exc_type is None:
                raise


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
