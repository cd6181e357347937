"""What a receipt row is about, from its label words, tolerant of OCR misspellings.

Labels are matched with ``rapidfuzz`` (a maintained C++ implementation of edit-distance
ratios) against a small vocabulary, word-window by word-window with the spaces removed, so
``T0TAL``, ``TOTA1``, ``SUB TOTAL`` and ``ROUR DING ADJUSTMENT`` are recognised while
``CASHIER`` is not taken for ``CASH``.  Short labels (``TAX``, ``GST``, ``TIP``) must match
exactly: one wrong letter in three is another word.

When several phrases match, the longest wins (then the earlier class), so ``SUB TOTAL`` is
never a total, ``TOTAL QTY`` never money, ``TOTAL (GST INCL)`` a total and not a tax, and
``CHANGE DUE`` never the amount due.  ``EXCL``/``INCL`` are one letter apart and mean
opposite things, so those words must be read exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

#: class -> phrases; the longest matching phrase decides, class order breaks ties.
VOCABULARY: list[tuple[str, tuple[str, ...]]] = [
    ("count", ("TOTAL QTY", "TOTAL QUANTITY", "TOTAL ITEMS", "TOTAL ITEM", "ITEM COUNT", "NO OF ITEMS",
               "NO OF ITEM", "TOTAL PCS", "QTY TOTAL", "TOTAL SAVINGS", "SAVINGS", "YOUR SAVINGS", "YOU SAVED", "POINTS",
               "TOTAL POINTS", "TOTAL UNITS", "TOTAL NO OF ITEMS")),
    ("summary", ("GST SUMMARY", "TAX SUMMARY", "VAT SUMMARY", "SUMMARY")),
    ("tax", ("SERVICE TAX", "SALES TAX", "SALES AND SERVICE TAX")),
    ("service", ("SERVICE CHARGE", "SERVICE CHG", "SVC CHG", "SVC CHARGE", "SERVICE CHRG", "SERVICE",
                 "SERV CHARGE", "SERV CHG", "SRV CHG", "SRV CHARGE")),
    ("total_strong", ("TOTAL AFTER ADJ", "TOTAL AFTER ADJUSTMENT", "TOTAL AFTER ROUNDING", "ROUNDED TOTAL",
                      "TOTAL ROUNDED", "ROUNDING TOTAL", "TOTAL ROUNDING", "TOTAL AFTER DISCOUNT",
                      "TOTAL AFTER DISC")),
    ("change", ("CHANGE", "CHANGE DUE", "BAKI", "KEMBALIAN", "CHANGE AMOUNT", "CHG",
                # German, French, Italian, Spanish receipts
                "RUCKGELD", "ZURUCK", "RENDU", "RENDU MONNAIE", "MONNAIE RENDUE", "RESTO", "CAMBIO")),
    ("rounding", ("ROUNDING", "ROUNDING ADJ", "ROUNDING ADJUSTMENT", "ROUND ADJ", "ROUNDING ADJUSTMENT",
                  "ADJUSTMENT", "ADJ", "PELARASAN")),
    ("subtotal", ("SUBTOTAL", "SUB TOTAL", "TOTAL EXCL GST", "TOTAL EXCLUDING GST", "TOTAL EXCL TAX",
                  "TOTAL BEFORE GST", "TOTAL BEFORE TAX", "TOTAL EXCLUDING TAX", "AMOUNT EXCL GST",
                  "TOTAL EXCL", "TOTAL EXCLUSIVE OF GST", "NET SALES", "TOTAL BEFORE DISC", "EXCLUDING GST",
                  "EXCL GST", "EXCLUSIVE GST", "EXCLUSIVE OF GST", "EXCLUDING TAX", "EXCL TAX", "BEFORE TAX",
                  "BEFORE GST", "EXCLUDING SST", "EXCL SST", "AMT EXCL GST", "AMT PAID EXCL GST", "TAXABLE AMOUNT", "TAXABLE AMT",
                  # a running sum below the discount row, charges still to come (not a discount)
                  "AFTER DISCOUNT", "AFTER DISC",
                  # hors taxe, Zwischensumme, taxable base: before the tax is added
                  "TOTAL HT", "ZWISCHENSUMME", "BASE IMPONIBLE", "IMPONIBILE")),
    ("tip", ("TIP", "TIPS", "GRATUITY")),
    ("discount", ("DISCOUNT", "DISC", "LESS", "VOUCHER", "PROMOTION", "PROMO", "COUPON")),
    ("total_strong", ("GRAND TOTAL", "AMOUNT DUE", "TOTAL DUE", "BALANCE DUE", "TOTAL PAYABLE",
                      "AMOUNT PAYABLE", "NETT TOTAL", "NET TOTAL", "ROUNDED TOTAL", "TOTAL ROUNDED",
                      "TOTAL AFTER ROUNDING", "TOTAL AFTER ADJ", "TOTAL INCL GST", "TOTAL INCLUSIVE GST",
                      "TOTAL INCL TAX", "TOTAL GST INCL", "TOTAL TAX INCL", "TOTAL AMOUNT", "TOTAL AMT", "TOTAL SALES", "NETT AMOUNT",
                      "NET AMOUNT", "TOTAL RM", "TOTAL MYR", "JUMLAH BESAR", "AMOUNT TO PAY",
                      "TOTAL TO PAY", "PLEASE PAY", "TOTAL INCLUSIVE", "TOTAL INCL", "NETT",
                      "MONTANT DU", "TOTAL A PAGAR", "DUE",
                      # German ("Gesamt" also beats the fuzzy "GST AMT"), French
                      "GESAMT", "GESAMTSUMME", "GESAMTBETRAG", "ZU ZAHLEN", "A PAYER", "NET A PAYER")),
    ("tax", ("GST", "SST", "TAX", "VAT", "HST", "PST", "QST", "TOTAL GST", "TOTAL TAX", "GST AMOUNT",
             "TAX AMOUNT", "GST AMT", "TAX AMT", "SALES TAX", "TOTAL INCLUDES GST", "TOTAL INCLUDED GST",
             "INCLUDES GST", "INCLUDED GST", "GST INCLUDED", "TAX INCLUDED", "SERVICE TAX", "GST PAYABLE", "TVA", "MWST", "IVA", "CUKAI")),
    ("paid", ("CASH", "TUNAI", "TENDERED", "TENDER", "CASH TENDERED", "AMOUNT TENDERED", "PAID",
              # the cash handed over, above the change (``PAID AMOUNT: 100.00``; not ``AMOUNT``)
              "PAID AMOUNT", "AMOUNT PAID", "AMT PAID", "AMT PAID INCL GST", "AMOUNT PAID INCL GST", "PAYMENT", "CARD", "CREDIT CARD", "DEBIT CARD", "VISA", "MASTER", "MASTERCARD",
              "AMEX", "DEBIT", "CREDIT", "NETS", "EFTPOS", "EWALLET", "E WALLET", "BOOST", "GRABPAY",
              "TOUCH N GO", "CASH PAID", "CASH RECEIVED", "RECEIVED", "TOTAL PAID", "TOTAL TENDERED",
              # German, French, Italian, Spanish tenders
              "GEGEBEN", "EC KARTE", "EC CASH", "GIROCARD", "KARTENZAHLUNG", "ESPECES", "CARTE BANCAIRE",
              "CONTANTI", "EFECTIVO", "TARJETA")),
    ("total", ("TOTAL", "JUMLAH", "AMOUNT", "AMT", "BALANCE", "NET", "SUMME")),
]

_LOOKALIKE = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "$": "S"})
_SPLIT = re.compile(r"[\s:./()\-*=#@,;|]+")
_NOT_KEPT = re.compile(r"[^A-Z0-9%&]")


@lru_cache(maxsize=1024)
def _normalise(text: str) -> tuple[str, ...]:
    """Upper-case words, letters for digits inside mostly-letter words, punctuation gone.

    Cached: a receipt's lines are asked about many phrases (payment, tax, dates, savings)."""
    words = []
    # Accents folded (``RÜCKGELD``, ``ESPÈCES``): the vocabulary is written without them.
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.upper()) if not unicodedata.combining(c))
    for raw in _SPLIT.split(plain):
        if not raw:
            continue
        letters = sum(c.isalpha() for c in raw)
        if letters and letters >= len(raw) - 1 and len(raw) >= 3:
            raw = raw.translate(_LOOKALIKE)
        word = _NOT_KEPT.sub("", raw)
        if word:
            words.append(word)
    return tuple(words)


