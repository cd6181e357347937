"""Who issued the receipt: vendor name, phone and the receipt's own numbers (address: :mod:`.address`).

The header is the block above the first date, amount or column-heading row.  The vendor
is the header row that reads most like a business name (a legal-form or trade word such as
``SDN BHD``, ``LTD``, ``TRADING``, ``RESTAURANT``; larger print; near the top) and least
like an address, a registration number or a document title; the address is the run of
address-like rows that follows it.  These are general properties of printed receipts, not
knowledge of particular vendors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Mapping

from ..dates import date_and_time_spans, find_dates
from .header_checks import restored
from .words import KNOWN_WORDS
from .lines import Line

_BUSINESS = re.compile(
    r"\b(SDN\.?\s*BH?D|S/B|BHD|BERHAD|ENTERPRISES?|ENT|TRADING|CO\.|COMPANY|CORP(ORATION)?|LTD|LIMITED|INC|LLC|"
    r"GMBH|PLC|PTY|S\.?A\.?|SARL|MART|MINIMART|STORES?|SHOP|RESTAURANT|RESTORAN|CAFE|BAKERY|HARDWARE|"
    r"PHARMACY|FARMASI|SUPERMARKET|HYPERMARKET|STATIONERY|BOOKSTORE|KEDAI|MARKETING|INDUSTRIES|HOLDINGS|"
    r"SERVICES|CENT(RE|ER)|HOTEL|KITCHEN|FOODS?|TRADERS?|MARKET|GROCERY|DELI|BISTRO|PIZZA|BAR|PUB|"
    r"OUTLET|STATION|ELECTRICAL|MOTOR|AUTO|FURNITURE|TEXTILE|NURSERY|CLINIC|MEDICAL|GIFTS?|DECO|MINIMARKET|"
    r"PERNIAGAAN)\b"
)
#: A five-digit postcode, also glued to its town by OCR (``57000KL``, ``81100JOHOR``); a
#: Canadian or a British one.
POSTCODE = re.compile(r"(?<![\d(\-])\b\d{5}(?:\b(?![\d\-])|(?=[A-Z]{2,}\b))|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s\d[A-Z]{2}\b")
#: An address row: an address word, a postcode, a house or lot number.
ADDRESS = re.compile(
    r"\b(JALAN|JLN|JL|TAMAN|TMN|LORONG|LRG|PERSIARAN|LEBUH|LEBUHRAYA|LOT|NO|BLOK|BLOCK|BLK|LEVEL|LVL|"
    r"FLOOR|FLR|TINGKAT|ROAD|RD|STREET|ST|AVENUE|AVE|BLVD|BOULEVARD|DRIVE|DR|LANE|LN|WAY|HIGHWAY|HWY|SUITE|"
    r"STE|UNIT|KM|BATU|KAMPUNG|KG|BANDAR|BDR|SEKSYEN|SEK|MUKIM|SECTION|PARK|PLAZA|SQUARE|COURT|CT|PO BOX|"
    r"STRASSE|RUE|CALLE|AVENIDA|AVDA|CARRER|PIAZZA|VIALE|CORSO|PLACE|CRESCENT|TERRACE|PARADE)\b|\bC/\s?(?=[A-Z])|"
    + POSTCODE.pattern + r"|"
    r"\b\d+[,/-]\d+\b|^NO\.?\s?\d|\bP\.?\s?T\.?\s?\d{3,}\b|^(?:\d{1,4}[A-Z]?|[A-Z0-9]{1,3}(?:-[A-Z0-9]{1,3}){1,3})(?:\s*[&-]\s*\d{1,4}[A-Z]?)*\s*,\s*[A-Z]|\b[A-Z]{1,3}\s?\d{1,3}/\d"
)
NOISE = re.compile(
    r"\b(TEL|TELEPHONE|PHONE|PH|FAX|HP|MOBILE|T[EÉ]L|TELEFON|TEL[EÉ]FONO|EMAIL|E-MAIL|WWW|HTTP|GST|SST|VAT|REG|REGISTRATION|"
    r"CO\.?\s*NO|COMPANY\s*NO|ROC|TAX\s*INVOICE|INVOICE|RECEIPT|CASH\s*BILL|CASH\s*SALES?|OFFICIAL|WELCOME|THANK|COPY|"
    r"RETURNABLE|REFUNDABLE|EXCHANGEABLE|"
    r"CASHIER|TABLE|MEMBER|ORDER|BILL|CHECK|ABN|TIN|NPWP|RUT|SIRET|INV|DOC|TRN|POS)\b|\S@|@\S|\.COM\b"
)
REG_NO = re.compile(r"^\(?[A-Z]{0,3}\s*[\d\s\-]{4,}[A-Z]?\)?\s*$|^\(.*\d{4,}.*\)$")
#: A registration number (``(126926-H)``, ``CO. REG: 860671-D``, ``273500-U``) and all after it.
_TRAILING_REG = re.compile(
    r"\s*[\(\[]?\s*(?:(?:CO|COMPANY|ROC|REG)\.?\s*(?:REG|NO)?\.?\s*:?\s*)?\d{4,}[\s-]?[A-Z]?\b.*$"
)
#: Words that only finish a business name: a row made of them belongs to the row above.
_LEGAL_TAIL = re.compile(
    r"^\(?(SDN\.?|BHD\.?|BERHAD|S/B|CO\.?|\(M\)|M|LTD\.?|LIMITED|INC\.?|LLC|PTE|PLC|GMBH|&|AND|ENTERPRISES?|TRADING)\)?$"
)
LEGAL_FORM = re.compile(r"\b(SDN\.?\s*BH?D|SDN|S/B|BHD|BERHAD|ENTERPRISE|LTD|LIMITED|INC|LLC|PTE|PLC|GMBH|CORP)\b")
#: A legal form ending the name's row: the name is complete, a row under it is none of it.
_LEGAL_END = re.compile(r"\b(SDN\.?\s*BH?D|S/B|BHD|BERHAD|LTD|LIMITED|INC|LLC|PTE|PLC|GMBH)\W*$")
PHONE = re.compile(r"(?:(?<=[:\s])|^)(\+?\(?\d[\d\s\-()/]{6,}\d)")
#: A label naming another kind of number (``REF NO:``, ``TRANSACTION NO:``, ``RN :``): what follows is no phone.
_NUMBER_LABEL = re.compile(r"\b(?:NO|NUMBER|NUM|REF|RN|ID)\.?\s*:")
#: A dash and one letter after a number: a company registration's check letter (``001610235-P``).
_CHECK_LETTER = re.compile(r"\s*-\s*[A-Z]\b")
_PHONE_LABEL = re.compile(r"\b(TEL|TELEPHONE|PHONE|PH|T|HP|MOBILE|CALL)\b\.?\s*(NO\.?)?\s*[:.]?", re.I)


@dataclass(frozen=True)
class Found:
    """A header field's value, the lines it came from and a 0..1 certainty."""

    value: str
    lines: tuple[Line, ...]
    certainty: float

    @property
    def ocr_confidence(self) -> float:
        return min((ln.confidence() for ln in self.lines), default=0.0)

    def unknown_word_confidence(self, elsewhere: Mapping[str, float] | None = None) -> float:
        """The lowest OCR confidence among words that are not read exactly as a known header word.

        A word whose letters spell ``JALAN`` or ``MALAYSIA`` is confirmed by the vocabulary,
        however unsure the engine was of it (on SROIE's images such words at 48-57% were
        all read right), and so is one the repairs restore (:func:`.header_checks.restored`).  A
        word read the same on another row (``elsewhere``, from :func:`word_readings`) takes the
        surer of the two readings: two readings of separate print that agree (a mall's name in the
        vendor row and in the address, SROIE image 038's ``Aeon`` at 100% and 56%) confirm each
        other.
        """
        confs = []
        for ln in self.lines:
            for s, e, c in ln.spans:
                word = re.sub(r"[\W_]+", "", ln.text[s:e]).upper()
                if word not in KNOWN_WORDS and not restored(ln.text[s:e], ln.text):
                    confs.append(max(c, (elsewhere or {}).get(word, 0.0)))
        return min(confs, default=100.0)


