"""The vendor's country, and so its currency, from the text of a receipt's header.

``$`` names a dozen currencies, so a bare ``$`` is resolved from where the vendor is:
legal suffixes (``SDN BHD``, ``PTE LTD``, ``PTY LTD``), states, cities and postcodes, and
tax registration formats (Malaysian GST/SST, ABN, Canadian GST/HST).  Only a country
with one currency answers, and only when the signs point to one country: two countries'
signs are no answer rather than a guess.  Used by the receipt parser and by
reconciliation (:mod:`docbatch.reconcile.currency`).
"""

from __future__ import annotations

import re

_MY_STATES = ("JOHOR", "SELANGOR", "KUALA LUMPUR", "WILAYAH PERSEKUTUAN", "PULAU PINANG", "PENANG", "PERAK", "KEDAH",
              "MELAKA", "MALACCA", "NEGERI SEMBILAN", "PAHANG", "TERENGGANU", "KELANTAN", "SABAH", "SARAWAK",
              "PERLIS", "PUTRAJAYA", "LABUAN")
#: Malaysian towns printed after a postcode and the states they lie in (Cheras and Ampang straddle
#: Kuala Lumpur and Selangor), by the published postcode areas.
_MY_TOWN_STATES: dict[str, tuple[str, ...]] = {
    "JOHOR BAHRU": ("JOHOR",), "PETALING JAYA": ("SELANGOR",), "SHAH ALAM": ("SELANGOR",),
    "SUBANG JAYA": ("SELANGOR",), "KLANG": ("SELANGOR",), "PUCHONG": ("SELANGOR",),
    "CHERAS": ("KUALA LUMPUR", "SELANGOR"), "KAJANG": ("SELANGOR",), "AMPANG": ("KUALA LUMPUR", "SELANGOR"),
    "SKUDAI": ("JOHOR",), "MASAI": ("JOHOR",), "KULAI": ("JOHOR",), "BATU PAHAT": ("JOHOR",), "MUAR": ("JOHOR",),
    "KLUANG": ("JOHOR",), "SERI KEMBANGAN": ("SELANGOR",), "SEMENYIH": ("SELANGOR",), "RAWANG": ("SELANGOR",),
    "IPOH": ("PERAK",), "KUANTAN": ("PAHANG",), "SEREMBAN": ("NEGERI SEMBILAN",), "KOTA BHARU": ("KELANTAN",),
    "KOTA KINABALU": ("SABAH",), "KUCHING": ("SARAWAK",), "ALOR SETAR": ("KEDAH",),
    "GEORGETOWN": ("PULAU PINANG",), "GEORGE TOWN": ("PULAU PINANG",), "BANGI": ("SELANGOR",),
    "CYBERJAYA": ("SELANGOR",), "PASIR GUDANG": ("JOHOR",), "SETIA ALAM": ("SELANGOR",), "SELAYANG": ("SELANGOR",),
}
_MY_CITIES = tuple(_MY_TOWN_STATES)
#: Malaysian states and towns named in addresses (the multi-word ones let a misread word be repaired).
MY_PLACE_NAMES = _MY_STATES + _MY_CITIES
#: A Malaysian state (also as its honorific, ``DARUL EHSAN``, ``D.E``) or a country, as an address's last words.
_REGION = re.compile(r"\b(?:" + "|".join(_MY_STATES) + r"|DARUL\s+\w+|D\.?\s?E|MALAYSIA|SINGAPORE|INDONESIA|THAILAND|"
                     r"AUSTRALIA|CANADA|USA|U\.S\.A|UNITED STATES|UNITED KINGDOM|NEW ZEALAND)\b")
_US_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
              "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC").split()

#: An Australian state and its four-digit postcode (``Sydney NSW 2000``), upper case.
AU_POSTCODE = re.compile(r"\b(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+\d{4}\b")

