"""What a licence's own text says about the values read from it: the state, the number's format, names.

A value the card contradicts, or that nothing on the card supports, gets a confidence
below review level instead of passing as read (a flag, not a guess):

* **the issuing state** is read from the card: the state's name in the header (the
  tallest print naming a state), else the state of the ``CITY, ST 12345`` line;
* **the licence number** must fit one of that state's published formats
  (:mod:`.licence_numbers`); among the label's candidates the one that fits wins, and a
  number that fits none is kept but flagged (digits from a neighbouring field, a lost
  digit, another field's value all break the format).  A digit read where the format
  wants a letter (``5``/``S``) is undone (trusted when it is the family name's initial),
  and a neighbouring label's letters glued on after the digits dropped, when exactly that
  makes the number fit.  A fitting number holding a long run of one character
  (``N99999999``) is trusted like any other: the local engine counted 40 of 40 such runs
  on rendered cards right, and both on the shared specimens, so a flag there was a guess;
* **names**: a given name that ends with the family name read elsewhere
  (``STANLEYSAMPLE`` / ``SAMPLE``) loses it; a single name token longer than names
  usually are, with no space, signature or barcode to support it, is flagged as
  possibly glued, and so is a given name one or two letters longer than the one the
  signature spells (a middle initial glued on).
"""

from __future__ import annotations

import re
import string

from .licence_fields import LicenceFields
from .licence_numbers import number_fits, repairs, squeeze_number, states_fitting
from .licence_segments import Segment
from .us_states import STATES, state_name_in

#: Factor on a value's confidence that puts any OCR confidence below review level (50).
DOUBT = 0.45
#: Factor on a number repaired by undoing a letter/digit confusion to fit the format.
REPAIRED = 0.9
#: Factor on a number when the card's state is unknown but some state's format fits it.
STATE_UNKNOWN = 0.85
#: Longest given name / family name read as one token without support (letters).
LONG_GIVEN, LONG_FAMILY = 11, 13
#: Words of one or two letters that open family names (``DE LA CRUZ``, ``ST JAMES``); any other
#: such word before a family name is what is left of a caption (``LN`` read ``IN``) or a misread.
PARTICLES = frozenset({"AL", "BA", "DA", "DE", "DI", "DO", "DU", "EL", "LA", "LE", "LI", "LO", "MC", "ST", "TE", "VD"})
_CODES = {name: code for code, name in STATES.items()}
#: The two-letter captions of the name rows on worded cards (``LN SMITH`` / ``FN PATRICIA``).
NAME_CAPTIONS = {"last_name": "LN", "first_name": "FN"}


def state_header(segs: list[Segment], city: Segment | None, address_state: str | None) -> Segment | None:
    """The print naming the issuing state: of the lines naming a state, not opening with a digit
    (a street, ``8771 WASHINGTON ST``, or a numbered field), one agreeing with the address's state
    if any (a licence is issued where its holder lives), else the tallest."""
    named = [seg for seg in segs if seg is not city and state_name_in(seg.text) and not seg.text[:1].isdigit()]
    agreeing = [seg for seg in named if _CODES.get(str(state_name_in(seg.text))) == address_state]
    return max(agreeing or named, key=lambda s: s.height, default=None)


def card_state(segs: list[Segment], city: Segment | None, address_state: str | None) -> str | None:
    """The issuing state's USPS code: from :func:`state_header`, else the address's state."""
    header = state_header(segs, city, address_state)
    if header is not None:
        return _CODES.get(str(state_name_in(header.text)))
    return address_state if address_state in STATES else None


def number_accepts(state: str | None):  # noqa: ANN201 - a predicate for fill_from_labels
    """A predicate preferring, among a label's candidate values, a number fitting the state's format."""

    def accept(value: object) -> bool:
        fits = number_fits(state, str(value))
        return bool(states_fitting(str(value))) if fits is None else fits

    return accept


