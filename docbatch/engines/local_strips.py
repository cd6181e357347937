"""The text detector run on horizontal strips of a tall picture, and memory handed back between pictures.

Why: the local engine's peak memory is the detector's activations, which grow with the pixels of
its input (about 250 MB a megapixel, on top of ~180 MB of models and libraries): a receipt read at
2,000 px long needs some 900 MB in one pass.  Receipts are tall, so the detector's input tensor is
cut into horizontal strips of at most :attr:`StripPlan.max_pixels` each, every strip overlapping its
neighbours by :attr:`StripPlan.overlap` rows of context; each strip's probability map is kept from
its centre (the rows no other strip reads with more context) and the parts are laid back into one
map of the whole picture.  rapidocr's own DBNet post-processing then finds the boxes on that whole
map, so a line crossing a seam is one box, as before.

The map is not bit-for-bit the whole picture's: the detector's squeeze-and-excitation blocks weigh
their channels by means over the whole input, which a strip computes over itself.  With strips
of 2,000,000 px that moves some boxes by a pixel or two and cost no receipt field; strips that are
mostly blank margin can lose lines, so the budget is large (docs/performance.md, the embedded engine's speed).
Pictures within the budget are read in one pass, exactly as before.

glibc keeps freed heap memory for reuse, so a worker stays at its peak between pictures unless
it is handed back: :func:`docbatch.heap.release_memory` does so once per picture (``malloc_trim``), which costs
a few milliseconds, unlike a low mmap threshold that pays for fresh pages on every allocation;
once more just before the detector runs, so that what the picture's preparation freed is not
still resident beside the detector's activations, and after each strip, so that the next one does
not start on what the last one left.  While the detector runs, its large buffers are mapped apart
from the heap (:func:`docbatch.heap.mapped_apart`): onnxruntime allocates a new input size's
activations one by one, and in the heap they fragmented and stayed (main on the 8 largest SROIE
scans, one process: 364-374 MB over the input on a new size, the next strip starting 250 MB higher;
detector peak 644 MB, now 577-583 MB on the 8 and the 40 largest; answers byte-identical).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from ..heap import mapped_apart, release_memory

#: The detector's input sides are multiples of 32 (its stride); strips are cut on that grid.
_GRID = 32


@dataclass(frozen=True)
class StripPlan:
    """How a detector input of ``height`` x ``width`` is cut: strips of at most ``max_pixels``
    (0: never cut), each read with ``overlap`` rows of context above and below its own rows."""

    max_pixels: int
    overlap: int = 128

    def strips(self, height: int, width: int) -> list[tuple[int, int, int, int]]:
        """``(read_top, read_bottom, keep_top, keep_bottom)`` rows for each strip, top to bottom.

        Only tall pictures are cut (receipts, pages); one wider than tall is read in one pass.

        The kept rows tile ``0..height`` exactly; each strip reads its kept rows plus ``overlap``
        rows either side (rounded up to the detector's 32 px grid; fewer at the picture's edges),
        at most ``max_pixels`` in all unless a picture is too wide for even 32 rows of its own.
        """
        if not self.max_pixels or height * width <= self.max_pixels or width > height:
            # A wide picture is not cut: its strips would be bands thinner than its text (a 60 px
            # strip of a receipt reaches the detector 736 px tall and 5,600 wide, one line high).
            return [(0, height, 0, height)]
        # Strip heights on the detector's 32 px grid; a picture too wide for one grid row of
        # context either side is read in the narrowest strips that still have it.
        context = math.ceil(self.overlap / _GRID) * _GRID
        own_max = max(_GRID, self.max_pixels // width // _GRID * _GRID - 2 * context)
        count = math.ceil(height / own_max)
        own = math.ceil(height / count / _GRID) * _GRID  # equal strips (the last one may be shorter)
        cuts = [min(height, i * own) for i in range(count + 1)]
        return [(max(0, top - context), min(height, bottom + context), top, bottom)
                for top, bottom in zip(cuts, cuts[1:]) if bottom > top]


def run_in_strips(session: Callable[[Any], Any], tensor: Any, plan: StripPlan) -> Any:
    """The detector's ``(1, 1, H, W)`` probability map of ``tensor`` (``(1, 3, H, W)``), read strip by strip."""
    import numpy as np

    height, width = tensor.shape[2], tensor.shape[3]
    parts = plan.strips(height, width)
    if len(parts) == 1:
        return session(tensor)
    stitched = None
    for read_top, read_bottom, keep_top, keep_bottom in parts:
        pred = session(np.ascontiguousarray(tensor[:, :, read_top:read_bottom]))
        if stitched is None:
            stitched = np.empty(pred.shape[:2] + (height, width), dtype=pred.dtype)
        stitched[:, :, keep_top:keep_bottom] = pred[:, :, keep_top - read_top:keep_bottom - read_top]
        del pred
    return stitched


class StripSession:
    """rapidocr's detector session, called as rapidocr calls it, reading its input in strips."""

    def __init__(self, session: Callable[[Any], Any], plan: StripPlan) -> None:
        self.session = session
        self.plan = plan

    def __call__(self, tensor: Any) -> Any:
        # The picture's freed temporaries (its RGB array, the resized copies, the float64
        # normalisation) go back before the detector's activations, the worker's peak, are
        # allocated: main held 275-418 MB on entering the detector on the 8 largest SROIE
        # scans, 196-229 MB with this (and :mod:`.local_pixels`); a few ms a picture.
        release_memory()
        with mapped_apart():  # the activations are not left in the heap (:mod:`docbatch.heap`)
            return run_in_strips(self._run, tensor, self.plan)

    def _run(self, strip: Any) -> Any:
        """One pass of the detector; what it left in the heap goes back before the next strip."""
        try:
            return self.session(strip)
        finally:
            release_memory()

    def __getattr__(self, name: str) -> Any:  # rapidocr's other uses of its session (names, metadata)
        return getattr(self.session, name)
