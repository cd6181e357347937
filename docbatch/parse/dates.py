"""Dates and times as printed on receipts, with their ambiguity made explicit.

Regex-first on purpose: ``dateutil`` and ``dateparser`` resolve ``03/04/2018`` silently
(and dateparser costs milliseconds per call on hundreds of candidate strings per receipt),
while an analyst needs to know the reading was a guess.  Every candidate here reports the
orders it could be read in; the caller picks with the job's hint, or evidence from the same
receipt, and flags what stays ambiguous.

Families: ``2018-12-25``/``2018.12.25`` (year first), ``25/12/2018``/``12-25-18``
(day/month order from the hint), ``25 DEC 2018``/``25-Dec-18``/``Dec 25, 2018`` (month
names in English and Malay, three-letter prefixes), ``20181225`` (compact, only where the
caller says the row is labelled a date).  OCR confusions inside digit runs (O/0, I/1, S/5)
are repaired before matching, at a lowered certainty.  Where the caller asks (a receipt with
no date read otherwise), a separator OCR lost is put back, at half certainty: one dropped between
day and month (``2703/2018``), or read as a space (``05 02-18``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .money import OCR_DIGITS

#: Month-name prefixes (English, Malay, Spanish/French/German/Portuguese where they differ).
_MONTHS: dict[str, int] = {
    "JAN": 1, "FEB": 2, "FEV": 2, "MAR": 3, "MAC": 3, "APR": 4, "ABR": 4, "AVR": 4, "MAY": 5,
    "MEI": 5, "MAI": 5, "JUN": 6, "JUL": 7, "JUI": 7, "AUG": 8, "OGO": 8, "AGO": 8, "AOU": 8,
    "SEP": 9, "SET": 9, "OCT": 10, "OKT": 10, "OUT": 10, "NOV": 11, "DEC": 12, "DIS": 12,
    "DIC": 12, "DEZ": 12,
}
_MON = r"(?P<mon>[A-Za-z]{3})[A-Za-z]{0,6}\.?"
_SEP = r"[\s\-/.,]*"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("YMD", re.compile(r"(?<![\w.,])(?P<y>(?:19|20)\d\d)\s?[-/.]\s?(?P<a>\d{1,2})\s?[-/.]\s?(?P<b>\d{1,2})(?!\d)")),
    ("NUM", re.compile(r"(?<![\w.,])(?P<a>\d{1,2})\s?(?P<s>[-/.])\s?(?P<b>\d{1,2})\s?(?P=s)\s?(?P<y>\d{4}|\d{2})(?:(?!\d)|(?=\d{1,2}:\d\d))")),
    ("DMonY", re.compile(rf"(?<!\d)(?P<a>\d{{1,2}}){_SEP}{_MON}{_SEP}(?P<y>\d{{4}}|\d{{2}})(?!\d)")),
    ("MonDY", re.compile(rf"(?<![A-Za-z]){_MON}{_SEP}(?P<a>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<y>\d{{4}})(?!\d)")),
]
_COMPACT = re.compile(r"(?<!\d)(?P<y>20\d\d)(?P<a>[01]\d)(?P<b>[0-3]\d)(?!\d)")
_TIME = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])\s?[:.]\s?(?P<m>[0-5]\d)(?:\s?[:.]\s?(?P<s>[0-5]\d))?(?!\d)"
    r"(?:\s?(?P<ampm>[AaPp])\.?\s?[Mm]\b)?"
)


@dataclass(frozen=True)
class DateCandidate:
    """One date found in a text, with every reading it allows."""

    readings: dict[str, dt.date]  # order ("DMY", "MDY", "YMD") -> date
    start: int
    end: int
    certainty: float  # lowered when OCR repairs were needed

    @property
    def ambiguous(self) -> bool:
        return len(set(self.readings.values())) > 1

    def pick(self, order: str | None) -> tuple[dt.date, bool]:
        """The reading for ``order`` (default: day first), and whether it was a choice."""
        if order in self.readings:
            return self.readings[order], False
        if len(self.readings) == 1:
            return next(iter(self.readings.values())), False
        return self.readings.get("DMY") or next(iter(self.readings.values())), self.ambiguous


def _year(text: str, pivot: int) -> int:
    y = int(text)
    if len(text) == 4:
        return y
    century = pivot // 100 * 100
    return century + y if century + y <= pivot + 1 else century - 100 + y


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _repair(text: str) -> str:
    """Digits for look-alike letters, only inside runs that are mostly digits."""
    return re.sub(
        r"(?<![A-Za-z])[\dOoIlS]{1,4}(?=[-/.:])|(?<=[-/.:])[\dOoIlS]{1,4}(?![A-Za-z])",
        lambda m: m.group(0).translate(OCR_DIGITS) if sum(c.isdigit() for c in m.group(0)) else m.group(0),
        text,
    )


#: Two digits glued to two more before a separator and a four-digit year (``2703/2018``), and one or two
#: digits then a space where the separator after them stands (``05 02-18``): OCR lost the first separator.
_LOST_SEPARATOR = (
    re.compile(r"(?<![\w.,/\-])(\d{2})(\d{2})([-/.])((?:19|20)\d\d)(?![\d/\-])"),
    re.compile(r"(?<![\w.,/\-])(\d{1,2}) (\d{1,2})([-/.])(\d{4}|\d{2})(?![\d/\-])"),
)


def _restore_separator(text: str) -> str:
    """``text`` with a date's lost first separator put back (see :data:`_LOST_SEPARATOR`)."""
    for pattern in _LOST_SEPARATOR:
        text = pattern.sub(r"\1\3\2\3\4", text)
    return text


