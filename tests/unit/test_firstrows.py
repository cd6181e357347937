"""The manifest's memory of first rows (sources, doc_ids) stays a fixed size on any manifest."""

from __future__ import annotations

import hashlib

from docbatch.firstrows import FirstRows


def _digest(i: int) -> int:
    return int.from_bytes(hashlib.blake2b(str(i).encode(), digest_size=8).digest(), "little") or 1


def test_past_its_limit_the_table_moves_to_disk_and_its_memory_stops_growing() -> None:
    table = FirstRows(spill_at=500)
    for i in range(500):
        table.setdefault(_digest(i), i + 1)
    assert table.on_disk and table.memory_slots == 0
    for i in range(500, 2000):
        table.setdefault(_digest(i), i + 1)
    assert table.memory_slots == 0


def test_a_repeat_names_its_first_row_before_and_after_the_move_to_disk() -> None:
    table = FirstRows(spill_at=100)
    assert table.setdefault(_digest(7), 8) == 8
    assert table.setdefault(_digest(7), 50) == 8  # in memory
    for i in range(100, 300):
        table.setdefault(_digest(i), i + 1)
    assert table.on_disk
    assert table.setdefault(_digest(7), 301) == 8  # recorded in memory, found on disk
    assert table.setdefault(_digest(250), 302) == 251  # recorded on disk
    assert table.setdefault(_digest(999), 303) == 303  # new


def test_digests_past_the_signed_64_bit_range_are_kept_apart() -> None:
    table = FirstRows(spill_at=1)
    high, low = (1 << 64) - 1, (1 << 63) - 1
    assert table.setdefault(high, 1) == 1
    assert table.setdefault(low, 2) == 2
    assert table.setdefault(high, 3) == 1 and table.setdefault(low, 4) == 2