def word_readings(lines: list[Line], skip: tuple[Line, ...]) -> dict[str, float]:
    """Each word of three letters or more on ``lines`` but those in ``skip`` (upper case,
    punctuation dropped) and the best confidence it was read with: another reading of it."""
    taken = {ln.index for ln in skip}
    best: dict[str, float] = {}
    for ln in lines:
        if ln.index in taken:
            continue
        for s, e, c in ln.spans:
            word = re.sub(r"[\W_]+", "", ln.text[s:e]).upper()
            if len(word) >= 3 and word.isalpha():
                best[word] = max(c, best.get(word, 0.0))
    return best


def header_end(lines: list[Line]) -> int:
    """Index of the first row past the header (a date, amount, column heading or number)."""
    named = False  # a name-like row seen: an order number printed above the vendor (fast food) does not end it
    for ln in lines:
        up = ln.text.upper()
        money_row = any((a.decimals == 2 or a.currency) and a.certainty >= 0.8 for a in ln.amounts)
        headings = sum(w in up.split() for w in ("QTY", "DESCRIPTION", "ITEM", "PRICE", "AMOUNT", "AMT", "DESC",
                                                   "UNIT", "TOTAL", "RM"))
        if (money_row or headings >= 2 or (ln.index >= 3 and find_dates(ln.text, pivot_year=2100))
                or (named and re.search(r"\b(INVOICE|RECEIPT|BILL|DOC|ORDER|TRANS)\w*\s*(NO|#|NUMBER)", up))):
            return ln.index
        named = named or not is_noise(ln)
    return len(lines)


