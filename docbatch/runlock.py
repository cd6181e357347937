"""One run at a time in a run folder, on a local disk or on S3.

Two runs into one folder would both pay for every document and trip over each other's
staging.  The lock is a small JSON object holding who took it (host, pid, run id) and a
heartbeat the holder refreshes while it runs.  A second run exits naming the holder.  A
lock is stale, and taken over, when its process is gone (same host) or its heartbeat is
older than :attr:`RunLock.STALE_AFTER` seconds (another host, or a hung one).  "Same host"
is the same host name, the same boot (the kernel's ``boot_id``) *and* the same pid namespace:
containers on one host's network share its name but not their pids, and two hosts sharing a
folder (NFS, EFS) may share a name (cloned images) and the initial pid namespace's number,
so another container's or host's pid says nothing about its holder.

Every change to the lock is a compare-and-swap against the version the changer last saw
(its *token*): created only if absent, taken over, refreshed and deleted only if it is
still the version that was judged.  On S3 that is a conditional ``PutObject``
(``If-None-Match: *`` to create, ``If-Match: <ETag>`` to take over or refresh) and a
conditional ``DeleteObject`` (``If-Match``); on a local disk, a hard link of a fully
written file (create-if-absent) and changes made under an exclusive ``flock`` of the
lock's folder.  So two runs that find the same stale lock cannot both take it (the
second one's swap fails and it sees the first one's fresh lock), and a run whose lock
was taken over learns so at its next heartbeat instead of overwriting the new holder's.

A folder on NFS (EFS included) is mounted by other hosts too, and a ``flock`` of a folder does not
reach them: there the changes are made under a POSIX lock of a guard file
(``.docbatch-lock.guard``), which NFS takes on the server for every host.  An NFS mount whose
locks stay on this host (``nolock``, ``local_lock=flock`` or ``all``) is refused: two hosts could
both take one stale lock.

The heartbeat beats in a thread of its own while the lock is held (``with lock:``), not when
documents finish: a run building its tables for longer than :attr:`RunLock.STALE_AFTER`, or
waiting out a long stall, is still alive and keeps its folder.  The runner asks
:meth:`RunLock.check` between documents and before it builds the tables, and the build
renews the lock (:meth:`RunLock.beat`) at its commit point: a run whose lock was taken over
while it built publishes none of its tables over the new holder's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Protocol

from .aws import is_missing, is_overtaken
from .errors import ConfigError, FolderLocked

try:
    import fcntl
except ImportError:  # Windows: no flock; takeovers there are not made one at a time
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("docbatch")


class LockStore(Protocol):
    """Where a lock lives.  A token names one version of the lock; every change is
    conditional on the version the caller holds."""

    def create(self, body: bytes) -> str | None:
        """Write ``body`` if no lock exists; its token, or None when one exists."""

    def read(self) -> tuple[bytes, str] | None:
        """The lock's body and token, or None when there is none."""

    def swap(self, body: bytes, token: str) -> str | None:
        """Replace the lock with ``body`` if it is still version ``token``; the new token, or None."""

    def delete(self, token: str) -> None:
        """Delete the lock if it is still version ``token``."""


#: File systems other hosts mount too, whose locks NFS makes reach every host (unless told not to).
_NFS = ("nfs", "nfs4")
_LOCAL_LOCKS = ("nolock", "local_lock=flock", "local_lock=all")


