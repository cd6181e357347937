"""The skew search: which slope lines words up with words beside them, in time linear in the words."""

from __future__ import annotations

import random
import sys

from docbatch.config import ParseSettings
from docbatch.parse.document import parse_document
from docbatch.parse.layout import Word, _SLOPES, _centre, _paired, estimate_skew
from docbatch.response import Box
from tests.support.responses import response_from_rows


def _paired_by_definition(ws: list[Word], slope: float, tol: float) -> int:
    """Every pair compared: a word is paired when a word whose centre is within ``tol`` of its
    own lies wholly left or right of it."""
    def apart(a: Box, b: Box) -> bool:
        return a.left > b.right or b.left > a.right

    return sum(1 for w in ws
               if any(v is not w and abs(_centre(v, slope) - _centre(w, slope)) <= tol and apart(w.box, v.box)
                      for v in ws))


def _random_page(rng: random.Random, n: int) -> list[Word]:
    words = []
    for _ in range(n):
        row = rng.randrange(12)
        left = rng.random() * 0.8
        words.append(Word("W", 90.0, Box(left, 0.05 + row * 0.06 + rng.gauss(0, 0.008) + left * rng.choice((0, 0.03)),
                                         rng.uniform(0.02, 0.25), 0.04)))
    return words


def test_pairs_counted_as_every_pair_compared_would_count_them() -> None:
    rng = random.Random(16)
    for _ in range(40):
        ws = _random_page(rng, rng.randrange(4, 60))
        for slope in (0.0, *_SLOPES[::4]):
            assert _paired(ws, slope, 0.01) == _paired_by_definition(ws, slope, 0.01)


def _page(slope: float) -> list[Word]:
    return [Word("W", 90.0, Box(0.05 + col * 0.3, 0.1 + row * 0.08 + slope * (0.05 + col * 0.3), 0.2, 0.04))
            for row in range(8) for col in range(3)]


def test_a_page_tilted_down_to_the_right_is_read_tilted_and_a_level_one_level() -> None:
    assert 0.02 < estimate_skew(_page(0.06), 0.04) <= 0.06
    assert estimate_skew(_page(-0.06), 0.04) < -0.02
    assert estimate_skew(_page(0.0), 0.04) == 0.0


def _calls_to_parse(copies: int) -> int:
    """Python calls made while parsing a garbage answer of one detection repeated ``copies``
    times: a count of work that, unlike a clock, does not depend on the machine's load."""
    response = response_from_rows([("TOTAL 12.50", 0.1, 0.5)] * copies + [("SHOP NAME", 0.1, 0.1)])
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        parse_document("receipt", response, ParseSettings())
    finally:
        sys.setprofile(None)
    return calls


def test_a_page_of_one_repeated_line_costs_work_linear_in_its_copies() -> None:
    """A garbage answer (one detection repeated) is parsed like any page, not stalled on its
    single band: comparing every pair in the band made the work grow four times for twice the
    copies (550 copies took 20 s, 2,200 over 5 minutes); now twice the copies cost about twice."""
    assert _calls_to_parse(400) < 2.5 * _calls_to_parse(200)
