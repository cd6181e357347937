"""Card and bank transactions from CSV, Parquet, OFX and QIF exports.

Every reader ends in the same :class:`Transaction`: one signed ``amount`` where positive is
money spent and negative a refund or credit, whatever the export's convention.

Tabular exports (CSV/TSV/Parquet, or a DataFrame) are read through a column mapping;
columns the mapping leaves open are found by their header (``Transaction Date``, ``Posted
Date``, ``Description``, ``Amount``, ``Debit``/``Credit``, ``Card No.``, ``Currency``...,
case and punctuation ignored).  Lines above the header (account details many banks print
first) are skipped; an export with no header row at all is read by what its columns hold
(:mod:`.headerless`).  A single amount column's sign is read from a ``CR``/``DR`` marker or a
debit/credit column when there is one, else from :attr:`TransactionOptions.sign`; ``auto``
takes the convention under which most rows are spending (and payments or refunds the
exception), which is what a statement is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from ..errors import BadColumnMapping, TransactionFileError
from .exchange import conversion_problem, original_from_rate
from .headerless import header_by_content
from .settings import TransactionOptions
from .signs import signed_amounts
from .workbooks import export_text, workbook_kind
from .wise_history import CANONICAL_HEADER as WISE_HISTORY, HISTORY_NO_MONEY, canonical_rows, is_history_header
from .values import card_digits, currency_code, date_cell_problem, last4, parse_amount, parse_date_column

_ALIASES: dict[str, tuple[str, ...]] = {
    "transaction_date": ("transactiondate", "transdate", "txndate", "trandate", "purchasedate", "datetransaction",
                         "dateoftransaction", "transactiondatetime", "dtuser", "saledate", "starteddate",
                         "datestarted", "created", "createdat", "createdon"),
    "posted_date": ("posteddate", "postdate", "postingdate", "dateposted", "bookingdate", "settlementdate",
                    "valuedate", "processdate", "processeddate", "completeddate", "datecompleted", "clearingdate",
                    "dtposted", "date", "datum", "fecha"),
    # A merchant column (Wise's ``Merchant``) names the merchant alone, a description the whole line
    # (``Card transaction of 31.80 EUR issued by ...``): it is read first, the description where it is empty.
    "descriptor": ("merchant", "merchantname", "description", "payee", "name", "details", "narrative",
                   "transactiondescription", "particulars", "description1", "merchantdescription", "memo",
                   "transactiondetails", "reference1", "counterparty", "counterpartyname", "beschreibung",
                   "partnername"),
    "amount": ("amount", "transactionamount", "amt", "billingamount", "chargeamount", "value", "betrag", "sum",
               "amountincurrency", "trnamt", "gross"),
    "debit": ("debit", "debits", "debitamount", "withdrawal", "withdrawals", "moneyout", "paidout", "charges",
              "charge", "spent", "outflow"),
    "credit": ("credit", "credits", "creditamount", "deposit", "deposits", "moneyin", "paidin", "payments",
               "received", "inflow"),
    "transaction_id": ("transactionid", "id", "reference", "referencenumber", "refno", "ref", "fitid",
                       "transactionreference", "txnid", "transactionno", "receiptnumber", "transferwiseid"),
    "card_last4": ("card", "cardno", "cardnumber", "cardlast4", "last4", "cardlastfour", "cardlastfourdigits",
                   "cardlast4digits"),
    # An account column names the card only where it shows a card's masked or last digits (Amex's
    # ``-71002``): a bank's account number printed whole (Lloyds' ``12345678``) is the account the
    # debit card draws on, and comparing it with the card a receipt prints is a false card_mismatch.
    "account": ("accountnumber", "account", "accountno"),
    "currency": ("currency", "ccy", "currencycode", "transactioncurrency", "billingcurrency", "paymentcurrency"),
    # Monzo's ``Local amount`` / ``Local currency``, Revolut Business's ``Orig amount`` / ``Orig currency``,
    # N26's ``Amount (Foreign Currency)`` / ``Type Foreign Currency`` and Wise's ``Exchange To Amount`` /
    # ``Exchange To`` (its balance statement since 2025; the balance's currency is ``Exchange From``) are
    # the spend as made abroad, ``Amount`` the charge.
    "original_amount": ("originalamount", "foreignamount", "foreigncurrencyamount", "amountinoriginalcurrency",
                        "foreignspendamount", "sourceamount", "localamount", "amountforeigncurrency",
                        "exchangetoamount", "origamount"),
    "original_currency": ("originalcurrency", "foreigncurrency", "sourcecurrency", "localcurrency",
                          "typeforeigncurrency", "exchangeto", "origcurrency"),
    "direction": ("type", "transactiontype", "drcr", "debitcredit", "crdr", "indicator", "dc", "creditdebit"),
    "status": ("state", "transactionstatus", "transactionstate"),
    # Wise's balance statements: the conversion a line made (its rate from Exchange From to Exchange To,
    # the fees taken first), read for the original amount where no column gives it (:mod:`.exchange`),
    # and what kind of line it is (CARD, TRANSFER, CONVERSION...).
    "exchange_from": ("exchangefrom",),
    "exchange_rate": ("exchangerate",),
    "fees": ("totalfees",),
    "kind": ("transactiondetailstype",),
}
#: Statuses of a line that moved no money (Revolut's ``State``, Citi's and PayPal's ``Status``): set aside,
#: never matched.
_NO_MONEY = frozenset({"DECLINED", "REVERTED", "FAILED", "CANCELLED", "CANCELED", "REJECTED", "VOID", "VOIDED",
                       "DENIED"})
#: Header cells that only a day-first layout has (see :func:`_layout_date_order`).
_DAY_FIRST_LAYOUTS = {"transferwiseid", "emoji"}
#: Header cells (all of one set) of layouts that only US banks export, month first (see
#: :func:`_layout_date_order`): Chase's card and checking downloads, Discover's, American Express's
#: US one (its UK one says ``Town/City`` and ``Postcode``, and writes the day first) and Apple Card's.
_MONTH_FIRST_LAYOUTS = (
    frozenset({"transactiondate", "postdate", "description", "category", "type", "amount", "memo"}),
    frozenset({"details", "postingdate", "description", "amount", "type", "balance", "checkorslip"}),
    frozenset({"transdate", "postdate", "description", "amount", "category"}),
    frozenset({"citystate", "zipcode", "appearsonyourstatementas"}),
    frozenset({"clearingdate", "purchasedby"}),
)
_TIME_ZONE_IN_HEADER = re.compile(r"\s*\((UTC|GMT|[A-Za-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)\)$")
_CURRENCY_IN_HEADER = re.compile(r"\(([A-Z]{3})\)|\b(?:IN\s)?([A-Z]{3})$")


@dataclass(frozen=True)
class Transaction:
    """One statement line; ``amount`` is positive for money spent, negative for refunds and credits."""

    transaction_id: str
    transaction_date: dt.date | None
    posted_date: dt.date | None
    descriptor: str | None
    amount: Decimal
    currency: str | None = None
    card_last4: str | None = None
    original_amount: Decimal | None = None
    original_currency: str | None = None

    @property
    def date(self) -> dt.date | None:
        return self.transaction_date or self.posted_date


@dataclass(frozen=True)
class RejectedRow:
    """A statement line that could not be read (an impossible date, text for an amount), set aside."""

    row: int  # 1-based, counting the lines below the header that hold anything
    transaction_id: str  # the id the line would have had
    error: str


@dataclass(frozen=True)
class RepeatedId:
    """A statement line whose id an earlier line has: kept, under ``written_as`` (the tables key on the id)."""

    row: int  # 1-based, as in RejectedRow
    transaction_id: str  # the id as the export gives it
    written_as: str


class Statement(list):  # type: ignore[type-arg]
    """The transactions read, in export order (a ``list[Transaction]``), the lines set aside and
    the lines whose id repeats an earlier one's.

    One malformed line must not cost the whole statement: it is named in ``rejected`` and
    the others are matched.  A repeated id (an export downloaded over an overlapping range, a
    bank reusing a reference) is named in ``repeated``: the id written is then in no export.
    """

    def __init__(self, transactions: Sequence[Transaction] = (), rejected: Sequence[RejectedRow] = (),
                 repeated: Sequence[RepeatedId] = ()) -> None:
        super().__init__(transactions)
        self.rejected = list(rejected)
        self.repeated = list(repeated)


def _key(header: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def _canonical(header: str) -> tuple[str | None, str | None, float]:
    """(canonical column, currency named in the header, rank) of one header cell.

    The rank says how specific the header is for its column (the canonical name itself, then
    its aliases in order), so that of two headers for one column the more specific one wins.
    A date header naming its time zone (Revolut Business's ``Date started (UTC)`` beside
    ``Date started (Europe/London)``) is the header without it; of the two the local one wins,
    the day a receipt prints being local.
    """
    text = str(header).strip()
    cur = None
    if zone := _TIME_ZONE_IN_HEADER.search(text):
        name, cur, rank = _canonical(text[: zone.start()])
        return name, cur, rank + (0.5 if zone.group(1).upper() in ("UTC", "GMT") else 0.0)
    if m := _CURRENCY_IN_HEADER.search(text.upper()):
        code = m.group(1) or m.group(2)
        if currency_code(code) and _key(text[: m.start()]) in _ALIASES["amount"] + _ALIASES["debit"] + \
                _ALIASES["credit"]:
            cur, text = code, text[: m.start()]
    key = _key(text)
    for name, aliases in _ALIASES.items():
        if key == _key(name):
            return name, cur, -1
        if key in aliases:
            return name, cur, aliases.index(key)
    return None, None, 0


def resolve_columns(header: Sequence[object], options: TransactionOptions) -> tuple[dict[str, int], str | None]:
    """Canonical column -> position in ``header``, and a currency named by an amount header."""
    found: dict[str, int] = {}
    header_currency = None
    ranks: dict[str, float] = {}
    descriptors: list[tuple[float, int]] = []
    for i, h in enumerate(header):
        name, cur, rank = _canonical(str(h))
        if name == "descriptor":
            descriptors.append((rank, i))
        if name and rank < ranks.get(name, len(_ALIASES[name])):
            # The most specific header wins, not the leftmost: Chase's checking export has
            # ``Details`` (DEBIT/CREDIT) left of ``Description`` (the merchant).
            found[name], ranks[name] = i, rank
            header_currency = header_currency or cur
    for name, column in options.mapping.given().items():
        pos = _position(column, header)
        if pos is None:
            raise _not_in_header(name, column, header)
        found[name] = pos
    keys = [_key(h) for h in header]
    if "descriptor" not in options.mapping.given() and "gross" in keys and "name" in keys:
        # PayPal's layouts name the counterparty Name; the UK one writes its transaction type
        # (Express Checkout Payment...) under Description, which would otherwise win.
        found["descriptor"] = keys.index("name")
    if others := sorted(d for d in descriptors if d[1] != found.get("descriptor")):
        found["descriptor_fallback"] = others[0][1]  # read where the descriptor's cell is empty
    if not ({"amount"} & found.keys() or {"debit", "credit"} & found.keys()):
        raise TransactionFileError("no amount column (Amount, or Debit/Credit) in the export; "
                                   "name it with --map amount=COLUMN")
    if not ({"transaction_date", "posted_date"} & found.keys()):
        raise TransactionFileError("no date column in the export; name it with --map posted_date=COLUMN")
    return found, header_currency


def _position(column: str, header: Sequence[object]) -> int | None:
    """Where a mapped column is in ``header``: its name as written, else case and punctuation ignored."""
    positions = {str(h).strip(): i for i, h in enumerate(header)}
    lowered = {_key(h): i for i, h in enumerate(header)}
    return positions.get(column.strip(), lowered.get(_key(column)))


def _not_in_header(name: str, column: str, header: Sequence[object]) -> BadColumnMapping:
    """A mapped column the export lacks, named beside the columns it has (a typo shows)."""
    found = ", ".join(str(h).strip() for h in header if str(h).strip())
    return BadColumnMapping(f"mapped column {column!r} ({name}) is not in the export's header; columns found: {found}")


def _header_likeness(row: Sequence[str], given: Sequence[str]) -> tuple[int, int]:
    """(cells naming a column, a known header or a mapped name; cells filled): the header is the
    row naming most columns, and of two naming as many the wider (an account line is narrow)."""
    return (sum(bool(_canonical(c)[0]) or _position(c, given) is not None for c in row),
            sum(bool(c.strip()) for c in row))


def _looks_like_header(row: Sequence[str]) -> bool:
    names = {_canonical(c)[0] for c in row if str(c).strip()}
    return bool(names & {"amount", "debit", "credit"}) and bool(names & {"transaction_date", "posted_date"})


def _read_csv_rows(data: bytes, options: TransactionOptions) -> tuple[list[str], list[list[str]]]:
    text = export_text(data)
    given = options.mapping.given()
    mapped = list(given.values())
    likeliest: tuple[tuple[int, int], list[str]] = ((-1, -1), [])
    split: list[list[list[str]]] = []  # the lines as each dialect splits them, for the content test below
    for dialect in _dialects(text):
        rows = _csv_rows(text, dialect)
        split.append(rows)
        for i, row in enumerate(rows[:40]):
            if _looks_like_header(row) or (given and all(_position(c, row) is not None for c in mapped)) or \
                    (not given and is_history_header(row)):
                return [c.strip() for c in row], rows[i + 1 :]
            if (likeness := _header_likeness(row, mapped)) > likeliest[0]:
                likeliest = (likeness, [c.strip() for c in row])
    # No header row with every mapped name: name the one missing, beside the likeliest header's columns.
    missing = next(((n, c) for n, c in given.items() if _position(c, likeliest[1]) is None), None)
    if missing:
        raise _not_in_header(*missing, likeliest[1])
    for rows in split if not given else ():
        if named := header_by_content(rows):
            return named, rows  # no header row: every line is a transaction
    raise TransactionFileError("no header row with a date and an amount column in the first 40 lines "
                               "(name the columns with --map)")


def _csv_rows(text: str, dialect: Any) -> list[list[str]]:
    """The lines of ``text`` that hold anything, split per ``dialect``."""
    return [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]


def _dialects(text: str) -> list[Any]:
    """The sniffed delimiter, then each usual one: account lines above a bank's header have
    fewer fields than the table, which defeats the sniffer, so the header row decides.  The quote
    character is always ``"``: the sniffer took Amex's ``'3202...'`` references for quoting, and
    split a double-quoted cell holding a comma or a line break."""
    sniffed: list[str] = []
    try:
        sniffed.append(csv.Sniffer().sniff("\n".join(text.splitlines()[:50]), delimiters=",;\t|").delimiter)
    except csv.Error:
        pass
    return [type("delimited", (csv.excel,), {"delimiter": d}) for d in sniffed + list(",;\t|")]


def from_rows(header: Sequence[object], rows: Sequence[Sequence[object]], *, options: TransactionOptions,
              id_prefix: str = "row") -> Statement:
    """Transactions from a header and rows (CSV cells or typed values), per ``options``.

    A line whose date or amount cannot be read is set aside in ``Statement.rejected``.
    """
    no_money = _NO_MONEY
    if not options.mapping.given() and is_history_header(header):
        header, rows, no_money = WISE_HISTORY, canonical_rows(header, rows), _NO_MONEY | HISTORY_NO_MONEY
    cols, header_currency = resolve_columns(header, options)
    width = len(header)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]
    rejected: list[RejectedRow] = []
    numbers: list[int] = []
    for n, r in enumerate(padded):
        if problem := _row_problem(r, cols, options, no_money):
            rejected.append(RejectedRow(n + 1, _row_id(r, cols, id_prefix, n), problem))
        else:
            numbers.append(n)
    rows = [padded[n] for n in numbers]

    def column(name: str) -> list[Any]:
        return [r[cols[name]] for r in rows] if name in cols else [None] * len(rows)

    order, layout_order = options.date_order, _layout_date_order(header)
    tdates = parse_date_column(column("transaction_date"), order=order, column="transaction_date",
                               layout_order=layout_order)
    pdates = parse_date_column(column("posted_date"), order=order, column="posted_date", layout_order=layout_order)
    amounts = signed_amounts(rows, cols, options, column("descriptor"))
    default_currency = options.currency or header_currency
    out: list[Transaction] = []
    seen: set[str] = set()
    repeated: list[RepeatedId] = []
    descs = [d if d not in (None, "") else f for d, f in zip(column("descriptor"), column("descriptor_fallback"))]
    cards, curs = column("card_last4"), column("currency")
    accounts = column("account")
    oamts, ocurs = column("original_amount"), column("original_currency")
    rates, sources, fees = column("exchange_rate"), column("exchange_from"), column("fees")
    for n, amount in enumerate(amounts):
        if amount is None or (tdates[n] is None and pdates[n] is None):
            continue  # a total, a balance or a note line, not a transaction
        given = tid = _row_id(rows[n], cols, id_prefix, numbers[n])
        while tid in seen:
            tid += "+"
        if tid != given:
            repeated.append(RepeatedId(numbers[n] + 1, given, tid))
        seen.add(tid)
        currency = currency_code(curs[n]) or default_currency
        oamt = parse_amount(oamts[n], decimal_separator=options.decimal_separator)[0]
        original = (abs(oamt), currency_code(ocurs[n])) if oamt is not None else original_from_rate(
            abs(amount), currency, _number_or_none(rates[n]), currency_code(sources[n]), currency_code(ocurs[n]),
            _number_or_none(fees[n]))
        out.append(Transaction(
            transaction_id=tid, transaction_date=tdates[n], posted_date=pdates[n],
            descriptor=str(descs[n]).strip() if descs[n] not in (None, "") else None,
            amount=amount, currency=currency, card_last4=last4(cards[n]) or card_digits(accounts[n]),
            original_amount=original[0] if original else None,
            original_currency=original[1] if original else currency_code(ocurs[n])))
    if rows and not out and not rejected:
        raise _nothing_read(header, cols, len(rows))
    return Statement(out, rejected, repeated)


def _layout_date_order(header: Sequence[object]) -> str | None:
    """The day/month order of a layout whose header tells it, for a column that reads both ways (a
    statement of the 1st to the 12th): Wise's balance statement (``TransferWise ID``) and Monzo's
    export (``Emoji``) write day first, whatever the account's country; the US banks' layouts of
    :data:`_MONTH_FIRST_LAYOUTS` month first (without it, a nightly reconcile of a Chase download
    stopped on the first twelve days of every month, asking for ``--date-order``).  A column one
    order alone reads is read in it, whatever the layout."""
    keys = {_key(h) for h in header}
    if keys & _DAY_FIRST_LAYOUTS:
        return "DMY"
    return "MDY" if any(layout <= keys for layout in _MONTH_FIRST_LAYOUTS) else None


def _nothing_read(header: Sequence[object], cols: dict[str, int], count: int) -> TransactionFileError:
    """Lines below the header of which none has a date and an amount where they were looked for: read
    as no transaction at all, every receipt would be reported unmatched, as if none had been charged."""
    read = ", ".join(f"{name} {str(header[cols[name]]).strip()!r}" for name in
                     ("transaction_date", "posted_date", "amount", "debit", "credit") if name in cols)
    return TransactionFileError(f"none of the {count} lines below the header has both a date and an amount in the "
                                f"columns read ({read}); name the right ones with --map")


def _number_or_none(value: Any) -> Decimal | None:
    """A rate or fee cell as a number, None where it is empty or no number (it then derives nothing)."""
    try:
        return parse_amount(value)[0]
    except TransactionFileError:
        return None


def _row_id(row: list[Any], cols: dict[str, int], id_prefix: str, n: int) -> str:
    """The export's id of the line, else ``<prefix>-<line number below the header>``."""
    value = row[cols["transaction_id"]] if "transaction_id" in cols else None
    text = str(value).strip() if value not in (None, "") else ""
    if len(text) > 2 and text[0] == text[-1] == "'":
        text = text[1:-1]  # Amex's '3202...': apostrophes that keep a spreadsheet from reading a number
    return text or f"{id_prefix}-{n + 1}"


