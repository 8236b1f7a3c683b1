"""Helpers for bulk steps that make millions of Python objects at once (a list read, a registry frame)."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused_gc():
    """No cyclic garbage collection while a bulk step makes millions of rows and tuples that refer to
    nothing cyclic (each full collection walks all of them: seconds over a million-row list; reading a 1M-row
    list for `dedup` took 21 s with it, 16 s without); on again after. Also a decorator."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
