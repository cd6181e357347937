"""Rewrite the README's schema section from the catalogue (``docbatch schema``).

The section sits between ``<!-- schema:start -->`` and ``<!-- schema:end -->``;
tests/unit/test_readme_schema.py fails while it differs from the catalogue.

    python scripts/readme_schema.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docbatch.parse.catalog import markdown

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- schema:start -->\n).*?(<!-- schema:end -->)", re.S)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print("README.md has no <!-- schema:start --> ... <!-- schema:end --> block", file=sys.stderr)
        return 1
    README.write_text(BLOCK.sub(lambda m: m.group(1) + markdown() + m.group(2), text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
