"""ICAO 9303 machine readable zones as strings: formats, check digits, decoding.

Formats: TD1 (3 x 30, ID cards), TD2 (2 x 36), TD3 (2 x 44, passports), MRV-A (2 x 44)
and MRV-B (2 x 36) visas.  :func:`decode` takes lines exactly as they stand (no repair:
that is :mod:`.mrz_repair`, which reads OCR'd lines) and verifies them.

Names of failed checks (``Mrz.failed``): ``<field>_check`` for a check digit that does
not match (``document_number``, ``date_of_birth``, ``expiration_date``,
``optional_data``, ``composite``) and ``<field>_invalid`` for content no check digit
covers but the standard constrains (unknown ``issuing_country``/``nationality`` code,
impossible ``date_of_birth``/``expiration_date``, ``sex`` outside M/F/X/<).

No library is used: the one on PyPI (``mrz``) is unmaintained since 2020 and the
check-digit arithmetic is a dozen lines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from .countries import valid_country

_WEIGHTS = (7, 3, 1)
#: The MRZ filler character (padding, and the separator inside names).
FILLER = "<"


def char_value(char: str) -> int:
    """ICAO 9303 value of one MRZ character: digits as such, A=10..Z=35, ``<`` = 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == FILLER:
        return 0
    raise ValueError("not an MRZ character")


def check_digit(data: str) -> str:
    """The check digit of ``data``: weighted sum (7, 3, 1 repeating) modulo 10."""
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


@dataclass(frozen=True)
class _Field:
    name: str
    line: int
    start: int
    end: int
    kind: str  # "code" | "alpha" | "num" | "alnum" | "sex" | "name" | "digit"


@dataclass(frozen=True)
class _Check:
    name: str
    spans: tuple[tuple[int, int, int], ...]
    at: tuple[int, int]


@dataclass(frozen=True)
class MrzFormat:
    name: str
    n_lines: int
    length: int
    fields: tuple[_Field, ...]
    checks: tuple[_Check, ...]


def _fmt_two_line(name: str, length: int, *, optional_end: int, personal_check: bool,
                  composite: bool) -> MrzFormat:
    fields = [
        _Field("document_code", 0, 0, 2, "code"), _Field("issuing_country", 0, 2, 5, "alpha"),
        _Field("names", 0, 5, length, "name"),
        _Field("document_number", 1, 0, 9, "alnum"), _Field("document_number_check", 1, 9, 10, "digit"),
        _Field("nationality", 1, 10, 13, "alpha"), _Field("date_of_birth", 1, 13, 19, "num"),
        _Field("date_of_birth_check", 1, 19, 20, "digit"), _Field("sex", 1, 20, 21, "sex"),
        _Field("expiration_date", 1, 21, 27, "num"), _Field("expiration_date_check", 1, 27, 28, "digit"),
        _Field("optional_data", 1, 28, optional_end, "alnum"),
    ]
    checks = [_Check("document_number", ((1, 0, 9),), (1, 9)),
              _Check("date_of_birth", ((1, 13, 19),), (1, 19)),
              _Check("expiration_date", ((1, 21, 27),), (1, 27))]
    if personal_check:
        fields.append(_Field("optional_data_check", 1, optional_end, optional_end + 1, "digit"))
        checks.append(_Check("optional_data", ((1, 28, optional_end),), (1, optional_end)))
    if composite:
        fields.append(_Field("composite_check", 1, length - 1, length, "digit"))
        checks.append(_Check("composite", ((1, 0, 10), (1, 13, 20), (1, 21, length - 1)), (1, length - 1)))
    return MrzFormat(name, 2, length, tuple(fields), tuple(checks))


