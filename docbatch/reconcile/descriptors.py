"""Merchant names from card descriptors and receipts, made comparable.

A card descriptor is the merchant's name after a payment processor, a terminal and a
22-character field have been at it: ``SQ *BLUE BOTTLE COFFEE #0423 OAKLAND CA``,
``TST* JOE'S PIZZA``, ``PAYPAL *EBAY``, ``BOOK TA K TAMAN DAYA SDN``.  A receipt's vendor
line carries the legal form instead (``... SDN BHD``, ``LLC``, ``ENTERPRISE``).
:func:`normalise_descriptor` strips both kinds of noise down to the words that name the
merchant; :func:`merchant_similarity` compares two such names with rapidfuzz, allowing
for truncation (a descriptor is often a prefix), squashed spaces and OCR damage.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from rapidfuzz import fuzz, process

#: Processor and wallet prefixes: ``SQ *``, ``TST*``, ``PAYPAL *``, ``GRAB*``, ``AMZN Mktp``...
_PREFIX = re.compile(
    r"^(?:(?:SQ|SQU|TST|SP|PP|PAYPAL|IPAY88|GRAB|GRABPAY|GPAY|GOOGLE|APL|APPLE|AMZN|AMZ|STRIPE|SUMUP|ZETTLE|"
    r"IZ|ZLR|CLOVER|TOAST|BOOST|TNG|TOUCH N GO|SHOPEEPAY|SHOPEE|MOLPAY|RAZER|EGHL|FPX|ECPAY|WPY|PY|DD|BT|CKE|"
    r"MERCHANT|POS|EFTPOS|VIS|VISA|MC|DEBIT|PURCHASE|CARD)\s?[*#:]\s?)+")
_PREFIX_WORDS = re.compile(r"^(?:POS|EFTPOS|PURCHASE|DEBIT CARD PURCHASE|CARD PURCHASE|VISA PURCHASE|"
                           r"RECURRING|CONTACTLESS|PAYWAVE|SALE)\b\s*")
#: Trailing reference codes: ``*1A2B3C``, ``#0423``, ``STORE 123``, ``NO. 12``, long digit runs.
_CODES = re.compile(r"(?:[*#]\s?\w*\d\w*|\b(?:STORE|STR|BR|BRANCH|OUTLET|NO|LOT|UNIT|TERM|TID)\b\.?\s?\d+\w*|"
                    r"\b\d{3,}\w*\b|\b\w*\d{4,}\w*\b)")
_URL = re.compile(r"\b(?:WWW\.)?[\w-]+\.(?:COM|NET|ORG|CO|MY|SG|IO)(?:\.[A-Z]{2})?\b(?:/\S*)?")
_PHONE = re.compile(r"\+?\d[\d\s-]{7,}\d")
#: Legal forms and business words that name no merchant (as whole words, anywhere).
_LEGAL = re.compile(
    r"\b(?:SDN\.?\s?BHD\.?|SDN\.?\s?B\.?|SDN|BHD|BERHAD|S/B|SB|(?:CO)?M(?:SDN)?BHD|PLT|LLC|L\.L\.C\.?|LLP|INC|INCORPORATED|CORP|"
    r"CORPORATION|CO|COMPANY|LTD|LIMITED|PTE|PTY|PLC|GMBH|AG|SARL|SAS|BV|NV|ENTERPRISES?|ENTERPRIS|ENTERPRI|"
    r"ENTERP|ENT|TRADING|HOLDINGS?|GROUP|\(M\)|M)\b\.?")
#: Words that open many merchants' names (Malay: company, business, enterprise, shop, restaurant;
#: and the English restaurant): kept in the name, but a match on them alone says nothing (see :func:`similarity`).
_GENERIC = re.compile(r"\b(?:SYARIKAT|SYKT|PERNIAGAAN|PERUSAHAAN|KEDAI|RESTORAN|RESTAURANTS?)\b")
_CUT_GENERIC = re.compile(r"\s?\b(?:" + "|".join(
    w[:k] for w, shortest in (("PERNIAGAAN", 4), ("PERUSAHAAN", 5), ("SYARIKAT", 4), ("RESTORAN", 5),
                              ("RESTAURANTS", 6))
    for k in range(len(w), shortest - 1, -1)) + r")$")
#: A legal word cut short by a 22-character descriptor field (``ENTERPR``, ``BERH``), at the very end only.
_CUT_LEGAL = re.compile(r"\s(?:" + "|".join(
    w[:k] for w, shortest in (("ENTERPRISE", 4), ("BERHAD", 4), ("BHD", 2), ("CORPORATION", 5), ("INCORPORATED", 5),
                              ("LIMITED", 4), ("TRADING", 5), ("COMPANY", 5), ("HOLDINGS", 5))
    for k in range(len(w), shortest - 1, -1)) + r")$")
#: A store number's label left at the end of the name when the 22-character field cut its number off
#: (``MR D I Y M SDN B STORE``, ``FIVESTARCASH&CARRY STO``); kept when fewer than 4 letters stay
#: before it (``THE STORE`` is a name).
_CUT_STORE = re.compile(r"\s(?:STORE|STOR|STO)$")
_STATES = (
    # US states and territories (two letters, only at the end of a descriptor)
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR"
).split()
_COUNTRIES = ("MY", "MYS", "MALAYSIA", "SG", "SGP", "SINGAPORE", "US", "USA", "GB", "GBR", "UK", "AU", "AUS",
              "CA", "CAN", "NZ", "HK", "ID", "IDN", "TH", "PH", "IE", "FR", "DE", "NL")
#: Places seen at the end of descriptors (Malaysian states and cities; large cities elsewhere).
_PLACES = (
    "JOHOR BAHRU", "JOHOR BHARU", "JOHOR", "JB", "KUALA LUMPUR", "KL", "WP KUALA LUMPUR", "SELANGOR", "PETALING JAYA",
    "PJ", "SHAH ALAM", "SUBANG JAYA", "KLANG", "PUCHONG", "CHERAS", "KAJANG", "AMPANG", "CYBERJAYA", "PUTRAJAYA",
    "SERI KEMBANGAN", "SERDANG", "RAWANG", "SETIA ALAM", "BANGI", "SEMENYIH", "SKUDAI", "MASAI", "PASIR GUDANG",
    "KULAI", "BATU PAHAT", "MUAR", "KLUANG", "SEGAMAT", "PONTIAN", "MELAKA", "MALACCA", "PENANG", "PULAU PINANG",
    "GEORGE TOWN", "IPOH", "PERAK", "KEDAH", "ALOR SETAR", "PAHANG", "KUANTAN", "TERENGGANU", "KELANTAN",
    "KOTA BHARU", "NEGERI SEMBILAN", "SEREMBAN", "SABAH", "KOTA KINABALU", "SARAWAK", "KUCHING", "PERLIS",
    "LABUAN", "SINGAPORE", "NEW YORK", "LOS ANGELES", "SAN FRANCISCO", "CHICAGO", "SEATTLE", "BOSTON", "AUSTIN",
    "LONDON", "SYDNEY", "MELBOURNE", "TORONTO", "OAKLAND", "BROOKLYN", "PORTLAND", "DENVER", "HOUSTON", "DALLAS",
    "MIAMI", "ATLANTA", "PHILADELPHIA",
)
_TAIL_PLACE = re.compile(r"(?:\s+(?:" + "|".join(sorted(map(re.escape, _PLACES), key=len, reverse=True)) + r"))+$")
_TAIL_STATE = re.compile(r"\s+(?:" + "|".join(_STATES) + r")$")
_TAIL_COUNTRY = re.compile(r"\s+(?:" + "|".join(_COUNTRIES) + r")$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).upper()


def _placeless(text: str) -> str:
    """The name without processor prefixes, codes, URLs, phone numbers, trailing places and a store label
    cut from its number (:data:`_CUT_STORE`), single-spaced,
    legal words still in (places kept when they are all there is: ``SINGAPORE AIRLINES``)."""
    s = _fold(text).strip()
    s = _PREFIX.sub("", s)
    s = _PREFIX_WORDS.sub("", s)
    s = _URL.sub(" ", s)
    s = _PHONE.sub(" ", s)
    s = _CODES.sub(" ", s)
    s = re.sub(r"['`’.]", "", s)  # JOE'S -> JOES, D.I.Y. -> DIY
    s = re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9&/()]+", " ", s)).strip()
    for tail in (_TAIL_COUNTRY, _TAIL_STATE, _TAIL_PLACE, _TAIL_COUNTRY):
        s = tail.sub("", s).strip() or s
    rest = _CUT_STORE.sub("", s)
    return rest if len(re.sub(r"[^A-Z0-9]", "", rest)) >= 4 else s


def normalise_descriptor(text: str | None) -> str:
    """The words that name the merchant, upper case, single-spaced ("" when nothing is left).

    Removes processor prefixes, reference and store numbers, URLs and phone numbers,
    trailing country, state and city names, legal forms and punctuation.  When removing
    places or legal words would leave nothing (``SINGAPORE AIRLINES``, ``THE COMPANY``),
    the name keeps them.
    """
    if not text:
        return ""
    s = _placeless(str(text))
    named = _LEGAL.sub(" ", _CUT_LEGAL.sub("", s))
    named = re.sub(r"[()&/]", " ", named)
    named = re.sub(r"\s+", " ", named).strip()
    if named:
        return named
    return re.sub(r"\s+", " ", re.sub(r"[()&/]", " ", s)).strip()


def squashed_name(text: str | None) -> str:
    """The merchant's name with its legal words kept and every space and punctuation mark removed
    ("" when nothing is left): ``AEON CO. (M) BHD`` and the descriptors ``AEONCOMBHD`` and ``AEON CO
    MBHD`` are all ``AEONCOMBHD``.

    A descriptor field squashes or shifts spaces, and then the legal words no longer stand
    apart: :func:`normalise_descriptor` takes ``CO`` and ``BHD`` off the vendor but cannot off
    ``AEONCOMBHD``.  Processor prefixes, codes and trailing places go as there."""
    return re.sub(r"[^A-Z0-9]", "", _placeless(str(text))) if text else ""


def merchant_similarity(a: str | None, b: str | None) -> float | None:
    """0..1 likeness of two merchant names (normalised here), None when either is empty.

    The best of: token-sort ratio (word order), the plain ratio of the names with spaces
    squashed, and, when one is a prefix-length fragment of the other (a truncated
    descriptor), the partial ratio, discounted for very short fragments so that ``ABCD``
    does not match every name containing it.
    """
    return similarity(normalise_descriptor(a), normalise_descriptor(b))


def _distinct(name: str) -> str:
    """The name without the generic words that open many names (``SYARIKAT PERNIAGAAN GIN KEE`` -> ``GIN KEE``)."""
    return re.sub(r"\s+", " ", _GENERIC.sub(" ", _CUT_GENERIC.sub("", name))).strip()


def similarity(na: str, nb: str) -> float | None:
    """:func:`merchant_similarity` of two names already normalised (the matcher normalises each once).

    Whole-name ratios compare the names' distinctive words (generic ones like ``SYARIKAT
    PERNIAGAAN`` removed; names of generic words only count half), and so does a truncated
    fragment, weighed by how many distinctive letters it holds.
    """
    if not na or not nb:
        return None
    da, db = _distinct(na), _distinct(nb)
    if da and db:
        best = max(fuzz.token_sort_ratio(da, db), fuzz.ratio(da.replace(" ", ""), db.replace(" ", "")))
    else:
        best = 0.5 * max(fuzz.token_sort_ratio(na, nb), fuzz.ratio(na.replace(" ", ""), nb.replace(" ", "")))
    return round(max(best, _fragment(na, nb, da, db)) / 100.0, 3)


def _weight(distinct: str) -> float:
    """A fragment's weight grows with its distinctive length: 4 letters say little, 12 a lot."""
    return min(1.0, 0.55 + 0.045 * len(distinct.replace(" ", "")))