def check_number(out: LicenceFields, state: str | None) -> None:
    """Lower the number's confidence when it fits no format of the card's state (see the module doc)."""
    number = out.values.get("document_number")
    if not number:
        return
    conf = out.confidence["document_number"]
    fits = number_fits(state, str(number))
    if fits:
        return
    if fits is None:
        out.confidence["document_number"] = round(conf * (STATE_UNKNOWN if states_fitting(str(number)) else DOUBT), 2)
        return
    # A digit read where the format wants a letter (``5123...`` for ``S123...``) is undone;
    # it is trusted when that letter is the family name's initial (Soundex-style numbers
    # open with it), else flagged.  A letter where the format wants a digit is left as
    # printed and flagged: a clear letter is as likely a number of another series.
    squeezed = squeeze_number(str(number))
    fixed = [f for f in repairs(state, squeezed, limit=1)
             if all(a == b or a.isdigit() and b.isalpha() for a, b in zip(squeezed, f))]
    if len(fixed) == 1:
        initial = str(out.values.get("last_name") or "")[:1]
        changed = {b for a, b in zip(squeezed, fixed[0]) if a != b}
        out.values["document_number"] = fixed[0]
        out.confidence["document_number"] = round(conf * (REPAIRED if changed == {initial} else DOUBT), 2)
        return
    # Letters of a neighbouring label glued on (``B7336...855ASS`` from ``CLASS``): the part
    # before the turn from digits to letters, when exactly that part fits.  One letter is as
    # likely a misread digit as a neighbour's: the part that fits is kept, and flagged.
    cuts = [m.start() for m in re.finditer(r"(?<=\d)(?=[A-Z]+$)", squeezed)]
    fitting = [squeezed[:i] for i in cuts if number_fits(state, squeezed[:i])]
    if len(fitting) == 1:
        out.values["document_number"] = fitting[0]
        out.confidence["document_number"] = round(conf * (REPAIRED if len(squeezed) - len(fitting[0]) >= 2 else DOUBT), 2)
        return
    out.confidence["document_number"] = round(conf * DOUBT, 2)


def check_names(out: LicenceFields, support: set[str]) -> None:
    """Strip a family name glued to the given name; flag long unsupported single-token names.

    ``support``: words the card spells apart elsewhere (signature, printed "First Last").
    """
    last = str(out.values.get("last_name") or "")
    first = str(out.values.get("first_name") or "")
    squeezed_last = re.sub(r"[^A-Z]", "", last)
    if first and squeezed_last and " " not in first and len(first) > len(squeezed_last) + 1:
        if first.endswith(squeezed_last):
            out.values["first_name"] = first[: -len(squeezed_last)]
            first = str(out.values["first_name"])
        elif first.startswith(squeezed_last):
            out.values["first_name"] = first[len(squeezed_last):]
            first = str(out.values["first_name"])
    if first and " " not in first and first not in support and any(
            len(w) >= 3 and first.startswith(w) and 1 <= len(first) - len(w) <= 2 for w in support):
        # The signature spells a shorter given name: a middle initial glued on (``WEIJ`` / "Wei"), or
        # a letter the signature's OCR lost; which one, only a reader can tell.
        out.confidence["first_name"] = round(out.confidence["first_name"] * DOUBT, 2)
        return
    for name, longest in (("first_name", LONG_GIVEN), ("last_name", LONG_FAMILY)):
        value = str(out.values.get(name) or "")
        tokens = [t for t in re.split(r"[\s,.'-]+", value) if t]
        if any(len(t) > longest and t not in support for t in tokens):
            out.confidence[name] = round(out.confidence[name] * DOUBT, 2)


def strip_caption_remnant(out: LicenceFields, labelled: set[str], captioned: set[str], support: set[str],
                          signed_first: set[str] = frozenset()) -> None:
    """A name row whose caption was not read, beside a name row showing its two-letter caption:
    what is left of the lost caption glued to the name (``NPATRICIA``: ``FN`` with its ``F`` lost)
    is dropped where a signature spells the name without it, and flagged where nothing does.

    ``labelled``: the fields a label was found for; ``captioned``: those found by their
    two-letter caption (:data:`NAME_CAPTIONS`); ``support``: the signature's words;
    ``signed_first``: the first word of each signature row (a given name opens it).  The name
    came from the card's structure, so its first letters may be the caption's last ones; a name
    the signature spells as read (``NANCY``) is kept as read.

    With no name caption read, given names from the structure opening with a one-letter word
    (``r NOAH F``: the ``FN`` caption or field number ``2`` set small, read as a letter) lose it
    the same way where the signature opens with the next word and never writes the letter;
    they are flagged where it does not open with it (the letter may be the name's initial).
    """
    for name, caption in NAME_CAPTIONS.items():
        value = str(out.values.get(name) or "")
        if name in labelled or not value:
            continue
        if not captioned - {name}:
            if name == "first_name" and not captioned:
                _caption_letter_word(out, name, string.ascii_uppercase, signed_first)
            continue
        if _caption_letter_word(out, name, caption, signed_first if name == "first_name" else support):
            continue
        remnant = next((caption[i:] for i in range(len(caption)) if value.startswith(caption[i:])), "")
        rest = value[len(remnant):]
        if not remnant or not rest[:1].isalpha() or value.split(" ")[0] in support:
            continue
        if rest.split(" ")[0] in support:
            out.values[name] = rest
        else:
            out.confidence[name] = round(out.confidence[name] * DOUBT, 2)


