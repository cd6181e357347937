"""Evidence on a receipt's vendor and address beyond OCR confidence, and known OCR slips repaired.

On receipt images a wrong address row and a right one carry the same OCR confidence, so
confidence alone cannot tell them apart; the text itself can:

* **repairs** (the value changes, it is not flagged): marks the recogniser puts on Latin
  letters of a receipt written without them (``JÁLAN``, ``Simpàng``, ``INVOICÉ``, ``Totäl``)
  and full-width punctuation, unless the receipt's currency is of a country whose receipts
  are printed with accents (a receipt showing no currency is taken as unaccented); ``SON
  BHD`` for ``SDN BHD``; an ``O`` ending a house number (``NO 29O``), ``3R0`` for ``3RD``,
  an underscore for a space (``AIK_HUAT``), and a town abbreviation one letter from the one
  the postcode before it stands for (``52000 XL``: 52000 is a Kuala Lumpur postcode, ``KL``);
* **address signs** (the address drops to review level, :func:`address_signs`): a Malaysian
  postcode outside the range of the state printed after it (every one of SROIE's 626
  transcribed addresses agrees), a short word after the postcode that is no town
  abbreviation and none its postcode repairs (``52000 QX``), a number printed twice
  in a row (``NO.55 55,57 & 59``: a list of house numbers names each once, so one of them
  is misread), four or six digits where the postcode stands before a town (``8175 MASAI``),
  a state's honorific without its state (``ANGOR DARUL EHSAN``), a registration's label read
  into the block (``Company No, LOT 2685 ...``), one letter glued after the full stop that
  ends it (``KUALA SELANGOR.O``: a speck), a digit's look-alike letter in the postcode before a
  place (``B1700 PASIR GUDANG``) or glued before a house number a list of numbers continues
  (``NO.5: S5,57 & 59`` for ``NO.53 55,57 & 59``), a colon after a digit (``NO.5: 55,57``), a word
  with a Q no U follows (``QFF JALAN PUDU``; but ``QLD``) and a two-word town after the postcode
  one letter off (``81200 JOHOR BAHNU``: the other word names the town; all from SROIE's tuned
  images at 60% resolution or blurred, none in a tuned key address);
* **misread words** (vendor or address drops to review level, :func:`misread_signs`): a
  word of eight letters or more one letter from a known header word but not itself one
  (``ENTYERPRISE``, ``ENTERORISE``, ``SETANGOR``), a digit between letters of a lower-case
  word or a digit and a dot before a word (``J1n``, ``1.OT``), a word opening with a
  consonant and a ``J`` (``LJAN`` for ``LIAN``), and in a name a capital inside a
  lower-case word once known words are repaired (``CafE``; ``WorId`` is ``World``).  Of
  SROIE's 626 labelled vendors and 626 addresses these flag 5 addresses: ``PARINDUSTRIAN``
  (twice, as printed), ``SELANGIR`` (the labeller's slip), ``COMPLEKS`` and ``LABUHRAYA``
  (other spellings of ``KOMPLEKS``, ``LEBUHRAYA``).
* **readings that disagree** (review level): two words of an address one look-alike
  character apart (``TAMPOI`` / ``TAMPOL``, :func:`twin_in_address`), and a vendor word, not
  a known one, read nowhere else on the receipt but one look-alike character from a word
  that is (``D.T.Y.`` / ``DIY``, :func:`vendor_disagrees`).

These are properties of receipts and of OCR in general, not knowledge of particular vendors.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ..country import MY_PLACE_NAMES, postcode_state_agrees, postcode_states
from ..letters import fold_marks
from .lines import Line
from .words import KNOWN_WORDS, one_glyph_apart, one_slip_apart, repair_place_names, repair_words

#: Currencies of countries whose receipts are printed in unaccented Latin (and Chinese, Malay...).
PLAIN_LATIN_CURRENCIES = frozenset({"MYR", "SGD", "AUD", "NZD", "HKD", "USD", "GBP", "INR", "PHP"})
_SLIPS = (
    (re.compile(r"\bS[O0]N(?=\.?\s*BHD\b)"), "SDN"),  # SON BHD: D read as O
    (re.compile(r"(?<![\w.])(\d+)O\b"), r"\g<1>0"),  # NO 29O: house numbers take no letter O
    (re.compile(r"\b(\d*[23])R0\b"), r"\1RD"),  # 3R0 FLR
    (re.compile(r"\s*_+\s*"), " "),  # AIK_HUAT: a space or dot read as an underscore
)
#: Town abbreviations printed after a Malaysian postcode (``57000 KL``, ``46000 PJ``).
_TOWN_CODES = frozenset({"KL", "PJ", "JB", "KK", "WP", "SA", "SEK", "KG", "BDR", "TMN", "JLN", "SG", "BT"})
_POSTCODE_THEN_SHORT = re.compile(r"(?<![\d\-])(?P<code>\d{5})\s*,?\s*(?P<town>[A-Z]{1,3})\b(?!['\-]|\.\s?[A-Z])")
#: The town abbreviations that stand for one state's postcodes: a misread one is repaired by the postcode.
_TOWN_STATE = {"KL": "KUALA LUMPUR", "PJ": "SELANGOR", "JB": "JOHOR", "KK": "SABAH"}
#: A number of four or six digits where a Malaysian postcode stands, before a town or state (``8175 MASAI``).
#: Unless a five-digit one stands before a place too.
_SHORT_POSTCODE, _POSTCODE_BEFORE_PLACE = (
    re.compile(r"(?<![\w/.\-])" + digits + r"\s*,?\s*(?:" + "|".join(MY_PLACE_NAMES) + r")\b")
    for digits in (r"(?:\d{4}|\d{6})", r"\d{5}"))
#: A state's honorific, printed after its name (``SELANGOR DARUL EHSAN``): without the name, the name was misread.
_HONORIFIC_STATE = {"EHSAN": "SELANGOR", "TAKZIM": "JOHOR", "AMAN": "KEDAH", "MAKMUR": "PAHANG", "RIDZUAN": "PERAK",
                    "NAIM": "KELANTAN", "IMAN": "TERENGGANU", "KHUSUS": "NEGERI SEMBILAN"}
_HONORIFIC = re.compile(r"\bDARUL\s+(" + "|".join(_HONORIFIC_STATE) + r")\b")
#: A registration's label, which no address holds: a row of the registration was read into the block.
_LABEL_IN_ADDRESS = re.compile(r"\b(?:COMPANY|CO)\.?\s*(?:NO|REG)\b")
#: One letter glued after the full stop or comma that ends the address (``SELANGOR.O``): a speck read as a letter.
_STRAY_LAST_LETTER = re.compile(r"[A-Z]{3,}[.,][A-Z]$")
#: A number printed twice in a row, as in a list of house numbers (``NO.55 55,57``), not a part of a code.
_REPEATED_NUMBER = re.compile(r"(?<![\w/-])(\d+)(?:\s*[,&]\s*|\s+)\1(?![\w/-])")
#: A digit's look-alike letter in a five-character postcode before a place (``B1700 PASIR GUDANG``).
_LETTER_IN_POSTCODE = re.compile(r"(?<![\w/.\-])(?=\w{5}\b)\d*[BOSIZ]\d*\s*,?\s*(?:" + "|".join(MY_PLACE_NAMES) + r")\b")
#: A digit's look-alike letter glued before a house number that a list of numbers continues (``S5,57 & 59``).
_LETTER_IN_NUMBERS = re.compile(r"(?<![\w/.\-])[SOIZ]\d+\s*[,&]\s*\d")
#: A colon after a digit, which no address prints (``NO.5: 55,57`` for ``NO.53 55,57``: a digit read as a colon).
_COLON_AFTER_DIGIT = re.compile(r"\d:")
#: A word of three letters or more with a Q no U follows (``QFF JALAN PUDU`` for ``OFF``): an O misread;
#: but Queensland's abbreviation (``Brisbane QLD 4000``).
_Q_WITHOUT_U = re.compile(r"\b(?!QLD\b)(?=[A-Z]{3,}\b)[A-Z]*Q(?!U)[A-Z]*\b")
#: The signs a pattern alone shows, each by the name a review reason gives it, in the order they are named.
_PATTERN_SIGNS = (
    (_LABEL_IN_ADDRESS, "label_in_address"),
    (_STRAY_LAST_LETTER, "stray_last_letter"),
    (_LETTER_IN_POSTCODE, "letter_in_postcode"),
    (_LETTER_IN_NUMBERS, "letter_in_numbers"),
    (_COLON_AFTER_DIGIT, "colon_after_digit"),
    (_Q_WITHOUT_U, "q_without_u"),
)
#: The two words after a five-digit postcode, where the town stands (``81200 JOHOR BAHNU``).
_TOWN_AFTER_POSTCODE = re.compile(r"(?<![\d\-])\d{5}\s*,?\s*([A-Z]+)\s+([A-Z]+)")


def repair_slips(text: str) -> str:
    """``text`` with the known OCR slips of the module docstring repaired (case as printed)."""
    for pattern, replacement in _SLIPS:
        text = pattern.sub(replacement, text)
    return _POSTCODE_THEN_SHORT.sub(_town_code, text)


def repair_address(text: str) -> str:
    """An address row or block with every repair made: slips, known words, place names."""
    return repair_place_names(repair_words(repair_slips(text))[0])


#: The place names of more than one word, each with its words.
_MULTI_WORD_PLACES = [(name, name.split()) for name in MY_PLACE_NAMES if " " in name]


@lru_cache(maxsize=4096)  # asked for every unknown word of every address row; batches repeat vendors
def restored(text: str, line: str) -> bool:
    """Do the repairs restore the word ``text`` (a known word's look-alike misreading, ``INUAH``;
    a known slip, ``3R0``; a word of a place name its row ``line`` spells once repaired, ``SHAH
    ALAN``)?  Its reading is then the vocabulary's, as for a word read exactly as a known word (on
    SROIE's tuned images two right addresses were flagged by such a word alone: ``INUAH`` and
    ``ALAN`` at 38% and 53%, ``3R0`` at 38%).  The row is repaired only for a word one look-alike
    from a place name's word, the few that can be restored so."""
    if repair_words(repair_slips(text))[0] != text:
        return True
    word = re.sub(r"[\W_]+", "", text).upper()
    near = [name for name, parts in _MULTI_WORD_PLACES if any(one_glyph_apart(word, part) for part in parts)]
    if not near:
        return False
    repaired = repair_address(line).upper()
    return any(name in repaired for name in near)