def find_dates(text: str, *, pivot_year: int, compact: bool = False, min_year: int = 1990,
               lost_separator: bool = False) -> list[DateCandidate]:
    """Every date in ``text``; two-digit years land in the century that puts them <= pivot+1.

    Years before ``min_year`` are misreads on a receipt; a birth date needs an earlier one.
    ``lost_separator``: when nothing else reads, a date whose first separator OCR lost is
    read with it put back, at half certainty.
    """
    out: list[DateCandidate] = []
    passes = [(text, 1.0)]
    repaired = _repair(text)
    if repaired != text:
        passes.append((repaired, 0.7))
    restored = _restore_separator(repaired) if lost_separator else repaired
    if restored != repaired:
        passes.append((restored, 0.5))
    for source, certainty in passes:
        if out:
            break
        taken: list[tuple[int, int]] = []
        patterns = _PATTERNS + ([("YMD", _COMPACT)] if compact else [])
        for family, pattern in patterns:
            for m in pattern.finditer(source):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                readings = _readings(family, m, pivot_year, min_year)
                if readings:
                    taken.append((m.start(), m.end()))
                    out.append(DateCandidate(readings, m.start(), m.end(), certainty))
    out.sort(key=lambda c: c.start)
    return out


def _readings(family: str, m: re.Match[str], pivot: int, min_year: int) -> dict[str, dt.date]:
    y = _year(m.group("y"), pivot)
    if not min_year <= y <= pivot + 10:
        return {}
    if family == "YMD":
        d = _date(y, int(m.group("a")), int(m.group("b")))
        return {"YMD": d} if d else {}
    if family in ("DMonY", "MonDY"):
        month = _MONTHS.get(m.group("mon").upper())
        d = _date(y, month, int(m.group("a"))) if month else None
        return {"DMY": d, "MDY": d} if d else {}
    a, b = int(m.group("a")), int(m.group("b"))
    out = {}
    for order, (day, month) in (("DMY", (a, b)), ("MDY", (b, a))):
        d = _date(y, month, day)
        if d:
            out[order] = d
    return out


def find_time(text: str) -> tuple[dt.time, int, int] | None:
    """The first clock time in ``text`` (``20:49:59``, ``8:13 PM``), with its span."""
    for m in _TIME.finditer(text):
        h, mi = int(m.group("h")), int(m.group("m"))
        s = int(m.group("s") or 0)
        ampm = (m.group("ampm") or "").upper()
        if m.group(0).count(".") and not m.group("s") and not ampm:
            continue  # "12.50" is money, not a time
        if ampm == "P" and h < 12:
            h += 12
        elif ampm == "A" and h == 12:
            h = 0
        if h > 23:
            continue
        return dt.time(h, mi, s), m.start(), m.end()
    return None


def date_and_time_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s dates and of its first clock time: ``DATE : 21-03-2018 13:29:51``
    and ``10:43AM 568582 24-01-18`` hold phone-shaped digit runs that are no phone."""
    spans = [(d.start, d.end) for d in find_dates(text, pivot_year=2100)]
    if time := find_time(text):
        spans.append(time[1:])
    return spans


def plausible(date: dt.date, run_date: dt.date, *, max_age_years: int = 10) -> bool:
    """Not in the future (a day of timezone slack) and not older than ``max_age_years``."""
    oldest = run_date.replace(year=run_date.year - max_age_years) if not (
        run_date.month == 2 and run_date.day == 29
    ) else dt.date(run_date.year - max_age_years, 2, 28)
    return oldest <= date <= run_date + dt.timedelta(days=1)