def is_address(text: str) -> bool:
    """An address row: an address word, postcode or house-number pattern, unless the row is a name
    built on a street's name (``MAPLE STREET FOODS``, ``BRIDGE STREET BAKERY``: no number, and a
    trade word after the last street word; an address row ends in its street word or a town)."""
    up = text.upper()
    return bool(ADDRESS.search(up)) and (any(c.isdigit() for c in up) or not _trade_word(up))


def _trade_word(up: str) -> bool:
    """A trade word naming a business, not a street: one before the row's last street word is the
    street's name (``STATION`` in ``77 STATION ROAD``, ``MARKET`` in ``2 MARKET PLACE``)."""
    found = list(ADDRESS.finditer(up))
    return bool(_BUSINESS.search(up, found[-1].end() if found else 0))


def sentence_case(text: str) -> bool:
    """A row written as a sentence (``Your neighborhood store``, ``Fresh every day``: a slogan), two
    words or more of three letters in lower case after the first; names are printed in capitals
    or title case (``The Old Mill Cafe``, ``Pizza di Roma``)."""
    words = re.findall(r"[^\W\d_]+", text)
    return len(words) >= 3 and sum(w.islower() and len(w) >= 3 for w in words[1:]) >= 2


def is_noise(line: Line) -> bool:
    up = line.text.upper()
    return line.letters < 3 or bool(NOISE.search(up)) or bool(REG_NO.match(up)) or bool(PHONE.search(up)
                                                                                          and line.letters < 6)


def clean_vendor(text: str) -> str:
    """The name without registration numbers, leading serials or stray punctuation."""
    m = _TRAILING_REG.search(text)
    if m and m.start() >= 5:
        text = text[: m.start()]
    text = re.sub(r"^#\d+\s+(?=[A-Z])", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" :;-*.,(")


