"""Give the memory a finished block used back to the operating system, so a long render peaks as one block does.

Why: glibc's malloc keeps freed memory inside its heap for reuse. A block frees tens of MiB of tensors; small
objects that outlive the block (cached textures, the frames handed on) land between them, and in some runs the
heap then grows from block to block: a 60 s render peaked anywhere from 600 to 860 MiB while the memory in use
stayed flat (docs/benchmarks.md, session 7). `malloc_trim(0)` hands every free page back (it also releases the
free pages in the middle of the heap, not only at its top), so each block starts from what is really in use.
It costs the next block the page faults of touching that memory again: a few percent of a block's time.

Elsewhere (macOS, Windows, musl) there is no malloc_trim, and this does nothing.
"""
from __future__ import annotations

import ctypes
import sys
from functools import lru_cache


@lru_cache(maxsize=1)
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim   # the C library this process already runs on
    except (OSError, AttributeError):          # a C library without it (musl)
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_free_memory() -> None:
    """Return the heap's free pages to the operating system (where the C library can)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