def _fragment(na: str, nb: str, da: str, db: str) -> float:
    """0..100 likeness of the shorter name (spaces squashed) as a fragment of the longer, weighed
    by its distinctive letters (``da``, ``db``: the names without generic words).

    Where both names have distinctive words, the fragment found anywhere in the whole names
    counts only as far as it is also found among those, or is the cut start of the whole name
    (a 22-character field: ``SYARIKATPERNIAGAANGIN``): anywhere, it may be only their generic
    words (``RSTORAN WAN SHENG`` was 0.67 in ``RESTORAN SIAM VILLAGE`` on ``RSTORAN``), no
    likeness of the merchants."""
    sa, sb = na.replace(" ", ""), nb.replace(" ", "")
    (short, distinct), long_ = ((sa, da), sb) if len(sa) <= len(sb) else ((sb, db), sa)
    if len(short) < 4:
        return 0.0
    anywhere = fuzz.partial_ratio(short, long_) * _weight(distinct)
    if not (da and db):
        return anywhere
    cut_start = fuzz.ratio(short, long_[:len(short)]) * _weight(distinct)
    ds, dl = sorted((da.replace(" ", ""), db.replace(" ", "")), key=len)
    among_distinct = fuzz.partial_ratio(ds, dl) * _weight(ds) if len(ds) >= 4 else 0.0
    return min(anywhere, max(cut_start, among_distinct))


def similarities(name: str, names: list[str]) -> np.ndarray:
    """An upper bound of :func:`similarity` of one normalised name against many, vectorised
    (whole names, fragments weighed by their full length; NaN where a side is empty): a prefilter."""
    out = np.full(len(names), np.nan)
    if not name or not names:
        return out
    squashed = [n.replace(" ", "") for n in names]
    sa = name.replace(" ", "")
    best = np.maximum(process.cdist([name], names, scorer=fuzz.token_sort_ratio)[0],
                      process.cdist([sa], squashed, scorer=fuzz.ratio)[0]).astype(float)
    short = np.minimum(len(sa), np.array([len(n) for n in squashed]))
    partial = process.cdist([sa], squashed, scorer=fuzz.partial_ratio)[0] * np.minimum(1.0, 0.55 + 0.045 * short)
    best = np.where(short >= 4, np.maximum(best, partial), best)
    empty = np.array([not n for n in names])
    return np.where(empty, np.nan, np.round(best / 100.0, 3))