def tail_only(text: str) -> bool:
    words = clean_vendor(text).upper().split()
    return bool(words) and all(_LEGAL_TAIL.match(w) for w in words)


def _only_business_words(text: str) -> bool:
    words = clean_vendor(text).upper().split()
    return 0 < len(words) <= 3 and all(_LEGAL_TAIL.match(w) or _BUSINESS.fullmatch(w) for w in words)


def _name_like(line: Line, end: int) -> bool:
    up = line.text.upper()
    return line.index < end and not is_noise(line) and not is_address(clean_vendor(up)) and ":" not in up


def find_vendor(lines: list[Line], end: int) -> Found | None:
    """The business name among the header rows (or the first rows when there is no header)."""
    head = lines[: max(end, min(3, len(lines)))][:12]
    pool = [ln for ln in head if not is_noise(ln)]
    if not pool:
        return None
    typical = median(ln.height for ln in pool) or 1e-9
    contact = _contact_row(head, pool[0].index, len(lines))
    best, best_score = None, float("-inf")
    scores: dict[int, float] = {}
    for rank, ln in enumerate(pool):
        up = clean_vendor(ln.text.upper())
        score = -0.35 * rank - (3.0 if ln.index > contact else 0.0)
        if ":" in up:
            score -= 2.0
        if LEGAL_FORM.search(up):
            score += 3.5
        elif _trade_word(up) and not sentence_case(ln.text):  # a slogan's trade word describes: "Your local store"
            score += 2.5
        if is_address(up) and not (rank == 0 and _named_after_street(up, lines[ln.index + 1:ln.index + 2])):
            score -= 1.0 if LEGAL_FORM.search(up) else 2.5
        if ln.height > typical * 1.2:
            score += 1.0
        if sum(c.isdigit() for c in up) > len(up) / 3:
            score -= 2.0
        if not any(c.isupper() for c in ln.text) or sentence_case(ln.text):
            score -= 1.5  # names are printed in capitals or title case; all lower case is a note
        scores[ln.index] = score
        if score > best_score:
            best, best_score = ln, score
    assert best is not None
    used = [best]
    joined_trade = False
    # A name broken over rows: "POPULAR BOOK" / "CO. (M) SDN BHD", "AIK HUAT HARDWARE" /
    # "ENTERPRISE (SETIA ALAM) SDN BHD", "HOME MASTER HARDWARE &" / "ELECTRICAL".
    prev = lines[best.index - 1] if best.index > 0 else None
    first_word = re.split(r"[\s(]+", clean_vendor(best.text).upper())[:1]
    if prev is not None and _name_like(prev, end) and first_word and (
        _LEGAL_TAIL.match(first_word[0]) or prev.text.rstrip().endswith("&") or _only_business_words(best.text)
        or best.text.count(")") > best.text.count("(")
    ) and not LEGAL_FORM.search(prev.text.upper()):
        used.insert(0, prev)
        # "THREE STOOGES" / "BISTRO & CAFE": whether the trade words are part of the name is a
        # judgement call (SROIE's labels keep the first row alone), so the name is flagged.
        joined_trade = (_only_business_words(best.text) and not LEGAL_FORM.search(best.text.upper())
                        and not prev.text.rstrip().endswith("&") and not _LEGAL_TAIL.match(first_word[0]))
    while len(used) < 3 and used[-1].index + 1 < len(lines):
        nxt = lines[used[-1].index + 1]
        joined = " ".join(ln.text for ln in used)
        if not (_name_like(nxt, max(end, 1)) and (
            joined.rstrip().endswith("&") or tail_only(nxt.text) or joined.count("(") > joined.count(")")
            or (not LEGAL_FORM.search(joined.upper()) and _LEGAL_TAIL.match(nxt.text.upper().split()[0]))
        )):
            break
        used.append(nxt)
    value = clean_vendor(" ".join(ln.text for ln in used))
    if not value:
        return None
    certainty = 0.9 if best_score >= 2.0 else 0.7 if best_score > -0.5 else 0.45
    sign = "trade_row_joined" if joined_trade else _vendor_doubt(used, pool, scores, best_score)
    return Found(value, tuple(used), certainty * (0.5 if sign else 1.0))


