"""ICAO 9303 machine readable zones: find, repair, verify and decode.

Formats: TD1 (3 x 30, ID cards), TD2 (2 x 36), TD3 (2 x 44, passports), MRV-A (2 x 44)
and MRV-B (2 x 36) visas.  OCR misreads the OCR-B font in predictable ways (``<`` as
``K``/``(``/space, ``0``/``O``, ``1``/``I``, ``5``/``S``, ``8``/``B``, ``2``/``Z``), so
repair is driven by what each position may hold: digits in dates and check digits,
letters in country codes and names, and for alphanumeric fields (document number,
optional data) the variant that satisfies the field's check digit.  The raw lines as
read are kept beside the repaired ones.

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
import itertools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ...response import box_of, lines as response_lines
from .countries import valid_country
from ..layout import visual_rows

_WEIGHTS = (7, 3, 1)
_FILLER = "<"
#: Characters OCR engines return for the ``<`` filler.
_FILLER_LOOKALIKES = str.maketrans({c: "<" for c in "«‹〈＜(（[{|"})
_TO_DIGIT = str.maketrans({"O": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "L": "1",
                           "T": "7", "Z": "2", "S": "5", "B": "8", "G": "6", "A": "4"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G",
                            "7": "T", "8": "B"})
#: Pairs an alphanumeric field may have swapped; the check digit decides.
_AMBIGUOUS = {"0": "O", "O": "0", "D": "0", "Q": "0", "1": "I", "I": "1", "L": "1",
              "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6"}
_SEX_FIX = {"H": "M", "N": "M", "P": "F", "E": "F"}
#: Document code letter fixed by the format (ICAO 9303 parts 4 and 7): TD3 is a passport,
#: MRV-A/B a visa; a misread leading letter is restored once the format is chosen.
_CODE_LETTER = {"TD3": "P", "MRVA": "V", "MRVB": "V"}
#: Letters OCR returns for ``<`` (beside the punctuation look-alikes mapped by normalise).
_FILLER_LETTERS = "KC"
#: A run of three or more such letters ending a field or touching a filler: no name or
#: number holds "KKK" or "CCC", while a blurred or low-resolution filler run reads so.
_LETTER_RUN = re.compile(r"(?:K{3,}|C{3,})(?=<|$)|(?<=<)(?:K{3,}|C{3,})")


def char_value(char: str) -> int:
    """ICAO 9303 value of one MRZ character: digits as such, A=10..Z=35, ``<`` = 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == _FILLER:
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
class _Format:
    name: str
    n_lines: int
    length: int
    fields: tuple[_Field, ...]
    checks: tuple[_Check, ...]


def _fmt_two_line(name: str, length: int, *, optional_end: int, personal_check: bool,
                  composite: bool) -> _Format:
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
    return _Format(name, 2, length, tuple(fields), tuple(checks))


