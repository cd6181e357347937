"""Where the vendor is: the address block under the vendor's name, and whether one was missed.

Split from :mod:`.header` (which finds the name the block starts under).  The block is the run
of address-like rows after the vendor (registration rows skipped, contact rows stop it), ended
one row past the postcode row; its edges are flagged when in doubt.
"""

from __future__ import annotations

import re

from ..country import AU_POSTCODE, names_region
from ..dates import find_dates
from .header import ADDRESS, LEGAL_FORM, NOISE, PHONE, POSTCODE, REG_NO, Found, is_address, sentence_case
from .lines import Line

#: A land-lot or house number that looks like a postcode (``LOT P.T. 33198``, ``LOT 34817``).
_LOT_NO = re.compile(r"\b(?:LOT|PTD|PT|P\.\s?T|NO)\b\.?\s*\d{5}\b")
_REG_ROW = re.compile(r"\(?\b[A-Z]{0,3}\d{4,}-?[A-Z]\b\)?|\b(CO|COMPANY|ROC|REG|BR|BRN|BUSINESS)\.?\s*(REG|NO)\b")


#: A country name ends an address: a row after it is a branch or mall name.
_COUNTRY_END = re.compile(r"\b(MALAYSIA|SINGAPORE|INDONESIA|THAILAND|PHILIPPINES|AUSTRALIA|CANADA|USA|U\.S\.A|"
                          r"UNITED STATES|UNITED KINGDOM|UK|GERMANY|DEUTSCHLAND|FRANCE|ESPA[NÑ]A|SPAIN)\W*$")
#: A company registration number printed on an address row (``NO. 17-G, 822737-X``).
_INLINE_REG = re.compile(r"[\s,]*[(\[]?\b\d{6,}-[A-Z]\b[)\]]?")


def _not_address(line: Line) -> bool:
    """A contact, tax-id or registration row, or a fragment too short to be an address row.

    Unlike :func:`is_noise` a short row that reads as an address is kept (``57000KL``,
    ``NO 43-45-47G,``), and only a number with a phone's seven or more digits is a phone.
    """
    up = line.text.upper()
    if NOISE.search(up) or (REG_NO.match(up) and not POSTCODE.search(up)):
        return True
    phone = PHONE.search(up)
    if phone and len(re.sub(r"\D", "", phone.group(1))) >= 7 and line.letters < 6:
        return True
    return line.letters < 3 and not (is_address(up) or POSTCODE.search(up))


def find_address(lines: list[Line], vendor: Found | None, end: int) -> Found | None:
    """The address rows after the vendor (registration rows skipped, contact rows stop it).

    The block ends at a contact, tax-id, date or money row, after six rows, or one row past
    the postcode row (a trailing town, state or branch; two when the first ends in a comma).

    When nothing follows the vendor but an address block sits above it (OCR lost the name,
    and a town row was taken for it) the block from the top is read, flagged.
    """
    start = vendor.lines[-1].index + 1 if vendor else 0
    used, after_postcode = _address_rows(lines, start)
    above_vendor = not used and start > 0
    if above_vendor:
        start = 0
        used, after_postcode = _address_rows(lines, start)
    if not used:
        return None
    if used[0] is after_postcode:
        used[:0] = _street_rows_above(lines, used[0], start)
    texts = [_INLINE_REG.sub("", ln.text).strip() for ln in used]
    parts = [re.sub(r"^(?:[A-Z]{1,3}\s)?(?:ADD|ADDR|ADDRESS|ALAMAT)\s*:\s*", "", texts[0], flags=re.I)]
    for text in texts[1:]:
        sep = " " if parts[-1].endswith((",", ".")) else ", "
        parts.append(sep + text)
    edge = _address_edge_doubt(lines, used, after_postcode)
    certainty = (0.48 if edge == "no_postcode" else 0.47 if edge else 0.85) * (0.5 if above_vendor else 1)
    return Found("".join(parts), tuple(used), certainty)


#: A receipt's title row: what follows it is the sale (till, server, table), not the header.
_TITLE = re.compile(r"\b(INVOICE|RECEIPT|CASH\s*BILL|BILL|RESIT|INVOIS)\b")


def address_missed(lines: list[Line], vendor: Found | None, end: int) -> bool:
    """No address was read, yet the receipt may print one: its vendor was not found (the
    header was not read), or a header row under the vendor and above the receipt's title is
    text that is no contact, tax-id, registration, date or money row (``USJ SUMMIT, SUBANG
    (SS)``, ``DAISO JAPAN, IOI MALL``: an address without an address word).  A header of
    such rows only prints none.
    """
    if vendor is None:
        return True
    for ln in lines[vendor.lines[-1].index + 1 : end]:
        if _TITLE.search(ln.text.upper()):
            return False
        if not (_not_address(ln) or _REG_ROW.search(ln.text.upper()) or ln.amounts
                or find_dates(ln.text, pivot_year=2100)):
            return True
    return False


