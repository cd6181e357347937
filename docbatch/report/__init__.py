"""``docbatch report``: one self-contained HTML page a person reads after a run.

Rooms: :mod:`.gather` (what is read from the run folder, local or S3, and a
reconciliation folder), :mod:`.figures` (the numbers, pure), :mod:`.locate` and
:mod:`.crops` (where a flagged field was read, and its crop), :mod:`.review` (the
documents needing review), :mod:`.plots` (inline SVG by matplotlib), :mod:`.markup` and
:mod:`.sections` (the page), :mod:`.api` (:func:`build_report`).  Downstream of the
outputs only: the journal and the engine are never touched.
"""

from __future__ import annotations

from .api import build_report

__all__ = ["build_report"]