#: A section or lot code of an address (``9/5``, ``SS21/1A``, ``U13/BG``, ``7/118B``): digits, a slash, digits.
_SECTION_CODE = re.compile(r"\W*[A-Z]*\d+/\d+\w*\W*", re.I)
#: A code word whose weakest glyph the engine scored below this is in doubt.
DOUBTFUL_CODE = 80.0


def code_in_doubt(lines: Iterable[Line]) -> bool:
    """Is a section code among ``lines``' words read with a doubtful glyph (under
    :data:`DOUBTFUL_CODE`)?  No vocabulary confirms its digits and no postcode table checks
    them, and one misread digit names another street (SROIE images 034 and 049: ``PERMAS 9/6``
    for ``9/5``, its 6 at 67% and 76%, every other word read surely); the glyph's score is the
    only evidence.  On the 150 images it flagged no right address not flagged already."""
    return any(_SECTION_CODE.fullmatch(ln.text[s:e]) and c < DOUBTFUL_CODE for ln in lines for s, e, c in ln.spans)


def _town_code(m: re.Match[str]) -> str:
    """The postcode and the one town abbreviation of its state one letter from the word read after it."""
    town = m.group("town")
    if town in _TOWN_CODES:
        return m.group(0)
    states = postcode_states(int(m.group("code")))
    near = [code for code, state in _TOWN_STATE.items() if state in states and len(code) == len(town)
            and sum(a != b for a, b in zip(code, town)) == 1]
    if len(near) != 1:
        return m.group(0)
    start, end = m.start("town") - m.start(), m.end("town") - m.start()
    return m.group(0)[:start] + near[0] + m.group(0)[end:]


