"""Run a lab's computation on one torch thread.

A lab works on small tensors (a 6×6 matrix, a 384×1536 weight, a few hundred code vectors), where
torch's thread pool costs more than it gives, and on a busy machine its threads wait for each other:
measured here under load, the SVD of a 1536×384 weight took 0.07 s on one thread against 0.2–0.7 s
on two, and a packing construction 0.03 s against 0.1–0.2 s.  The thread count is process-wide, so
a lock keeps concurrent requests from restoring each other's setting out of order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["single_threaded"]

_LOCK = threading.Lock()


@contextmanager
def single_threaded() -> Iterator[None]:
    """Set torch to one thread for the duration of the block (one block at a time per process)."""
    with _LOCK:
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(before)
