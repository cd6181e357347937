"""Licence fields read from the card's structure, where no label names them.

The name lines sit above the street and city lines (the ``CITY, ST 12345`` line is found
by its shape); signatures and mixed-case printed names tell which name line is which;
the birth date is the earliest date, the expiry the latest; a number-like token is the
licence number.  Values from these fallbacks carry a lower confidence
(:data:`FALLBACK_CONFIDENCE`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Mapping

from ..layout import visual_rows
from .licence_checks import DOUBT
from .licence_fields import LicenceFields, clean_number, label_remnant, number_readings
from .licence_labels import Label, inline_value
from .licence_number_guesses import every_group_reading, guessed_readings
from .licence_number_rivals import after_lone_digit, rival_reading
from .licence_numbers import opens_with_digit_then_letter
from .licence_segments import Segment
from .names import given_first, is_name, is_name_label, letters_for_digits, name_parts, written_first
from .us_dates import US_DATE_RE, us_date
from .us_states import STATES

#: The city line: ``CITY, ST 12345`` or ``CITY ST 12345-6789``, a blurred ZIP code allowed: a digit
#: read as a look-alike letter, or as a symbol no ZIP code holds (``685#1``; not a date's or time's ``/`` or ``:``).
_CITY_RE = re.compile(r"^(?P<city>[A-Z][A-Z01 .'-]*?)[,.\s-]*(?P<st>[A-Z015][A-Z015])[,.\s-]*"
                      r"(?P<zip>(?:[\dBOSIL]|[^\w\s,./:-]){5})(?:[- ]?(?P<zip4>[\dBOSIL]{4}))?(?!\w)")
#: Digits a city's letters are read as (``OXF0RD``).
_CITY_LETTERS = str.maketrans("01", "OI")
#: Digits a state code's letters are read as (``0K`` for ``OK``); the code must then be a state's.
_STATE_LETTERS = str.maketrans("015", "OIS")
#: Letters a blurred ZIP code's digits are read as.
_ZIP_DIGITS = str.maketrans("BOSIL", "80511")
_NAME_PREFIX = re.compile(r"^(?:1\s*[,.]?\s*2|[12])\s*[.]?\s*(?=[^\W\d_])")
#: An AAMVA name field number, then a ``1`` glued to letters: the ``I`` a name opens with.
_ONE_FOR_I = re.compile(r"^([12]\s*[.]?\s*)1(?=[A-Z])")
#: Factor on the OCR confidence of a value read from the card's structure, not a label.
FALLBACK_CONFIDENCE = 0.6


def city_line_state(text: str, *, look_alike: bool = False) -> str | None:
    """The state of a ``CITY, ST 12345`` line, or None when ``text`` is no city line of a state.
    ``look_alike``: a letter of the code may be read as a look-alike digit (``FRANKLIN, 0K 51733``)."""
    m = _CITY_RE.match(text)
    code = m.group("st") if m else ""
    state = code.translate(_STATE_LETTERS) if look_alike else code
    return state if state in STATES else None


def address_block(segs: list[Segment], out: LicenceFields) -> Segment | None:
    """Find the ``CITY, ST 12345`` line; fill city/state/zip and the street above it.

    A state code read as printed wins over one read through a look-alike digit anywhere on the
    card (``0K``): the look-alike reading lets other rows pass for a city line too."""
    found = _city_line(segs, look_alike=False) or _city_line(segs, look_alike=True)
    if found is None:
        return None
    seg, m, state = found
    zip4 = m.group("zip4") or ""
    out.put("city_in_address", m.group("city").strip(" ,.").translate(_CITY_LETTERS), seg.confidence)
    out.put("state_in_address", state, seg.confidence)
    zip_code = (m.group("zip") + (zip4 if sum(c.isdigit() for c in zip4) >= 3 else "")).translate(_ZIP_DIGITS)
    out.put("zip_code_in_address", zip_code, seg.confidence * (1.0 if zip_code.isdigit() else DOUBT))
    return seg


def _city_line(segs: list[Segment], *, look_alike: bool) -> tuple[Segment, re.Match[str], str] | None:
    """The first city line of ``segs``, its match and its state."""
    for seg in segs:
        text = re.sub(r"^\d\s+", "", seg.text)
        m = _CITY_RE.match(text)
        state = city_line_state(text, look_alike=look_alike)
        # A ZIP code may have one letter for a digit (``AZB5007``), not be mostly letters.
        if not m or state is None or sum(c.isdigit() for c in m.group("zip")) < 4:
            continue
        return seg, m, state
    return None


#: A leading one-character word below this share of the next word's height is set small: a field number.
_SMALL_PRINT = 0.7


def block_text(seg: Segment) -> str:
    """A name or street line's text without a small one-character word leading it.

    AAMVA field numbers are set small before their values; OCR misreads one as a letter
    (``R EMILY`` for ``2 EMILY``, ``n 118 WEST...`` for ``8 118 WEST...``).  A name's own
    initial is printed as large as the rest of the line, so it stays.
    """
    text = seg.text
    if len(text) > 2 and text[1] == " " and text[0].isalnum() and text[2] != " ":
        lead, rest = seg.ys[0], seg.ys[2]
        if lead[1] - lead[0] < _SMALL_PRINT * (rest[1] - rest[0]):
            return text[2:]
    return text


def _street_like(seg: Segment) -> bool:
    """Opens with a house number (not a numbered name label like "1SAMPLE" or "1,2SAMPLE, CARON")
    and names a street.

    A licence number under a misread ``4d`` (``4S123-4567-6501-00``) also opens with a
    digit, but has no street name: at least three letters, two of them together.
    """
    text = block_text(seg)
    return (bool(re.match(r"^\d", text)) and len(text) >= 6
            and not re.match(r"^(?:1\s*[,.]\s*2|[12])\s*[.]?\s*[A-Z]", letters_for_digits(text))
            and sum(c.isalpha() for c in text) >= 3 and bool(re.search(r"[A-Z]{2}", text)))


def block_above(segs: list[Segment], city: Segment, skip: set[int], *,
                captions: frozenset[int] | set[int] = frozenset()) -> tuple[list[Segment], list[Segment]]:
    """The name and street lines: the left-aligned block stacked above the city line.

    Lines that hold a label and nothing else (``captions``, ``ADDRESS`` over the street) and
    misread name labels are passed over, never names.  The block opens with a name line.  The
    street starts at the first line opening with a digit (house number, or the AAMVA label 8
    glued to it); without one, a block of three or more lines is read as two name lines then
    the street.  Names are at most the two lines above the street.
    """
    block: list[Segment] = []
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
        if is_name_label(seg.text) or id(seg) in captions:
            continue
        block.append(seg)
        ref = seg
    block.reverse()
    while block and not is_name(_name_text(block[0])) and not _street_like(block[0]):
        block.pop(0)  # stray print above the name lines (a ghost number, a seal)
    starts = [i for i, seg in enumerate(block) if _street_like(seg)]
    if starts:
        first = starts[0]
    elif len(block) >= 3:
        first = 2
    else:
        return [], []
    names = [s for s in block[max(0, first - 2):first] if is_name(_name_text(s))]
    return names, block[first:]


def _name_text(seg: Segment) -> str:
    """A name line's text without its AAMVA field number, a zero beside letters read as ``O``,
    and a ``1`` glued between the field number and letters read as ``I`` (``21AM``)."""
    text = _ONE_FOR_I.sub(r"\1I", letters_for_digits(block_text(seg).strip()))
    return _NAME_PREFIX.sub("", text).strip()


def _name_confidence(seg: Segment) -> float:
    """A name line's confidence as a fallback; a guessed ``I`` for ``1`` puts it below review level:
    ``21AM`` is ``2 IAM`` or ``2 I AM``, and nothing on the line tells which."""
    guessed = _ONE_FOR_I.match(letters_for_digits(seg.text.strip()))
    own = seg.confidence_of(len(seg.text) - len(block_text(seg)), len(seg.text))  # not a small field number's
    return own * FALLBACK_CONFIDENCE * (DOUBT if guessed else 1.0)


def street_text(lines: list[Segment], numbered: bool) -> str:
    """The street lines as one line, without an ``ADDRESS`` or AAMVA ``8`` label."""
    text = " ".join(re.sub(r"^(?:8\s*[.]?\s*)?ADDRESS[.:\s]*", "", block_text(s).strip()) for s in lines)
    if numbered and block_text(lines[0]) == lines[0].text:  # else its small field number is gone already
        text = re.sub(r"^8\s*(?=\d)|^8\s+", "", text)
    return re.sub(r"\s+", " ", text.replace(",", " ")).strip()


def mixed_case_rows(response: Mapping[str, Any]) -> list[list[str]]:
    """Each visual row's words holding small letters (signatures, printed "First Last" names),
    for the rows that have any, top to bottom: what the signature readers below read, built
    once a card."""
    rows = ([w.text for w in row.words if any(c.islower() for c in w.text)] for row in visual_rows(response))
    return [texts for texts in rows if texts]


def signature_rows(mixed: list[list[str]]) -> list[str]:
    """The mixed-case rows (:func:`mixed_case_rows`), squeezed and upper-cased."""
    return [re.sub(r"[^A-Z]", "", "".join(texts).upper()) for texts in mixed]


def signature_sequences(mixed: list[list[str]]) -> list[list[str]]:
    """Each mixed-case row's words in order, split at spaces, punctuation and case turns
    (``JomeQTublic`` -> ``JOME Q TUBLIC``), upper-cased."""
    out = []
    for texts in mixed:
        words: list[str] = []
        for text in texts:
            split = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
            words += [p.upper() for p in re.split(r"[\W\d_]+", split) if p]  # any script's letters
        if words:
            out.append(words)
    return out


#: A name written as printed names are: capital, then small letters, parts joined by ``-`` or ``'``.
_PRINTED_NAME = re.compile(r"[A-Z][a-z]*(?:[-'][A-Z][a-z]+)*")


def printed_signatures(mixed: list[list[str]]) -> list[list[str]]:
    """Each mixed-case row's leading words shaped as names are printed (``David``, ``Smith-Jones``,
    ``O'Brien``), upper-cased, split at ``-`` and ``'``; words without small letters (an initial,
    ``DONOR`` beside the signature) are left out, as in :func:`signature_sequences`.

    A word of any other shape ends its row: a cursive signature OCR misreads comes out in shapes
    no printed name has (``Jane,hruple``, ``ASomple``), and its letters are no evidence against
    the printed fields, while a signature printed or written clearly reads as names are spelt.
    """
    out = []
    for texts in mixed:
        words: list[str] = []
        for text in texts:
            if not _PRINTED_NAME.fullmatch(text):
                break
            words += re.split(r"[-']", text.upper())
        if words:
            out.append(words)
    return out


def signature_words(mixed: list[list[str]]) -> set[str]:
    """Words of the mixed-case rows, split at spaces, punctuation and case turns (``ASample``)."""
    return {w for words in signature_sequences(mixed) for w in words}


def fill_names(out: LicenceFields, block: list[Segment], signatures: list[str]) -> None:
    """Split labelled names into their parts; names still missing come from the name block: its
    two lines (family name above), one ``LAST, FIRST`` line, or, the family name labelled, the one
    name line left."""
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
    texts = [_name_text(s) for s in block]
    # Each name from its own line's words: a garbled family-name line says nothing of the given name.
    confs = [_name_confidence(s) for s in block]
    if len(texts) == 1 and "," in texts[0]:
        for k, v in name_parts(texts[0]).items():
            out.put(k, v, confs[0])
    elif len(texts) == 2:
        (last, last_conf), (given, given_conf) = zip(texts, confs)  # AAMVA order: family name above given names
        if "first_name" not in out.values and given_first(last, given, signatures, number):
            (last, last_conf), (given, given_conf) = (given, given_conf), (last, last_conf)
        if "first_name" not in out.values:
            for k, v in name_parts(given).items():
                out.put(k, v, given_conf)
        out.put("last_name", last, last_conf)
    elif len(texts) == 1 and "last_name" in out.values and str(out.values["last_name"]) not in texts[0]:
        # The family name labelled, one other name line above the street (the given names' caption
        # misread, ``FRST BUME``): the given names, in doubt unless a signature writes them first.
        signed = written_first(signatures, texts[0], str(out.values["last_name"]))
        for k, v in name_parts(texts[0]).items():
            out.put(k, v, confs[0] * (1.0 if signed else DOUBT))


_DATE_FIELDS = ("date_of_birth", "expiration_date", "date_of_issue")
#: Youngest age at which a US state licenses a driver or issues an ID card it dates to a birthday.
_YOUNGEST = 14


def fallback_dates(segs: list[Segment], labels: list[Label], out: LicenceFields, run_date: dt.date) -> None:
    """Dates no label claimed: the earliest is the birth date, the latest the expiry, then the issue.

    Which field a date is, not its reading, is what the fallback guesses, so its confidence is
    lowered; a birth date and an expiry that confirm each other (see :func:`birthday_expiry`) keep
    their read's.  A field whose label was read with no date beside it lost that date: the pick
    is another field's date as likely as not, so it is put in doubt unless so confirmed.
    """
    found: list[tuple[dt.date, float]] = []
    for seg in segs:
        text = seg.text
        for lab in labels:
            if lab.seg is seg and lab.field == "_other":
                # Dates after DD / REV / REPLACED are not the card's birth, issue or expiry.
                end = lab.end + len(inline_value(lab, labels)) + 1
                text = text[:lab.start] + " " * (end - lab.start) + text[end:]
        for m in US_DATE_RE.finditer(text):
            d = us_date(m.group(0))
            if d:
                found.append((d, seg.confidence_of(m.start(), m.end())))
    taken = {out.values.get(k) for k in _DATE_FIELDS}
    free = sorted({d for d, _ in found if d not in taken})
    conf = {d: c for d, c in found}
    unread = {lab.field for lab in labels} - set(out.values)  # labels read with no value beside them
    picked: list[str] = []
    if free and "date_of_birth" not in out.values and free[0].year <= run_date.year - _YOUNGEST:
        out.put("date_of_birth", free[0], conf[free[0]] * FALLBACK_CONFIDENCE)
        picked.append("date_of_birth")
        free = free[1:]
    for name in ("expiration_date", "date_of_issue"):
        if free and name not in out.values:
            out.put(name, free[-1], conf[free[-1]] * FALLBACK_CONFIDENCE)
            picked.append(name)
            free = free[:-1]
    confirmed = birthday_expiry(out.values.get("date_of_birth"), out.values.get("expiration_date"))
    for name in picked:
        if confirmed and name in ("date_of_birth", "expiration_date"):
            out.confidence[name] = round(conf[out.values[name]], 2)  # type: ignore[index]
        elif name in unread:
            out.confidence[name] = round(out.confidence[name] * DOUBT, 2)


def birthday_expiry(birth: object, expiry: object) -> bool:
    """A birth date and an expiry that confirm each other: the same month and day, years apart.

    Most US states expire a licence on the holder's birthday, so two reads of the same month
    and day, the earlier at least :data:`_YOUNGEST` years before the later, are the birth date
    and the expiry (two reads of one month and day, in the order a card's dates come)."""
    if not isinstance(birth, dt.date) or not isinstance(expiry, dt.date):
        return False
    return (birth.month, birth.day) == (expiry.month, expiry.day) and expiry.year - birth.year >= _YOUNGEST


def fallback_number(segs: list[Segment], used: set[int], out: LicenceFields, numbered: bool, *,
                    fits: Callable[[object], bool] | None = None, before_label: dict[int, int] | None = None,
                    captioned: bool = False) -> None:
    """A number no label names: the first printed in groups that fits the state's format
    (``fits``; ``E54 036 614 363 CLASS CM`` where OCR lost the number's label: the text
    before a segment's first label counts, ``before_label``; a segment used as another
    field's value counts too), else the first number-like token (a letter in it, or seven
    characters) on a segment not used.

    A number read after what is left of its label (``LCNOP142-4558-7924``, ``4T1234...`` on a
    numbered card: ``4d`` without its ``d``) was named by that label, only misread: it keeps
    its words' confidence, without the structure fallback's factor.  ``captioned``: the card
    prints at least one numbered caption (``4a``), enough to doubt a 4 opening a number."""
    texts: list[tuple[Segment, str, bool]] = []
    grouped_texts: list[tuple[Segment, str, bool]] = []
    for seg in sorted(segs, key=lambda s: s.top):
        if city_line_state(seg.text):  # not ``DUN 164602220`` (``DLN``: no state ``UN``)
            continue
        cut = (before_label or {}).get(id(seg))
        if cut is not None and cut > 0:
            grouped_texts.append((seg, US_DATE_RE.sub(" ", seg.text[:cut]).strip(), False))
        text = US_DATE_RE.sub(" ", seg.text).strip()
        field_number = numbered and bool(re.match(r"^4(?=[A-Z])", text))
        if field_number:
            text = text[1:]
        if cut is None:
            # A row another label took a value from may hold the number too (``01/02/2022
            # NHL12506717`` under ``EXPIRATION DATE 4D ...`` on a tilted card): its format decides.
            grouped_texts.append((seg, text, field_number))
        if id(seg) not in used:
            texts.append((seg, text, field_number))
    if fits is not None:
        for seg, text, field_number in sorted(grouped_texts, key=lambda st: st[0].top):
            tokens = text.split(" ")
            for i in range(len(tokens)):
                grouped = [r for r in number_readings(" ".join(tokens[i:i + 5])) if fits(r) and len(r) >= 7]
                remnant = not grouped and i == 0 and _caption_digit(tokens, fits)
                if remnant:
                    grouped = [remnant]
                if grouped:
                    number = max(grouped, key=len)
                    conf = seg.confidence_of_part(_covering(tokens[i:], number))
                    named = field_number and i == 0 or bool(label_remnant(tokens[i]))
                    every = None if remnant else every_group_reading(tokens[i:], number, fits)
                    if every:
                        number, conf = every, seg.confidence_of_part(" ".join(tokens[i:])) * DOUBT
                    elif remnant:
                        conf *= DOUBT
                    elif (numbered or captioned) and i == 0 and _caption_in_doubt(number, fits):
                        number, conf = number[1:], conf * DOUBT
                    elif rival := rival_reading(tokens[i:], number, fits):
                        # Beaten narrowly by a reading a token later: in doubt (licence_number_rivals).
                        number = rival if after_lone_digit(tokens[i:], rival) else number
                        conf *= DOUBT
                    out.put("document_number", number, conf * (1.0 if named else FALLBACK_CONFIDENCE))
                    return
        if _guessed_number(grouped_texts, out, fits):
            return
    for seg, text, field_number in texts:
        for k, token in enumerate(text.split(" ")):
            number = clean_number(token)
            if number and re.search(r"[A-Z]", number) or number and len(number) >= 7:
                named = field_number and k == 0 or bool(label_remnant(token))
                out.put("document_number", number,
                        seg.confidence_of_part(token) * (1.0 if named else FALLBACK_CONFIDENCE))
                return
    if fits is not None:
        _after_unread_label(texts, out, fits)


def _guessed_number(texts: list[tuple[Segment, str, bool]], out: LicenceFields, fits: Callable[[object], bool]) -> bool:
    """With no row's plain reading fitting the state's format, the first row whose number fits
    once print glued to it is undone (``4UN974-629-453 9``: the ``4d DLN`` caption run into the
    digits; :mod:`.licence_number_guesses`).  The gluing is a guess, so the number is in doubt."""
    for seg, text, _ in sorted(texts, key=lambda st: st[0].top):
        tokens = text.split(" ")
        for i in range(len(tokens)):
            guessed = [r for r in guessed_readings(" ".join(tokens[i:i + 5])) if fits(r) and len(r) >= 7]
            if guessed:
                number = max(guessed, key=len)
                out.put("document_number", number, seg.confidence_of_part(_covering(tokens[i:], number)) * DOUBT)
                return True
    return False


#: A row of one word of letters no label matched and one token with a digit (``ON 59838``).
_WORD_AND_TOKEN = re.compile(r"^[A-Z]{2,6}\s+(?P<token>[A-Z0-9]*\d[A-Z0-9]*)$")


def _after_unread_label(texts: list[tuple[Segment, str, bool]], out: LicenceFields,
                        fits: Callable[[object], bool]) -> None:
    """A number of a shape the usual readings pass over (South Carolina's five digits, Kansas's
    ``M4G7U``) after one word of letters no label matched (``ON`` for ``NO``, ``LXCEN`` for
    ``LICEN``): the number's label misread, when the token fits the state's format.  The label
    is a guess, so the number is in doubt (flagged)."""
    for seg, text, _ in texts:
        m = _WORD_AND_TOKEN.match(text)
        if m and fits(m.group("token")):
            out.put("document_number", m.group("token"), seg.confidence_of_part(m.group("token")) * DOUBT)
            return


def _caption_in_doubt(number: str, fits: Callable[[object], bool]) -> bool:
    """Does a number opening its row on a numbered card hold the ``4d`` caption that lost its
    ``d`` (``46506265`` for ``4d 6506265``)?  When the digits after the 4 fit the state's format
    as well, nothing on the row tells a glued caption from a number that starts with 4: the
    caption is the likelier (it is printed there), and the number is flagged either way."""
    return bool(re.match(r"^4\d", number)) and bool(fits(number[1:]))


def _caption_digit(tokens: list[str], fits: Callable[[object], bool]) -> str:
    """The number opening a row after one digit glued before its letter, when without that digit
    it fits the state's format (``0SF29435``: the small ``4d DLN`` caption read as one ``0``
    before Colorado's ``SF29435``), else ``""``.  No state's format opens with one digit and a
    letter (:func:`.licence_numbers.opens_with_digit_then_letter`), so the digit is a caption's
    remnant; which character it stands for is a guess, so the number is in doubt."""
    if not re.match(r"^\d[A-Z]", tokens[0]) or opens_with_digit_then_letter():
        return ""
    fitting = [r for r in number_readings(" ".join([tokens[0][1:]] + tokens[1:5])) if fits(r) and len(r) >= 7]
    return max(fitting, key=len, default="")


def _covering(tokens: list[str], number: str) -> str:
    """The first tokens that together spell at least ``number``'s characters, as printed."""
    spelled = 0
    for k, token in enumerate(tokens):
        spelled += len(re.sub(r"[^A-Z0-9]", "", token))
        if spelled >= len(number):
            return " ".join(tokens[: k + 1])
    return " ".join(tokens)