def address_signs(address: str) -> list[str]:
    """Signs that an address was misread (see the module docstring); empty when none."""
    up = address.upper()
    signs = []
    if postcode_state_agrees(up) is False:
        signs.append("postcode_state")
    short = _POSTCODE_THEN_SHORT.search(up)
    if short and short.group("town") not in _TOWN_CODES:
        signs.append("town_unreadable")
    if _REPEATED_NUMBER.search(up):
        signs.append("repeated_number")
    if _SHORT_POSTCODE.search(up) and not _POSTCODE_BEFORE_PLACE.search(up):
        signs.append("postcode_shape")
    honorific = _HONORIFIC.search(up)
    if honorific and _HONORIFIC_STATE[honorific.group(1)] not in up:
        signs.append("state_unreadable")
    signs += [name for pattern, name in _PATTERN_SIGNS if pattern.search(up)]
    if any(_town_misread(m.group(1), m.group(2)) for m in _TOWN_AFTER_POSTCODE.finditer(up)):
        signs.append("town_misread")
    return signs


def _town_misread(first: str, second: str) -> bool:
    """Do two words after a postcode spell a two-word town but for one letter of one word
    (``JOHOR BAHNU``)?  The other word names the town, so the letter is misread (look-alike
    slips are repaired before: ``SHAH ALAN``).  Only after the postcode: a street may be named
    after a town one letter off (``JALAN SUBANG JASA 3``)."""
    def one_letter(read: str, word: str) -> bool:
        return len(read) == len(word) and sum(a != b for a, b in zip(read, word)) == 1

    return any(first == a and one_letter(second, b) or second == b and one_letter(first, a)
               for _, parts in _MULTI_WORD_PLACES if len(parts) == 2 for a, b in [parts])


