"""Each US jurisdiction's driver-licence number formats: a validator and a tie-breaker.

The formats are public (the states publish them; AAMVA members exchange them, and the
same table circulates as the NTSI "driver's license format" list).  A number read from a
card that fits none of its state's formats was misread (a digit from a neighbouring
field, a lost leading digit, another field's value) or belongs to a state whose format
changed: either way a reviewer should look, so the parser flags it instead of trusting it.

Notation, one string per format: parts separated by spaces, each a class and a count:
``a`` a letter, ``n`` a digit, ``x`` a letter, digit or ``*``; the count is ``k`` or
``k-m`` (default 1).  Upper-case letters are literal (``X n8`` is an X then eight digits).
"""

from __future__ import annotations

import functools
import itertools
import re

#: USPS code -> the formats its licence numbers take (printed separators removed).
FORMATS: dict[str, tuple[str, ...]] = {
    "AL": ("n1-8",),
    "AK": ("n1-7",),
    "AZ": ("a n1-8", "a2 n2-5", "n9"),
    "AR": ("n4-9",),
    "CA": ("a n7",),
    "CO": ("n9", "a n3-6", "a2 n2-5"),
    "CT": ("n9",),
    "DE": ("n1-7",),
    "DC": ("n7", "n9"),
    "FL": ("a n12",),
    "GA": ("n7-9",),
    "GU": ("a n14",),
    "HI": ("a n8", "n9"),
    "ID": ("a2 n6 a", "n9"),
    "IL": ("a n11-12",),
    "IN": ("a n9", "n9-10"),
    "IA": ("n9", "n3 a2 n4"),
    "KS": ("a n a n a", "a n8", "n9"),
    "KY": ("a n8-9", "n9"),
    "LA": ("n1-9",),
    "ME": ("n7-8", "n7 a"),
    "MD": ("a n12",),
    "MA": ("a n8", "a2 n7", "n9"),
    "MI": ("a n10", "a n12"),
    "MN": ("a n12",),
    "MS": ("n9",),
    "MO": ("a n5-9", "a n6 R", "n3 a n6", "n8 a2", "n9 a", "n9"),
    "MT": ("a n8", "n9", "n13-14"),
    "NE": ("n1-7", "a n6-8"),
    "NV": ("n9-10", "n12", "X n8"),
    "NH": ("n2 a3 n5", "a3 n8"),
    "NJ": ("a n14",),
    "NM": ("n8-9",),
    "NY": ("a n7", "a n18", "n8-9", "n16", "a8"),
    "NC": ("n1-12",),
    "ND": ("a3 n6", "n9"),
    "OH": ("a n4-8", "a2 n3-7", "n8"),
    "OK": ("a n9", "n9"),
    "OR": ("n1-9", "A n6", "B n6"),
    "PA": ("n8",),
    "PR": ("n5-7", "n9"),
    "RI": ("n7-8", "a n6"),
    "SC": ("n5-11",),
    "SD": ("n6-10", "n12"),
    "TN": ("n7-9",),
    "TX": ("n7-8",),
    "UT": ("n4-10",),
    "VT": ("n8", "n7 A"),
    "VA": ("a n8-11", "n9"),
    "WA": ("a x11",),  # 12 characters: 1-7 letters, then letters, digits or '*'
    "WV": ("n7", "a1-2 n5-6"),
    "WI": ("a n13",),
    "WY": ("n9-10",),
}
_CLASSES = {"a": "[A-Z]", "n": "[0-9]", "x": "[A-Z0-9*]"}
_PART = re.compile(r"^(?:(?P<cls>[anx])(?P<lo>\d+)?(?:-(?P<hi>\d+))?|(?P<lit>[A-Z]+))$")
#: What OCR reads for a digit where a letter belongs, and the other way round.
_AS_DIGIT = {"O": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "L": "1", "T": "7", "Z": "2", "S": "5", "B": "8",
             "G": "6"}
_AS_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "7": "T", "8": "B"}


def as_digit(char: str) -> str | None:
    """The digit OCR may have read as the letter ``char`` (``S`` for ``5``), if any."""
    return _AS_DIGIT.get(char)


def compile_format(spec: str) -> re.Pattern[str]:
    """The anchored regular expression of one format string (see the module docstring)."""
    out = []
    for part in spec.split():
        m = _PART.match(part)
        if m is None:
            raise ValueError(f"bad licence-number format part {part!r} in {spec!r}")
        if m.group("lit"):
            out.append(re.escape(m.group("lit")))
            continue
        lo = m.group("lo") or "1"
        hi = m.group("hi")
        out.append(_CLASSES[m.group("cls")] + (f"{{{lo},{hi}}}" if hi else f"{{{lo}}}"))
    return re.compile("^" + "".join(out) + "$")


@functools.cache
def _patterns(state: str) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_format(spec) for spec in FORMATS.get(state, ()))


@functools.cache
def opens_with_digit_then_letter() -> bool:
    """Can any state's number open with one digit and then a letter?  None can (a digit-led
    format opens with two or more digits: ``n3 a2 n4``), so such an opening is a caption's
    field number glued on, not the number's (the table decides, and is tested to say so)."""
    for spec in itertools.chain.from_iterable(FORMATS.values()):
        parts = [_PART.match(part) for part in spec.split()]
        first, second = parts[0], parts[1] if len(parts) > 1 else None
        if first.group("cls") == "x":
            return True
        if (first.group("cls") == "n" and (first.group("lo") or "1") == "1" and second is not None
                and (second.group("lit") or second.group("cls") in ("a", "x"))):
            return True
    return False


def squeeze_number(text: str) -> str:
    """A printed number without its separators (``S123-456-78-900`` -> ``S12345678900``)."""
    return re.sub(r"[\s.\-]", "", text.upper())


def number_fits(state: str | None, number: str) -> bool | None:
    """Does ``number`` fit one of ``state``'s formats?  None when the state's formats are unknown."""
    patterns = _patterns(state) if state else ()
    if not patterns:
        return None
    squeezed = squeeze_number(number)
    return any(p.match(squeezed) for p in patterns)


def states_fitting(number: str) -> list[str]:
    """Every state whose formats ``number`` fits (a short all-digit number fits many)."""
    return [state for state in FORMATS if number_fits(state, number)]


def repairs(state: str | None, number: str, *, limit: int = 2) -> list[str]:
    """Readings of ``number`` that fit ``state``'s formats, changing at most ``limit`` characters.

    Only OCR's letter/digit confusions are tried (``O``/``0``, ``I``/``1``, ``S``/``5``,
    ``B``/``8``...): a digit where the format wants a letter, or a letter where it wants a
    digit.  An empty list when nothing fits, or when the number already fits.
    """
    squeezed = squeeze_number(number)
    if not state or number_fits(state, squeezed) is not False:
        return []
    spots = [i for i, c in enumerate(squeezed) if c in _AS_DIGIT or c in _AS_LETTER]
    found: list[str] = []
    for k in range(1, limit + 1):
        for chosen in itertools.combinations(spots, k):
            chars = list(squeezed)
            for i in chosen:
                chars[i] = _AS_DIGIT.get(chars[i]) or _AS_LETTER.get(chars[i], chars[i])
            candidate = "".join(chars)
            if number_fits(state, candidate) and candidate not in found:
                found.append(candidate)
        if found:
            return found
    return found
