"""Reaching into a run folder's answer packs the way damage does: a flipped byte, a torn tail."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from docbatch.answerpack import parse_place, place as place_of, record


def place(out: Path, doc_id: str) -> tuple[Path, int, int]:
    """The pack, offset and length of ``doc_id``'s answer as the run folder's journal records it."""
    db = sqlite3.connect(out / "state.sqlite")
    try:
        (at,) = db.execute("SELECT raw_at FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    finally:
        db.close()
    name, offset, length = parse_place(at)
    return out / "raw" / name, offset, length


def damage(out: Path, doc_id: str) -> None:
    """Flip the bytes in the middle of ``doc_id``'s record (its header left whole)."""
    pack, offset, length = place(out, doc_id)
    data = bytearray(pack.read_bytes())
    middle = offset + length // 2
    data[middle:middle + 4] = bytes(b ^ 0xFF for b in data[middle:middle + 4])
    pack.write_bytes(bytes(data))


def tear(out: Path, doc_id: str) -> None:
    """Cut the pack inside ``doc_id``'s record, as a run killed while writing it leaves it."""
    pack, offset, length = place(out, doc_id)
    with open(pack, "r+b") as fh:
        fh.truncate(offset + length // 2)


def forget(out: Path, doc_ids: list[str]) -> None:
    """What a SIGKILL leaves of the journal: the rows of its open group (``doc_ids``) never
    committed, and no run that got to its end."""
    db = sqlite3.connect(out / "state.sqlite")
    try:
        db.executemany("DELETE FROM documents WHERE doc_id = ?", [(d,) for d in doc_ids])
        db.execute("UPDATE runs SET finished_at = NULL, outcome = NULL")
        db.commit()
    finally:
        db.close()


def resave(out: Path, doc_id: str, answer: dict) -> None:
    """Save ``answer`` as ``doc_id``'s, as a docbatch that did not check it would have: a
    record appended to the pack, the journal pointed at it."""
    pack, _, _ = place(out, doc_id)
    offset = pack.stat().st_size
    data = record(doc_id, json.dumps(answer).encode() + b"\n")
    with open(pack, "ab") as fh:
        fh.write(data)
    db = sqlite3.connect(out / "state.sqlite")
    try:
        db.execute("UPDATE documents SET raw_at = ? WHERE doc_id = ?", (place_of(pack.name, offset, len(data)), doc_id))
        db.commit()
    finally:
        db.close()
