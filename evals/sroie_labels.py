"""SROIE keys that spell a word otherwise than the same receipt's own transcription.

SROIE's key (``key/NNN.json``: company, address) was typed apart from the line transcription
of the same receipt (``box/NNN.csv``), and now and then spells a word differently: ``BATANG
BEJUNTAL`` where the box line reads ``BATANG BERJUNTAI``, ``RSTORAN`` / ``RESTORAN``,
``SELANGIR`` / ``SELANGOR``.  On images (``--ocr-local``, ``--responses``) the box lines are a
second human reading of the print, independent of the engine's: a value read from the image
that spells such a word as the box does agrees with one of two readings that disagree, and is
not counted wrong (the evaluation prints each such word; ``--raw-labels`` scores the keys as
typed).  On perfect lines the box lines are the input itself, so the keys are used as typed
(the transcription has slips of its own: ``ENTYERPRISE``, ``KWANSAN``).

A key word counts as spelt otherwise when it is made of letters, is read nowhere in the box
lines, and the box lines holding a word next to it in the key hold exactly one word that is
not in the key and is close to it: one edit away, two for words of six letters or more.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Key fields checked against the box lines (the free-text ones; dates and totals are not spelt).
TEXT_FIELDS = ("company", "address")


def box_rows(csv_path: Path) -> list[tuple[list[float], str]]:
    """Each ``box/`` line's eight corner coordinates and its transcribed text (the rest of the row)."""
    rows: list[tuple[list[float], str]] = []
    for raw in csv_path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = raw.split(",", 8)
        if len(parts) < 9:
            continue
        try:
            coords = [float(p) for p in parts[:8]]
        except ValueError:
            continue
        if parts[8].strip():
            rows.append((coords, parts[8].strip()))
    return rows


def box_lines(csv_path: Path) -> list[str]:
    """The transcribed text of each ``box/`` line."""
    return [text for _, text in box_rows(csv_path)]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Z0-9]+", text.upper())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def box_spellings(value: str, lines: list[str]) -> list[tuple[str, str]]:
    """``(key word, box word)`` for each word of ``value`` the box lines spell otherwise (module doc)."""
    words = _words(value)
    in_key = set(words)
    line_words = [set(_words(line)) for line in lines]
    everywhere = set().union(*line_words) if line_words else set()
    found = []
    for i, word in enumerate(words):
        if not word.isalpha() or word in everywhere:
            continue
        neighbours = {w for w in words[max(0, i - 1):i] + words[i + 1:i + 2]}
        near = {w for ws in line_words if ws & neighbours for w in ws
                if w not in in_key and w.isalpha()
                and edit_distance(word, w) <= (2 if len(word) >= 6 else 1)}
        if len(near) == 1:
            found.append((word, near.pop()))
    return found


def respelt(value: str, spellings: list[tuple[str, str]]) -> str:
    """``value`` upper-cased with each key word of ``spellings`` replaced by the box's spelling."""
    out = value.upper()
    for word, box_word in spellings:
        out = re.sub(rf"(?<![A-Z0-9]){word}(?![A-Z0-9])", box_word, out)
    return out
