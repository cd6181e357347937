"""Evaluations of docbatch against real, labelled documents (run as ``python -m evals.<name>``
from the project root).

They read the shared data set: ``--data DIR``, else ``$DOCBATCH_SHARED_DATA``, else
``<project root>/../shared/data``.  The tests find it the same way (``tests/conftest.py``).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

#: Environment variable naming the shared data folder (``--data`` wins over it).
DATA_ENV = "DOCBATCH_SHARED_DATA"
#: Where the shared data sits next to a checkout of the project.
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_data(option: Path | str | None = None) -> Path:
    """The shared data folder: ``option`` when given, else ``$DOCBATCH_SHARED_DATA``, else the default."""
    return Path(option or os.environ.get(DATA_ENV) or DEFAULT_DATA)


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """``--data DIR`` on an evaluation's command line; resolve it with :func:`shared_data`."""
    parser.add_argument("--data", type=Path, metavar="DIR",
                        help=f"the shared data folder (default: ${DATA_ENV}, else {DEFAULT_DATA})")