_TD1 = _Format(
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
FORMATS: dict[str, _Format] = {f.name: f for f in (_TD1, _TD2, _TD3, _MRVA, _MRVB)}


@dataclass(frozen=True)
class Mrz:
    """A decoded MRZ.  ``fields`` holds the raw (``<``-padded) text of every field."""

    format: str
    lines: tuple[str, ...]
    raw_lines: tuple[str, ...]
    fields: Mapping[str, str]
    failed: tuple[str, ...]
    confidence: float = 100.0

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
        if self.fields.get("document_number_check") == _FILLER and self.format in ("TD1", "TD2"):
            tail = self.fields["optional_data"].split(_FILLER, 1)[0]
            number = number.rstrip(_FILLER) + tail[:-1]
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
    out = re.sub(r"\s+", " ", value.replace(_FILLER, " ")).strip()
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


def _failed_checks(fmt: _Format, lines: Sequence[str]) -> list[str]:
    failed = []
    for chk in fmt.checks:
        data = "".join(_span(lines, s) for s in chk.spans)
        digit = lines[chk.at[0]][chk.at[1]]
        ok = digit == check_digit(data)
        if not ok and digit == _FILLER:
            # A filler check digit is allowed over an all-filler field (empty optional
            # data), and for a long TD1/TD2 document number continued in the optional data.
            ok = set(data) <= {_FILLER} or chk.name == "document_number"
        if not ok:
            failed.append(f"{chk.name}_check")
    return failed


def _long_number_failed(fmt: _Format, fields: Mapping[str, str]) -> bool:
    """Verify the continued document number of TD1/TD2 (its check digit ends the tail)."""
    if fmt.name not in ("TD1", "TD2") or fields["document_number_check"] != _FILLER:
        return False
    tail = fields["optional_data"].split(_FILLER, 1)[0]
    if len(tail) < 2:
        return True
    return check_digit(fields["document_number"] + tail[:-1]) != tail[-1]


def _failures(fmt: _Format, lines: Sequence[str], fields: Mapping[str, str]) -> list[str]:
    """Every failed check digit and every field content the standard rules out."""
    failed = _failed_checks(fmt, lines)
    if _long_number_failed(fmt, fields) and "document_number_check" not in failed:
        failed.insert(0, "document_number_check")
    for name in ("issuing_country", "nationality"):
        if not valid_country(fields[name]):
            failed.append(f"{name}_invalid")
    for name in ("date_of_birth", "expiration_date"):
        if not _valid_yymmdd(fields[name]):
            failed.append(f"{name}_invalid")
    if fields["sex"] not in ("M", "F", "X", _FILLER):
        failed.append("sex_invalid")
    return failed


def decode(lines: Sequence[str], *, raw_lines: Sequence[str] | None = None,
           confidence: float = 100.0, format: str | None = None) -> Mrz | None:
    """Decode exact MRZ lines (no repair); None when they fit no ICAO format.

    ``format`` forces one (a visa whose leading ``V`` was misread is still a visa).
    """
    fmt = _format_for(lines) if format is None else FORMATS[format]
    if fmt is None or len(lines) != fmt.n_lines or any(len(line) != fmt.length for line in lines):
        return None
    fields = {f.name: lines[f.line][f.start:f.end] for f in fmt.fields}
    failed = _failures(fmt, lines, fields)
    return Mrz(fmt.name, tuple(lines), tuple(raw_lines or lines), fields, tuple(failed), confidence)


def _format_for(lines: Sequence[str]) -> _Format | None:
    n, length = len(lines), len(lines[0]) if lines else 0
    if any(len(line) != length for line in lines) or not lines:
        return None
    visa = lines[0][:1] == "V"
    for fmt in FORMATS.values():
        if fmt.n_lines == n and fmt.length == length and (fmt.name.startswith("MRV") == visa or n == 3):
            return fmt
    return None


# ---- repair -----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Upper-case, map filler look-alikes to ``<`` and drop what the MRZ alphabet lacks."""
    text = text.upper().translate(_FILLER_LOOKALIKES)
    return re.sub(r"[^A-Z0-9<]", "", text)


def _fit(line: str, length: int) -> list[str]:
    """Variants of ``line`` brought to ``length`` by growing or shrinking filler runs."""
    diff = length - len(line)
    if diff == 0:
        return [line]
    runs = sorted(((m.end() - m.start(), m.start(), m.end()) for m in re.finditer("<+", line)), reverse=True)
    out: list[str] = []
    if diff > 0:
        out.append(line + _FILLER * diff)
        for _, start, end in runs[:3]:
            out.append(line[:end] + _FILLER * diff + line[end:])
    else:
        for size, start, end in runs[:3]:
            if size >= -diff:
                out.append(line[:start] + line[start - diff:])
        out += [line[:length], line[-diff:]]
    return list(dict.fromkeys(out))


def _fillers_for_letter_runs(value: str) -> str:
    """Runs of ``K``/``C`` read for fillers (see ``_LETTER_RUN``) back to fillers."""
    return _LETTER_RUN.sub(lambda m: _FILLER * len(m.group()), value)


def _coerce_names(value: str) -> str:
    value = _fillers_for_letter_runs(value.translate(_TO_LETTER))
    # K or C read for '<': inside runs of fillers, and a trailing run after a filler.
    value = re.sub(r"(?<=<)[KC]+(?=<|$)", lambda m: _FILLER * len(m.group()), value)
    # The surname/given-names separator "<<" must precede the given names; when every
    # "<<" is trailing filler, a "K<" or "<K" between names is that separator misread.
    first_sep = value.find("<<")
    if first_sep == -1 or not value[first_sep:].strip(_FILLER):
        m = re.search(r"(?<=[A-Z])K<(?=[A-Z])|(?<=[A-Z])<K(?=[A-Z])", value)
        if m:
            value = value[:m.start()] + "<<" + value[m.end():]
    return value


def _coerce_by_neighbours(value: str) -> str:
    """A letter look-alike between two digits is a digit (``1B4`` is ``184``).

    Only for fields no check digit of their own verifies (visa and TD1/TD2 optional
    data): where a check digit exists, it decides instead.  The converse (a digit
    between letters) is not assumed: codes such as ``ZE184226B`` mix them freely.
    """
    chars = list(value)
    for i in range(1, len(chars) - 1):
        if value[i - 1].isdigit() and value[i + 1].isdigit() and chars[i] in "OIZSBG":
            chars[i] = chars[i].translate(_TO_DIGIT)
    return "".join(chars)


def _coerce(fmt: _Format, lines: list[str]) -> list[str]:
    chars = [list(line) for line in lines]
    for f in fmt.fields:
        value = "".join(chars[f.line][f.start:f.end])
        if f.kind == "num":
            value = value.translate(_TO_DIGIT)
        elif f.kind == "digit":
            # K and C look like no digit: they are a filler (an empty field's check digit).
            value = _FILLER if value in (_FILLER, *_FILLER_LETTERS) else value.translate(_TO_DIGIT)
        elif f.kind in ("alpha", "code"):
            value = value.translate(_TO_LETTER)
            if f.kind == "code" and fmt.name in _CODE_LETTER:
                value = _CODE_LETTER[fmt.name] + value[1:]
        elif f.kind == "name":
            value = _coerce_names(value)
        elif f.kind == "sex":
            value = _SEX_FIX.get(value, value)
        elif f.kind == "alnum" and (set(value) <= {"K", _FILLER} or set(value) <= {"C", _FILLER}):
            value = _FILLER * len(value)
        elif f.kind == "alnum":
            value = _fillers_for_letter_runs(value)
            value = re.sub(r"(?<=<)K+$|K+(?=<+$)", lambda m: _FILLER * len(m.group()), value)
            if not any(c.name == f.name for c in fmt.checks):
                value = _coerce_by_neighbours(value)
        chars[f.line][f.start:f.end] = list(value)
    return ["".join(c) for c in chars]


def _agree_countries(fmt: _Format, lines: list[str]) -> list[str]:
    """An unknown country code one letter away from the other country field becomes it.

    No check digit covers the issuing state or the nationality, but they are usually the
    same code, so ``GBB`` beside ``GBR`` is ``GBR`` misread (a blurred ``R`` reads ``B``).
    """
    spots = {f.name: f for f in fmt.fields if f.name in ("issuing_country", "nationality")}
    values = {name: lines[f.line][f.start:f.end] for name, f in spots.items()}
    for name, other in (("issuing_country", "nationality"), ("nationality", "issuing_country")):
        value, ref = values[name], values[other]
        if not valid_country(value) and valid_country(ref) and len(value) == len(ref) \
                and sum(a != b for a, b in zip(value, ref)) == 1:
            f = spots[name]
            lines = list(lines)
            lines[f.line] = lines[f.line][:f.start] + ref + lines[f.line][f.end:]
    return lines


def _ambiguous_positions(fmt: _Format, lines: Sequence[str], names: Iterable[str]) -> list[tuple[int, int, str]]:
    out = []
    for f in fmt.fields:
        if f.name in names:
            for pos in range(f.start, f.end):
                alt = _AMBIGUOUS.get(lines[f.line][pos])
                if alt is not None:
                    out.append((f.line, pos, alt))
    return out[:10]


def _resolve(fmt: _Format, lines: list[str], check: str, fields: tuple[str, ...]) -> list[str]:
    """Swap look-alike characters in ``fields`` until ``check`` passes (fewest swaps)."""
    if f"{check}_check" not in _failed_checks(fmt, lines):
        return lines
    spots = _ambiguous_positions(fmt, lines, fields)
    for n_swaps in range(1, min(len(spots), 3) + 1):
        passing = []
        for combo in itertools.combinations(spots, n_swaps):
            trial = [list(line) for line in lines]
            for line, pos, alt in combo:
                trial[line][pos] = alt
            joined = ["".join(t) for t in trial]
            if f"{check}_check" not in _failed_checks(fmt, joined):
                passing.append(joined)
        if passing:
            # Several swaps can satisfy one check digit; document numbers put letters
            # first (a prefix) then digits, so prefer the reading with fewest letters
            # after digits, then fewest letters.
            return min(passing, key=lambda ls: (len(re.findall(r"\d[A-Z]", "".join(ls))),
                                                sum(c.isalpha() for c in "".join(ls))))
    return lines


def _stray(names: str) -> int:
    """Characters after the names' closing filler run: text glued on past the zone's end."""
    m = re.search(r"<{3,}", names)
    return len(names[m.end():].replace(_FILLER, "")) if m else 0


def repair(fmt_name: str, raw_lines: Sequence[str]) -> list[str]:
    """Best repaired lines for ``raw_lines`` read as an MRZ of format ``fmt_name``."""
    fmt = FORMATS[fmt_name]
    best: tuple[tuple[int, int], list[str]] | None = None
    readings = [list(dict.fromkeys(_fit(normalise(r), fmt.length) + _fit(normalise(r.replace(" ", _FILLER)), fmt.length)))
                for r in raw_lines]  # a space may be a dropped filler or nothing at all
    for variant in itertools.product(*readings):
        lines = _agree_countries(fmt, _coerce(fmt, list(variant)))
        lines = _resolve(fmt, lines, "document_number", ("document_number",))
        if fmt.name == "TD3":
            lines = _resolve(fmt, lines, "optional_data", ("optional_data",))
        if any(c.name == "composite" for c in fmt.checks):
            extra = ("optional_data", "optional_data_2") if fmt.name == "TD1" else ("optional_data",)
            lines = _resolve(fmt, lines, "composite", extra)
        # Fewest failed checks (a country code or date the standard rules out counts, so
        # text glued before a line is cut off, not a filler run), then fewest repairs
        # outside the names (name repairs are unverifiable, so they must not make a
        # filler-shifted variant look cheaper), then least text past the names' end.
        changes = sum(lines[f.line][i] != variant[f.line][i]
                      for f in fmt.fields if f.kind != "name" for i in range(f.start, f.end))
        fields = {f.name: lines[f.line][f.start:f.end] for f in fmt.fields}
        score = (-len(_failures(fmt, lines, fields)), -changes, -_stray(fields["names"]))
        if best is None or score > best[0]:
            best = (score, lines)
    return best[1] if best else list(raw_lines)


def _plausible(fmt: _Format, cleaned: Sequence[str]) -> bool:
    """Line lengths that could be ``fmt`` as read.

    OCR loses or adds a few characters anywhere; a line ending in a filler run (the names,
    empty optional data) may lose much more, since a long faint run of ``<`` is often
    dropped or split off as another word: it is padded back, and check digits judge.
    """
    if fmt.n_lines != len(cleaned):
        return False
    first = cleaned[0][0]
    if first in "PIAC" and fmt.name.startswith("MRV") or first == "V" and fmt.name in ("TD2", "TD3"):
        return False  # a readable document code decides between passport/ID and visa
    return (any(abs(len(c) - fmt.length) <= 5 for c in cleaned)
            and all(fmt.length // 3 <= len(c) <= fmt.length + 5 for c in cleaned))


def read_mrz(raw_lines: Sequence[str], *, confidence: float = 100.0) -> Mrz | None:
    """Repair and decode OCR'd MRZ lines, choosing the format that fits them best."""
    cleaned = [normalise(r) for r in raw_lines]
    if not cleaned or not all(cleaned):
        return None
    results = []
    for fmt in FORMATS.values():
        if not _plausible(fmt, cleaned):
            continue
        mrz = decode(repair(fmt.name, cleaned), raw_lines=tuple(raw_lines), confidence=confidence, format=fmt.name)
        if mrz is not None:
            results.append(mrz)
    if not results:
        return None
    return min(results, key=lambda m: (len(m.failed), -m.confidence))


def _looks_like_mrz_line(text: str) -> bool:
    if sum(c.islower() for c in text) > 2:
        return False
    norm = normalise(text)
    if len(norm) < 24:
        return False
    return norm.count(_FILLER) >= 2 or sum(c.isdigit() for c in norm) >= 0.4 * len(norm)


def _candidate_lines(response: Mapping[str, Any]) -> list[list[tuple[str, float]]]:
    """Two readings of the page, top to bottom: visual rows and the engine's LINEs."""
    rows = [("".join(w.text for w in row.words), row.confidence, (row.top + row.bottom) / 2)
            for row in visual_rows(response)]
    lns = []
    for det in response_lines(response):
        box = box_of(det)
        lns.append((str(det.get("DetectedText", "")), float(det.get("Confidence", 0.0)),
                    box.top + box.height / 2 if box else 0.0))
    return [[(t, c) for t, c, _ in sorted(src, key=lambda r: r[2]) if _looks_like_mrz_line(t)]
            for src in (rows, lns)]


def find_mrz(response: Mapping[str, Any]) -> Mrz | None:
    """The best MRZ among the detections, or None when the page carries none."""
    best: Mrz | None = None
    for cands in _candidate_lines(response):
        for size in (3, 2):
            for i in range(len(cands) - size + 1):
                window = cands[i:i + size]
                mrz = read_mrz([t for t, _ in window], confidence=min(c for _, c in window))
                if mrz is None or len(mrz.failed) > 3:
                    continue
                if best is None or (len(mrz.failed), -len(mrz.lines)) < (len(best.failed), -len(best.lines)):
                    best = mrz
    return best
