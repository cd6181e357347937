"""Which currency a receipt's amounts are in, and how we know.

``$`` names a dozen currencies.  The receipt parser reads a bare ``$`` as USD at a low
confidence (and no sign at all as nothing, or the run's default); reconciliation must not
take that guess as a fact.  In order, a receipt's currency comes from:

1. ``receipt``: a code or one-currency sign on the receipt (``MYR``, ``RM``, ``S$``, ``€``),
   or the run's own default for a receipt that shows no sign;
2. ``job``: this reconciliation's ``currency`` option (what ``$`` means for this batch);
3. ``vendor_country``: the vendor's country read from its name and address (``SDN BHD``, a
   Malaysian state or postcode, a GST/SST registration number; ``PTE LTD``; ``PTY LTD``/ABN;
   a US state and ZIP code...), when that country has one currency;
4. ``transaction``: the currency of the transaction it matches (decided after assignment);

else it stays null and the receipt is flagged ``currency_unresolved``: never a silent USD.
"""

from __future__ import annotations

import re
from typing import Mapping

#: A receipt currency read at or below this confidence is the parser's guess for a bare "$".
GUESS_CONFIDENCE = 60.0

_MY_STATES = ("JOHOR", "SELANGOR", "KUALA LUMPUR", "WILAYAH PERSEKUTUAN", "PULAU PINANG", "PENANG", "PERAK", "KEDAH",
              "MELAKA", "MALACCA", "NEGERI SEMBILAN", "PAHANG", "TERENGGANU", "KELANTAN", "SABAH", "SARAWAK",
              "PERLIS", "PUTRAJAYA", "LABUAN")
_MY_CITIES = ("JOHOR BAHRU", "PETALING JAYA", "SHAH ALAM", "SUBANG JAYA", "KLANG", "PUCHONG", "CHERAS", "KAJANG",
              "AMPANG", "SKUDAI", "MASAI", "KULAI", "BATU PAHAT", "MUAR", "KLUANG", "SERI KEMBANGAN", "SEMENYIH",
              "RAWANG", "IPOH", "KUANTAN", "SEREMBAN", "KOTA BHARU", "KOTA KINABALU", "KUCHING", "ALOR SETAR",
              "GEORGETOWN", "GEORGE TOWN", "BANGI", "CYBERJAYA", "PASIR GUDANG", "SETIA ALAM", "SELAYANG")
_US_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
              "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC").split()

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
    ("AUD", re.compile(r"\bPTY\.?\s?LTD\b|\bABN\s*[:.]?\s*\d{2}\s?\d{3}\s?\d{3}\s?\d{3}\b|\bAUSTRALIA\b"
                       r"|\b(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+\d{4}\b")),
    ("NZD", re.compile(r"\bNEW ZEALAND\b|\bGST\s*(?:NO\.?)?\s*[:.]?\s*\d{2,3}-\d{3}-\d{3}\b")),
    ("HKD", re.compile(r"\bHONG KONG\b|\bKOWLOON\b")),
    ("CAD", re.compile(r"\bCANADA\b|\b(?:GST|HST)\s*(?:NO\.?|#)?\s*[:.]?\s*\d{9}\s?RT\s?\d{4}\b"
                       r"|\b(?:ON|QC|BC|AB|MB|SK|NS|NB|NL|PE)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")),
    ("USD", re.compile(r"\b(?:" + "|".join(_US_STATES) + r")\s+\d{5}(?:-\d{4})?\b|\bUNITED STATES\b|\bU\.S\.A\.?\b")),
)

#: Receipt columns read for the vendor's country (tax ids when a run has them).
COUNTRY_COLUMNS = ("vendor_name", "vendor_address", "vendor_tax_id", "tax_id", "gst_number", "vendor_phone")


def vendor_currency(receipt: Mapping[str, object]) -> str | None:
    """The currency of the one country the vendor's name, address and tax ids point to, else None."""
    text = " ".join(str(receipt.get(c) or "") for c in COUNTRY_COLUMNS).upper()
    if not text.strip():
        return None
    hits = {code for code, pattern in _COUNTRY_SIGNS if pattern.search(text)}
    return hits.pop() if len(hits) == 1 else None


def receipt_currency(receipt: Mapping[str, object], *, job_currency: str | None) -> tuple[str | None, str | None]:
    """(currency, source) before matching; ``(None, None)`` when only a transaction could tell."""
    code = receipt.get("currency")
    confidence = receipt.get("currency_confidence")
    trusted = code and not (code == "USD" and (confidence is None or float(confidence) <= GUESS_CONFIDENCE))
    if trusted:
        return str(code), "receipt"
    if job_currency:
        return job_currency.upper(), "job"
    country = vendor_currency(receipt)
    if country:
        return country, "vendor_country"
    return None, None
