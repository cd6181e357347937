"""Labels on a licence and the values they name.

OCR glues labels to values (``LNSAMPLE``, ``DOB08/31/1977``) or puts them on their own
line above the value, so a label's value is looked for inline first, then to its right,
then below it, in the label's column.  What counts as a label is
:mod:`.licence_vocabulary`; how a candidate text becomes a value, :mod:`.licence_fields`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, Mapping

from .licence_fields import LicenceFields, clean_value, number_readings
from .licence_number_guesses import guessed_readings
from .licence_numbers import as_digit
from .licence_segments import Segment
from .licence_vocabulary import (FIELD_WORDS, NEEDS_BOUNDARY, NUM_ONLY_RE, NUMBERED, NUMBERED_CAPTION, WORD_LABELS,
                                 WORD_RE, unaccented)
from .names import is_name


@dataclass
class Label:
    """A label in ``seg.text[start:end]`` naming ``field``; ``numbered``: an AAMVA field number."""

    field: str
    seg: Segment
    start: int
    end: int
    numbered: bool


#: One letter read glued to the end of the number's label, a space before the digits (``LICe
#: 092127131``; segments are upper case): :func:`find_labels` keeps such a label, and
#: :func:`_letter_on_label` reads the number with and without the letter.
_LETTER_ON_LABEL = re.compile(r"[A-Z] +\d")


def find_labels(segs: list[Segment]) -> list[Label]:
    """Every label on the card, in reading order (row, then left to right)."""
    labels: list[Label] = []
    for seg in segs:
        text = unaccented(seg.text)
        for m in WORD_RE.finditer(text):
            word = re.sub(r"\s+", "", m.group("word"))
            name = next(k for k, v in m.groupdict().items() if v and k not in ("num", "word", "also", "tail"))
            fld = _shared_letter(text, m) or WORD_LABELS[int(re.sub(r"\D", "", name))][0]
            num, start = m.group("num"), m.start()
            if num and num[0].isdigit() and (NUMBERED.get(num.upper()) != fld or text[:start].endswith("-")) \
                    and not _misread_number(num, fld):
                # Digits before a label that are not its AAMVA number (``...047-36CLASS``,
                # ``7338 5248 66 CLASS``, ``1 CLARK``; after a dash, the last group of a number,
                # ``3892-0113-9 CLASS``) end the value before it, or are another field's number:
                # not part of the label.
                num, start = None, m.start("word")
            after = text[m.end("also"):m.end("also") + 1]
            at_start = start == 0 or bool(num)
            # One letter glued on before the digits (``LICe 092127131``: ``LIC#``) leaves the number's label
            # a label; whose the letter is, :func:`_letter_on_label`.
            glued = after.isalpha() and not m.group("tail") and not (
                fld == "document_number" and _LETTER_ON_LABEL.match(text, m.end("also")))
            if glued and (word in NEEDS_BOUNDARY and not num
                          or not (at_start or text.startswith("NONE", m.end()))):
                continue
            labels.append(Label(fld, seg, start, m.end(), bool(num)))
    for seg in segs:
        for m in re.finditer(r"(?<![A-Z0-9])(4[ABD]|9A)(?=[A-Z]{0,4}[\s.:]|$)", seg.text):
            if not any(lab.seg is seg and lab.start <= m.start() < lab.end for lab in labels):
                labels.append(Label(NUMBERED[m.group(1)], seg, m.start(), m.end(), True))
    numbered = sum(1 for lab in labels if lab.numbered) + sum(
        1 for s in segs if re.match(r"^4[ABD]\b", s.text))
    if numbered >= 2:
        for seg in segs:
            m = NUM_ONLY_RE.match(seg.text)
            if m and not any(lab.seg is seg and lab.start == 0 for lab in labels):
                labels.append(Label(NUMBERED[m.group("num")], seg, 0, m.end(), True))
    labels = _given_caption_misread(segs, labels)
    labels.sort(key=lambda lab: (lab.seg.row, lab.seg.xs[0] if lab.seg.xs else 0, lab.start))
    return _merge_adjacent(labels)


def _shared_letter(text: str, m: re.Match[str]) -> str | None:
    """The field of the field number in ``m`` (``4D``) when that field's label word starts at the
    number's letter and ends where the word found ends: ``4DLN`` is ``4d DLN`` with one ``D`` read
    for both, not the number ``4d`` before a family-name caption ``LN``."""
    num = m.group("num") or ""
    own = NUMBERED.get(num.upper())
    if not num[-1:].isalpha() or own is None or own not in FIELD_WORDS:
        return None
    word = FIELD_WORDS[own].match(text, m.start("num") + len(num) - 1)
    return own if word is not None and word.end() == m.end("word") else None


#: The given-name caption ``FN`` with one letter misread at low resolution (``EN LINDA``, ``IN LISA H``).
_GIVEN_CAPTION = re.compile(r"^(?:[A-Z]N|F[A-Z])\s+(?=[A-Z]{2})")


def _given_caption_misread(segs: list[Segment], labels: list[Label]) -> list[Label]:
    """The row right under an ``LN`` caption, in its column, opening with ``FN`` misread by a letter,
    is the given names under their caption: ``EN`` there is no endorsements label, ``IN`` no name."""
    for caption in [lab for lab in labels if lab.field == "last_name" and lab.start == 0
                    and re.sub(r"[^A-Z]", "", lab.seg.text[:lab.end]) == "LN" and lab.seg.xs]:
        below = [seg for seg in segs if seg.row == caption.seg.row + 1 and seg.xs
                 and abs(seg.xs[0] - caption.seg.xs[0]) < 0.02 and _GIVEN_CAPTION.match(seg.text)]
        for seg in below:
            if any(lab.seg is seg and lab.field == "first_name" for lab in labels):
                continue
            m = _GIVEN_CAPTION.match(seg.text)
            labels = [lab for lab in labels if not (lab.seg is seg and lab.start < m.end())]
            labels.append(Label("first_name", seg, 0, m.end(), False))
    return labels


#: Factor on a number's confidence when where it starts or ends is a guess (another field's text
#: glued right after it, a 0 its label may own).
GLUED = 0.45


def _misread_number(num: str, fld: str) -> bool:
    """``num`` is the field's AAMVA number with its letter read as a digit (``48`` for ``4d``)."""
    own = [k for k, v in NUMBERED.items() if v == fld and len(k) == 2 and k[1].isalpha()]
    return len(num) == 2 and any(num[0] == k[0] and num[1].isdigit() for k in own)


