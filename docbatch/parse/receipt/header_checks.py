"""Evidence on a receipt's vendor and address beyond OCR confidence, and known OCR slips repaired.

On receipt images a wrong address row and a right one carry the same OCR confidence, so
confidence alone cannot tell them apart; the text itself can:

* **repairs** (the value changes, it is not flagged): marks the recogniser puts on Latin
  letters of a receipt written without them (``JÁLAN``, ``Simpàng``, ``INVOICÉ``, ``Totäl``)
  and full-width punctuation, unless the receipt's currency is of a country whose receipts
  are printed with accents (a receipt showing no currency is taken as unaccented); ``SON BHD`` for ``SDN BHD``; an ``O`` ending a house
  number (``NO 29O``) and ``3R0`` for ``3RD``;
* **address signs** (the address drops to review level, :func:`address_signs`): a Malaysian
  postcode outside the range of the state printed after it (every one of SROIE's 626
  transcribed addresses agrees), and a short word after the postcode that is no town
  abbreviation (``52000 XL`` for ``52000 KL``).

These are properties of receipts and of OCR in general, not knowledge of particular vendors.
"""

from __future__ import annotations

import re
import unicodedata

from ..country import postcode_state_agrees

#: Currencies of countries whose receipts are printed in unaccented Latin (and Chinese, Malay...).
PLAIN_LATIN_CURRENCIES = frozenset({"MYR", "SGD", "AUD", "NZD", "HKD", "USD", "GBP", "INR", "PHP"})
_SLIPS = (
    (re.compile(r"\bS[O0]N(?=\.?\s*BHD\b)"), "SDN"),  # SON BHD: D read as O
    (re.compile(r"(?<![\w.])(\d+)O\b"), r"\g<1>0"),  # NO 29O: house numbers take no letter O
    (re.compile(r"\b(\d*[23])R0\b"), r"\1RD"),  # 3R0 FLR
)
#: Town abbreviations printed after a Malaysian postcode (``57000 KL``, ``46000 PJ``).
_TOWN_CODES = frozenset({"KL", "PJ", "JB", "KK", "WP", "SA", "SEK", "KG", "BDR", "TMN", "JLN", "SG", "BT"})
_POSTCODE_THEN_SHORT = re.compile(r"(?<![\d\-])\d{5}\s*,?\s*([A-Z]{1,3})\b(?!['\-]|\.\s?[A-Z])")


def fold_marks(text: str) -> str:
    """``text`` with accents stripped from Latin letters and full-width forms made plain.

    For receipts whose language has no accents (see :data:`PLAIN_LATIN_CURRENCIES`), where
    a mark is the recogniser's slip (on SROIE's Malaysian images: ``JÁLAN``, ``INVOICÉ``), and a reader searching for ``JALAN`` must find it.
    Letters of other scripts (Chinese, Tamil) are kept as read.
    """
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        base = unicodedata.normalize("NFKD", ch)
        out.append(base[0] if base[0].isascii() and base[0].isalpha() and len(base) > 1 else ch)
    return "".join(out)


def repair_slips(text: str) -> str:
    """``text`` with the known OCR slips of the module docstring repaired (case as printed)."""
    for pattern, replacement in _SLIPS:
        text = pattern.sub(replacement, text)
    return text


def address_signs(address: str) -> list[str]:
    """Signs that an address was misread (see the module docstring); empty when none."""
    up = address.upper()
    signs = []
    if postcode_state_agrees(up) is False:
        signs.append("postcode_state")
    short = _POSTCODE_THEN_SHORT.search(up)
    if short and short.group(1) not in _TOWN_CODES:
        signs.append("town_unreadable")
    return signs
