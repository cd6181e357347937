"""Licence cards as the licence tests write them: the words an OCR answer read off a card, parsed
on one fixed run date, and the review level a doubted field's confidence falls under.

The tests' cards are real answers (synthetic cards read by the embedded engine, or public
specimens), written out as word lists so that a test names its card and states what the parser
reads off it: ``card = read_card(_ARIZONA)``, then ``card.values[...]`` and
``card.confidence[...] < REVIEW``.
"""

from __future__ import annotations

import datetime as dt

from docbatch.parse.catalog import REVIEW_LEVEL
from docbatch.parse.identity.licence import parse_licence
from docbatch.parse.identity.licence_fields import LicenceFields

from .responses import response_from_rows, response_from_words

#: The run date the cards are parsed on (expiry dates are judged against it).
RUN = dt.date(2026, 6, 1)
#: A field whose confidence is under this asks for review (the catalogue's review level).
REVIEW = REVIEW_LEVEL

#: A word as the embedded engine boxed it: ``(text, confidence, left, top, width, height)``.
Word = tuple[str, float, float, float, float, float]
#: A row of text drawn for a test: ``(text, left, top)``, words apportioned by characters.
Row = tuple[str, float, float]


def read_card(words: list[Word], *, run_date: dt.date = RUN) -> LicenceFields:
    """The licence fields parsed from a card's words (each its own LINE, as the local engine answers)."""
    return parse_licence(response_from_words(words), run_date=run_date)


def read_rows(rows: list[Row], *, run_date: dt.date = RUN) -> LicenceFields:
    """The licence fields parsed from rows of text written for a test (full confidence)."""
    return parse_licence(response_from_rows(rows), run_date=run_date)