def _merge_adjacent(labels: list[Label]) -> list[Label]:
    """Two labels of one field side by side (``DL NUMBER``, ``LICENSE NO``) are one label.

    Apart, the first one's column would end where the second begins, and a value printed
    under both would be cut.
    """
    out: list[Label] = []
    for lab in labels:
        prev = out[-1] if out else None
        if (prev is not None and prev.seg is lab.seg and prev.field == lab.field and prev.field != "_other"
                and lab.start >= prev.end and not lab.seg.text[prev.end:lab.start].strip(" .:#")):
            out[-1] = Label(prev.field, prev.seg, prev.start, max(prev.end, lab.end), prev.numbered or lab.numbered)
            continue
        out.append(lab)
    return out


def inline_end(label: Label, labels: list[Label]) -> int:
    """Where the text after ``label`` on its own segment ends: the next label there, or the end."""
    return min((lab.start for lab in labels if lab.seg is label.seg and lab.start >= label.end), default=len(label.seg.text))


def inline_value(label: Label, labels: list[Label]) -> str:
    """The text after ``label`` on its own segment, up to the next label there."""
    return label.seg.text[label.end:inline_end(label, labels)].strip(" .:#,")


def _inline_texts(label: Label, labels: list[Label]) -> list[tuple[str, int, int, bool]]:
    """The text after ``label`` on its segment (and where it lies), then, for a number, the same
    text with a digit a label beside it may have taken: the ``0`` of ``DLN0147...`` (``N0`` is
    also ``NO``; the last item is True for it) and the field number of the next label
    (``4670 9 CLASS``: ``9`` is class's number, or the licence number's last digit; ``...6249
    CLASS``, the same ``9`` glued on, read without it too); and without one letter glued to the
    label apart from the digits (``LICe 092127131``, :func:`_letter_on_label`).  Only a better
    reading wins over the first; the ``0`` also on a tie, in doubt (see the caller).
    """
    seg, end = label.seg, inline_end(label, labels)
    out = [(inline_value(label, labels), label.end, end, False)]
    if not out[0][0] or label.field != "document_number":
        return out
    if seg.text[label.end - 1] == "0" and seg.text[label.end:label.end + 1].isdigit():
        out.append(("0" + out[0][0], label.end - 1, end, True))
    if _letter_on_label(label):
        out.append((seg.text[label.end + 1:end].strip(" .:#,"), label.end + 1, end, False))
    lead = re.match(r"\d+", seg.text[end:])
    if lead and end < len(seg.text):
        out.append((seg.text[label.end:end + lead.end()].strip(" .:#,"), label.end, end + lead.end(), False))
    own = _next_field_number(label, labels)
    if own and out[0][0].endswith(own) and out[0][0][:-len(own)][-1:].isdigit():
        out.append((out[0][0][:-len(own)], label.end, end, False))
    return out