def _named_after_street(up: str, after: list[Line]) -> bool:
    """The header's first name-like row, a street word and no number (``HIGH STREET NEWS``,
    ``Cafetería La Plaza``), over an address row with its number: a name built on a street's
    name, since an address opens with its number (``14 High Street``) or holds it in its
    first row; a numberless street row follows it (``TAMAN BERKELEY`` under ``LOT P.T. 2811,
    JALAN ANGSA``).  None of SROIE's tuned receipts opens its header with such a row."""
    return (not any(c.isdigit() for c in up) and bool(after) and is_address(after[0].text)
            and any(c.isdigit() for c in after[0].text))


def _words(text: str) -> list[str]:
    """A name's words, upper case, registration and punctuation dropped: rows compared word by word."""
    return re.findall(r"[^\W_]+", clean_vendor(text).upper())


def _opens_with(words: list[str], name: list[str]) -> bool:
    """A row printing the name again with more words after it (the outlet: ``DOMINO'S PIZZA TAMAN UNIVERSITI``)."""
    return len(words) > len(name) and words[:len(name)] == name


_CONTACT = re.compile(r"\b(TEL|FAX|PHONE|GST|SST|VAT)\b")
_TITLE = re.compile(r"\b(INVOICE|RECEIPT)\b")


def _contact_row(head: list[Line], first_name: int, none: int) -> int:
    """The first contact, tax-id or title row under a name-like row (``none`` if there is none):
    rows after it are seldom the name.  A title heading the slip (``TAX INVOICE`` over the name,
    as Australian tax invoices print it) is above the name, not after it: it costs no row."""
    return next((ln.index for ln in head if _CONTACT.search(ln.text.upper())
                 or ln.index > first_name and _TITLE.search(ln.text.upper())), none)


def _note(text: str) -> bool:
    """A row no name is printed as: all lower case (a name written on), a sentence's marks
    (``*REDEEM VOUCHER BEFORE POINTS EXPIRY!*``) or a star or bullet opening it (``☆ Home of
    Sticky Bones``: a slogan) or a sentence's case (:func:`sentence_case`)."""
    return (not any(c.isupper() for c in text) or "!" in text or text.strip()[:1] in ("*", "☆", "★", "•")
            or sentence_case(text))


def _vendor_doubt(used: list[Line], pool: list[Line], scores: dict[int, float], best: float) -> str | None:
    """Why a reader should look at the pick (its certainty is then halved), or None.

    That is when the name looks misread, when a name-like row of the same print size sits
    just above it (a brand or a name broken over rows: ``GHEE HIANG`` / ``GH DISTRIBUTOR
    & MARKETING SDN BHD``) or, without digits, just below a name no legal form closes
    (``RESTAURANT JIAWEI`` / ``JIAWEI HOUSE``: whether the second row is part of the name is a
    judgement call; under ``... SDN BHD`` it is a branch), or when another business-like row scores nearly as well
    (``KIKU JAPANESE RESTAURANT`` and ``TK DIVISION KITCHEN SDN BHD``), or when a later row
    prints the name again with more words (``DOMINO'S PIZZA`` / ``DOMINO'S PIZZA TAMAN
    UNIVERSITI``, the outlet: SROIE labels one such header with the brand, another with the
    operator's legal name): which of them is "the vendor" is then a judgement call.
    """
    first = used[0]
    above = next((ln for ln in pool if ln.index == first.index - 1), None)
    if (above is not None and _name_like(above, first.index + 1) and above.letters >= 4
            and not _note(above.text)
            and 0.8 <= above.height / (first.height or 1e-9) <= 1.25):
        return "name_row_above"
    last = used[-1]
    below = next((ln for ln in pool if ln.index == last.index + 1), None)
    if (below is not None and _name_like(below, below.index + 1) and below.letters >= 4 and not _note(below.text)
            and not _LEGAL_END.search(clean_vendor(last.text.upper()))  # SDN BHD closes a name
            and not re.search(r"\d", below.text) and 0.8 <= below.height / (last.height or 1e-9) <= 1.25):
        return "name_row_below"
    taken = {ln.index for ln in used}
    name = _words(" ".join(ln.text for ln in used))
    if any(ln.index > last.index and _opens_with(_words(ln.text), name) for ln in pool):
        return "branch_row"
    for ln in pool:
        up = clean_vendor(ln.text.upper())
        if (ln.index not in taken and scores[ln.index] >= best - 2.0
                and (LEGAL_FORM.search(up) or _BUSINESS.search(up))):
            return "rival_business_row"
    return None


