"""Answer packs: a record is read back only whole, only as its own document's answer."""

from __future__ import annotations

import gzip
import json

import pytest

from docbatch import answerpack
from docbatch.answerpack import PackWriter, index, packs, parse_place, read, scan


def _text(doc_id: str) -> bytes:
    return json.dumps({"TextDetections": [], "Docbatch": {"doc_id": doc_id}}).encode() + b"\n"


def _pack(folder, stem="answers-r1", ids=("a", "b", "c")):
    writer = PackWriter(folder, stem)
    places = {d: writer.append(d, _text(d)) for d in ids}
    writer.close()
    return folder / writer.name, places


def test_a_record_is_read_back_by_its_place_as_its_answer(tmp_path):
    _, places = _pack(tmp_path)
    assert read(tmp_path, places["b"], "b") == _text("b")


def test_a_place_read_for_another_document_is_refused(tmp_path):
    _, places = _pack(tmp_path)
    with pytest.raises(ValueError, match="another document"):
        read(tmp_path, places["a"], "b")


def test_a_damaged_record_is_refused_not_read(tmp_path):
    path, places = _pack(tmp_path)
    _, offset, length = parse_place(places["b"])
    data = bytearray(path.read_bytes())
    data[offset + length - 12] ^= 0xFF  # inside the compressed answer
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError):
        read(tmp_path, places["b"], "b")


def test_a_scan_stops_at_a_torn_tail_keeping_the_whole_records_before_it(tmp_path):
    path, places = _pack(tmp_path)
    _, offset, length = parse_place(places["c"])
    with open(path, "r+b") as fh:
        fh.truncate(offset + length - 1)
    assert list(scan(path)) == [("a", places["a"]), ("b", places["b"])]


def test_a_scan_stops_at_bytes_that_are_no_record(tmp_path):
    path, places = _pack(tmp_path)
    with open(path, "ab") as fh:
        fh.write(b"\x1f\x8b garbage that is not a record" * 3)
    assert [d for d, _ in scan(path)] == ["a", "b", "c"]


def test_a_run_id_used_before_gets_a_new_pack_never_written_after_a_torn_tail(tmp_path):
    first, places = _pack(tmp_path)
    with open(first, "r+b") as fh:
        fh.truncate(parse_place(places["c"])[1] + 5)
    again, _ = _pack(tmp_path, ids=("c",))
    assert again.name == "answers-r1+2.pack" and [d for d, _ in scan(first)] == ["a", "b"]
    assert index(packs(tmp_path))["c"].startswith("answers-r1+2.pack:")


def test_the_latest_run_s_record_of_a_doc_id_is_the_one_found(tmp_path):
    _pack(tmp_path, stem="answers-20261201T000000Z-aaaaaa", ids=("a", "b"))
    _, later = _pack(tmp_path, stem="answers-20261202T000000Z-bbbbbb", ids=("a",))
    assert index(packs(tmp_path))["a"] == later["a"]


def test_a_pack_is_gzip_json_lines_any_tool_reads(tmp_path):
    path, _ = _pack(tmp_path)
    lines = gzip.decompress(path.read_bytes()).splitlines()
    assert [json.loads(line)["Docbatch"]["doc_id"] for line in lines] == ["a", "b", "c"]


def test_a_run_id_that_is_no_file_name_gives_a_pack_name_that_is(tmp_path):
    stem = answerpack.pack_stem("../../etc/x y")
    assert "/" not in stem and answerpack.stem_of(stem + ".pack") == stem


def test_a_run_folder_reads_answers_from_two_packs_in_turn_each_as_its_own(tmp_path):
    _, first = _pack(tmp_path, stem="answers-20261201T000000Z-aaaaaa", ids=("a", "b"))
    _, second = _pack(tmp_path, stem="answers-20261202T000000Z-bbbbbb", ids=("c", "d"))
    answers = answerpack.LocalAnswers(tmp_path)
    for doc_id, at in [("a", first["a"]), ("c", second["c"]), ("b", first["b"]), ("d", second["d"])]:
        assert answers.read(doc_id, at) == _text(doc_id)
    with pytest.raises(ValueError, match="another document"):
        answers.read("a", second["c"])
    answers.close()


def test_a_parse_worker_s_copy_of_a_run_folder_s_answers_reads_them(tmp_path):
    import pickle

    _, places = _pack(tmp_path)
    answers = answerpack.LocalAnswers(tmp_path)
    assert answers.read("a", places["a"]) == _text("a")  # the parent holds the pack open
    copy = pickle.loads(pickle.dumps(answers))
    assert copy.read("b", places["b"]) == _text("b")
    answers.close()
    copy.close()


def test_a_damaged_record_is_refused_by_a_run_folder_that_read_its_pack_before(tmp_path):
    path, places = _pack(tmp_path)
    answers = answerpack.LocalAnswers(tmp_path)
    assert answers.read("a", places["a"]) == _text("a")
    _, offset, length = parse_place(places["b"])
    with open(path, "r+b") as fh:
        fh.seek(offset + length - 12)
        fh.write(b"\xff")
    with pytest.raises(ValueError):
        answers.read("b", places["b"])
    answers.close()


def test_only_a_raw_folder_holding_something_besides_packs_may_hold_answers_as_files(tmp_path):
    assert not answerpack.holds_other_files(tmp_path / "missing")
    _pack(tmp_path)
    assert not answerpack.holds_other_files(tmp_path)
    (tmp_path / "d1.json.gz").write_bytes(gzip.compress(b"{}"))
    assert answerpack.holds_other_files(tmp_path)