def _letter_on_label(label: Label) -> bool:
    """Is one letter read glued to the end of the number's label, a space before the digits
    (``LICe 092127131``, ``DLNN 0070 3536 5``)?  It is the label's mark misread (``LIC#``) or the
    number's letter the engine did not part from the label (Oklahoma's ``N``): the state's format
    decides, on a tie for the letter (nothing on the card tells them apart when both fit), and
    either way the number is in doubt."""
    text = label.seg.text
    return (label.field == "document_number" and not text[label.end - 1].isspace()
            and _LETTER_ON_LABEL.match(text, label.end) is not None)


def _next_field_number(label: Label, labels: list[Label]) -> str:
    """The AAMVA field number of the next label on ``label``'s segment when that label was read
    without it (``...6249 CLASS``: class is field ``9``, glued to the value as its last digit),
    else ``""``."""
    nxt = next((lab for lab in labels if lab.seg is label.seg and lab.start >= label.end), None)
    if nxt is None or nxt.numbered:
        return ""
    return next((num for num, fld in NUMBERED.items() if fld == nxt.field and num.isdigit()), "")


def _nearby(label: Label, segs: list[Segment], labels: list[Label]) -> list[tuple[Segment, str]]:
    """Text that may hold the label's value: right of it on its row, then below it.

    Below, only the characters under the label's column count (up to the next label on
    the row), since OCR often merges the values of side-by-side fields into one line.  The
    column opens where the label's words do (:func:`_column_start`).
    """
    seg = label.seg
    top, bottom = seg.span_y(label.start, label.end)
    row_xs = [lab.seg.x_at(lab.start) for lab in labels if lab.seg.row == seg.row]
    x1 = min((x for x in row_xs if x > seg.x_at(label.start) + 1e-6), default=2.0)
    x0 = _column_start(label, labels)
    later = [lab for lab in labels if lab.seg is seg and lab.start >= label.end]
    # A segment opening with a label is not another label's value, unless it is nothing
    # but a bare number ("1" under "12 RESTRICTIONS" is a value, not the family-name label).
    # Marks OCR read before the label (``$ CLASS DM``: the field number ``9``) do not make it a value.
    labelled_starts = {id(lab.seg) for lab in labels if not re.search(r"[A-Z0-9]", lab.seg.text[:lab.start])
                       and not lab.seg.text.strip(" .").isdigit()}
    out: list[tuple[Segment, str]] = []
    if not later:
        cy = (top + bottom) / 2
        right = [s for s in segs if s.xs and seg.right - 1e-6 <= s.xs[0] < seg.right + 0.15
                 and (s.row == seg.row or s.top <= cy <= s.bottom) and id(s) not in labelled_starts]
        out += [(s, s.text) for s in sorted(right, key=lambda s: s.xs[0])[:1]]
    h = max(bottom - top, 0.01)
    # A segment's top in the column: a taller word beside it (another field's value OCR ran
    # into the row) does not lift the row out of reach.
    tops = {id(s): _column_top(s, x0, x1) for s in segs if s.xs}
    # Print beside the label (its top above the label's bottom) beyond the reach of a value beside
    # it is another column's (a caption OCR did not read as a label, ``DOS`` for ``DOB``), not below.
    below = [s for s in segs if s.xs and top + 0.5 * h <= tops[id(s)] <= bottom + 1.6 * h
             and s.xs[0] < x1 and s.right > x0 - 0.02 and not (tops[id(s)] < bottom and s.xs[0] >= seg.right + 0.15)]
    for s in sorted(below, key=lambda s: (tops[id(s)], abs(s.xs[0] - x0))):
        part = _column_part(s, x0, x1, labels, whole_row_labelled=id(s) in labelled_starts)
        if part:
            out.append((s, part))
    return out


def _column_top(seg: Segment, x0: float, x1: float) -> float:
    """The top of ``seg``'s characters under the column ``x0..x1`` (its own top when none are)."""
    return min((y[0] for x, y in zip(seg.xs, seg.ys) if x0 - 0.03 <= x < x1 - 0.005), default=seg.top)


