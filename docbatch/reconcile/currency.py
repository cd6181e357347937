"""Which currency a receipt's amounts are in, and how we know.

``$`` names a dozen currencies.  The receipt parser resolves a bare ``$`` from the job's
dollar or the vendor's country, else leaves it null (runs before it read a bare ``$`` as
USD at a low confidence: reconciliation still does not take that guess as a fact).  In order, a receipt's currency comes from:

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

from typing import Mapping

from ..parse.country import country_currency

#: A receipt currency read at or below this confidence is the parser's guess for a bare "$".
GUESS_CONFIDENCE = 60.0

#: Receipt columns read for the vendor's country (tax ids when a run has them).
COUNTRY_COLUMNS = ("vendor_name", "vendor_address", "vendor_tax_id", "tax_id", "gst_number", "vendor_phone")


def vendor_currency(receipt: Mapping[str, object]) -> str | None:
    """The currency of the one country the vendor's name, address and tax ids point to, else None."""
    return country_currency(" ".join(str(receipt.get(c) or "") for c in COUNTRY_COLUMNS))


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
