"""Finding the MRZ in a DetectText response.

The page is read twice, top to bottom: as visual rows (words joined by geometry) and as
the engine's LINEs; lines that look like MRZ text are taken in windows of three (TD1) and
two (the other formats), each window repaired and decoded by :func:`.mrz_repair.read_mrz`.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ...response import box_of, lines as response_lines, read_by_local_model
from ..layout import visual_rows
from .mrz_decode import FILLER, Mrz
from .mrz_repair import normalise, read_mrz
from .mrz_resolve import LOCAL_ENGINE_MISREADS


#: Three fillers in a row, as read upright (``<<<`` and its look-alikes) or upside down (``>>>``).
_FILLER_RUN = re.compile(r"<{3}|>{3}")


def has_mrz_marks(response: Mapping[str, Any]) -> bool:
    """Does any line carry a run of MRZ fillers?  Printed text has none, so a page with one
    holds a machine-readable zone even where :func:`find_mrz` could not decode it."""
    texts = [str(d.get("DetectedText", "")) for d in response_lines(response)]
    return any(_FILLER_RUN.search(text) or _FILLER_RUN.search(normalise(text)) for text in texts)


#: An MRZ's first line opens with a document code and the issuing state (``P<UTO``, ``IDESP``,
#: ``V<D<<``): a names line filled to its end by a long name has no filler to show it is one.
_OPENING = re.compile(r"[PIACV][A-Z<][A-Z<]{3}")


def _looks_like_mrz_line(text: str) -> bool:
    if sum(c.islower() for c in text) > 2:
        return False
    norm = normalise(text)
    if len(norm) < 24:
        return False
    return (norm.count(FILLER) >= 2 or sum(c.isdigit() for c in norm) >= 0.4 * len(norm)
            or len(norm) >= 28 and bool(_OPENING.match(norm)))


def _candidate_lines(response: Mapping[str, Any]) -> list[list[tuple[str, float]]]:
    """Two readings of the page, top to bottom: visual rows and the engine's LINEs."""
    rows = [("".join(w.text for w in row.words), row.confidence, (row.top + row.bottom) / 2)
            for row in visual_rows(response)]
    lns = []
    for det in response_lines(response):
        box = box_of(det)
        lns.append((str(det.get("DetectedText", "")), float(det.get("Confidence", 0.0)),
                    box.top + box.height / 2 if box else 0.0))
    return [_zone_lines([(t, c) for t, c, _ in sorted(src, key=lambda r: r[2])]) for src in (rows, lns)]


#: A names line with nothing but letters (and fillers): a TD1 card's third line filled to its
#: end by a 30-letter name shows neither filler, digit nor document code.
_NAMES_ONLY = re.compile(r"[A-Z<]{24,}")


def _zone_lines(ordered: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The lines of ``ordered`` (top to bottom) that look like MRZ lines, and a line of letters
    right below one: printed text of that length holds spaces, so only a zone's names line does."""
    kept = []
    below_zone_line = False
    for text, conf in ordered:
        zone_line = _looks_like_mrz_line(text)
        if zone_line or below_zone_line and sum(c.islower() for c in text) <= 2 \
                and _NAMES_ONLY.fullmatch(normalise(text)):
            kept.append((text, conf))
        below_zone_line = zone_line
    return kept


def _misreads(response: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    """The swaps undoing the commonest misreads of the engine that answered: measured for the
    local engine alone (:func:`~docbatch.response.read_by_local_model`), so none for the others."""
    return LOCAL_ENGINE_MISREADS if read_by_local_model(response) else frozenset()


def find_mrz(response: Mapping[str, Any]) -> Mrz | None:
    """The best MRZ among the detections, or None when the page carries none."""
    best: Mrz | None = None
    misread = _misreads(response)
    for cands in _candidate_lines(response):
        for size in (3, 2):
            for i in range(len(cands) - size + 1):
                window = cands[i:i + size]
                mrz = read_mrz([t for t, _ in window], confidences=[c for _, c in window], misread=misread)
                if mrz is None or len(mrz.failed) > 3:
                    continue
                if best is None or (len(mrz.failed), -len(mrz.lines)) < (len(best.failed), -len(best.lines)):
                    best = mrz
    return best
