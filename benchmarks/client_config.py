"""What one DetectText call costs the client, by botocore configuration, on a server that costs nothing.

    python benchmarks/client_config.py [--calls 1500] [--rounds 5]

One thread calls the zero-latency server of :mod:`benchmarks.overhead` (a process of its own)
with each configuration in turn, ``--calls`` calls a round, the configurations interleaved
round after round (a shared machine's load moves: the median of the rounds is printed, and
the spread).  The figure is the calling thread's CPU per call (``time.thread_time``: no
profiler inflating botocore's many small calls, and other work on the machine does not count).

The configurations are botocore's own options that a tool doing its own retries and its own
validation of answers may legitimately choose; "docbatch's" is what :func:`docbatch.aws.make_client`
builds, "naive" what the overhead benchmark's naive pool builds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.overhead import ServerProcess, print_table  # noqa: E402
from benchmarks.quota import make_images  # noqa: E402

NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}


def _client(endpoint: str, **options: Any) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("rekognition", region_name="us-east-1", endpoint_url=endpoint, config=Config(**options))


def _docbatch(endpoint: str) -> Any:
    from docbatch import aws

    return aws.make_client("rekognition", session=aws.make_session(None, "us-east-1"), region="us-east-1",
                           endpoint_url=endpoint, validate_params=False)  # as the engines build theirs


#: name -> a client on ``endpoint``.
VARIANTS: dict[str, Callable[[str], Any]] = {
    "naive pool's (Config(max_pool_connections=32): legacy retries, 5 attempts)":
        lambda ep: _client(ep, max_pool_connections=32),
    "docbatch's engines' (aws.make_client, validate_params=False)": _docbatch,
    "standard retries, 1 attempt (docbatch before this round)": lambda ep: _client(ep, retries=NO_RETRIES),
    "  + parameter_validation=False": lambda ep: _client(ep, retries=NO_RETRIES, parameter_validation=False),
    "  + checksums when_required (request and response)": lambda ep: _client(
        ep, retries=NO_RETRIES, request_checksum_calculation="when_required",
        response_checksum_validation="when_required"),
    "  + disable_request_compression=True": lambda ep: _client(ep, retries=NO_RETRIES,
                                                                disable_request_compression=True),
    "legacy retries, max_attempts=0 (1 attempt)": lambda ep: _client(ep, retries={"mode": "legacy",
                                                                                   "max_attempts": 0}),
    "legacy retries, max_attempts=0, parameter_validation=False": lambda ep: _client(
        ep, retries={"mode": "legacy", "max_attempts": 0}, parameter_validation=False),
}


def cpu_per_call(client: Any, images: list[bytes], calls: int) -> float:
    """The calling thread's CPU ms per ``detect_text`` call."""
    started = time.thread_time()
    for i in range(calls):
        client.detect_text(Image={"Bytes": images[i % len(images)]})
    return (time.thread_time() - started) * 1000 / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1500, help="calls per configuration per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        _, paths = make_images(Path(tmp), 200)
        images = [p.read_bytes() for p in paths]
        with ServerProcess() as endpoint:
            clients = {name: make(endpoint) for name, make in VARIANTS.items()}
            for client in clients.values():  # first connection, first call's lazy work
                cpu_per_call(client, images, 20)
            figures: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(args.rounds):
                for name, client in clients.items():
                    figures[name].append(cpu_per_call(client, images, args.calls))
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, botocore {_botocore()}, "
          f"{args.rounds} rounds x {args.calls:,} calls, load {load:.1f} at the end")
    base = statistics.median(figures["docbatch's engines' (aws.make_client, validate_params=False)"])
    rows = [(name, f"{statistics.median(v):.3f}", f"{min(v):.3f}-{max(v):.3f}",
             f"{statistics.median(v) / base:.2f}") for name, v in figures.items()]
    print_table(rows, ("client configuration", "CPU ms/call (median)", "range", "/ docbatch's"))


def _botocore() -> str:
    import botocore

    return botocore.__version__


if __name__ == "__main__":
    main()
