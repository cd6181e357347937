"""AAMVA DL/ID card barcodes (PDF417): decode the image, parse the text leniently.

The standard (AAMVA DL/ID Card Design Standard, versions 1-10) puts a header
(``@ LF RS CR ANSI <IIN><version><jurisdiction version><entries>``) and subfile
designators before ``DL``/``ID`` subfiles made of elements: a three-letter id (``DCS``
family name, ``DBB`` birth date, ...) then the value, one per line.  Real cards bend it:
``AAMVA`` instead of ``ANSI``, missing or doubled separators, CR LF line ends, elements
of version 1 (``DAA`` full name, ``DAR`` class), dates as MMDDCCYY (US) or CCYYMMDD
(Canada, version 1).  So parsing is by element id wherever it appears, and every value
that cannot be read is reported per element in ``errors`` instead of failing the card.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Mapping

from .us_states import STATES

#: element id -> output field (ID_FIELDS names); several ids may feed one field.
_TEXT_ELEMENTS: dict[str, str] = {
    "DCS": "last_name", "DAB": "last_name",
    "DAC": "first_name", "DCT": "first_name",
    "DAD": "middle_name",
    "DCU": "suffix", "DAE": "suffix",
    "DAQ": "document_number",
    "DAG": "address",
    "DAI": "city_in_address",
    "DAJ": "state_in_address",
    "DCA": "class", "DAR": "class",
    "DCB": "restrictions", "DAS": "restrictions",
    "DCD": "endorsements", "DAT": "endorsements",
    "DCG": "issuing_country",
    "DCI": "place_of_birth",
}
_DATE_ELEMENTS: dict[str, str] = {"DBB": "date_of_birth", "DBA": "expiration_date", "DBD": "date_of_issue"}
_HEADER = re.compile(r"(?:ANSI|AAMVA)\s?(\d{6})(\d{2})(\d{2})?(\d{2})?")
_ELEMENT = re.compile(r"^(?:DL|ID)?(D[A-Z]{2})(.*)$")
_NONE_VALUES = {"", "NONE", "UNAVL", "UNAVAILABLE", "N/A"}


@dataclass(frozen=True)
class AamvaRecord:
    """Parsed barcode: ID_FIELDS-named values, and a reason per element that failed."""

    fields: Mapping[str, object]
    errors: Mapping[str, str] = field(default_factory=dict)
    version: int | None = None
    iin: str | None = None


def decode_barcode(image_bytes: bytes) -> str | None:
    """The text of the first PDF417 barcode in the image, or None.

    None also when zxing-cpp is not installed: the barcode is an optional, stronger
    source, never a requirement.  Undecodable images give None (the OCR path reports them).
    """
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        return None
    try:
        image = Image.open(io.BytesIO(image_bytes))
        image.load()
    except Exception:  # noqa: BLE001 - any PIL failure means "no barcode read here"
        return None
    image = image.convert("L")
    for attempt in (image, image.resize((image.width * 2, image.height * 2))):
        try:
            found = zxingcpp.read_barcodes(attempt, formats=zxingcpp.BarcodeFormat.PDF417)
        except (RuntimeError, ValueError):
            return None
        if found:
            return found[0].bytes.decode("latin-1")
    return None


def _segments(text: str) -> list[str]:
    return [s.strip(" \t") for s in re.split(r"[\n\r\x1e\x1d]+", text) if s.strip()]


def _elements(text: str) -> tuple[dict[str, str], int | None, str | None]:
    """Element id -> raw value, the AAMVA version and the issuer IIN when a header is found."""
    version = iin = None
    out: dict[str, str] = {}
    for seg in _segments(text):
        head = _HEADER.search(seg)
        if head:
            iin, version = head.group(1), int(head.group(2))
            # The first element follows the subfile designators on the header line.
            seg = re.sub(r"^(?:(?:DL|ID|Z[A-Z])\d{8})+", "", seg[head.end():])
        m = _ELEMENT.match(seg)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2).strip()
    return out, version, iin


def parse_date(value: str) -> dt.date | None:
    """MMDDCCYY (US) or CCYYMMDD (Canada, version 1); separators ignored."""
    digits = re.sub(r"\D", "", value)
    if len(digits) != 8:
        return None
    readings = []
    for y, m, d in ((digits[4:], digits[:2], digits[2:4]), (digits[:4], digits[4:6], digits[6:])):
        try:
            readings.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    if len(readings) == 2 and not digits.startswith(("19", "20")):
        return readings[0]
    return readings[-1] if len(readings) == 1 else (readings[1] if readings else None)


def _sex(value: str) -> str | None:
    return {"1": "M", "2": "F", "M": "M", "F": "F", "9": None}.get(value.strip().upper()[:1] or "9")


def _zip(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 9 and digits[5:9] != "0000":
        return digits[:9]
    return digits[:5] if len(digits) >= 5 else None


def _split_full_name(value: str) -> dict[str, str]:
    """Version 1 ``DAA``: ``LAST,FIRST,MIDDLE`` (or ``LAST$FIRST$MIDDLE``)."""
    parts = [p.strip() for p in re.split(r"[,$]", value)]
    names = dict(zip(("last_name", "first_name", "middle_name"), parts))
    return {k: v for k, v in names.items() if v}


def parse_aamva(text: str) -> AamvaRecord:
    """Parse barcode text into ID fields; unreadable elements land in ``errors``."""
    elements, version, iin = _elements(text)
    fields: dict[str, object] = {}
    errors: dict[str, str] = {}
    if "DAA" in elements:
        fields.update(_split_full_name(elements["DAA"]))
    for eid, name in _TEXT_ELEMENTS.items():
        value = elements.get(eid, "").strip()
        if value.upper() in _NONE_VALUES or name in fields and eid not in ("DCS", "DAC", "DAD"):
            continue
        fields[name] = re.sub(r"\s+", " ", value)
    if elements.get("DAH", "").strip() and "address" in fields:
        fields["address"] = f"{fields['address']} {elements['DAH'].strip()}"
    for eid, name in _DATE_ELEMENTS.items():
        if eid in elements:
            parsed = parse_date(elements[eid])
            if parsed is None:
                errors[eid] = "unreadable date"
            else:
                fields[name] = parsed
    if "DBC" in elements:
        sex = _sex(elements["DBC"])
        if sex:
            fields["sex"] = sex
    if "DAK" in elements:
        zip_code = _zip(elements["DAK"])
        if zip_code:
            fields["zip_code_in_address"] = zip_code
        else:
            errors["DAK"] = "unreadable postal code"
    if elements.get("DDL", "").strip() == "1":
        fields["veteran"] = "VETERAN"
    state = str(fields.get("state_in_address") or "").upper()
    if state in STATES:
        fields["state_in_address"] = state
    if "document_number" not in fields:
        errors["DAQ"] = "missing"
    fields.setdefault("id_type", "drivers_license")
    return AamvaRecord(fields=fields, errors=errors, version=version, iin=iin)