def _row_problem(row: list[Any], cols: dict[str, int], options: TransactionOptions, no_money: frozenset[str]
                 ) -> str | None:
    """Why the line's date or amount cannot be read, or that it moved no money or only between the
    account's own balances (a conversion); else None."""
    if "status" in cols and str(row[cols["status"]] or "").strip().upper() in no_money:
        return f"status: {str(row[cols['status']]).strip()!r}: no money moved"
    kind, tid, source, target = (row[cols[c]] if c in cols else None
                                 for c in ("kind", "transaction_id", "exchange_from", "original_currency"))
    # Revolut's Type (read as the direction column) says EXCHANGE where Wise's details type says CONVERSION.
    if problem := conversion_problem(kind or (row[cols["direction"]] if "direction" in cols else None), tid,
                                     source, target):
        return problem
    for name in ("transaction_date", "posted_date"):
        if name in cols and (problem := date_cell_problem(row[cols[name]], options.date_order)):
            return f"{name}: {problem}"
    for name in ("amount", "debit", "credit", "original_amount"):
        if name in cols:
            try:
                parse_amount(row[cols[name]], decimal_separator=options.decimal_separator)
            except TransactionFileError as exc:
                return f"{name}: {exc}"
    return None


def read_transactions(source: Any, *, options: TransactionOptions | None = None) -> Statement:
    """Transactions from a file path (CSV/TSV, Parquet, OFX/QFX, QIF), a DataFrame or an Arrow table.

    Lines whose date or amount cannot be read are in the result's ``rejected``; the rest are read.
    """
    from .ofx import looks_like_ofx, looks_like_qif, read_ofx, read_qif

    options = options or TransactionOptions()
    if hasattr(source, "to_pylist") and hasattr(source, "column_names"):  # pyarrow.Table
        return from_rows(source.column_names, [list(r.values()) for r in source.to_pylist()], options=options)
    if hasattr(source, "itertuples") and hasattr(source, "columns"):  # pandas.DataFrame
        cells = source.astype(object).where(source.notna(), None)  # NaN, NaT and pd.NA are empty cells
        return from_rows([str(c) for c in source.columns], [list(r) for r in cells.itertuples(index=False)],
                         options=options)
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TransactionFileError(f"cannot read transactions file {path}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise TransactionFileError(f"transactions file {path} is empty")
    if kind := workbook_kind(data):
        raise TransactionFileError(f"transactions file {path} is {kind}, not a CSV, Parquet, OFX or QIF export: "
                                   "save the sheet as CSV, or download the bank's CSV or OFX")
    suffix = path.suffix.lower()
    if suffix == ".parquet" or data[:4] == b"PAR1":
        import pyarrow.parquet as pq

        table = pq.read_table(io.BytesIO(data))
        _require_lines(path, table.num_rows)
        return from_rows(table.column_names, [list(r.values()) for r in table.to_pylist()], options=options,
                         id_prefix=path.stem)
    if suffix in (".ofx", ".qfx") or looks_like_ofx(data):
        return read_ofx(data, options=options)
    if suffix == ".qif" or looks_like_qif(data):
        return read_qif(data, options=options, id_prefix=path.stem)
    header, rows = _read_csv_rows(data, options)
    _require_lines(path, len(rows))
    return from_rows(header, rows, options=options, id_prefix=path.stem)


def _require_lines(path: Path, count: int) -> None:
    """A header with nothing below it is refused as an empty file is: a run matched against it
    would report every receipt unmatched, as if none had been charged."""
    if not count:
        raise TransactionFileError(f"transactions file {path} has a header row but no transaction lines below it")
