"""The first manifest row of each source and doc_id, in memory of a fixed size on any manifest.

The manifest reader rejects a repeated source or doc_id by naming the row that first held
it, so it remembers a 64-bit digest of every one.  Held in memory that is ~25 bytes a row,
two tables a manifest: 50 MB at a million rows, 500 MB at ten million, the only part of a
run that grew with the manifest.  So a table keeps its first ``spill_at`` digests in two
flat arrays (small manifests, most runs, pay nothing more) and then moves them all into a
private temporary SQLite database on disk, whose page cache is fixed (~11 µs of CPU a row).
"""

from __future__ import annotations

import array
import sqlite3

#: Digests held in memory before a table moves to disk (its arrays: 2 x 12 bytes a slot).
SPILL_AT = 1 << 17
#: The on-disk table's page cache, KiB (SQLite's negative cache_size).
_CACHE_KIB = 2048
_SIGNED = 1 << 63


class FirstRows:
    """digest -> first row number: ``setdefault`` records a digest's row or returns its first one.

    In memory an open-addressing table (linear probing, load <= 1/2; a dict entry with its
    int objects costs ~90 bytes, this 24 to 48); past ``spill_at`` digests, a temporary
    on-disk SQLite table (deleted when the object is).
    """

    def __init__(self, *, spill_at: int = SPILL_AT) -> None:
        self.spill_at = spill_at
        self._keys = array.array("Q", bytes(8 * 1024))  # 0 marks an empty slot
        self._rows = array.array("I", bytes(4 * 1024))
        self._used = 0
        self._db: sqlite3.Connection | None = None

    @property
    def on_disk(self) -> bool:
        return self._db is not None

    @property
    def memory_slots(self) -> int:
        """Slots of the in-memory arrays (0 once on disk)."""
        return len(self._keys)

    def setdefault(self, digest: int, row_no: int) -> int:
        """The row already holding ``digest`` (non-zero, 64-bit), or ``row_no`` after recording it."""
        if self._db is not None:
            return self._on_disk(digest, row_no)
        keys, mask = self._keys, len(self._keys) - 1
        slot = digest & mask
        while keys[slot]:
            if keys[slot] == digest:
                return self._rows[slot]
            slot = (slot + 1) & mask
        keys[slot], self._rows[slot] = digest, row_no
        self._used += 1
        if self._used >= self.spill_at:
            self._spill()
        elif 2 * self._used > len(keys):
            self._grow()
        return row_no

    def _grow(self) -> None:
        old = zip(self._keys, self._rows)
        size = 2 * len(self._keys)
        self._keys = array.array("Q", bytes(8 * size))
        self._rows = array.array("I", bytes(4 * size))
        self._used = 0
        for digest, row_no in old:
            if digest:
                self.setdefault(digest, row_no)

    def _spill(self) -> None:
        """Move every digest to a private temporary database on disk ("" = SQLite's own temp file)."""
        db = sqlite3.connect("", isolation_level=None)
        db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("CREATE TABLE first (digest INTEGER PRIMARY KEY, row_no INTEGER NOT NULL)")
        db.execute("BEGIN")  # never committed: the table lives as long as this object
        db.executemany("INSERT INTO first VALUES (?, ?)",
                       ((_signed(d), r) for d, r in zip(self._keys, self._rows) if d))
        self._db = db
        self._keys, self._rows = array.array("Q"), array.array("I")

    def _on_disk(self, digest: int, row_no: int) -> int:
        assert self._db is not None
        key = _signed(digest)
        if self._db.execute("INSERT OR IGNORE INTO first VALUES (?, ?)", (key, row_no)).rowcount == 1:
            return row_no
        return int(self._db.execute("SELECT row_no FROM first WHERE digest = ?", (key,)).fetchone()[0])


def _signed(digest: int) -> int:
    """A 64-bit digest as SQLite's signed INTEGER."""
    return digest - (1 << 64) if digest >= _SIGNED else digest
