"""Giving freed memory back to the system between the big steps of a run.

The Rust and C++ readers (jsonschema-rs, rapidyaml) allocate a copy of a whole document from threads
of their own; glibc keeps what they free in per-thread arenas, where the next step cannot reuse it, so
a run's peak was the sum of its steps. `malloc_trim` returns it (a no-op where there is no glibc).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any


@functools.cache
def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # pragma: no cover - not glibc
        return None


def release_freed_memory() -> None:
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