def _column_start(label: Label, labels: list[Label]) -> float:
    """Where the label's column opens: at the label, or at the start of its segment when
    words no label claims lead it there (``LICEN5E NO.``, ``OPERATOR NO.``: a misread or
    unknown first word of the label), so a value under the whole label is not cut short
    by the width of that word.  Text with digits before it is another field's value."""
    seg = label.seg
    lead = seg.text[:label.start].replace(" ", "")
    first = not any(lab.seg is seg and lab.start < label.start for lab in labels)
    if first and len(lead) >= 3 and sum(c.isalpha() for c in lead) >= 0.75 * len(lead):
        return seg.xs[0]
    return seg.x_at(label.start)


def _column_part(seg: Segment, x0: float, x1: float, labels: list[Label], *, whole_row_labelled: bool) -> str:
    """The text of ``seg`` under the column ``x0..x1``, up to the next label in it.

    A segment opening with a label is its own field, unless that label lies left of the
    column: a tilted photo merges rows, so a value can share a row with another field.  A
    column that opens inside a word holds no value: the word belongs to print left of it
    (the ``E`` of a signature's ``SAMPLE`` under a label's column is no family name).
    """
    own = [lab for lab in labels if lab.seg is seg and not seg.text.strip(" .").isdigit()]
    inside = [i for i, x in enumerate(seg.xs) if x0 - 0.03 <= x < x1 - 0.005]
    if not inside or inside[0] > 0 and seg.text[inside[0] - 1].isalpha() and seg.text[inside[0]].isalpha():
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


def fill_from_labels(segs: list[Segment], labels: list[Label], out: LicenceFields, run_date: dt.date, *,
                     accept: Mapping[str, Callable[[object], bool]] | None = None,
                     own_format: Callable[[object], bool] | None = None) -> set[int]:
    """Fill fields from labels; returns the ids of segments consumed as values.

    ``accept`` (per field) tells a good value from one merely readable: the label's first
    accepted candidate (inline, right, below) wins, else its first readable one.
    ``own_format``: the card's state's number formats (None when the state is unknown); a
    number of a shape no other state prints (``K1Z2A``, one digit) counts only when it fits
    them, and only when no candidate of the usual shape fits.
    """
    used: set[int] = set()
    for label in labels:
        if label.field == "_other" or label.field in out.values:
            continue
        good = (accept or {}).get(label.field)
        best = _BEST if good else _READABLE
        picked: tuple[object, float, Segment | None, int, str] | None = None
        rank = -1
        inline = inline_value(label, labels)
        doubt = False
        for text, start, end, rival in _inline_texts(label, labels):
            value, r = _reading(label.field, text, run_date, good, own_format)
            # Both "DLN" + "0724..." and "DL N0" + "724..." fitting: the longer reading, in doubt.
            tie = rival and r == rank == _BEST
            if value is not None and (r > rank or tie):
                conf = _value_confidence(label.field, value, label.seg, start, end)
                picked, rank, doubt = (value, conf, None, -1, text), r, tie
        nearby = _nearby(label, segs, labels) if rank < best else []
        for i, (cand, part) in enumerate(nearby):
            value, r = _reading(label.field, part.strip(" .:#"), run_date, good, own_format)
            if value is not None and r > rank:
                at = max(cand.text.find(part), 0)
                conf = _value_confidence(label.field, value, cand, at, at + len(part))
                picked, rank = (value, conf, cand, i, part), r
            if rank == best:
                break
        if picked is None:
            continue
        value, conf, cand, i, text = picked
        if label.field == "document_number" and (cand is None and (doubt or _letter_on_label(label))
                                                 or rank == _GUESSED or _end_in_doubt(str(value), text, good)):
            conf *= GLUED
        if cand is not None:
            used.add(id(cand))
            if label.field == "first_name":
                value = _given_names_below(str(value), cand, nearby[i + 1:], used)
        if label.field == "address" and inline:
            used.add(id(label.seg))
        out.put(label.field, value, conf)
        out.origin.setdefault(label.field, id(label.seg))
    return used


def _value_confidence(fld: str, value: object, seg: Segment, start: int, end: int) -> float:
    """The OCR confidence of a value read from ``seg.text[start:end]``: for a number, of the words
    spelling it (what follows it in the span may be another field's misread label)."""
    if fld == "document_number":
        return seg.confidence_of_spelling(str(value), start, end)
    return seg.confidence_of(start, end)


