"""Errors of reconciliation, in docbatch's one hierarchy (:mod:`docbatch.errors`).

Both are :class:`~docbatch.errors.ConfigError`: the inputs, not the documents, are wrong,
so the command exits 2 naming the file and what to change::

    ConfigError
    ├── TransactionFileError   an export docbatch cannot read (format, columns, dates, amounts)
    └── ReceiptsNotFound       --receipts names no run folder nor receipts table
"""

from __future__ import annotations

from ..errors import ConfigError


class TransactionFileError(ConfigError):
    error_code = "bad_transactions_file"


class ReceiptsNotFound(ConfigError):
    error_code = "receipts_not_found"