#: (country's currency, pattern over vendor name + address + tax ids, upper case).
_COUNTRY_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("MYR", re.compile(
        r"\bSDN\.?\s?BHD\b|\bS/B\b|\bBERHAD\b|\bMALAYSIA\b"
        r"|\b\d{5}\s*,?\s*(?:" + "|".join(_MY_STATES + _MY_CITIES) + r")\b"
        r"|\b(?:" + "|".join(_MY_STATES) + r")\s*,?\s*\d{5}\b"
        r"|\bGST\s*(?:REG(?:ISTRATION)?\.?|ID|NO)\.?\s*(?:NO\.?)?\s*[:.]?\s*0{3}\d{9}\b"  # MY GST: 12 digits, 000...
        r"|\bSST\s*(?:REG(?:ISTRATION)?\.?|ID|NO)?\.?\s*(?:NO\.?)?\s*[:.]?\s*[A-Z]\d{2}-\d{4}-\d{8}\b")),
    ("SGD", re.compile(r"\bPTE\.?\s?LTD\b|\bSINGAPORE\b|\bGST\s*REG\w*\.?\s*(?:NO\.?)?\s*[:.]?\s*[MT]\d-?\d{7}-?\d\b"
                       r"|\bUEN\b")),
    ("AUD", re.compile(r"\bPTY\.?\s?LTD\b|\bABN\s*[:.]?\s*\d{2}\s?\d{3}\s?\d{3}\s?\d{3}\b|\bAUSTRALIA\b|"
                       + AU_POSTCODE.pattern)),
    ("NZD", re.compile(r"\bNEW ZEALAND\b|\bGST\s*(?:NO\.?)?\s*[:.]?\s*\d{2,3}-\d{3}-\d{3}\b")),
    ("HKD", re.compile(r"\bHONG KONG\b|\bKOWLOON\b")),
    ("CAD", re.compile(r"\bCANADA\b|\b(?:GST|HST)\s*(?:NO\.?|#)?\s*[:.]?\s*\d{9}\s?RT\s?\d{4}\b"
                       r"|\b(?:ON|QC|BC|AB|MB|SK|NS|NB|NL|PE)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")),
    ("USD", re.compile(r"\b(?:" + "|".join(_US_STATES) + r")\s+\d{5}(?:-\d{4})?\b|\bUNITED STATES\b|\bU\.S\.A\.?\b")),
)



def names_region(text: str) -> bool:
    """Does ``text`` (an address row) name a Malaysian state or a country?

    Such a row is part of the address, however few address words it has (``SELANGOR DARUL
    EHSAN``, ``KLANG SELANGOR D.E, MALAYSIA``).
    """
    return bool(_REGION.search(text.upper()))


def country_currency(text: str) -> str | None:
    """The currency of the one country ``text`` (vendor name, address, tax ids) points to, else None."""
    up = text.upper()
    if not up.strip():
        return None
    hits = {code for code, pattern in _COUNTRY_SIGNS if pattern.search(up)}
    return hits.pop() if len(hits) == 1 else None


#: Malaysian postcode ranges by state (Pos Malaysia's public allocation, first to last code).
_MY_POSTCODES: dict[str, tuple[tuple[int, int], ...]] = {
    "PERLIS": ((1000, 2999),), "KEDAH": ((5000, 9999),), "PULAU PINANG": ((10000, 14999),),
    "PENANG": ((10000, 14999),), "KELANTAN": ((15000, 18999),), "TERENGGANU": ((20000, 24999),),
    "PAHANG": ((25000, 28999), (39000, 39999), (49000, 49999), (69000, 69999)), "PERAK": ((30000, 36999),),
    "SELANGOR": ((40000, 48999), (63000, 68999)), "KUALA LUMPUR": ((50000, 60999),),
    "PUTRAJAYA": ((62000, 62999),), "NEGERI SEMBILAN": ((70000, 73999),), "MELAKA": ((75000, 78999),),
    "MALACCA": ((75000, 78999),), "JOHOR": ((79000, 86999),), "LABUAN": ((87000, 87999),),
    "SABAH": ((88000, 91999),), "SARAWAK": ((93000, 98999),),
}
_MY_POSTCODE = re.compile(r"(?<![\w\-])\d{5}(?![\d\-])")  # not a lot number (PT17920)
_MY_STATE_WORD = re.compile(r"\b(" + "|".join(_MY_POSTCODES) + r")\b")
_MY_TOWN_WORD = re.compile(r"\b(" + "|".join(_MY_TOWN_STATES) + r")\b")


def postcode_states(code: int) -> frozenset[str]:
    """The Malaysian states whose postcode range holds ``code`` (empty when none does)."""
    return frozenset(state for state, ranges in _MY_POSTCODES.items() if any(lo <= code <= hi for lo, hi in ranges))


def postcode_state_agrees(address: str) -> bool | None:
    """Whether a Malaysian postcode lies in the range of the state, and of the town's state,
    printed after it (``81750 MASAI``: Masai is in Johor, whose postcodes are 79000-86999).

    None when the address has no five-digit postcode followed by a state's or a listed
    town's name (a state named before the postcode is usually a street: ``JALAN PAHANG, 53000
    KUALA LUMPUR``).  On SROIE's 626 transcribed addresses every postcode agrees with the
    state and the town after it.
    """
    up = address.upper()
    codes = list(_MY_POSTCODE.finditer(up))
    if not codes:
        return None
    after = codes[-1].end()  # the last one: a lot number (LOT 34817) comes first
    state, town = _MY_STATE_WORD.search(up, after), _MY_TOWN_WORD.search(up, after)
    if state is None and town is None:
        return None
    states = postcode_states(int(codes[-1].group(0)))
    return ((state is None or state.group(1) in states)
            and (town is None or any(s in states for s in _MY_TOWN_STATES[town.group(1)])))