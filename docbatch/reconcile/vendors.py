"""The batch's vendors, as the matcher asks which of them a card descriptor names.

A descriptor that names another receipt's merchant is that merchant's charge as likely: it is
no evidence for a receipt matched without its merchant (amount and day alone, an unread vendor),
and it weighs against a receipt whose own name it resembles less.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from .descriptors import normalise_descriptor, similarities, squashed_name
from .receipts import Receipt

#: A descriptor names one of the batch's vendors at this likeness (the scorer's strong merchant), not at
#: the pair's 0.6: against hundreds of vendors a loose likeness to one is chance (``SENANGPAY`` is 0.64
#: like ``BOON SENG PAPER``, ``EGHL SERVICES`` 0.83 like ``LEONG HENG SHELL SERVICE STATION``).
NAMES_A_VENDOR = 0.85


class Vendors:
    """The batch's vendors, as the matcher asks whether a descriptor names one of them.

    Vendors read with low confidence count as their names compare: ``DOMINO'S PIZZA`` flagged on
    five receipts still says a ``DOMINOS PIZZA`` charge is Domino's, not the purchase of a receipt
    whose vendor could not be read (``matching._vendor_unread``).  Squashed, with their legal words
    kept, only the confidently read ones: the legal words lend any two names a likeness
    (``SWCENTERPRISESDNBHD`` is 0.85 like ``BECONENTERPRISESDNBHD``) that a doubtful reading
    does not make a name."""

    def __init__(self, receipts: list[Receipt]) -> None:
        self.keys = sorted({r.vendor_key for r in receipts if r.vendor_key})
        self.aliases = sorted({k for r in receipts for k in r.alias_keys})
        self.squashed = sorted({q for q in (squashed_name(r.vendor_name) for r in receipts if not r.vendor_flagged)
                                if q})

    def named_by(self, descriptor: str | None, *, besides: Receipt, aliases: bool = False) -> bool:
        """The descriptor names one of the vendors, at least ``NAMES_A_VENDOR`` alike: as the names
        compare (:func:`similarities`), or with legal words kept and spaces and punctuation removed
        (:func:`squashed_name`), because a descriptor squashes spaces and the legal words fused into
        its name (``AEONCOMBHD``) stay on it.  The vendor of ``besides`` (the receipt asking) is left
        out: a descriptor naming the receipt's own merchant is no one else's.  With ``aliases``, the
        vendors' other printed names count as their names too (``DOMMAL FOOD SERVICES SDN BHD`` under
        ``DOMINO'S PIZZA``), the asking receipt's own left out: for a pair matched without its merchant,
        where a name that may be another merchant's is enough to hold it back."""
        name = normalise_descriptor(descriptor)
        own_keys = {besides.vendor_key, *besides.alias_keys}
        keys = [k for k in self.keys + (self.aliases if aliases else []) if k not in own_keys]
        if (similarities(name, keys) >= NAMES_A_VENDOR).any():
            return True
        own = squashed_name(besides.vendor_name)
        others = [q for q in self.squashed if q != own]
        squashed = process.cdist([squashed_name(descriptor)], others, scorer=fuzz.ratio)
        return bool((squashed >= 100 * NAMES_A_VENDOR).any())

    def likeness_to_another(self, descriptor: str | None, *, besides: Receipt) -> float:
        """The descriptor's greatest likeness to another vendor of the batch (an upper bound, :func:`similarities`)."""
        keys = [k for k in self.keys if k != besides.vendor_key]
        found = similarities(normalise_descriptor(descriptor), keys)
        return float(max(found[~np.isnan(found)], default=0.0)) if len(found) else 0.0

    def names_another_rather(self, descriptor: str | None, *, besides: Receipt, own: float | None) -> bool:
        """The descriptor names another vendor of the batch (:meth:`named_by`) and the receipt's own
        only partly: ``own``, the pair's merchant likeness, and the squashed names' likeness are both
        under ``NAMES_A_VENDOR``.  A partial likeness is a shared word or a chain's name
        (``HARDWARE``, ``ELECTRICAL TRADING``, ``MR D I Y``); the name that fits whole is the
        other merchant's, whose purchase of the same amount that day the charge is as likely."""
        if own is not None and own >= NAMES_A_VENDOR:
            return False
        if fuzz.ratio(squashed_name(descriptor), squashed_name(besides.vendor_name)) >= 100 * NAMES_A_VENDOR:
            return False
        return self.named_by(descriptor, besides=besides)
