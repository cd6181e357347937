"""The receipt labels' index (phrases looked up by window size and length, short ones by text)
is only a shortcut: it finds exactly the phrases a plain comparison of every phrase with every
window of its sizes finds, over the whole label vocabulary and the SROIE receipts' box lines."""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path

import pytest
from rapidfuzz.distance import Indel

from docbatch.parse.receipt.labels import VOCABULARY, _normalise, _phrase, has_word, line_label

SROIE_BOX = Path(os.environ.get("DOCBATCH_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")) \
    / "sroie-train" / "box"
#: The phrases of the callers of ``has_word`` beside the vocabulary's (dates, payments, savings).
CALLER_PHRASES = ("DATE", "TARIKH", "DATED", "FECHA", "DATUM", "DT", "EXPIRY", "EXP", "VALID", "DUE", "BEFORE",
                  "UNTIL", "BIRTH", "DOB", "SAVING", "SAVINGS", "RATE", "CODE", "EXCL")


@cache  # every phrase asks for the same texts' windows
def windows(words: tuple[str, ...], size: int) -> tuple[str, ...]:
    """Every run of ``size`` consecutive words, joined."""
    return tuple("".join(words[i : i + size]) for i in range(len(words) - size + 1))


@cache  # two tests ask it the same (phrase, words) pairs
def plain_match(phrase: str, words: tuple[str, ...]) -> bool:
    """The rule without any shortcut: every window of every size the phrase allows, compared
    exactly (short phrases) or, within the length slack, by edit ratio at the cutoff."""
    p = _phrase(phrase)
    if not all(any(w.startswith(prefix) for w in words) for prefix in p.exact):
        return False
    for size in p.sizes:
        for window in windows(words, size):
            if p.cutoff >= 1.0:
                if window == p.target:
                    return True
            elif (abs(len(window) - len(p.target)) <= p.slack
                  and Indel.normalized_similarity(window, p.target) >= p.cutoff):
                return True
    return False


@cache  # a test asks it twice per line
def plain_label(text: str) -> str | None:
    words = _normalise(text)
    found = [(len(_phrase(phrase).target), -order, cls) for order, (cls, phrases) in enumerate(VOCABULARY)
             for phrase in phrases if plain_match(phrase, words)]
    return max(found)[2] if found else None


def damaged(phrase: str) -> list[str]:
    """The phrase with each letter in turn dropped, doubled and replaced, and its spaces removed."""
    out = [phrase.replace(" ", "")]
    for i, c in enumerate(phrase):
        out += [phrase[:i] + phrase[i + 1 :], phrase[:i] + c + phrase[i:], phrase[:i] + "X" + phrase[i + 1 :]]
    return out


VOCABULARY_TEXTS = sorted({t for _, phrases in VOCABULARY for phrase in phrases for t in damaged(phrase)}
                          | {f"{phrase} 12.50" for _, phrases in VOCABULARY for phrase in phrases})


def sroie_lines(receipts: int) -> list[str]:
    if not SROIE_BOX.is_dir():
        pytest.skip(f"SROIE box files not found at {SROIE_BOX}")
    lines: set[str] = set()
    for path in sorted(SROIE_BOX.glob("*.csv"))[:receipts]:
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            lines.update(",".join(row[8:]) for row in csv.reader(fh) if len(row) > 8)
    return sorted(lines)


def test_sroie_box_lines_get_the_plain_rules_label():
    lines = sroie_lines(60)
    assert len(lines) > 1400
    assert sum(plain_label(t) is not None for t in lines) > 200  # the comparison covers real matches
    wrong = {t: (line_label(t), plain_label(t)) for t in lines if line_label(t) != plain_label(t)}
    assert wrong == {}


@pytest.mark.slow  # ~5 s: some 9,000 texts against every phrase
def test_every_vocabulary_phrase_and_its_one_letter_misreadings_get_the_plain_rules_label():
    assert len(VOCABULARY_TEXTS) > 5000
    wrong = {t: (line_label(t), plain_label(t)) for t in VOCABULARY_TEXTS if line_label(t) != plain_label(t)}
    assert wrong == {}


def test_has_word_finds_exactly_the_phrases_the_plain_rule_finds_for_each_callers_phrase():
    texts = VOCABULARY_TEXTS + sroie_lines(30)
    # Text by text, so that each text's words are worked out once (has_word's and _normalise's caches).
    wrong = [(phrase, t) for t in texts for phrase in CALLER_PHRASES
             if has_word(t, phrase) != plain_match(phrase, _normalise(t))]
    assert wrong == []


@pytest.mark.parametrize("phrases", [
    pytest.param(tuple(p for _, ps in VOCABULARY for p in ps), id="vocabulary", marks=pytest.mark.slow),  # ~3 s
    pytest.param(CALLER_PHRASES, id="callers"),
])
def test_has_word_of_many_phrases_is_true_exactly_when_the_plain_rule_matches_one(phrases):
    texts = VOCABULARY_TEXTS + sroie_lines(30)
    assert [t for t in texts if has_word(t, *phrases) != any(plain_match(p, _normalise(t)) for p in phrases)] == []