def find_phone(lines: list[Line]) -> Found | None:
    """A labelled phone number first, else a phone-shaped number in the header."""
    for labelled in (True, False):
        for ln in lines[:15] if not labelled else lines:
            up = ln.text.upper()
            label = _PHONE_LABEL.search(up)
            if labelled and not label:
                continue
            if not labelled and (ln.amounts or (NOISE.search(up) or _NUMBER_LABEL.search(up)) and not label):
                continue
            start = label.end() if label else 0
            m = _phone_in(up, start)
            if m and not labelled and ("/" in m.group(1) or not re.search(r"[\s\-()]", m.group(1).strip())):
                continue  # an unlabelled bare digit run is a code, not a phone
            if m:
                digits = re.sub(r"\D", "", m.group(1))
                if 7 <= len(digits) <= 15:
                    return Found(m.group(1).strip(), (ln,), 0.9 if labelled else 0.5)
    return None


def _phone_in(up: str, start: int) -> re.Match[str] | None:
    """The first phone-shaped run of ``up`` from ``start`` on that is no part of a date or a clock
    time and ends in no registration's check letter; the row's dates and time are found once,
    when the first run not ending in a check letter is."""
    taken: list[tuple[int, int]] | None = None
    for m in PHONE.finditer(" " + up[start:]):
        first, end = start + m.start(1) - 1, start + m.end(1) - 1
        if _CHECK_LETTER.match(up, end):
            continue
        if taken is None:
            taken = date_and_time_spans(up)
        if not any(a < end and first < b for a, b in taken):
            return m
    return None


_RECEIPT_NO = re.compile(
    r"\b(INVOICE|INV|RECEIPT|RCPT|RECEIPT|BILL|DOC(?:UMENT)?|TRANS(?:ACTION)?|TXN|TRX|ORDER|SLIP|CHECK|CHK|"
    r"BOLETA|FACTURA|CS|OR|SO|REF)\s*(?:NO|NUMBER|NUM|NBR|#)?\.?\s*[:#]?\s*(?P<v>[A-Z0-9][A-Z0-9\-/]{2,})",
)


def find_receipt_number(lines: list[Line]) -> Found | None:
    """The receipt/invoice/document number printed after its label (or on the next row)."""
    for ln in lines:
        up = ln.text.upper()
        for m in _RECEIPT_NO.finditer(up):
            value = m.group("v")
            if find_dates(value, pivot_year=2100):
                continue
            if not any(c.isdigit() for c in value):
                nxt = lines[ln.index + 1] if ln.index + 1 < len(lines) else None
                if nxt is not None and re.fullmatch(r"[:#\s]*[A-Z0-9\-/]*\d[A-Z0-9\-/]*", nxt.text.upper()):
                    return Found(nxt.text.strip(" :#"), (ln, nxt), 0.7)
                continue
            return Found(value, (ln,), 0.85)
    return None