class LocalLockFile:
    """A lock file on a local disk, or on NFS (every host's changes then take turns through a
    lock the NFS server holds).  ``mounts`` is the kernel's mount table, to tell which."""

    def __init__(self, path: Path, *, mounts: Path = Path("/proc/self/mounts")) -> None:
        self.path = path
        fstype, options = _mount_of(path.parent, mounts)
        local_only = [o for o in _LOCAL_LOCKS if o in options]
        if fstype in _NFS and local_only:
            raise ConfigError(f"run folder {path.parent} is on {fstype} mounted with {local_only[0]}: its locks do "
                              "not reach the other hosts mounting it, so two runs could take one folder; mount it "
                              "with locking (local_lock=none), or use a local disk or s3://")
        self._guard_file = path.with_suffix(".guard") if fstype in _NFS else None

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Hold an exclusive lock while the lock file is changed: changes are made one at a time
        (the kernel, or the NFS server, lets go if the process dies, so it can never be left held).
        On a local disk a ``flock`` of the lock's folder; on NFS a POSIX lock of the guard file."""
        if fcntl is None:
            yield
            return
        if self._guard_file is None:
            fd = os.open(self.path.parent, os.O_RDONLY)
            take = fcntl.flock
        else:
            fd = os.open(self._guard_file, os.O_RDWR | os.O_CREAT, 0o644)  # NFS locks want it writable
            take = fcntl.lockf
        try:
            take(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def create(self, body: bytes) -> str | None:
        tmp = self._written(body)
        try:
            os.link(tmp, self.path)  # atomic, and the lock is never seen half-written
        except FileExistsError:
            return None
        finally:
            tmp.unlink()
        return _digest(body)

    def read(self) -> tuple[bytes, str] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return data, _digest(data)

    def swap(self, body: bytes, token: str) -> str | None:
        with self._guard():
            seen = self.read()
            if seen is None or seen[1] != token:
                return None
            os.replace(self._written(body), self.path)
        return _digest(body)

    def delete(self, token: str) -> None:
        with self._guard():
            seen = self.read()
            if seen is not None and seen[1] == token:
                self.path.unlink()

    def _written(self, body: bytes) -> Path:
        tmp = self.path.with_name(f".lock-{uuid.uuid4().hex}")
        tmp.write_bytes(body)
        return tmp


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lost(exc: BaseException) -> bool:
    """S3's answer to a condition that does not hold (412), a concurrent change (409), a lock gone (404)."""
    return is_overtaken(exc) or is_missing(exc)


class S3LockObject:
    """A lock object changed only by S3's conditional writes and deletes."""

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self._client = client
        self.bucket = bucket
        self.key = key

    def create(self, body: bytes) -> str | None:
        return self._put(body, IfNoneMatch="*")

    def read(self) -> tuple[bytes, str] | None:
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self.key)
        except Exception as exc:
            if _lost(exc):
                return None
            raise
        return answer["Body"].read(), answer["ETag"]

    def swap(self, body: bytes, token: str) -> str | None:
        return self._put(body, IfMatch=token)

    def delete(self, token: str) -> None:
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self.key, IfMatch=token)
        except Exception as exc:
            if not _lost(exc):
                raise

    def _put(self, body: bytes, **condition: str) -> str | None:
        try:
            return self._client.put_object(Bucket=self.bucket, Key=self.key, Body=body, **condition)["ETag"]
        except Exception as exc:
            if _lost(exc):
                return None
            raise


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
        self._token: str | None = None
        self._stopped = threading.Event()
        self._heart: threading.Thread | None = None
        self._lost: FolderLocked | None = None
        self._beating = threading.Lock()

    def _body(self) -> bytes:
        return json.dumps({"host": socket.gethostname(), "boot_id": _boot_id(), "pid": os.getpid(),
                           "pid_namespace": _pid_namespace(), "run_id": self.run_id,
                           "heartbeat": self._clock()}).encode()

    def acquire(self, *, wait: float = 0.0, sleep: Callable[[float], None] = time.sleep) -> RunLock:
        """Take the lock: create it, or swap out a stale one.  A lock another run holds raises
        :class:`FolderLocked` at once or, given ``wait`` seconds, once they have passed with the
        lock still live: a job retried after its container was killed (on another host, where
        only the heartbeat tells) waits the dead run's lock out instead of failing at once."""
        deadline = self._clock() + wait
        while True:
            try:
                return self._take()
            except FolderLocked as exc:
                left = deadline - self._clock()
                if left <= 0:
                    raise FolderLocked(f"{exc} (waited {wait:.0f} s)" if wait > 0 else str(exc)) from None
                if left >= wait:  # said once
                    log.warning("%s; waiting up to %.0f s for it", exc, wait)
                sleep(min(left, self.REFRESH_EVERY))

    def _take(self) -> RunLock:
        for _ in range(3):
            self._token = self.store.create(self._body())
            if self._token is not None:
                return self
            seen = self.store.read()
            if seen is None:
                continue  # released since: try to create it again
            holder = _parse(seen[0])
            if not self._stale(holder):
                raise FolderLocked(f"run folder {self.folder} is in use by {_describe(holder)}; "
                                   "wait for it to finish")
            self._token = self.store.swap(self._body(), seen[1])
            if self._token is not None:
                log.warning("took over the stale lock of run folder %s from %s", self.folder, _describe(holder))
                return self
            # another run changed the lock since it was read: look again
        raise FolderLocked(f"could not take the lock of run folder {self.folder}: "
                           "other runs keep changing it; wait for them to finish")

    def _stale(self, holder: Mapping[str, Any]) -> bool:
        if not holder:
            return True
        if self._clock() - float(holder.get("heartbeat", 0)) > self.STALE_AFTER:
            return True
        # A key an older docbatch did not write is assumed to match.
        same_pids = holder.get("pid_namespace", _pid_namespace()) == _pid_namespace()
        same_boot = holder.get("boot_id", _boot_id()) == _boot_id()
        if holder.get("host") == socket.gethostname() and same_boot and same_pids:
            return not _alive(int(holder.get("pid", 0)))
        return False

    def beat(self) -> None:
        """Renew the heartbeat now (a compare-and-swap: the heartbeat thread's and a caller's at a
        commit point take turns).  Raises :class:`FolderLocked` when another run has taken the
        lock over (this run's heartbeat had stopped long enough to look stale); the lock is then
        :attr:`lost` for good."""
        with self._beating:
            if self._lost is not None:
                raise self._lost
            if self._token is None:
                return
            token = self.store.swap(self._body(), self._token)
            if token is None:
                self._token = None
                seen = self.store.read()
                holder = _describe(_parse(seen[0])) if seen is not None else "nobody (the lock was deleted)"
                self._lost = FolderLocked(f"run folder {self.folder}: the lock of run {self.run_id} was taken over "
                                          f"by {holder}; this run stops (re-run to resume once that one is done)")
                raise self._lost
            self._token = token

    @property
    def lost(self) -> bool:
        """Whether the heartbeat found the lock taken over by another run."""
        return self._lost is not None

    def check(self) -> None:
        """Raise the :class:`FolderLocked` the heartbeat met, if it met one: the run must stop."""
        if self._lost is not None:
            raise self._lost

    def _heartbeat(self) -> None:
        while not self._stopped.wait(self.REFRESH_EVERY):
            try:
                self.beat()
            except FolderLocked:
                return
            except Exception as exc:  # noqa: BLE001 - a blip of the folder's storage: beat again later
                log.warning("could not renew the lock of run folder %s (%s); trying again", self.folder, exc)

    def release(self) -> None:
        """Stop the heartbeat, then delete the lock if it is still ours: the next run takes the folder at once."""
        self._stopped.set()
        if self._heart is not None:
            self._heart.join()
        if self._token is not None:
            self.store.delete(self._token)
            self._token = None

    def __enter__(self) -> RunLock:
        self._heart = threading.Thread(target=self._heartbeat, name="docbatch-lock-heartbeat", daemon=True)
        self._heart.start()
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        try:
            self.release()
        except Exception:
            # The run is already failing (its folder unreachable, say): that error is the one
            # to tell; a lock left behind is taken over once its process is gone.
            if exc_type is None:
                raise


def _parse(data: bytes) -> dict[str, Any]:
    try:
        holder = json.loads(data)
    except ValueError:
        return {}  # written by an older docbatch killed while taking it: stale
    return holder if isinstance(holder, dict) else {}


def _describe(holder: Mapping[str, Any]) -> str:
    return f"run {holder.get('run_id')} (pid {holder.get('pid')} on {holder.get('host')})"


def _mount_of(path: Path, mounts: Path) -> tuple[str, set[str]]:
    """The type and options of the file system holding ``path``: the deepest mount point above it
    in ``mounts`` (``/proc/self/mounts``; ("", set()) where there is none to read)."""
    try:
        table = mounts.read_text()
    except OSError:
        return "", set()
    target = os.path.realpath(path)
    best = ("", "", set[str]())
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])  # \040: a space
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[0]):
            best = (point, fields[2], set(fields[3].split(",")))
    return best[1], best[2]


def _boot_id() -> str | None:
    """This host's boot (Linux: random at every boot, shared by its containers), or None."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def _pid_namespace() -> int | None:
    """This process's pid namespace (Linux), or None where there is no such thing to read."""
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return None


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
