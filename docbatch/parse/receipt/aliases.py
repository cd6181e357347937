"""Other names a receipt prints for its merchant: brand rows, the owning company, web domains.

The vendor is one row of the header, but a receipt often names its merchant more than
once: a brand above the legal name (``FAMILYMART`` / ``MAXINCOME RESOURCES SDN BHD``), the
company that owns the shop (``OLD ASIA`` / ``OWN BY: CHEF LEE SDN BHD``), a name broken over
two rows, a web or e-mail domain (``WWW.POPULAR.COM.MY``), a footer (``TQ FOR SHOPPING WITH
MYNEWS.COM``).  A card statement may bill under any of them, so reconciliation compares a
descriptor with these names too.  Like the vendor rules these are general properties of
printed receipts, not knowledge of particular merchants.
"""

from __future__ import annotations

import re

from .header import LEGAL_FORM, Found, clean_vendor, is_address, is_noise, tail_only
from .lines import Line

#: Most aliases a receipt keeps (the header's first rows, then domains and footers).
MAX_ALIASES = 6
#: A domain (``WWW.X.COM``, ``X.COM.MY``, ``@X.COM``; OCR drops a dot: ``@MYNEWS COM.MY``).
_DOMAIN = re.compile(r"(?:\bW{2,3}\.|@\s?|\b)([A-Z0-9][A-Z0-9-]{2,})(?:\.|\s(?=COM\b))(?:COM|NET|ORG|BIZ)\b"
                     r"|(?:\bW{2,3}\.|@\s?)([A-Z0-9][A-Z0-9-]{2,})\.(?:MY|SG|CO)\b")
#: Mail and hosting domains that name no merchant.
_GENERIC_DOMAINS = frozenset({"HOTMAIL", "GMAIL", "YAHOO", "OUTLOOK", "LIVE", "ICLOUD", "STREAMYX", "FACEBOOK",
                              "INSTAGRAM", "GOOGLE", "BLOGSPOT", "WORDPRESS", "WIX", "TM", "MSN", "AOL", "QQ"})
#: A company registration number printed after a name (``MYNEWS RETAIL SB(306295-X)``).
_COMPANY_NO = re.compile(r"[A-Z.]\s?\(\s?\d{5,7}-?[A-Z]\s?\)")
#: A header row naming where the shop is, not who it is (a mall, an airport terminal).
_PLACE = re.compile(r"\b(?:MALL|MEGAMALL|SHOPPING\s+CENT(?:RE|ER)|AIRPORT|TERMINAL|ARRIVALS?|DEPARTURES?)\b")
#: A footer that names the shop: "THANK YOU FOR DINING AT ...", "TQ FOR SHOPPING WITH ...".
_FOOTER = re.compile(r"\b(?:SHOPPING|DINING|VISITING|CHOOSING|PATRONI[SZ]ING|EATING)\s+(?:AT|WITH|IN)\s+(.+)$")
#: A row naming the company that owns or runs the shop, its name after the label or on the next row
#: (``OWNED BY`` / ``DOMMAL FOOD SERVICES SDN BHD`` at a franchise's foot).
_OWNER = re.compile(r"^\s*(?:OWNED|OWN|OPERATED|MANAGED)\s+BY\b\s*:?\s*(.*)$")
#: What a footer's name may be followed by.
_FOOTER_TAIL = re.compile(r"(?:[!.,]|\bPLEASE\b|\bSEE YOU\b|\bCOME AGAIN\b|\bHAVE A\b).*$")


def find_aliases(lines: list[Line], end: int, vendor: Found | None) -> list[str]:
    """The names the receipt prints for its merchant besides ``vendor`` (see the module docstring)."""
    taken = {ln.index for ln in vendor.lines} if vendor else set()
    own = _key(vendor.value) if vendor else ""
    found: list[str] = []
    # No vendor found (the image may open with the foot of another receipt): a company row among the
    # first rows still names the merchant.
    head = lines[: max(end, min(3, len(lines)))][:12] if vendor else lines[:12]
    first = min(taken, default=0)
    for ln in head:
        # Above the vendor: a brand or logo row.  Below it only a company (its legal form or its
        # registration number says so): the rows there are the branch, the town, the mall, the staff.
        up = ln.text.upper()
        if ln.index not in taken and (ln.index < first or LEGAL_FORM.search(up) or _COMPANY_NO.search(up)):
            found += _header_name(ln)
    # A name broken over two rows, the second only its tail: "PASAR RAYA MEGA MAJU" / "(SEMENYIH) SDN BHD".
    for a, b in zip(head, head[1:]):
        tail = clean_vendor(b.text)
        if (a.index < first and _header_name(a) and not LEGAL_FORM.search(a.text.upper()) and ":" not in tail
                and (b.text.lstrip().startswith("(") or tail_only(b.text))):
            found.append(clean_vendor(f"{a.text} {b.text}"))
    for ln, below in zip(lines, [*lines[1:], None]):
        up = ln.text.upper()
        found += [d for m in _DOMAIN.finditer(up) for d in m.groups() if d and d not in _GENERIC_DOMAINS]
        found += _owner(up, below)
        m = _FOOTER.search(up)
        if m:
            found.append(clean_vendor(_FOOTER_TAIL.sub("", _DOMAIN.sub(lambda d: d.group(1) or d.group(2) or "",
                                                                       m.group(1)))))
    out: list[str] = []
    seen = {own}
    for name in found:
        key = _key(name)
        if len(key.replace(" ", "")) >= 4 and key not in seen:
            seen.add(key)
            out.append(name.strip())
    return out[:MAX_ALIASES]


def _owner(up: str, below: Line | None) -> list[str]:
    """The owning company a row names (:data:`_OWNER`), anywhere on the receipt: on the row after its
    label, or on the next one, a company by its legal form (the label alone says nothing)."""
    m = _OWNER.match(up)
    if not m:
        return []
    name = clean_vendor(m.group(1)) if m.group(1).strip() else (clean_vendor(below.text) if below else "")
    return [name] if LEGAL_FORM.search(name.upper()) else []


def _header_name(line: Line) -> list[str]:
    """A header row read as a name: a business-name-like row, or what follows a label (``OWN BY:``)
    when it carries a legal form; never an address, contact or registration row."""
    text = clean_vendor(line.text)
    if ":" in text:
        text = text.rsplit(":", 1)[1].strip()
        if not LEGAL_FORM.search(text.upper()):
            return []
    elif is_noise(line) and not LEGAL_FORM.search(text.upper()):
        return []
    if (sum(c.isalpha() for c in text) < 4 or is_address(text.upper()) or re.search(r"\d{3,}", text)
            or _PLACE.search(text.upper())):
        return []
    return [text]


def _key(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", name.upper()).strip()
