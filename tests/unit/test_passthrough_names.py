"""A manifest's own columns are named in the tables so no reader mistakes them for docbatch's."""

from __future__ import annotations

from docbatch.outputs import passthrough_names


def test_a_column_docbatch_owns_in_any_case_or_a_partition_key_gets_the_prefix():
    assert passthrough_names(["Total", "RUN_ID", "run_date", "cost_center"]) == {
        "Total": "manifest_Total", "RUN_ID": "manifest_RUN_ID", "run_date": "manifest_run_date",
        "cost_center": "cost_center"}


def test_a_prefixed_name_the_manifest_holds_too_is_prefixed_again_so_no_two_columns_share_a_name():
    names = passthrough_names(["total", "manifest_total"])
    assert names == {"total": "manifest_manifest_total", "manifest_total": "manifest_total"}
