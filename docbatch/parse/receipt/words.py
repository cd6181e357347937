"""Known words of receipt headers, and the repair of OCR damage to them.

OCR of a receipt's header damages words in predictable ways: a letter read as a digit
(``8ESAR``, ``10T``, and with the foot of an ``L`` read as a dot ``1.OT``), one letter for a look-alike (``JAIAN``, ``SCLANGOR``, ``HARDWAKE``,
``BND``), a stray letter (``ENTYERPRISE``).  A word that is not a known word but is one such
slip away from exactly one known word is that word; anything else is left as read.  The
vocabulary is general, not learned from documents: address words and place names of
Malaysia (where the SROIE receipts come from) and of English-speaking addresses, and the
words business names are made of.  Case is kept (``Jaian`` -> ``Jalan``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..country import MY_PLACE_NAMES

_ADDRESS_WORDS = """
JALAN LORONG PERSIARAN LEBUH LEBUHRAYA LINGKARAN TAMAN KAWASAN PERINDUSTRIAN PERUSAHAAN INDUSTRI BANDAR
BARU BESAR KAMPUNG KAMPONG SEKSYEN MUKIM BATU BLOK BLOCK LEVEL FLOOR TINGKAT PLAZA KOMPLEKS PUSAT
PERNIAGAAN DAGANG MEDAN PASAR INDAH JAYA UTAMA PERMAI MUTIARA SETIA SELATAN UTARA TIMUR BARAT TENGAH
SELANGOR JOHOR KEDAH KELANTAN MELAKA MALACCA NEGERI SEMBILAN PAHANG PERAK PERLIS PULAU PINANG PENANG SABAH
SARAWAK TERENGGANU LABUAN PUTRAJAYA KUALA LUMPUR WILAYAH PERSEKUTUAN DARUL EHSAN TAKZIM AMAN MAKMUR RIDZUAN
KHUSUS NAIM MALAYSIA SINGAPORE PETALING DAMANSARA SUBANG SHAH ALAM KLANG CHERAS KEPONG PUCHONG KAJANG
SERDANG SELAYANG RAWANG AMPANG SETAPAK WANGSA BANGSAR CYBERJAYA SEMENYIH BANGI NILAI SEREMBAN BAHRU SKUDAI
MASAI TEBRAU KULAI PASIR GUDANG MUAR SEGAMAT KLUANG IPOH TAIPING SELAYANG SUNGAI SERI SRI KEMBANGAN
GOMBAK SENTUL KOTA KINABALU KUCHING MIRI SIBU ALOR SETAR SHAH JOHOR LUMPUR SENAWANG PORT DICKSON
STREET ROAD AVENUE BOULEVARD DRIVE LANE HIGHWAY SUITE UNIT CENTRE CENTER SQUARE COURT TOWER PARK MALL
GROUND FIRST SECOND THIRD BUILDING
"""
_BUSINESS_WORDS = """
SDN BHD BERHAD ENTERPRISE ENTERPRISES TRADING TRADERS COMPANY CORPORATION LIMITED RESTAURANT RESTORAN
HARDWARE STATIONERY MARKETING INDUSTRIES HOLDINGS SERVICES SUPERMARKET HYPERMARKET MINIMARKET MINIMART
PHARMACY FARMASI BAKERY KEDAI MAKANAN CAFE KITCHEN FOOD FOODS ELECTRICAL MOTOR FURNITURE TEXTILE NURSERY
CLINIC MEDICAL STORE STORES MART BOOKSTORE BOOK BOOKS STATIONER GIFT HOME DECO WORLD BISTRO STATION DISTRIBUTOR
DISTRIBUTION MANAGEMENT INTERNATIONAL GLOBAL RETAIL SUPPLY SUPPLIES ENGINEERING CONSTRUCTION TRAVEL
HOTEL BEAUTY SALON FASHION OPTICAL BOUTIQUE CATERING DELIGHT TASTE
"""
#: Every known word, upper case.
KNOWN_WORDS = frozenset((_ADDRESS_WORDS + _BUSINESS_WORDS).split())
#: Short words repaired only where digits stand for their letters (``5DN``, ``10T``).
_SHORT = frozenset({"SDN", "BHD", "LOT"})
#: Characters OCR reads one for the other (both directions).
_LOOKALIKE = {frozenset(p) for p in ("0O", "0D", "1I", "1L", "IL", "5S", "8B", "2Z", "6G", "CE", "NH", "UD", "KR",
                                      "MN", "OD", "OQ", "VY", "FE", "PR", "TI")}
_WORD = re.compile(r"[A-Za-z0-9]+")
#: A digit, a dot and letters (``1.OT``): a letter whose foot OCR split off as a dot, when the
#: digit and the letters spell a known word's misreading.
_DOTTED = re.compile(r"(?<![\w.])\d\.[A-Za-z]{2,}\b")
#: Every known and short word by its length: a reading is compared only with words of its own
#: length (a scan of the whole vocabulary per word was most of a small receipt's parsing).
_BY_LENGTH: dict[int, list[str]] = {}
for _word in sorted(KNOWN_WORDS | _SHORT):
    _BY_LENGTH.setdefault(len(_word), []).append(_word)
del _word


@lru_cache(maxsize=4096)  # a batch's receipts repeat their vendors' and streets' words
def known_reading(word: str) -> str | None:
    """The known word ``word`` is a misreading of, or None (known already, or no single such word).

    Only look-alike characters count as slips (``C``/``E``, ``I``/``L``, ``0``/``O``...), one
    in a word of five letters or more; digits read for letters (``8ESAR``, ``10T``) two at most,
    in any word of three or more.  Other substitutions and missing or extra letters are
    left alone: too many real words (``PERMAS``, ``BORONG``, ``RESTAURANTS``) are one such
    step from a known word.
    """
    up = word.upper()
    digits = sum(c.isdigit() for c in up)
    if up in KNOWN_WORDS or len(up) < 3 or digits == len(up) or len(up) >= 4 and digits > len(up) / 2:
        return None
    found: list[str] = []
    for known in _BY_LENGTH.get(len(up), ()):
        diff = [(a, b) for a, b in zip(up, known) if a != b]
        if not diff or not all(frozenset(d) in _LOOKALIKE for d in diff):
            continue
        for_letters = all(a.isdigit() for a, _ in diff)
        if for_letters and len(diff) <= 2 or len(diff) == 1 and len(up) >= 5:
            found.append(known)
    return found[0] if len(found) == 1 else None


def _cased(original: str, known: str) -> str:
    """``known`` in the case ``original`` was printed in (upper, lower or capitalised)."""
    letters = [c for c in original if c.isalpha()]
    if all(c.isupper() for c in letters):
        return known
    if all(c.islower() for c in letters):
        return known.lower()
    return known.capitalize() if original[:1].isupper() else known.lower()


def repair_words(text: str) -> tuple[str, int]:
    """``text`` with misread known words restored, and how many were."""
    count = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        known = known_reading(m.group().replace(".", ""))
        if known is None:
            return m.group()
        count += 1
        return _cased(m.group(), known)

    return _WORD.sub(fix, _DOTTED.sub(fix, text)), count


def one_slip_apart(read: str, known: str) -> bool:
    """``read`` is ``known`` with one look-alike character misread (any length, any case).

    The lengths are compared first: most pairs asked about (a word against every place name's
    words) differ there, and the letters need not be compared at all."""
    if len(read) != len(known):
        return False
    diff = [(a, b) for a, b in zip(read.upper(), known.upper()) if a != b]
    return len(diff) == 1 and frozenset(diff[0]) in _LOOKALIKE


def split_glyph_apart(read: str, known: str) -> bool:
    """``read`` is ``known`` with one ``M`` read as ``RN`` or one ``RN`` as ``M`` (any case): at
    low resolution the two glyphs touch or part (SROIE image 060 at 60% resolution: ``Kuala
    Lurnpur``)."""
    up, word = read.upper(), known.upper()
    if len(up) == len(word) + 1:
        up, word = word, up
    if len(word) != len(up) + 1:
        return False
    return any(up[i] == "M" and word[i : i + 2] == "RN" and up[:i] + "RN" + up[i + 1:] == word
               for i in range(len(up)))


def one_glyph_apart(read: str, known: str) -> bool:
    """``read`` is ``known`` with one look-alike character misread, or one ``M`` and ``RN`` confused."""
    return one_slip_apart(read, known) or split_glyph_apart(read, known)


_PLACES = [name.split() for name in MY_PLACE_NAMES if " " in name]


def repair_place_names(text: str) -> str:
    """``text`` with one look-alike slip in a word of a multi-word place name repaired by the
    other words (``SHAH ALAN`` -> ``SHAH ALAM``, ``Kuala Lunpur``, ``Kuala Lurnpur``): a short word on its own is
    too often a real word one slip from a known one, the whole name is not."""
    tokens = list(_WORD.finditer(text))
    fixes: dict[int, str] = {}
    for at in range(len(tokens)):
        for words in _PLACES:
            run = tokens[at : at + len(words)]
            if len(run) < len(words) or any(text[a.end() : b.start()].strip() for a, b in zip(run, run[1:])):
                continue
            slips = [i for i, (m, w) in enumerate(zip(run, words)) if m.group().upper() != w]
            if len(slips) == 1 and one_glyph_apart(run[slips[0]].group(), words[slips[0]]):
                fixes[at + slips[0]] = _cased(run[slips[0]].group(), words[slips[0]])
    for index in sorted(fixes, reverse=True):
        m = tokens[index]
        text = text[: m.start()] + fixes[index] + text[m.end() :]
    return text