#: An upper-case letter inside a lower-case word that does not start a new lower-case run
#: (``CafE``; ``PappaRich`` and ``McDonald`` are print).
_CASE_SLIP = re.compile(r"[a-z][A-Z](?![a-z]{2})")
#: Legal forms printed in mixed case (``GmbH``, ``gGmbH``, ``KGaA``): print, not a case slip.
_MIXED_CASE_FORM = re.compile(r"\b(?:g?GmbH|mbH|KGaA)\b")
_DIGIT_IN_WORD = re.compile(r"[A-Za-z]\d[a-z]|[a-z]\d[A-Za-z]|(?<![\w.])\d\.[A-Za-z]{2,}\b")
_ODD_ONSET = re.compile(r"\b[B-DF-HK-NP-TV-Z]J[AEIOU][A-Z]", re.I)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _one_letter_away(word: str) -> bool:
    """Is ``word`` (upper case) one substitution, insertion or deletion from a known word?"""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    near = {a + b[1:] for a, b in cuts if b}
    near |= {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
    near |= {a + c + b for a, b in cuts for c in _LETTERS}
    return bool(near & KNOWN_WORDS)


def near_known_word(word: str) -> bool:
    """A word of eight letters or more one letter from a known word, neither it nor its singular known.

    Shorter words are left alone: too many real ones (``PERMAS``, ``KELANG``, ``BORONG``)
    are one letter from a known word.
    """
    up = word.upper()
    if len(up) < 8 or not up.isalpha() or up in KNOWN_WORDS or up.endswith("S") and up[:-1] in KNOWN_WORDS:
        return False
    return _one_letter_away(up)


def misread_signs(text: str, *, name: bool = False, plain: bool = True) -> list[str]:
    """Signs that a vendor or address holds a misread word (see the module docstring); empty when none.

    ``name``: a vendor name, where a capital inside a lower-case word is a slip too (``CafE``);
    an address mixes cases freely (``CherasDT``, ``SS2/72A``).  ``plain``: a receipt in
    unaccented Latin (:data:`PLAIN_LATIN_CURRENCIES`), the languages of the known words; on
    others a word near one is often a word of its own language (``RESTAURANTE``).
    """
    signs = []
    if plain and any(near_known_word(w) for w in re.findall(r"[A-Za-z]+", text)):
        signs.append("near_known_word")
    if name and _CASE_SLIP.search(_MIXED_CASE_FORM.sub(" ", text)):
        signs.append("case_slip")
    if _DIGIT_IN_WORD.search(text):
        signs.append("digit_in_word")
    if _ODD_ONSET.search(text):
        signs.append("odd_onset")
    return signs


def _letter_words(text: str, shortest: int) -> set[str]:
    """The words of ``text`` of ``shortest`` letters or more, upper case, dots dropped (``D.I.Y.`` is ``DIY``)."""
    return {w for w in (m.replace(".", "").upper() for m in re.findall(r"[A-Za-z][A-Za-z.]*", text))
            if len(w) >= shortest}


def twin_in_address(address: str) -> bool:
    """Two words of four letters or more in one address one look-alike character apart
    (``JALAN TAMPOI 7/4, ..., TAMPOL``): a place named twice and misread once."""
    found = sorted(_letter_words(address, 4))
    return any(one_slip_apart(a, b) for i, a in enumerate(found) for b in found[i + 1:])


def vendor_disagrees(vendor: str, elsewhere: Iterable[str]) -> bool:
    """A word of the vendor name, not a known word, read nowhere else on the receipt but one
    look-alike character from a word that is (``MR D.T.Y.`` over the branch row ``(MR DIY
    TESCO TERBAU)``; ``SDN`` is known, whatever ``SUN`` a date row prints)."""
    others = set(elsewhere)
    return any(w not in others and w not in KNOWN_WORDS and any(one_slip_apart(w, o) for o in others)
               for w in _letter_words(vendor, 3))


def checked_header_text(value: str, *, vendor: bool, plain: bool) -> tuple[str, bool]:
    """A vendor name or address with marks folded on a ``plain`` receipt, and whether its text
    shows a misread (:func:`misread_signs`, and for an address :func:`address_signs`)."""
    value = fold_marks(value) if plain else value
    doubted = misread_signs(value, name=vendor, plain=plain) or (not vendor and address_signs(value))
    return value, bool(doubted)