#: Phrases one letter from another receipt word (``SUMMER CUP``, ``GST AMT``), or as alike to an item's
#: word as the cutoff allows (Malay ``TUNAI``, cash: ``UNAGI DON`` and ``TUNA`` are 0.8 alike), read exactly only.
_EXACT_PHRASES = frozenset({"SUMME", "GESAMT", "TUNAI"})


def _cutoff(phrase: str) -> float:
    n = len(phrase)
    if n <= 4 or phrase in _EXACT_PHRASES:
        return 1.0
    if n <= 7:
        return 0.8
    return 0.86


#: Prefixes that flip a label's meaning with one letter: fuzzy matching must keep them exact.
_EXACT_PREFIXES = ("EXC", "INC")


@dataclass(frozen=True)
class _Phrase:
    """A phrase as matched: spaces removed, window sizes, cutoff, length slack, exact prefixes."""

    target: str
    sizes: tuple[int, ...]
    cutoff: float
    slack: int
    exact: tuple[str, ...]


@lru_cache(maxsize=1024)  # the vocabulary's and the callers' constant phrases
def _phrase(phrase: str) -> _Phrase:
    target = phrase.replace(" ", "")
    k = phrase.count(" ") + 1
    return _Phrase(target, tuple(sorted({max(1, k - 1), k, k + 1})), _cutoff(target),
                   1 if len(target) < 10 else 2, tuple(p for p in _EXACT_PREFIXES if p in phrase))


