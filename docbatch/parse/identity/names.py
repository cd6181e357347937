"""Personal-name helpers for printed ID fields: splitting, name-likeness, line order.

Kept apart from the licence layout logic because they are about names, not geometry:
``LAST, FIRST MIDDLE`` splitting with suffixes, and the two cues that tell which of two
unlabelled name lines is the family name (a Soundex-derived licence number, as several
US states issue; a signature, written "First Last"); and the repairs of names OCR glued
together or labels it misread into name-like text.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV", "V"})


def name_parts(value: str) -> dict[str, str]:
    """``LAST, FIRST MIDDLE`` / ``FIRST MIDDLE`` / ``NAME, SUFFIX`` into parts."""
    out: dict[str, str] = {}
    if "," in value:
        head, tail = (p.strip() for p in value.split(",", 1))
        if tail in SUFFIXES:
            out["suffix"] = tail
            value = head
        else:
            out["last_name"] = head
            value = tail
    words = [w for w in re.split(r"[\s.,]+", value) if w]
    if words and words[-1] in SUFFIXES and len(words) > 1:
        out["suffix"] = words.pop()
    if words:
        out["first_name"] = words[0]
    if len(words) > 1:
        out["middle_name"] = " ".join(words[1:])
    return out


#: A zero beside a letter or apostrophe and no other digit: the letter O (``0'BRIEN``, ``0LSEN``).
_ZERO_FOR_O = re.compile(r"(?<![0-9])0(?=[A-Z'])|(?<=[A-Z'])0(?![0-9])")


def letters_for_digits(text: str) -> str:
    """A name line with the zero OCR reads for an ``O`` beside letters as the ``O``.

    Zeros among digits (an AAMVA field number, a date) stay: only a zero touching a
    letter or an apostrophe, with no digit beside it, is taken for the letter.
    """
    return _ZERO_FOR_O.sub("O", text)


def is_name(text: str) -> bool:
    """Letters (any script) with the punctuation names use; no digits."""
    return bool(text) and text[0].isalpha() and all(c.isalpha() or c in " ,.'-" for c in text)


def written_first(signatures: list[str], a: str, b: str) -> bool:
    """True when a signature shows name ``a`` before name ``b`` (signatures read First Last)."""
    for sig in signatures:
        ia, ib = sig.find(a[:4]), sig.find(b[:4])
        if 0 <= ia < ib:
            return True
    return False


def soundex(name: str) -> str:
    """American Soundex (letter + 3 digits): several states derive licence numbers from it."""
    codes = {**dict.fromkeys("BFPV", "1"), **dict.fromkeys("CGJKQSXZ", "2"), **dict.fromkeys("DT", "3"),
             "L": "4", **dict.fromkeys("MN", "5"), "R": "6"}
    letters = [c for c in name.upper() if c.isalpha()]
    if not letters:
        return ""
    out, last = letters[0], codes.get(letters[0], "")
    for c in letters[1:]:
        code = codes.get(c, "")
        if code and code != last:
            out += code
        if c not in "HW":
            last = code
    return (out + "000")[:4]


def given_first(upper: str, lower: str, signatures: list[str], number: str) -> bool:
    """True when the upper of two unlabelled name lines is the given name.

    Cues: a Soundex-derived licence number starts with the family name's code; a
    signature is written "First Last".  Each line's first word of two letters or more is
    compared: a one-letter word leading a line (an initial, or what OCR made of a small field
    number or caption, ``r NOAH F``) says nothing of the order, and the signature holds that
    letter somewhere whatever the order.
    """
    up, low = _lead_word(upper), _lead_word(lower)
    if number and number.startswith(soundex(low)) != number.startswith(soundex(up)):
        return number.startswith(soundex(low))
    return written_first(signatures, up, low)


def _lead_word(line: str) -> str:
    """The first word of ``line`` of two letters or more (else its first word)."""
    words = line.split(" ")
    return next((w for w in words if len(w) >= 2), words[0])


#: Name labels of the AAMVA layout and older cards, squeezed.
_NAME_LABELS = ("FAMILYNAME", "GIVENNAMES", "GIVENNAME", "LASTNAME", "FIRSTNAME")


def is_name_label(text: str) -> bool:
    """A name label OCR misread past its pattern (``GIVEN NAS``), not a person's name."""
    squeezed = re.sub(r"[^A-Z]", "", text.upper())
    return len(squeezed) >= 6 and any(SequenceMatcher(None, squeezed, label).ratio() >= 0.8
                                      for label in _NAME_LABELS)


def split_glued_given(given: str, last: str, words: set[str]) -> tuple[str, str | None]:
    """``JOHNA`` read for ``JOHN A``: split glued given names at a word the signature shows.

    OCR drops the narrow space between given names; the signature (or a printed "First
    Last" line) spells the first name alone.  Split only when the rest is a word there
    too, or long enough to be a middle name.  Returns (first name, middle name or None).
    """
    if " " in given:
        return given, None
    for word in sorted(words, key=len, reverse=True):
        rest = given[len(word):]
        if len(word) >= 3 and word != last and given.startswith(word) and rest and (rest in words or len(rest) >= 3):
            return word, rest
    return given, None


def split_glued_initial(given: str, last: str, sequences: list[list[str]]) -> tuple[str, str | None]:
    """``JANEQ`` read for ``JANE Q``: a middle initial glued on, split where the signature writes it.

    A signature reads First Middle Last; one written with the initial on its own right before
    a word like the family name (``JomeQTublic`` for Jane Q Public: ``Q`` then ``TUBLIC``) shows
    the given name's last letter is that initial.  Returns (first name, initial or None).
    """
    if " " in given or len(given) < 4 or not last:
        return given, None
    initial = given[-1]
    for words in sequences:
        for a, b in zip(words, words[1:]):
            if a == initial and SequenceMatcher(None, b, last.replace(" ", "")).ratio() >= 0.6:
                return given[:-1], initial
    return given, None
