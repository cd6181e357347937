"""--shard i/N: which rows a shard holds, where its files go, and how it is chosen."""

from __future__ import annotations

import subprocess
import sys

import pytest

from docbatch.config import RunConfig
from docbatch.errors import ConfigError
from docbatch.shards import Shard, check_layout, of, resolve

IDS = [f"r{i:04d}" for i in range(400)]


def test_every_doc_id_falls_in_exactly_one_shard_and_shards_are_near_even():
    held = [[d for d in IDS if Shard(i, 4).holds(d)] for i in range(4)]
    assert sorted(sum(held, [])) == sorted(IDS)
    assert all(70 <= len(h) <= 130 for h in held), [len(h) for h in held]


@pytest.mark.slow  # a child interpreter
def test_the_split_is_the_same_in_another_process_with_another_hash_seed():
    here = [of(d, 7) for d in IDS[:50]]
    code = f"from docbatch.shards import of; print([of(d, 7) for d in {IDS[:50]!r}])"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""})
    assert child.stdout.strip() == str(here)


def test_the_split_does_not_change_between_versions():
    # Pinned: a re-run (by a newer docbatch too) must give each shard the documents it had.
    assert [of(d, 4) for d in ("r01-greenleaf-market", "r02-kedai-maju-jaya", "i01-passport", "scan 01#a")] == [
        1, 2, 2, 1]
    assert [of("r0007", n) for n in (2, 3, 5, 16)] == [1, 2, 0, 9]


@pytest.mark.parametrize("text", ["4/4", "-1/4", "1/0", "1", "a/b", "1/4/2"])
def test_a_shard_outside_its_count_or_not_i_slash_n_is_refused(text):
    with pytest.raises(ConfigError, match="shard"):
        RunConfig(manifest="m.csv", out="out", shard=text)


def test_aws_batch_array_variables_choose_the_shard_when_no_option_is_given():
    env = {"AWS_BATCH_JOB_ARRAY_INDEX": "3", "AWS_BATCH_JOB_ARRAY_SIZE": "8"}
    assert resolve(None, env) == Shard(3, 8)
    assert resolve("1/2", env) == Shard(1, 2)  # an explicit option wins
    assert resolve(None, {}) is None


def test_an_array_index_without_the_array_size_names_both_and_the_option():
    with pytest.raises(ConfigError, match="AWS_BATCH_JOB_ARRAY_SIZE=''.*--shard i/N"):
        resolve(None, {"AWS_BATCH_JOB_ARRAY_INDEX": "0"})


@pytest.mark.slow  # builds a boto3 client
def test_a_shard_paces_at_its_share_of_the_tps():
    from docbatch.quota import limiter_for
    from docbatch.engines.rekognition import RekognitionEngine

    stages = RunConfig(manifest="m.csv", out="out", engine="rekognition", region="us-east-1", tps=20,
                       shard="1/4").stages(environ={})
    engine = RekognitionEngine(stages.engine)
    limiter = limiter_for(stages.rate, engine)
    assert (limiter.rate, limiter.ceiling, limiter.source) == (5.0, 5.0, "option/4 shards")


def test_a_folder_split_in_another_count_or_unsharded_is_refused_with_the_way_out():
    with pytest.raises(ConfigError, match="split in 3 shards, not 4"):
        check_layout(Shard(0, 4), ["0-of-3", "1-of-3"], unsharded_state=False, folder="out")
    with pytest.raises(ConfigError, match="--shard i/3"):
        check_layout(None, ["2-of-3"], unsharded_state=False, folder="out")
    with pytest.raises(ConfigError, match="unsharded run"):
        check_layout(Shard(0, 2), [], unsharded_state=True, folder="out")
    check_layout(Shard(1, 4), ["0-of-4", "3-of-4"], unsharded_state=False, folder="out")