@lru_cache(maxsize=4096)
def _windows(words: tuple[str, ...], size: int) -> dict[int, tuple[str, ...]]:
    """Every run of ``size`` consecutive words, spaces removed, by length (shared by every
    phrase asked about the same words; a phrase looks only at lengths it may match)."""
    by_length: dict[int, list[str]] = {}
    for i in range(len(words) - size + 1):
        window = "".join(words[i : i + size])
        by_length.setdefault(len(window), []).append(window)
    return {n: tuple(ws) for n, ws in by_length.items()}


def _has_prefixes(p: _Phrase, words: tuple[str, ...]) -> bool:
    return all(any(w.startswith(prefix) for w in words) for prefix in p.exact)


@dataclass(frozen=True)
class _Entry:
    """One vocabulary phrase as :func:`line_label` ranks it: longer first, then earlier class."""

    key: tuple[int, int]
    cls: str
    phrase: _Phrase


@dataclass(frozen=True)
class _Index:
    """Phrases by what a window must be to match them: exact phrases by (window size, text),
    fuzzy ones by (window size, window length) within their slack.  A window then looks up the
    few phrases it could match instead of every phrase being tried on every window."""

    exact: dict[tuple[int, str], list[_Entry]]
    fuzzy: dict[tuple[int, int], list[_Entry]]
    largest: int


def _indexed(entries: list[tuple[str, str, int]]) -> _Index:
    """(class, phrase, class order) triples as an :class:`_Index`."""
    exact: dict[tuple[int, str], list[_Entry]] = {}
    fuzzy: dict[tuple[int, int], list[_Entry]] = {}
    for cls, phrase, order in entries:
        p = _phrase(phrase)
        n = len(p.target)
        entry = _Entry((n, -order), cls, p)
        for size in p.sizes:
            if p.cutoff >= 1.0:
                exact.setdefault((size, p.target), []).append(entry)
                continue
            for length in range(n - p.slack, n + p.slack + 1):
                fuzzy.setdefault((size, length), []).append(entry)
    return _Index(exact, fuzzy, max(size for size, _ in [*exact, *fuzzy]))


def _hits(index: _Index, words: tuple[str, ...]) -> Iterator[tuple[str, _Entry]]:
    """Every (window, phrase) pair of ``words`` and ``index`` that agree in window size and in
    text (exact phrases) or length (fuzzy ones): the candidates :func:`_fits` decides."""
    for size in range(1, min(len(words), index.largest) + 1):
        for length, windows in _windows(words, size).items():
            for window in windows:
                for entry in index.exact.get((size, window), ()):
                    yield window, entry
                for entry in index.fuzzy.get((size, length), ()):
                    yield window, entry


def _fits(p: _Phrase, window: str, words: tuple[str, ...]) -> bool:
    """A candidate of :func:`_hits` matches: its exact prefixes are in the words and, for a
    fuzzy phrase, the edit ratio reaches its cutoff."""
    return ((not p.exact or _has_prefixes(p, words))
            and (p.cutoff >= 1.0 or Indel.normalized_similarity(window, p.target) >= p.cutoff))


_VOCABULARY_INDEX = _indexed([(cls, phrase, order) for order, (cls, phrases) in enumerate(VOCABULARY)
                              for phrase in phrases])


@lru_cache(maxsize=4096)
def line_label(label_text: str) -> str | None:
    """The class of a row's label words (amounts already removed), or None.

    Each window of the words looks up only the phrases it could match (same rules as
    :func:`has_word`: exact text for short phrases, a length within the slack and an edit
    ratio at the cutoff for the others); the matching phrase with the largest key wins."""
    words = _normalise(label_text)
    best: _Entry | None = None
    for window, entry in _hits(_VOCABULARY_INDEX, words):
        if (best is None or entry.key > best.key) and _fits(entry.phrase, window, words):
            best = entry
    return best.cls if best else None


@lru_cache(maxsize=256)  # callers ask about a few constant tuples of phrases
def _phrase_index(phrases: tuple[str, ...]) -> _Index:
    return _indexed([("", phrase, 0) for phrase in phrases])


@lru_cache(maxsize=8192)  # a receipt's rows are asked about payment, dates, savings, taxes; batches repeat rows
def has_word(text: str, *phrases: str) -> bool:
    """Whether any of ``phrases`` occurs in ``text`` (same fuzzy rules as :func:`line_label`)."""
    if not phrases:
        return False
    words = _normalise(text)
    return any(_fits(entry.phrase, window, words) for window, entry in _hits(_phrase_index(phrases), words))
