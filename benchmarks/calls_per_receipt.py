"""Calls and list price per 1,000 receipts: Rekognition DetectText (100-word cap) vs Textract.

    python -m benchmarks.calls_per_receipt [--data DIR]

Reads the human-transcribed text lines of the shared SROIE receipts
(``sroie-train/box/*.csv``: ``x1,y1,...,x4,y4,text``), counts each receipt's words
(whitespace tokens of every line's text, as DetectText splits WORDs) and the calls that
reading all of them takes: ``ceil(words / 100)`` for Rekognition (at least 1: the lower
bound tiling can reach, since no call returns more than 100 WORDs), 1 for Textract
DetectDocumentText (one page, no cap).  Prints the word distribution, the mean calls per
receipt and the list price of 1,000 receipts from each engine's ``price_per_call``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

from docbatch.engines.base import engine_class
from evals import add_data_option, shared_data


def receipt_words(path: Path) -> int:
    """Words of one receipt: whitespace tokens of each line's text (the text may hold commas)."""
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split(",", 8)
        if len(parts) == 9:
            total += len(parts[8].split())
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_option(parser)
    args = parser.parse_args(argv)
    box = shared_data(args.data) / "sroie-train" / "box"
    files = sorted(box.glob("*.csv"))
    if not files:
        print(f"no receipts under {box}", file=sys.stderr)
        return 2
    words = [receipt_words(f) for f in files]
    rekognition = engine_class("rekognition")
    textract = engine_class("textract")
    cap = rekognition.word_cap or 1
    calls = [max(1, math.ceil(n / cap)) for n in words]
    over = sum(1 for n in words if n > cap)
    print(f"{len(files)} receipts from {box}")
    print(f"words per receipt: mean {statistics.mean(words):.1f}, median {statistics.median(words):g}, "
          f"max {max(words)}; over {cap}: {over} ({over / len(words):.0%})")
    for k in sorted(set(calls)):
        print(f"  {k} call(s): {calls.count(k)} receipts")
    rows = [("Rekognition DetectText, tiled", statistics.mean(calls), rekognition.price_per_call),
            ("Rekognition DetectText, one call (words past 100 lost)", 1.0, rekognition.price_per_call),
            ("Textract DetectDocumentText", 1.0, textract.price_per_call)]
    print("\n| engine | calls per receipt | calls per 1,000 receipts | list price per 1,000 receipts |")
    print("|---|---|---|---|")
    for name, per_receipt, price in rows:
        print(f"| {name} | {per_receipt:.2f} | {per_receipt * 1000:,.0f} | ${per_receipt * 1000 * (price or 0):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