def restore_seam_letter(out: LicenceFields, glued: set[str], support: set[str]) -> None:
    """A name read glued to its two-letter caption (``FNOAH``: ``FN NOAH`` with the gap closed)
    may have lost the letter the caption and the name had side by side at the seam: the engine
    reads one ``N`` for both, and the name after the caption (``OAH``) lacks its first letter.
    Where the signature spells the caption's last letter and the name as read (``Noah``) and not
    the name without it, the letter is the name's: put back.

    ``glued``: the name fields whose caption was read glued to the value (no space between);
    ``support``: the signature's words.  A name the signature spells as read is kept as read.
    """
    for name in glued:
        value = str(out.values.get(name) or "")
        first, _, rest = value.partition(" ")
        letter = NAME_CAPTIONS.get(name, "")[-1:]
        if not first or not letter or first in support or letter + first not in support:
            continue
        out.values[name] = (letter + first + (" " + rest if rest else ""))


def _caption_letter_word(out: LicenceFields, name: str, caption: str, signed: set[str]) -> bool:
    """A lost caption's other letter left as a word of its own before the name (``F JAMES``:
    ``FN`` with its ``N`` lost, the ``F`` read as the given name and ``JAMES`` as the middle one):
    dropped where the signature spells the next word (``signed``: for given names, opens with
    it) and not the letter, flagged where nothing does.  True when the name opened with such a
    letter (handled here)."""
    words = str(out.values[name]).split(" ")
    if name == "first_name" and out.values.get("middle_name"):
        words += str(out.values["middle_name"]).split(" ")
    if len(words) < 2 or len(words[0]) != 1 or words[0] not in caption or words[0] in signed:
        return False
    if words[1] not in signed:
        out.confidence[name] = round(out.confidence[name] * DOUBT, 2)
        return True
    rest = words[1:] if name == "first_name" else [" ".join(words[1:])]
    out.values[name] = rest[0]
    if name == "first_name":
        out.values.pop("middle_name", None)
        out.confidence.pop("middle_name", None)
        if rest[1:]:
            out.put("middle_name", " ".join(rest[1:]), out.confidence[name])
    return True


def check_signed(out: LicenceFields, signed: list[list[str]]) -> None:
    """Flag a family name that the signature, once it spells the given name, spells otherwise.

    ``signed``: the words of signatures and printed "First Last" lines read as names are spelt
    (:func:`.licence_structure.printed_signatures`).  A row holding the given name is read as
    "First [Middle] Last": the family name printed must be some run of its next words (middle
    names and initials skipped, any words after it ignored).  OCR damage to the name field that
    the signature escaped (a caption remnant kept, ``IN LEWIS``; letters misread, ``SMT-IES``;
    read backwards, ``NOSNHON``) then shows; a row not spelling the given name says nothing.
    """
    first = str(out.values.get("first_name") or "").split(" ")[0]
    last = re.sub(r"[^A-Z]", "", str(out.values.get("last_name") or ""))
    if not first or not last:
        return
    middle = set(str(out.values.get("middle_name") or "").split())
    for words in signed:
        if first not in words:
            continue
        rest = words[words.index(first) + 1:]
        if rest and not _spells_from(rest, last, skippable=lambda w: w in middle or len(w) == 1):
            out.confidence["last_name"] = round(out.confidence["last_name"] * DOUBT, 2)
        if rest:
            return


def _spells_from(words: list[str], name: str, *, skippable) -> bool:  # noqa: ANN001 - a word predicate
    """Do some of ``words`` spell ``name`` run together, starting after skippable words only?"""
    for start, word in enumerate(words):
        if any("".join(words[start:end]) == name for end in range(start + 1, len(words) + 1)):
            return True
        if not skippable(word):
            return False
    return False


def check_name_shapes(out: LicenceFields) -> None:
    """Flag a family name that is not shaped as one: a word of three or more letters with no vowel
    (``SMT-IES`` read for ``SMITH-JONES``), or a leading word of one or two letters that is no
    particle family names open with (``IN LEWIS``: the ``LN`` caption read ``IN`` and kept).

    OCR damage the card offers nothing to check against (no barcode, no legible signature)
    still shows in the letters; names that short or that bare exist (``NG``), so only longer
    vowel-less words and leading fragments before another word count.
    """
    value = str(out.values.get("last_name") or "")
    words = [w for w in re.split(r"[^A-Z]+", value) if w]
    spaced = value.split()
    vowelless = any(len(w) >= 3 and not re.search(r"[AEIOUY]", w) for w in words)
    fragment = len(spaced) > 1 and len(re.sub(r"[^A-Z]", "", spaced[0])) <= 2 and spaced[0] not in PARTICLES
    if vowelless or fragment:
        out.confidence["last_name"] = round(out.confidence["last_name"] * DOUBT, 2)
