"""Tiling: reading a document past its engine's word cap, as one DetectText answer.

Amazon Rekognition's DetectText returns at most 100 WORDs per image; most receipts hold
more.  When an answer holds ``word_cap`` WORDs, the rest is read in further calls on
horizontal bands of the image (a :class:`~docbatch.regions.Region`, which every engine
honours), and all answers are merged into one response in the full image's coordinates.

Which 100 words a service keeps is not documented, so nothing here relies on one choice:

* An answer under the cap is complete for its band.
* A capped answer is trusted only when it looks like the first words in reading order:
  it lists its lines top down, and every line above its last row is complete (as many
  WORD children as tokens in the LINE's text).  It is then trusted down to a cut just
  below its last complete row (in the gap, never through a line), and the rest is read
  from there.  The continuation starts higher when the cap leaves room, re-reading
  trusted rows: a line there that the capped answer lacks, or nothing past the cut the
  capped answer did not already hold, shows it was no prefix; its part is then read
  again in bands, and no capped answer of the document is trusted any more.
* Any other capped answer (the service kept its most confident words, or a sample) is
  trusted nowhere: its band is cut, in the gaps between the lines it shows, into bands
  planned to come back under the cap (the text it hid estimated from the lines it cut
  short), and each band is read the same way.

Each band owns the lines whose centre lies in it (bands partition the image; a band is
read with one line height of overlap on each side as the safety net, so a line near a
cut is whole in the band that owns it).  Lines touching a band's inner edge are ignored
(a crop may show half a line); a line two answers both own (an OCR box straddling a cut)
is kept once (same text, overlapping boxes); where a band re-read a line the first answer
holds whole, the first answer's reading is kept (an OCR reads a line best with the whole
page around it).  Ids are renumbered, LINEs first and then their WORDs with ParentIds kept
consistent; geometry is mapped back from each band's frame (the first answer's
detections are kept as they came).

What cannot be cut (one row of ``word_cap`` words) or the call budget (``max_tiles``)
ends tiling with words still lost: :attr:`TiledAnswer.lost`, the document's
``word_cap_hit``.  A service that lists lines top down, keeps a prefix of them, yet drops
whole lines above its last one (a second column listed after the first) is caught only
where the continuation re-reads; above that, such lines stay lost unseen.

No tiling up front (bands before any whole-image answer when the image's shape says the
text will not fit): it does not pay.  A whole-image answer that is a reading-order prefix
is trusted down to its last complete row, so it is no wasted call (SROIE perfect lines:
1.69 calls per receipt, bound 1.64); blind bands cut lines and need overlap; the shape
predicts badly (150 SROIE images: words vs height/width r = 0.52; 3 of 24 over 2.5 fit 100).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .regions import FULL, Region, box, to_full
from .response import detections, words
from .tile_merge import Answer, Line, merge, overlaps, same, touches_edge, within

#: The engine's answer for a region (None: the whole image), in that region's frame.
Reader = Callable[[Region | None], Mapping[str, Any]]

#: Calls spent on one document at most (the first included).
MAX_TILES = 16
#: A band planned for a read should hold about this share of the cap (the rest is slack
#: for lines the capped answer did not show).
PLAN_FILL = 0.75
#: A continuation re-reads trusted rows above its cut up to this share of the cap.
VERIFY_FILL = 0.8


@dataclass(frozen=True)
class TiledAnswer:
    """The merged answer, how many answers went into it, and whether words are still lost."""

    response: dict[str, Any]
    tiles: int
    lost: bool
    #: Where one band's lines end and the next one's begin (full-image 0..1), top down.
    cuts: tuple[float, ...] = ()


@dataclass
class _Row:
    lines: list[Line] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(ln.top for ln in self.lines)

    @property
    def bottom(self) -> float:
        return max(ln.bottom for ln in self.lines)

    @property
    def n_words(self) -> int:
        return sum(ln.n_words for ln in self.lines)


def n_words(response: Mapping[str, Any]) -> int:
    """The answer's WORDs, counted against the engine's word cap: an answer holding the cap may
    have lost words past it, so it is read on in bands."""
    return len(words(response))


def read_tiled(read: Reader, *, word_cap: int, image_height: int | None = None,
               max_tiles: int = MAX_TILES) -> TiledAnswer:
    """Read a document with ``read`` (one call per answer), tiling when an answer is capped.

    ``image_height`` (pixels, when known) snaps band edges to pixel rows, so a crop shows
    exactly the band asked for.  An answer under the cap comes back untouched.
    """
    first = read(None)
    if n_words(first) < word_cap:
        return TiledAnswer(dict(first), 1, False)
    tiler = _Tiler(read, word_cap, image_height, max_tiles)
    answer = tiler.parse(FULL, first)
    tiler.overlap = _overlap(answer.lines)
    tiler.cover(0.0, 1.0, answer)
    cuts = tuple(sorted({a for a, _, _ in tiler.owned if a > 0}))
    merged = merge(tiler.owned, tiler.overlap / 4, first, whole=answer)
    return TiledAnswer(merged, tiler.calls, tiler.lost, cuts)


def _overlap(lines: list[Line]) -> float:
    """One median line height (the overlap between bands), within sane bounds."""
    if not lines:
        return 0.02
    return min(max(statistics.median(ln.bottom - ln.top for ln in lines), 0.004), 0.1)


def _rows(lines: list[Line]) -> list[_Row]:
    """Lines grouped into visual rows, top to bottom (a line joins a row its centre lies in)."""
    rows: list[_Row] = []
    for ln in sorted(lines, key=lambda x: (x.top, x.left)):
        if rows and rows[-1].top <= ln.cy <= rows[-1].bottom:
            rows[-1].lines.append(ln)
        else:
            rows.append(_Row([ln]))
    return rows


def _gap(upper: _Row, lower: _Row) -> float:
    """A cut between two rows: the middle of the gap (or of the centres, if they overlap)."""
    if lower.top >= upper.bottom:
        return (upper.bottom + lower.top) / 2
    return (max(ln.cy for ln in upper.lines) + min(ln.cy for ln in lower.lines)) / 2


class _Tiler:
    def __init__(self, read: Reader, cap: int, height: int | None, max_tiles: int) -> None:
        self.read = read
        self.cap = cap
        self.height = height
        self.max_tiles = max_tiles
        self.calls = 1
        self.overlap = 0.02
        self.owned: list[tuple[float, float, Answer]] = []
        self.lost = False
        #: Set once a continuation showed that a prefix-shaped answer was no prefix: the
        #: service does not keep its first words, so no capped answer is trusted any more.
        self.distrust = False

    # -- answers --------------------------------------------------------------------------
    def parse(self, region: Region, response: Mapping[str, Any]) -> Answer:
        dets = [to_full(d, region) for d in detections(response)]
        lines: dict[Any, Line] = {}
        for d in dets:
            b = box(d)
            if d.get("Type") == "LINE" and b is not None and d.get("Id") not in lines:
                lines[d.get("Id")] = Line(d, [], *b)
        orphans = []
        for d in dets:
            if d.get("Type") != "WORD":
                continue
            parent = lines.get(d.get("ParentId")) if "ParentId" in d else None
            if parent is not None:
                parent.words.append(d)
            elif box(d) is not None:
                orphans.append(d)
        return Answer(region, response, list(lines.values()), orphans, n_words(response))

    def call(self, top: float, bottom: float) -> Answer:
        region = self.band(top, bottom)
        self.calls += 1
        return self.parse(region, self.read(region))

    def band(self, top: float, bottom: float) -> Region:
        """The band ``top..bottom`` widened by the overlap (not past the image), on the pixel grid."""
        top = 0.0 if top <= 0 else max(0.0, top - self.overlap)
        bottom = 1.0 if bottom >= 1 else min(1.0, bottom + self.overlap)
        grid = self.height or 1_000_000
        top = math.floor(top * grid + 1e-9) / grid
        bottom = min(1.0, max(math.ceil(bottom * grid - 1e-9) / grid, top + 1 / grid))
        return Region.band(top, bottom)

    def own(self, a: float, b: float, answer: Answer) -> None:
        if b > a:
            self.owned.append((a, b, answer))

    # -- planning ---------------------------------------------------------------------------
    def cover(self, a: float, b: float, answer: Answer) -> None:
        """Make the band ``a..b`` owned by complete answers, ``answer`` being one that holds it."""
        if answer.n_words < self.cap:
            self.own(a, b, answer)
            return
        rows = _rows([ln for ln in answer.lines if within(ln.cy, a, b)])
        if self.calls >= self.max_tiles or (len(rows) == 1 and rows[0].n_words >= self.cap):
            self.own(a, b, answer)  # out of budget, or one row holds the cap: it cannot be cut
            self.lost = True
            return
        if len(rows) >= 2 and not self.distrust and _listed_top_down(answer.lines) \
                and all(ln.complete for row in rows[:-1] for ln in row.lines):
            self.continue_after(a, b, answer, rows)
        else:
            self.certify(a, b, answer.lines)

    def continue_after(self, a: float, b: float, answer: Answer, rows: list[_Row]) -> None:
        """Trust a prefix-shaped answer down to its last complete row and read the rest from
        just below it (not from the middle of the gap: the gap may hold text the answer
        dropped whole, when the service's order is not strictly top to bottom).

        The continuation starts higher when the cap leaves room (:meth:`_verify_from`): the
        rows it reads again check the trust, for free; a line there the capped answer did
        not show means it was no prefix, and the part above is read again in bands.
        """
        upper, lower = rows[-2], rows[-1]
        cut = upper.bottom + min((lower.top - upper.bottom) / 2, self.overlap / 2) \
            if lower.top > upper.bottom else _gap(upper, lower)
        start = self._verify_from(a, cut, b, rows[:-1])
        rest = self.call(start, b)
        if self.prefix_confirmed(answer, rest, cut, b, rows[-1]):
            self.own(a, start, answer)
        else:
            self.distrust = True
            self.certify(a, start, [ln for ln in answer.lines + rest.lines if ln.cy < start], capped=False)
        self.cover(start, b, rest)

    def _verify_from(self, a: float, cut: float, b: float, trusted: list[_Row]) -> float:
        """Where the continuation starts: above the cut by as many trusted rows as the cap
        leaves room for, after the words expected below the cut (the density above it)."""
        above = sum(r.n_words for r in trusted)
        expected = above / max(cut - a, 1e-6) * (b - cut)
        room = VERIFY_FILL * self.cap - expected
        start = cut
        for upper, row in zip(trusted[-2::-1], trusted[::-1]):
            room -= row.n_words
            if room < 0:
                break
            start = upper.bottom + min(max(row.top - upper.bottom, 0.0) / 2, self.overlap / 2)
        return start

    def prefix_confirmed(self, answer: Answer, rest: Answer, cut: float, b: float, last: _Row) -> bool:
        """Whether the continuation agrees that ``answer`` held everything above the cut."""
        eps = self.overlap / 4
        seen = [ln for ln in rest.lines if not touches_edge(ln, rest.region, eps)]
        for ln in seen:
            if ln.cy < cut and not any(overlaps(ln, other) for other in answer.lines):
                return False  # a line above the cut the capped answer did not show
        found = sum(ln.n_words for ln in seen if within(ln.cy, cut, b))
        # A capped prefix stops before text it did not return: a line it cut short, or
        # more past the cut than its own last row (or the continuation is capped too).
        return (rest.n_words >= self.cap or any(not ln.complete for ln in last.lines)
                or found > last.n_words)

    def certify(self, a: float, b: float, known: list[Line], *, capped: bool = True) -> None:
        """Read ``a..b`` again in bands cut between the known lines, each planned under the cap
        (``capped``: an answer for ``a..b`` held the cap, so it holds at least that many words)."""
        if b <= a:
            return
        rows = _merge_rows(_rows([ln for ln in known if within(ln.cy, a, b)]))
        estimate = max(_estimate(rows), self.cap if capped else 0)
        k = max(2 if capped else 1, math.ceil(estimate / (PLAN_FILL * self.cap)))
        if k == 1:
            cuts: list[float] = []
        elif len(rows) >= 2:
            cuts = _cuts(rows, min(k, len(rows)))
        elif b - a > 4 * self.overlap:
            cuts = [a + (b - a) * j / k for j in range(1, k)]  # nothing known to cut between
        else:
            cuts = []
        if not cuts and capped:
            self.lost = True  # one row holds the cap, or the band is too thin to cut
            self.own(a, b, _known(known))
            return
        edges = [a, *cuts, b]
        for top, bottom in zip(edges, edges[1:]):
            if self.calls >= self.max_tiles:
                self.lost = True
                self.own(top, bottom, _known(known))
                continue
            self.cover(top, bottom, self.call(top, bottom))


def _known(lines: list[Line]) -> Answer:
    """The lines seen so far (of several answers, each once) standing in for an answer
    that could not be had: what tiling gives up with is still merged."""
    unique: list[Line] = []
    for ln in lines:
        if not any(same(ln, u) for u in unique):
            unique.append(ln)
    return Answer(FULL, {}, unique, [], 0)


def _estimate(rows: list[_Row]) -> float:
    """The words a band holds, from the lines a capped answer showed of it (plus a tenth).

    If the answer kept each word with a chance ``p`` whatever its line, a line of ``k``
    words shows with chance ``1 - (1-p)**k`` and then shows ``p*k / (1 - (1-p)**k)`` of its
    words on average: ``p`` is solved from the share of words the shown lines kept, and
    the lines shown are scaled up by their chance of showing.
    """
    lines = [ln for row in rows for ln in row.lines]
    tokens = sum(ln.n_words for ln in lines)
    if not lines or not tokens:
        return 0.0
    kept = min(1.0, sum(len(ln.words) for ln in lines) / tokens)
    k = tokens / len(lines)
    lo, hi = 1e-3, 1.0
    for _ in range(40):  # kept share of shown lines rises with p: bisect
        p = (lo + hi) / 2
        if p / (1.0 - (1.0 - p) ** k) < kept:
            lo = p
        else:
            hi = p
    shown = 1.0 - (1.0 - hi) ** k
    return 1.1 * tokens / max(shown, 0.1)


def _listed_top_down(lines: list[Line]) -> bool:
    """Whether the answer lists its lines row by row, top down (a line may come back at
    most one row above the lowest row listed so far: neighbouring rows of a skewed page).

    Only then can a capped answer be a prefix: a service that lists lines in another
    order (by column, by block) may have dropped whole lines anywhere above its last one.
    """
    row_of = {id(ln): i for i, row in enumerate(_rows(lines)) for ln in row.lines}
    lowest = 0
    for ln in lines:
        row = row_of[id(ln)]
        if row < lowest - 1:
            return False
        lowest = max(lowest, row)
    return True


def _merge_rows(rows: list[_Row]) -> list[_Row]:
    """Rows of several answers overlap (the same text seen twice): merge touching rows."""
    out: list[_Row] = []
    for row in rows:
        if out and row.top < out[-1].bottom and min(ln.cy for ln in row.lines) <= out[-1].bottom:
            out[-1].lines.extend(row.lines)
        else:
            out.append(_Row(list(row.lines)))
    for row in out:  # a line seen twice counts once
        unique: list[Line] = []
        for ln in row.lines:
            if not any(overlaps(ln, u) for u in unique):
                unique.append(ln)
        row.lines = unique
    return out


def _cuts(rows: list[_Row], k: int) -> list[float]:
    """``k - 1`` cuts in the gaps between rows, splitting their words as evenly as possible."""
    counts = [r.n_words for r in rows]
    total = sum(counts) or len(rows)
    running, cuts, j = 0, [], 1
    for i in range(len(rows) - 1):
        running += counts[i] or 1
        if running >= total * j / k and len(cuts) < k - 1:
            cuts.append(_gap(rows[i], rows[i + 1]))
            j += 1
    return sorted(set(cuts))


