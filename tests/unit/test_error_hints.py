"""Every malformed-manifest-row code ends the run's summary with what to do about it."""

from __future__ import annotations

from docbatch.errors import hint_for
from docbatch.manifest import read_manifest


def test_each_malformed_row_code_has_a_hint(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("source,doc_type,doc_id\n"
                    "a.png,receipt,a\n"
                    ",receipt,b\n"            # empty_source
                    "c.png,banana,c\n"        # unknown_doc_type
                    "d.png,receipt,a\n"       # duplicate_doc_id
                    "a.png,receipt,e\n"       # duplicate_source
                    "s3://,receipt,f\n"       # bad_source
                    "g.png,receipt,a#p2\n",   # reserved_doc_id
                    encoding="utf-8")
    codes = [r.error.error_code for r in read_manifest(path) if r.error is not None]
    assert sorted(codes) == ["bad_source", "duplicate_doc_id", "duplicate_source", "empty_source",
                             "reserved_doc_id", "unknown_doc_type"]
    assert {code: hint_for(code) is not None for code in codes} == dict.fromkeys(codes, True)