_TD1 = MrzFormat(
    "TD1", 3, 30,
    (
        _Field("document_code", 0, 0, 2, "code"), _Field("issuing_country", 0, 2, 5, "alpha"),
        _Field("document_number", 0, 5, 14, "alnum"), _Field("document_number_check", 0, 14, 15, "digit"),
        _Field("optional_data", 0, 15, 30, "alnum"),
        _Field("date_of_birth", 1, 0, 6, "num"), _Field("date_of_birth_check", 1, 6, 7, "digit"),
        _Field("sex", 1, 7, 8, "sex"), _Field("expiration_date", 1, 8, 14, "num"),
        _Field("expiration_date_check", 1, 14, 15, "digit"), _Field("nationality", 1, 15, 18, "alpha"),
        _Field("optional_data_2", 1, 18, 29, "alnum"), _Field("composite_check", 1, 29, 30, "digit"),
        _Field("names", 2, 0, 30, "name"),
    ),
    (
        _Check("document_number", ((0, 5, 14),), (0, 14)),
        _Check("date_of_birth", ((1, 0, 6),), (1, 6)),
        _Check("expiration_date", ((1, 8, 14),), (1, 14)),
        _Check("composite", ((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)), (1, 29)),
    ),
)
_TD2 = _fmt_two_line("TD2", 36, optional_end=35, personal_check=False, composite=True)
_TD3 = _fmt_two_line("TD3", 44, optional_end=42, personal_check=True, composite=True)
_MRVA = _fmt_two_line("MRVA", 44, optional_end=44, personal_check=False, composite=False)
_MRVB = _fmt_two_line("MRVB", 36, optional_end=36, personal_check=False, composite=False)
FORMATS: dict[str, MrzFormat] = {f.name: f for f in (_TD1, _TD2, _TD3, _MRVA, _MRVB)}


@dataclass(frozen=True)
class Mrz:
    """A decoded MRZ.  ``fields`` holds the raw (``<``-padded) text of every field."""

    format: str
    lines: tuple[str, ...]
    raw_lines: tuple[str, ...]
    fields: Mapping[str, str]
    failed: tuple[str, ...]
    confidence: float = 100.0
    #: Checks that pass only by a repair the check digit cannot prove (several readings pass).
    guessed: tuple[str, ...] = ()
    #: Each line's confidence as read (``confidence`` is the weakest), when known.
    line_confidences: tuple[float, ...] = ()

    def field_confidence(self, name: str) -> float:
        """The confidence of the line holding field ``name``: a doubtful glyph in the names
        line says nothing of the document number a line away.  The zone's when unknown."""
        if len(self.line_confidences) != len(self.lines):
            return self.confidence
        return self.line_confidences[next(f.line for f in FORMATS[self.format].fields if f.name == name)]

    @property
    def valid(self) -> bool:
        return not self.failed

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def id_type(self) -> str:
        code = self.fields["document_code"][:1]
        return {"P": "passport", "V": "visa"}.get(code, "id_card" if code in "IAC" else "unknown")

    @property
    def surname(self) -> str | None:
        return _clean(self.fields["names"].split("<<", 1)[0])

    @property
    def given_names(self) -> str | None:
        parts = self.fields["names"].split("<<", 1)
        return _clean(parts[1]) if len(parts) > 1 else None

    @property
    def document_number(self) -> str | None:
        """The document number, following a long (TD1/TD2) number into the optional data."""
        number = self.fields["document_number"]
        if self.fields.get("document_number_check") == FILLER and self.format in ("TD1", "TD2"):
            tail = self.fields["optional_data"].split(FILLER, 1)[0]
            number = number.rstrip(FILLER) + tail[:-1]
        return _clean(number)

    @property
    def issuing_country(self) -> str | None:
        return _clean(self.fields["issuing_country"])

    @property
    def nationality(self) -> str | None:
        return _clean(self.fields["nationality"])

    @property
    def sex(self) -> str | None:
        s = self.fields["sex"]
        return s if s in ("M", "F", "X") else None

    def date_of_birth(self, *, run_date: dt.date) -> dt.date | None:
        """Birth dates are never in the future: a two-digit year past ``run_date`` is 19xx."""
        return mrz_date(self.fields["date_of_birth"], birth=True, run_date=run_date)

    def expiration_date(self, *, run_date: dt.date) -> dt.date | None:
        return mrz_date(self.fields["expiration_date"], birth=False, run_date=run_date)


def _clean(value: str) -> str | None:
    out = re.sub(r"\s+", " ", value.replace(FILLER, " ")).strip()
    return out or None


