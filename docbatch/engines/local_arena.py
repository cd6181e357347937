"""The recognizer's ONNX session on its own memory arena, handed back after each picture.

Why: without an arena (rapidocr switches it off for every session) onnxruntime asks the C
library for every activation of every recognition call, a picture's 10-20 calls of new widths
each, and those pages come back fresh and zeroed from the kernel each time: on the 6 largest
SROIE scans' recognition inputs, one thread, 0.8-1.5 s of system time and 520,000-830,000 page
faults per 82 calls, and the heap they leave fragmented peaked ~140 MB above the arena's.  With an
arena the calls of a picture reuse one block (37,000 faults, 0.03-0.1 s of system time, 2-7% less
CPU, identical outputs: the arena changes where tensors live, not the arithmetic).

An arena keeps what it grew to, though, and held while the next picture's detector runs (the
worker's peak) it raised a process's peak from 540-580 to 710 MB; so after each picture the arena
is shrunk (:meth:`ArenaSession.release`: a 32-column call with onnxruntime's shrink option,
about a millisecond), and the detector keeps running without one (its activations are the
peak; :mod:`.local_strips`).  One process, 8 of the 40 largest scans: 5.36 -> 5.10 CPU s an
image, peak 539 -> 512 MB, answers byte-identical (docs/performance.md, session 16).
"""

from __future__ import annotations

from typing import Any

#: onnxruntime's run option that frees the arena's unused blocks when the call ends, for the CPU arena.
_SHRINK = ("memory.enable_memory_arena_shrinkage", "cpu:0")


class ArenaSession:
    """An ``onnxruntime.InferenceSession`` of ``model`` with a CPU memory arena, ``threads`` per
    call, that :meth:`release` empties.  Called as rapidocr calls its sessions (``run``, names)."""

    def __init__(self, model: str, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 4
        options.enable_cpu_mem_arena = True
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry(*_SHRINK)

    def release(self) -> None:
        """Hand the arena's blocks back (they are all free between pictures): the smallest call,
        run with the shrink option, since onnxruntime shrinks an arena only at the end of a call."""
        import numpy as np

        first = self._session.get_inputs()[0]
        channels, height = first.shape[1], first.shape[2]
        self._session.run(None, {first.name: np.zeros((1, channels, height, 32), np.float32)}, self._shrink)

    def __getattr__(self, name: str) -> Any:  # run, get_inputs, get_outputs, get_modelmeta, ...
        return getattr(self._session, name)
