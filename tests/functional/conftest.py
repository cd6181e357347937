"""Fixtures of the fault-matrix suites: one bench (images, manifest, fake server factory) per module."""

from __future__ import annotations

import pytest

from ..support.bench import Bench, dummy_aws_env

BENCH_DOCS = 12


@pytest.fixture(scope="module")
def bench(tmp_path_factory, moto_url):
    with dummy_aws_env():
        yield Bench(tmp_path_factory.mktemp("bench"), moto_url=moto_url, docs=BENCH_DOCS)
