"""``--max-calls``: a budget of paid calls a run never passes.

Shared by every worker thread of a run; each paid call (a retry or a tile included) takes
one from it first.  When none is left the call is not made: :class:`BudgetReached` stops
the run resumably, and the next run (with a new budget) goes on where this one stopped.
"""

from __future__ import annotations

import threading

from .errors import BudgetReached


class CallBudget:
    def __init__(self, calls: int) -> None:
        if calls < 0:
            raise ValueError("a call budget is not negative")
        self.limit = calls
        self.left = calls
        self._lock = threading.Lock()

    def take(self) -> None:
        """Take one call, or raise :class:`BudgetReached` without making it."""
        with self._lock:
            if self.left <= 0:
                raise BudgetReached(f"the budget of {self.limit} paid calls (--max-calls) is spent; "
                                    "re-run with a new budget to go on")
            self.left -= 1
