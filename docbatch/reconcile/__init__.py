"""Receipt reconciliation: a run's receipts matched one-to-one to card transactions.

Downstream of a run's outputs only.  ``reconcile()`` (also ``docbatch.reconcile``) reads a
run's ``receipts`` table and a statement (:mod:`.transactions`, :mod:`.ofx`), scores
candidate pairs (:mod:`.scoring`, :mod:`.descriptors`, :mod:`.currency`), assigns them
globally (:mod:`.assign`), places every receipt and transaction (:mod:`.matching`) and
writes the catalogue's reconciliation tables (:mod:`.output`).  Names other than the
function and its settings load on first use, so ``import docbatch`` stays cheap.
"""

from __future__ import annotations

import importlib

from .api import ReconcileResult, reconcile
from .settings import ColumnMapping, MatchSettings, ReconcileSettings, TransactionOptions

_LAZY = {
    "merchant_similarity": "descriptors", "normalise_descriptor": "descriptors",
    "Transaction": "transactions", "read_transactions": "transactions",
}


def __getattr__(name: str) -> object:
    if name in ("ReceiptsNotFound", "TransactionFileError", "BadColumnMapping"):
        return getattr(importlib.import_module("..errors", __name__), name)
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BadColumnMapping",
    "ColumnMapping",
    "MatchSettings",
    "ReceiptsNotFound",
    "ReconcileResult",
    "ReconcileSettings",
    "Transaction",
    "TransactionFileError",
    "TransactionOptions",
    "merchant_similarity",
    "normalise_descriptor",
    "read_transactions",
    "reconcile",
]
