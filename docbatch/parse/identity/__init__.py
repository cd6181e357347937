"""Identity documents: MRZ, US licences (printed fields and the AAMVA barcode), one ``ids`` row.

The parser is :func:`docbatch.parse.identity.parser.parse_identity` (not imported here:
the document classifier imports the MRZ reader, and the parser imports the classifier).
"""

from __future__ import annotations


def read_image_evidence(doc_type: str, image_bytes: bytes) -> str | None:
    """The barcode text of a document that may be an identity document, or None.

    Licences carry an AAMVA PDF417 barcode, the strongest source of their fields.  It is
    read from the image, so the pipeline calls this while it holds the bytes; which
    documents are worth the read is the identity side's decision (not receipts).
    """
    if doc_type not in ("id", "auto"):
        return None
    from .aamva import decode_barcode

    return decode_barcode(image_bytes)
