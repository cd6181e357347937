"""Another run taking an S3 run folder over: its lock object, and its journal put while this run calls.

Three functional tests stage the same takeover (this run looked hung to another host, which took
the stale lock); the other run's lock and journal are spelt once here so they agree.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

#: The run that took the folder over: another host's, beating far ahead (its lock is never stale).
THEIR_RUN = "20261201T000000Z-7a6e00"
THEIR_LOCK = json.dumps({"host": "another-host", "pid": 1, "run_id": THEIR_RUN, "heartbeat": 4e9}).encode()
THEIR_JOURNAL = b"their journal"


def take_over_once_called(client: Any, bucket: str, prefix: str, server: Any) -> threading.Thread:
    """A started thread that, once ``server`` has seen a request (the run has read its journal by
    then; 30 s at most), puts :data:`THEIR_LOCK` and :data:`THEIR_JOURNAL` in the run folder at
    ``prefix``: join it after the run."""
    def take_over() -> None:
        deadline = time.monotonic() + 30
        while not server.request_log and time.monotonic() < deadline:
            time.sleep(0.05)
        client.put_object(Bucket=bucket, Key=f"{prefix}.docbatch-lock.json", Body=THEIR_LOCK)
        client.put_object(Bucket=bucket, Key=f"{prefix}state.sqlite", Body=THEIR_JOURNAL)

    thief = threading.Thread(target=take_over)
    thief.start()
    return thief
