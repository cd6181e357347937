"""The ``docbatch`` command: a thin layer over the library API.

Each command builds the same objects a notebook would (``RunConfig``, ``run_batch``) and
one handler maps docbatch errors to exit codes:

    0  every document ok            3  finished, some documents failed (see failed.csv)
    2  bad options, job or manifest 4  aborted by --max-failure-rate (re-run to resume)
  130  interrupted (re-run to resume)
"""

from __future__ import annotations

from . import estimate, listing, merge, reconcile, report, run, servers, tables  # noqa: F401  (each registers its commands)
from .group import console_main, main

__all__ = ["console_main", "main"]