def _end_in_doubt(number: str, text: str, good: Callable[[object], bool] | None) -> bool:
    """Another field's text ran into the number, right after it or after digits the reading
    left out (``484 756 850 38ALASS``: is ``38`` the number's?): where it ends is a guess.

    Unless nothing was left out and the state's formats take the number neither one character
    shorter nor one digit longer (Maryland's letter and 12 digits in ``P246093724797LASSA``): a
    digit lost to the label would have shown as a number that does not fit.  Where the formats
    take one digit more (Montana prints 13 or 14 digits: ``064-421-996-982-9DM``, the last 4
    lost under the class caption whose value ran into it), the lost digit does not show.  What was left out may be
    the field number of the caption glued on there (``A123-456-789-1234AISS``: ``4a ISS``): then
    the cut is the caption's start unless the number with those digits fits as well.

    One letter glued on where the word ends (``315-237-068S D``: Wyoming prints 9 or 10
    digits, and ``S`` is the last letter of ``CLASS`` or a ``5``) is in doubt when, read as the
    digit it resembles, it makes a number that fits as well.  One letter ending the text is in
    doubt anyway: nothing after it tells a neighbour's value (``J477...168D``, class ``D`` printed
    over the number's end) from a misread digit (``5068610985P``, a 1 read ``P``).
    """
    joined = re.sub(r"(?<=[A-Z0-9])[\s-](?=\d)", "", text)
    m = re.search(re.escape(number) + r"(\d*)[A-Z]{2}", joined)
    if m is not None:
        left_out = m.group(1)
        if left_out and not _caption_number(joined, m.start(1), left_out):
            return True
        return (good is None or good(number[:-1]) or good(number + "0")
                or bool(left_out) and good(number + left_out))
    m = re.search(re.escape(number) + r"(\d*)([A-Z])(?![A-Z0-9])", joined)
    if m is None:
        return False
    if not joined[m.end():].strip():
        return True
    digit = as_digit(m.group(2))
    return bool(m.group(1)) or good is None or digit is not None and good(number + m.group(1) + digit)


def _caption_number(text: str, at: int, digits: str) -> bool:
    """Are ``digits`` at ``text[at:]`` the field number of a caption glued on there (``4`` of ``4AISS``)?"""
    caption = NUMBERED_CAPTION.match(text, at)
    return caption is not None and re.match(r"\d+", caption.group()).group() == digits


#: Ranks of a candidate value: readable; a number fitting only the card's state's unusual shapes;
#: one fitting the formats only as a guess where OCR glued print to it (in doubt); a number of the
#: usual shape fitting the formats (the best a label can find).
_READABLE, _OWN_SHAPE, _GUESSED, _BEST = 0, 1, 2, 3


def _reading(fld: str, text: str, run_date: dt.date, good: Callable[[object], bool] | None,
             own_format: Callable[[object], bool] | None) -> tuple[object | None, int]:
    """The field's value in ``text`` and its rank: for a number, the longest reading that fits
    (a number printed in groups is all of its groups), a label's remnant cut off where that
    still fits; else the longest guess undoing print glued to it that fits
    (:mod:`.licence_number_guesses`); else one of an unusual shape fitting ``own_format``; else
    the usual reading."""
    if fld != "document_number" or good is None:
        value = clean_value(fld, text, run_date)
        return value, _READABLE
    # A label word misread between the label and the number (``4d DUN 242 578 716``, ``4d DEN N244885``:
    # ``DLN``) is no part of it: what follows it is read too (the whole text, longer, wins where both fit).
    misread = re.match(r"[A-Z]{2,4}\s+(?=[A-Z]{0,2}\d)", text)
    variants = (text, text[misread.end():]) if misread else (text,)
    fitting = _longest_fitting(variants, good, any_shape=False)
    if fitting:
        return fitting, _BEST
    guessed = [r for variant in variants for r in guessed_readings(variant) if good(r)]
    if guessed:
        return max(guessed, key=len), _GUESSED
    fitting = _longest_fitting(variants, own_format, any_shape=True) if own_format else None
    if fitting:
        return fitting, _OWN_SHAPE
    readings = number_readings(text)
    return (readings[0], _READABLE) if readings else (None, _READABLE)


def _longest_fitting(variants: tuple[str, ...], check: Callable[[object], bool], *, any_shape: bool) -> str | None:
    """The longest reading of ``variants`` that ``check`` accepts: with a label's remnant cut
    off first, else kept (``N078...``: New York's letter, not ``NO``), else None."""
    for strip in (True, False):
        fitting = [r for variant in variants for r in number_readings(variant, strip_label=strip, any_shape=any_shape)
                   if check(r)]
        if fitting:
            return max(fitting, key=len)
    return None


def _given_names_below(value: str, taken: Segment, rest: list[tuple[Segment, str]], used: set[int]) -> str:
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