def _address_rows(lines: list[Line], start: int) -> tuple[list[Line], Line | None]:
    """The address block's rows from ``start`` on, and its postcode row if it has one."""
    used: list[Line] = []
    after_postcode: Line | None = None
    extra = 0
    for ln in lines[start : start + 10]:
        up = ln.text.upper()
        if ln.label in ("total", "total_strong", "subtotal", "paid", "tax") and ln.amounts:
            break
        if after_postcode is not None:
            # One more row (a town, state or branch), two when the row before ends in a comma.
            if (_not_address(ln) or _REG_ROW.search(up) or find_dates(ln.text, pivot_year=2100) or ":" in up
                    or ln.amounts or len(up.split()) > 5):
                break
            used.append(ln)
            if extra or not ln.text.rstrip().endswith(",") or _COUNTRY_END.search(up):
                break
            extra += 1
            continue
        skip = (_REG_ROW.search(up) and not ADDRESS.search(_REG_ROW.sub("", up)) or _not_address(ln)
                or find_dates(ln.text, pivot_year=2100) or any(a.decimals == 2 and a.certainty >= 0.8
                                                                for a in ln.amounts))
        if skip:
            if used:
                break
            continue
        if not used and (not is_address(up) or LEGAL_FORM.search(up)):
            if ln.index - start > 3:
                break
            continue
        used.append(ln)
        # An Australian postcode is four digits after the state (``Hobart TAS 7000``): unread, every
        # Australian block was "without a postcode" and flagged, right or wrong (80 right of 80 on
        # generated receipts of seeds 500, 7919, 8081 and 8111).
        if POSTCODE.search(_LOT_NO.sub("", up)) or AU_POSTCODE.search(up):
            after_postcode = ln
        if len(used) >= 6 or _COUNTRY_END.search(up):
            break
    return used, after_postcode


def _street_rows_above(lines: list[Line], postcode_row: Line, start: int) -> list[Line]:
    """Up to two rows just above a block that starts at its postcode row.

    A street is printed above the postcode; when OCR garbles its keyword (``1.OT 1851-A``,
    ``JALANKPB 6``) or it has none (``KAWASAN PERINDUSTRIAN BALAKONG``) the rows between the
    vendor (or its registration row) and the postcode row are still the street.
    """
    above: list[Line] = []
    for ln in reversed(lines[max(start, postcode_row.index - 2) : postcode_row.index]):
        up = ln.text.upper()
        if (_not_address(ln) or len(_REG_ROW.sub("", up).split()) < 2 or LEGAL_FORM.search(up) or ":" in up
                or ln.amounts or sentence_case(ln.text)
                or find_dates(ln.text, pivot_year=2100)):
            break
        above.insert(0, ln)
    return above


#: A branch printed under the address: in brackets (``(TESCO PUTRA NILAI)``) or a store number and its
#: place (``1245-DESA SRI HARTAMAS``).
_BRANCH_ROW = re.compile(r"^\s*\(.*\)\W*$")


def _address_edge_doubt(lines: list[Line], used: list[Line], postcode_row: Line | None) -> str | None:
    """Why the block's edges are in doubt (its certainty drops below review level), or None.

    Without a postcode row the block may have stopped early or started late (flagged).  A
    last row after the postcode row with no address word and no punctuation carrying the
    address on (``..., 56000 KUALA LUMPUR, MALAYSIA`` / ``SUNWAY VELOCITY``) is as often a
    mall or branch name as a town or state (flagged too); so is a short name-like row left
    under a block that ends at its country, and a digit-free row heading the block above
    the house number (``SUSHI MENTAI PLAZA DANAU`` / ``NO.37-1, ...``).
    """
    tail, head = used[-1], used[0]
    if postcode_row is None:
        return None if names_region(tail.text) else "no_postcode"
    if (tail is not postcode_row and not is_address(tail.text.upper()) and len(tail.text.split()) > 1
            and not names_region(tail.text) and not _BRANCH_ROW.match(tail.text.upper())
            and not postcode_row.text.rstrip().endswith(",") and not tail.text.rstrip().endswith((".", ","))):
        return "tail_not_address"
    below = lines[tail.index + 1] if tail.index + 1 < len(lines) else None
    if (_COUNTRY_END.search(tail.text.upper()) and below is not None and not _not_address(below)
            and not _REG_ROW.search(below.text.upper()) and ":" not in below.text and not below.amounts
            and not find_dates(below.text, pivot_year=2100) and len(below.text.split()) <= 5):
        return "name_after_country"
    if len(used) > 1 and not re.search(r"\d", head.text) and re.match(r"(NO\b|LOT\b|\d)", used[1].text.upper()):
        return "name_heads_block"
    return None