def mrz_date(yymmdd: str, *, birth: bool, run_date: dt.date) -> dt.date | None:
    """Resolve a YYMMDD field.

    Birth: the latest century that is not after ``run_date``.  Expiry: 20xx unless that
    lies more than 50 years ahead (documents are valid for at most a few decades).
    """
    if not re.fullmatch(r"\d{6}", yymmdd):
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    century = (run_date.year // 100) * 100
    year = century + yy
    if birth and year > run_date.year:
        year -= 100
    if not birth and year > run_date.year + 50:
        year -= 100
    try:
        out = dt.date(year, mm, dd)
    except ValueError:
        return None
    if birth and out > run_date:
        out = out.replace(year=out.year - 100)
    return out


def _valid_yymmdd(value: str) -> bool:
    return mrz_date(value, birth=False, run_date=dt.date(2000, 1, 1)) is not None


def _span(lines: Sequence[str], span: tuple[int, int, int]) -> str:
    line, start, end = span
    return lines[line][start:end]


def failed_checks(fmt: MrzFormat, lines: Sequence[str]) -> list[str]:
    """The check digits of ``lines`` that do not match, as ``<check>_check`` names."""
    failed = []
    for chk in fmt.checks:
        data = "".join(_span(lines, s) for s in chk.spans)
        digit = lines[chk.at[0]][chk.at[1]]
        ok = digit == check_digit(data)
        if not ok and digit == FILLER:
            # A filler check digit is allowed over an all-filler field (empty optional
            # data), and for a long TD1/TD2 document number continued in the optional data.
            ok = set(data) <= {FILLER} or chk.name == "document_number"
        if not ok:
            failed.append(f"{chk.name}_check")
    return failed


def _long_number_failed(fmt: MrzFormat, fields: Mapping[str, str]) -> bool:
    """Verify the continued document number of TD1/TD2 (its check digit ends the tail)."""
    if fmt.name not in ("TD1", "TD2") or fields["document_number_check"] != FILLER:
        return False
    tail = fields["optional_data"].split(FILLER, 1)[0]
    if len(tail) < 2:
        return True
    return check_digit(fields["document_number"] + tail[:-1]) != tail[-1]


def failures(fmt: MrzFormat, lines: Sequence[str], fields: Mapping[str, str]) -> list[str]:
    """Every failed check digit and every field content the standard rules out."""
    failed = failed_checks(fmt, lines)
    if _long_number_failed(fmt, fields) and "document_number_check" not in failed:
        failed.insert(0, "document_number_check")
    for name in ("issuing_country", "nationality"):
        if not valid_country(fields[name]):
            failed.append(f"{name}_invalid")
    for name in ("date_of_birth", "expiration_date"):
        if not _valid_yymmdd(fields[name]):
            failed.append(f"{name}_invalid")
    if fields["sex"] not in ("M", "F", "X", FILLER):
        failed.append("sex_invalid")
    return failed


def decode(lines: Sequence[str], *, raw_lines: Sequence[str] | None = None,
           confidence: float = 100.0, line_confidences: Sequence[float] = (),
           format: str | None = None) -> Mrz | None:
    """Decode exact MRZ lines (no repair); None when they fit no ICAO format.

    ``format`` forces one (a visa whose leading ``V`` was misread is still a visa); each
    line's ``line_confidences``, when given, set ``confidence`` to their weakest.
    """
    fmt = _format_for(lines) if format is None else FORMATS[format]
    if fmt is None or len(lines) != fmt.n_lines or any(len(line) != fmt.length for line in lines):
        return None
    fields = {f.name: lines[f.line][f.start:f.end] for f in fmt.fields}
    failed = failures(fmt, lines, fields)
    return Mrz(fmt.name, tuple(lines), tuple(raw_lines or lines), fields, tuple(failed),
               min(line_confidences, default=confidence), line_confidences=tuple(line_confidences))


def _format_for(lines: Sequence[str]) -> MrzFormat | None:
    n, length = len(lines), len(lines[0]) if lines else 0
    if any(len(line) != length for line in lines) or not lines:
        return None
    visa = lines[0][:1] == "V"
    for fmt in FORMATS.values():
        if fmt.n_lines == n and fmt.length == length and (fmt.name.startswith("MRV") == visa or n == 3):
            return fmt
    return None
