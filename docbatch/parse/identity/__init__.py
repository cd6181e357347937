"""Identity documents: MRZ, US licences (printed fields and the AAMVA barcode), one ``ids`` row."""

from __future__ import annotations

from .parser import ParsedIdentity, parse_identity

__all__ = ["ParsedIdentity", "parse_identity"]
