"""US driver licences and state ID cards read from their printed (visual) fields.

State layouts differ, but they share a vocabulary: word labels (``DOB``, ``EXP``, ``ISS``,
``DL``/``LIC#``, ``LN``/``FN``, ``CLASS``, ``REST``, ``END``, ``SEX``) and, since the 2005
AAMVA card design standard, numbered labels (``1`` family name, ``2`` given names,
``3`` birth date, ``4a`` issue, ``4b`` expiry, ``4d`` number, ``8`` address, ``9`` class,
``9a`` endorsements, ``12`` restrictions, ``15`` sex...).  OCR glues labels to values
(``LNSAMPLE``, ``DOB08/31/1977``) or puts them on their own line above the value, so a
label's value is looked for inline first, then to its right, then below it (geometry
from :func:`docbatch.parse.layout.visual_rows`).  Fields no label names (a name block
above the street line, dates with lost labels) fall back to the card's structure: the
name lines sit above the street and city lines; the birth date is the earliest date,
the expiry the latest.  Those fallbacks carry a lower confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Mapping

from ..layout import visual_rows
from .names import given_first, is_name, is_name_label, name_parts, split_glued_given
from .us_dates import US_DATE_RE, us_date
from .us_states import STATES, state_name_in

_WORD_LABELS: list[tuple[str, str]] = [
    ("document_number", r"DL\s*N[O0]\.?|DLN|DL\s*#|DL|LIC(?:ENSE)?\s*(?:N[O0]\.?|#)|LICENSE\s*NUMBER|LIC\.?"
                        r"|IDN|ID\s*(?:N[O0]\.?|#)|CREDENTIAL\s*IDENTIFIER|CUSTOMER\s*(?:N[O0]\.?|ID)|NUMBER|N[O0]\.|N[O0]:"),
    ("date_of_birth", r"D\.?\s*O\.?\s*B\.?|D\.?\s*[O0]{1,2}\.?\s*[B8]\.?(?=[^\d-]|\d{1,2}[/.-]|$)|DATE\s*OF\s*BIRTH|BIRTH\s*DATE"),
    ("expiration_date", r"EXPIRATION\s*DATE|EXPIRATION|EXPIRES|EXP"),
    ("date_of_issue", r"ISSUE\s*DATE|ISSUED|[I1l]S[S5]"),
    ("last_name", r"LN|FAMILY\s*NAME|LAST\s*NAME|SURNAME|NAME"),
    ("first_name", r"FN|GIVEN\s*NAMES?|FIRST\s*NAME"),
    ("address", r"ADDRESS"),
    ("class", r"CLASS|CL"),
    ("endorsements", r"ENDORSEMENTS?|ENDORSE|END|EN"),
    ("restrictions", r"RESTRICTIONS?|RESTR|RSTR|REST\.?|RES|RE"),
    ("sex", r"SEX|GENDER"),
    ("_other", r"HGT|HEIGHT|WGT|WEIGHT|EYES|HAIR|DD|REV|REPLACED|DONOR"),
]
#: Labels that must stand apart (short, or common word starts) unless a number precedes them.
_NEEDS_BOUNDARY = {"CL", "EN", "RE", "RES", "NUMBER", "NO.", "NO:", "N0.", "N0:", "LIC", "LIC.", "END", "DD", "REV"}
_NUMBERED: dict[str, str] = {
    "1": "last_name", "2": "first_name", "3": "date_of_birth", "4A": "date_of_issue",
    "4B": "expiration_date", "4D": "document_number", "5": "_other", "8": "address", "9": "class",
    "9A": "endorsements", "12": "restrictions", "15": "sex", "16": "_other", "17": "_other",
    "18": "_other", "19": "_other",
}
_WORD_RE = re.compile(
    r"(?<![A-Z0-9])(?P<num>\d{1,2}[ABD]?|[GQ]A(?=\s*E)|^[IL](?=[.\s]*(?:FAMILY|GIVEN|ADDRESS|LAST|FIRST)))?[.\s]*(?P<word>"
    + "|".join(f"(?P<{name.strip('_')}{i}>{pattern})" for i, (name, pattern) in enumerate(_WORD_LABELS))
    + r")(?P<tail>[.:#\s]*)"
)
_NUM_ONLY_RE = re.compile(r"^(?P<num>4[ABD]|9A|1[25-9]|[12358])(?:[.:\s]*$|[.:\s]+(?=\S)|(?=[A-Z]))")
#: MM/DD/YYYY with "/", "-" or "." and stray spaces; the second separator may be lost
#: (``12/121979``) when a 19xx/20xx year follows.
#: MM/DD/YY, read only after a date label (a bare one is as likely a code as a date).
_CITY_RE = re.compile(r"^(?P<city>[A-Z][A-Z .'-]*?)[,.\s]*(?P<st>[A-Z]{2})[,.\s]*(?P<zip>[\dBOSIL]{5})"
                      r"(?:[- ]?(?P<zip4>[\dBOSIL]{4}))?\b")
#: Letters a blurred ZIP code's digits are read as.
_ZIP_DIGITS = str.maketrans("BOSIL", "80511")
_NAME_PREFIX = re.compile(r"^(?:1\s*[,.]?\s*2|[12])\s*[.]?\s*(?=[^\W\d_])")
_FALLBACK_CONFIDENCE = 0.6
#: What is left of a "LIC NO." / "NO." label glued to a number by a low-resolution read:
#: LIC, LC, LICENSE, then an optional N/NO; or NO before a letter-and-digits number.
_NUMBER_LABEL_REMNANT = re.compile(r"^(?:L[I1]?C(?:EN[CS]E)?[.:#\s]*(?:N?[O0])?|N[O0](?=[.:#\s]*[A-Z]?\d))[.:#\s]*")
#: Long label words restored when OCR misreads one or two letters (``ENDORSEMENTE``).
_LABEL_WORDS = ("ENDORSEMENTS", "ENDORSEMENT", "RESTRICTIONS", "RESTRICTION", "EXPIRATION", "EXPIRES",
                "ADDRESS", "ISSUED", "LICENSE")


@dataclass
class _Seg:
    """A run of text on one visual row without a wide gap; per char: left x, (top, bottom)."""

    text: str
    xs: list[float]
    ys: list[tuple[float, float]]
    right: float
    top: float
    bottom: float
    confidence: float
    row: int

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def x_at(self, i: int) -> float:
        return self.xs[i] if i < len(self.xs) else self.right

    def span_y(self, start: int, end: int) -> tuple[float, float]:
        """Top and bottom of the characters ``start:end`` (a label inside a taller line)."""
        ys = self.ys[start:end] or self.ys
        return min(y[0] for y in ys), max(y[1] for y in ys)


@dataclass
class _Label:
    field: str
    seg: _Seg
    start: int
    end: int
    numbered: bool


@dataclass
class LicenceFields:
    values: dict[str, object] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)  # field -> id of the segment read

    def put(self, name: str, value: object, confidence: float) -> None:
        if value in (None, "") or name in self.values:
            return
        self.values[name] = value
        self.confidence[name] = round(max(0.0, min(100.0, confidence)), 2)


def _segments(response: Mapping[str, Any]) -> list[_Seg]:
    rows = visual_rows(response)
    heights = [w.box.height for r in rows for w in r.words if w.box]
    gap_limit = 1.5 * (median(heights) if heights else 0.02)
    aspects = [_char_aspect(w) for r in rows for w in r.words if w.box and len(w.text) >= 3]
    usual_aspect = median(aspects) if aspects else 0.0
    segs: list[_Seg] = []
    for ri, row in enumerate(rows):
        current: list[Any] = []
        for w in row.words:
            if w.box and len(w.text) >= 3 and _char_aspect(w) < 0.4 * usual_aspect:
                continue  # rotated text (a vertical watermark or ghost name), not a field
            if current and w.box and current[-1].box and w.box.left - current[-1].box.right > gap_limit:
                segs.append(_make_seg(current, ri))
                current = []
            current.append(w)
        if current:
            segs.append(_make_seg(current, ri))
    segs = [s for s in segs if s.text.strip()]
    for seg in segs:
        seg.text = re.sub(r"[A-Z]{7,}", lambda m: _label_word(m.group()), seg.text)
    return segs


def _label_word(word: str) -> str:
    """``word`` as the long label word it misreads (same length, one or two letters off).

    An AAMVA field number read as a letter (``1.`` as ``L``, ``8.`` as ``L``) may lead the
    word; it is kept, and the label found after it (``LADORESS`` -> ``LADDRESS``).
    """
    for head, body in ((word[:0], word), (word[:1], word[1:])):
        for label in _LABEL_WORDS:
            if len(label) == len(body) and body != label:
                if sum(a != b for a, b in zip(body, label)) <= (2 if len(body) >= 10 else 1):
                    return head + label
    return word


def _char_aspect(word: Any) -> float:
    """Box width per character over box height.

    Box sides are fractions of different image sides, so only a comparison with the
    page's other words means anything: vertical text is many times narrower per
    character, while a slightly tilted photo only makes boxes a little taller.
    """
    return word.box.width / max(len(word.text), 1) / max(word.box.height, 1e-6)


def _make_seg(words: list[Any], row: int) -> _Seg:
    text, xs, ys = "", [], []
    for w in words:
        if text:
            text += " "
            xs.append(xs[-1] if xs else 0.0)
            ys.append(ys[-1] if ys else (0.0, 0.0))
        t = w.text.upper()
        left = w.box.left if w.box else 0.0
        width = w.box.width if w.box else 0.0
        xs += [left + width * i / max(len(t), 1) for i in range(len(t))]
        ys += [(w.box.top, w.box.bottom) if w.box else (0.0, 0.0)] * len(t)
        text += t
    boxes = [w.box for w in words if w.box]
    return _Seg(text, xs, ys, max((b.right for b in boxes), default=0.0), min((b.top for b in boxes), default=0.0),
                max((b.bottom for b in boxes), default=0.0), min(w.confidence for w in words), row)


def _find_labels(segs: list[_Seg]) -> list[_Label]:
    labels: list[_Label] = []
    for seg in segs:
        for m in _WORD_RE.finditer(seg.text):
            word = re.sub(r"\s+", "", m.group("word"))
            name = next(k for k, v in m.groupdict().items() if v and k not in ("num", "word", "tail"))
            fld = _WORD_LABELS[int(re.sub(r"\D", "", name))][0]
            after = seg.text[m.end("word"):m.end("word") + 1]
            at_start = m.start() == 0 or bool(m.group("num"))
            glued = after.isalpha() and not m.group("tail")
            if glued and (word in _NEEDS_BOUNDARY and not m.group("num")
                          or not (at_start or seg.text.startswith("NONE", m.end()))):
                continue
            labels.append(_Label(fld, seg, m.start(), m.end(), bool(m.group("num"))))
    for seg in segs:
        for m in re.finditer(r"(?<![A-Z0-9])(4[ABD]|9A)(?=[A-Z]{0,4}[\s.:]|$)", seg.text):
            if not any(lab.seg is seg and lab.start <= m.start() < lab.end for lab in labels):
                labels.append(_Label(_NUMBERED[m.group(1)], seg, m.start(), m.end(), True))
    numbered = sum(1 for lab in labels if lab.numbered) + sum(
        1 for s in segs if re.match(r"^4[ABD]\b", s.text))
    if numbered >= 2:
        for seg in segs:
            m = _NUM_ONLY_RE.match(seg.text)
            if m and not any(lab.seg is seg and lab.start == 0 for lab in labels):
                labels.append(_Label(_NUMBERED[m.group("num")], seg, 0, m.end(), True))
    labels.sort(key=lambda lab: (lab.seg.row, lab.seg.xs[0] if lab.seg.xs else 0, lab.start))
    return labels


def _inline_value(label: _Label, labels: list[_Label]) -> str:
    nxt = min((lab.start for lab in labels if lab.seg is label.seg and lab.start >= label.end), default=len(label.seg.text))
    return label.seg.text[label.end:nxt].strip(" .:#,")


def _nearby(label: _Label, segs: list[_Seg], labels: list[_Label]) -> list[tuple[_Seg, str]]:
    """Text that may hold the label's value: right of it on its row, then below it.

    Below, only the characters under the label's column count (up to the next label on
    the row), since OCR often merges the values of side-by-side fields into one line.
    """
    seg = label.seg
    x0 = seg.x_at(label.start)
    top, bottom = seg.span_y(label.start, label.end)
    row_xs = [lab.seg.x_at(lab.start) for lab in labels if lab.seg.row == seg.row]
    x1 = min((x for x in row_xs if x > x0 + 1e-6), default=2.0)
    later = [lab for lab in labels if lab.seg is seg and lab.start >= label.end]
    # A segment opening with a label is not another label's value, unless it is nothing
    # but a bare number ("1" under "12 RESTRICTIONS" is a value, not the family-name label).
    labelled_starts = {id(lab.seg) for lab in labels if lab.start == 0 and not lab.seg.text.strip(" .").isdigit()}
    out: list[tuple[_Seg, str]] = []
    if not later:
        cy = (top + bottom) / 2
        right = [s for s in segs if s.xs and seg.right - 1e-6 <= s.xs[0] < seg.right + 0.15
                 and (s.row == seg.row or s.top <= cy <= s.bottom) and id(s) not in labelled_starts]
        out += [(s, s.text) for s in sorted(right, key=lambda s: s.xs[0])[:1]]
    h = max(bottom - top, 0.01)
    below = [s for s in segs if top + 0.5 * h <= s.top <= bottom + 1.6 * h and s.xs
             and s.xs[0] < x1 and s.right > x0 - 0.02]
    for s in sorted(below, key=lambda s: (s.top, abs(s.xs[0] - x0))):
        part = _column_part(s, x0, x1, labels, whole_row_labelled=id(s) in labelled_starts)
        if part:
            out.append((s, part))
    return out


def _column_part(seg: _Seg, x0: float, x1: float, labels: list[_Label], *, whole_row_labelled: bool) -> str:
    """The text of ``seg`` under the column ``x0..x1``, up to the next label in it.

    A segment opening with a label is its own field, unless that label lies left of the
    column: a tilted photo merges rows, so a value can share a row with another field.
    """
    own = [lab for lab in labels if lab.seg is seg and not seg.text.strip(" .").isdigit()]
    inside = [i for i, x in enumerate(seg.xs) if x0 - 0.03 <= x < x1 - 0.005]
    if not inside:
        return ""
    if whole_row_labelled and any(lab.start == 0 and seg.x_at(lab.end - 1) >= x0 - 0.03 for lab in own):
        return ""
    chars = []
    for i in inside:
        if any(lab.start <= i < lab.end for lab in own):
            if "".join(chars).strip():
                break
            continue
        chars.append(seg.text[i])
    return "".join(chars).strip()


def _clean_number(value: str) -> str | None:
    """A licence number: the first token (digit groups split by spaces or dashes joined).

    A label blurred into its number (``LICV007989``, ``LCNOP142...``, ``NOT1234...``)
    loses the label's remnant first.
    """
    tokens = _NUMBER_LABEL_REMNANT.sub("", value.replace("-", "").strip()).split()
    if not tokens:
        return None
    token = tokens[0]
    for nxt in tokens[1:]:
        if len(token) >= 6 or not nxt.isdigit():
            break
        token += nxt
    token = re.split(r"[^A-Z0-9]", token)[0]
    if 5 <= len(token) <= 16 and sum(c.isdigit() for c in token) >= 3:
        return token
    return None


def _coerce(fld: str, value: str, run_date: dt.date) -> object | None:
    if fld in ("date_of_birth", "expiration_date", "date_of_issue"):
        return us_date(value, compact=True, birth=fld == "date_of_birth", run_date=run_date)
    if fld == "document_number":
        return _clean_number(value)
    if fld == "sex":
        m = re.match(r"^([MF])\b|^([MF])(?=[^A-Z]|$)", value)
        return (m.group(1) or m.group(2)) if m else None
    if fld in ("class", "endorsements", "restrictions"):
        token = value.split(" ")[0] if value else ""
        return token if token and (token == "NONE" or len(token) <= 4) else None
    if fld in ("last_name", "first_name"):
        name = re.sub(r"[^\w ,.'-]|[\d_]", "", value).strip(" ,.")
        return name if len(name.replace(" ", "")) >= 1 and not any(c.isdigit() for c in value) else None
    if fld == "address":
        return value if re.match(r"^\d+\s*[A-Z]", value) else None
    return None


def _labelled(segs: list[_Seg], labels: list[_Label], out: LicenceFields, run_date: dt.date) -> set[int]:
    """Fill fields from labels; returns the ids of segments consumed as values."""
    used: set[int] = set()
    for label in labels:
        if label.field == "_other" or label.field in out.values:
            continue
        inline = _inline_value(label, labels)
        value = _coerce(label.field, inline, run_date) if inline else None
        conf = label.seg.confidence
        if value is None:
            nearby = _nearby(label, segs, labels)
            for i, (cand, part) in enumerate(nearby):
                value = _coerce(label.field, part.strip(" .:#"), run_date)
                if value is not None:
                    used.add(id(cand))
                    conf = cand.confidence
                    if label.field == "first_name":
                        value = _given_names_below(str(value), cand, nearby[i + 1:], used)
                    break
        if value is not None:
            if label.field == "address" and inline:
                used.add(id(label.seg))
            out.put(label.field, value, conf)
            out.origin.setdefault(label.field, id(label.seg))
    return used


def _given_names_below(value: str, taken: _Seg, rest: list[tuple[_Seg, str]], used: set[int]) -> str:
    """Given names printed one per line under their label (``THOMAS`` / ``ALEXANDER``).

    A name-like line stacked right under the first given name, before any other label,
    is the middle name; ``_nearby`` never offers a segment that opens with a label.
    """
    for cand, part in rest:
        h = max(taken.height, 0.01)
        if cand.row == taken.row or not taken.bottom - 0.3 * h <= cand.top <= taken.bottom + 0.6 * h:
            continue
        if is_name(part.strip(" .")) and len(part.strip(" .")) >= 1:
            used.add(id(cand))
            return f"{value} {part.strip(' .')}"
        break
    return value


def _address_block(segs: list[_Seg], out: LicenceFields) -> _Seg | None:
    """Find the ``CITY, ST 12345`` line; fill city/state/zip and the street above it."""
    for seg in segs:
        text = re.sub(r"^\d\s+", "", seg.text)
        m = _CITY_RE.match(text)
        # A ZIP code may have one letter for a digit (``AZB5007``), not be mostly letters.
        if not m or m.group("st") not in STATES or sum(c.isdigit() for c in m.group("zip")) < 4:
            continue
        zip4 = m.group("zip4") or ""
        out.put("city_in_address", m.group("city").strip(" ,."), seg.confidence)
        out.put("state_in_address", m.group("st"), seg.confidence)
        out.put("zip_code_in_address", (m.group("zip") + (zip4 if sum(c.isdigit() for c in zip4) >= 3 else ""))
                .translate(_ZIP_DIGITS), seg.confidence)
        return seg
    return None


def _street_like(seg: _Seg) -> bool:
    """Opens with a house number (not a numbered name label like "1SAMPLE") and names a street.

    A licence number under a misread ``4d`` (``4S123-4567-6501-00``) also opens with a
    digit, but has no street name: at least three letters, two of them together.
    """
    return (bool(re.match(r"^\d", seg.text)) and len(seg.text) >= 6 and not re.match(r"^[12]\s*[.]?\s*[A-Z]", seg.text)
            and sum(c.isalpha() for c in seg.text) >= 3 and bool(re.search(r"[A-Z]{2}", seg.text)))


def _block_above(segs: list[_Seg], city: _Seg, skip: set[int]) -> tuple[list[_Seg], list[_Seg]]:
    """The name and street lines: the left-aligned block stacked above the city line.

    The block opens with a name line.  The street starts at the first line opening with
    a digit (house number, or the AAMVA label 8 glued to it); without one, a block of
    three or more lines is read as two name lines then the street.  Names are at most the two lines above the street.
    """
    block: list[_Seg] = []
    ref = city
    for seg in sorted((s for s in segs if s.bottom <= ref.top + 0.5 * ref.height and s.row != city.row),
                      key=lambda s: -s.top):
        h = max(ref.height, 0.01)
        if seg.top < ref.top - 3.0 * h or len(block) == 5:
            break
        if abs(seg.xs[0] - city.xs[0]) > 0.08 or seg.row == ref.row:
            continue
        if id(seg) in skip or US_DATE_RE.search(seg.text):
            break
        if is_name_label(seg.text):
            continue
        block.append(seg)
        ref = seg
    block.reverse()
    while block and not is_name(_NAME_PREFIX.sub("", block[0].text.strip())) and not _street_like(block[0]):
        block.pop(0)  # stray print above the name lines (a ghost number, a seal)
    starts = [i for i, seg in enumerate(block) if _street_like(seg)]
    if starts:
        first = starts[0]
    elif len(block) >= 3:
        first = 2
    else:
        return [], []
    names = [s for s in block[max(0, first - 2):first]
             if is_name(_NAME_PREFIX.sub("", s.text.strip()))]
    return names, block[first:]


def _street_text(lines: list[_Seg], numbered: bool) -> str:
    text = " ".join(re.sub(r"^(?:8\s*[.]?\s*)?ADDRESS[.:\s]*", "", s.text.strip()) for s in lines)
    if numbered:
        text = re.sub(r"^8\s*(?=\d)|^8\s+", "", text)
    return re.sub(r"\s+", " ", text.replace(",", " ")).strip()


def _signatures(response: Mapping[str, Any]) -> list[str]:
    """Mixed-case rows (signatures, printed "First Last" names), squeezed and upper-cased."""
    out = []
    for row in visual_rows(response):
        text = "".join(w.text for w in row.words if any(c.islower() for c in w.text))
        if text:
            out.append(re.sub(r"[^A-Z]", "", text.upper()))
    return out


def _signature_words(response: Mapping[str, Any]) -> set[str]:
    """Words of the mixed-case rows, split at spaces, punctuation and case turns (``ASample``)."""
    words: set[str] = set()
    for row in visual_rows(response):
        for w in row.words:
            if any(c.islower() for c in w.text):
                split = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", w.text)
                words.update(p.upper() for p in re.split(r"[^A-Za-z]+", split) if p)
    return words


def _names(out: LicenceFields, block: list[_Seg], signatures: list[str]) -> None:
    number = str(out.values.get("document_number") or "")
    for key in ("last_name", "first_name"):
        if key in out.values:
            raw = str(out.values.pop(key))
            if key == "first_name" and "last_name" in out.values:
                raw = raw.replace(",", " ")  # "TINA, A" under label 2 is given names only
            parts = name_parts(raw)
            conf = out.confidence.pop(key)
            if key == "last_name" and "last_name" not in parts:
                parts = {"last_name": " ".join(v for k, v in parts.items() if k != "suffix"),
                         **({"suffix": parts["suffix"]} if "suffix" in parts else {})}
            for k, v in parts.items():
                out.put(k, v, conf)
    if ("last_name" in out.values and "first_name" in out.values) or not block:
        return
    texts = [_NAME_PREFIX.sub("", s.text).strip() for s in block]
    conf = min((s.confidence for s in block), default=0.0) * _FALLBACK_CONFIDENCE
    if len(texts) == 1 and "," in texts[0]:
        for k, v in name_parts(texts[0]).items():
            out.put(k, v, conf)
    elif len(texts) == 2:
        last, given = texts  # AAMVA order: family name above given names
        if "first_name" not in out.values and given_first(last, given, signatures, number):
            last, given = given, last
        if "first_name" not in out.values:
            for k, v in name_parts(given).items():
                out.put(k, v, conf)
        out.put("last_name", last, conf)


def _fallback_dates(segs: list[_Seg], labels: list[_Label], out: LicenceFields, run_date: dt.date) -> None:
    found: list[tuple[dt.date, float]] = []
    for seg in segs:
        text = seg.text
        for lab in labels:
            if lab.seg is seg and lab.field == "_other":
                # Dates after DD / REV / REPLACED are not the card's birth, issue or expiry.
                end = lab.end + len(_inline_value(lab, labels)) + 1
                text = text[:lab.start] + " " * (end - lab.start) + text[end:]
        for m in US_DATE_RE.finditer(text):
            d = us_date(m.group(0))
            if d:
                found.append((d, seg.confidence))
    taken = {out.values.get(k) for k in ("date_of_birth", "expiration_date", "date_of_issue")}
    free = sorted({d for d, _ in found if d not in taken})
    conf = {d: c for d, c in found}
    if not free:
        return
    if "date_of_birth" not in out.values and free[0].year <= run_date.year - 14:
        out.put("date_of_birth", free[0], conf[free[0]] * _FALLBACK_CONFIDENCE)
        free = free[1:]
    if free and "expiration_date" not in out.values:
        out.put("expiration_date", free[-1], conf[free[-1]] * _FALLBACK_CONFIDENCE)
        free = free[:-1]
    if free and "date_of_issue" not in out.values:
        out.put("date_of_issue", free[-1], conf[free[-1]] * _FALLBACK_CONFIDENCE)


def _fallback_number(segs: list[_Seg], used: set[int], out: LicenceFields, numbered: bool) -> None:
    for seg in sorted(segs, key=lambda s: s.top):
        if id(seg) in used or _CITY_RE.match(seg.text):
            continue
        text = US_DATE_RE.sub(" ", seg.text).strip()
        if numbered:
            text = re.sub(r"^4(?=[A-Z])", "", text)
        for token in text.split(" "):
            number = _clean_number(token)
            if number and re.search(r"[A-Z]", number) or number and len(number) >= 7:
                out.put("document_number", number, seg.confidence * _FALLBACK_CONFIDENCE)
                return


def parse_licence(response: Mapping[str, Any], *, run_date: dt.date) -> LicenceFields:
    """Read a licence's printed fields; values are typed, confidences 0..100."""
    out = LicenceFields()
    segs = _segments(response)
    if not segs:
        return out
    labels = _find_labels(segs)
    numbered = sum(1 for lab in labels if lab.numbered) >= 2
    used = _labelled(segs, labels, out, run_date)
    city = _address_block(segs, out)
    names: list[_Seg] = []
    if city is not None:
        used.add(id(city))
        label_segs = {id(lab.seg) for lab in labels
                      if lab.field not in ("address", "last_name", "first_name")
                      and not re.fullmatch(r"[\d\s.:]+", lab.seg.text[lab.start:lab.end])}
        names, street = _block_above(segs, city, label_segs)
        used.update(id(s) for s in names + street)
        if street and ("address" not in out.values or any(str(out.values["address"]) in s.text for s in street)):
            out.values.pop("address", None)
            out.put("address", _street_text(street, numbered), min(s.confidence for s in street))
    if any(out.origin.get("restrictions") == id(s) for s in names):
        del out.values["restrictions"], out.confidence["restrictions"]  # "1,2" read as "12": a name line
    if "document_number" not in out.values:
        _fallback_number(segs, used | {id(lab.seg) for lab in labels if lab.field != "document_number"}, out, numbered)
    _names(out, names, _signatures(response))
    first = str(out.values.get("first_name") or "")
    if first and "middle_name" not in out.values:
        given, middle = split_glued_given(first, str(out.values.get("last_name") or ""), _signature_words(response))
        if middle:
            out.values["first_name"] = given
            out.put("middle_name", middle, out.confidence["first_name"])
    _fallback_dates(segs, labels, out, run_date)
    text = " ".join(s.text for s in segs)
    if "VETERAN" in text:
        out.put("veteran", "VETERAN", 90.0)
    for seg in sorted(segs, key=lambda s: -s.height):
        if seg is city:
            continue
        name = state_name_in(seg.text)
        if name:
            out.put("state_name", name, seg.confidence)
            break
    if "state_name" not in out.values and out.values.get("state_in_address") in STATES:
        out.put("state_name", STATES[str(out.values["state_in_address"])], out.confidence["state_in_address"] * _FALLBACK_CONFIDENCE)
    if re.search(r"PASSPORT", text):
        out.put("id_type", "passport", 60.0)
    elif re.search(r"IDENTIFICATION\s*CARD|\bID\s*CARD", text):
        out.put("id_type", "id_card", 80.0)
    elif re.search(r"DRIVER|LICEN[CS]E|OPERATOR|PERMIT", text):
        out.put("id_type", "drivers_license", 90.0)
    return out
