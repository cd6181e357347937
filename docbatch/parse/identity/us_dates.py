"""US-style dates as printed on licences: MM/DD/YYYY and its OCR-damaged variants.

Licences print month first; OCR drops or swaps separators and misreads years, so a
date here is the first *plausible* reading (a real calendar date, year 1900-2099).
"""

from __future__ import annotations

import datetime as dt
import re

US_DATE_RE = re.compile(r"(\d{2})\s?[/.-]\s?(\d{2})(?:\s?[/.-]\s?(\d{4})|((?:19|20)\d{2}))")
_SHORT_DATE_RE = re.compile(r"(?<![\d/.-])(\d{2})[/.-](\d{2})[/.-](\d{2})(?![\d/.-])")
_COMPACT_DATE_RE = re.compile(r"(?<!\d)(0[1-9]|1[0-2])([0-2]\d|3[01])((?:19|20)\d{2})(?!\d)")


def us_date(text: str, *, compact: bool = False, birth: bool = False,
            run_date: dt.date | None = None) -> dt.date | None:
    """The first plausible MM/DD/YYYY (or MM-DD-YYYY, MM.DD.YYYY) date.

    With ``compact`` (after a date label) MMDDYYYY too, and with ``run_date`` MM/DD/YY,
    its century chosen as for MRZ dates (a birth is never in the future; an expiry is
    at most 50 years ahead).  Elsewhere eight or six digits are as likely a number as a
    date.  A year outside 1900-2099 is a misread (``2618``), not a date.
    """
    for m in US_DATE_RE.finditer(text):
        d = plausible_date(int(m.group(3) or m.group(4)), int(m.group(1)), int(m.group(2)))
        if d:
            return d
    m = _COMPACT_DATE_RE.search(text) if compact else None
    if m:
        return plausible_date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    m = _SHORT_DATE_RE.search(text) if compact and run_date else None
    if m and run_date:
        year = run_date.year // 100 * 100 + int(m.group(3))
        if birth and year > run_date.year or not birth and year > run_date.year + 50:
            year -= 100
        d = plausible_date(year, int(m.group(1)), int(m.group(2)))
        return d if d and not (birth and d > run_date) else None
    return None


def plausible_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when the digits are no calendar date or the year is outside 1900-2099:
    an OCR-damaged reading (a 13th month, a year 2908) is passed over for the next one."""
    if not 1900 <= year <= 2099:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
