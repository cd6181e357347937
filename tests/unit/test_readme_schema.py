"""The README's schema section is the catalogue's own text (regenerate: python scripts/readme_schema.py)."""

import json
import re
from pathlib import Path

from click.testing import CliRunner

from docbatch.cli import main
from docbatch.parse.catalog import ALL_TABLES, markdown

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_schema_section_equals_the_catalogue():
    block = re.search(r"<!-- schema:start -->\n(.*?)<!-- schema:end -->", README.read_text(encoding="utf-8"), re.S)
    assert block is not None and block.group(1) == markdown()


def test_docbatch_schema_prints_every_table_and_flags_personal_columns():
    result = CliRunner().invoke(main, ["schema", "--format", "json"])
    assert result.exit_code == 0
    tables = {t["table"]: t for t in json.loads(result.output)}
    assert set(tables) == set(ALL_TABLES)
    ids = {c["name"]: c for c in tables["ids"]["columns"]}
    assert ids["last_name"]["personal"] and ids["last_name"]["redact"] == "hash"
    assert not ids["expiration_date"]["personal"]


def test_an_unknown_table_is_a_one_line_error():
    result = CliRunner().invoke(main, ["schema", "nope"])
    assert result.exit_code == 2 and "unknown table" in result.output


def test_a_reconciliation_table_lists_its_currency_source_and_no_per_field_summary():
    # matches has one *_source column of its own (currency_source) and no per-field confidences:
    # it is listed like any column, not folded into an ID's '<field>_confidence, <field>_source' row.
    text = markdown(["matches"])
    assert "| `currency_source` | string |" in text
    assert "<field>_confidence" not in text and "mrz, barcode, visual" not in text
