"""A finished block's free memory goes back to the operating system (hvg/rendering/memory.py)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hvg.rendering import RenderSettings, render
from hvg.rendering import blocks as blocks_module
from hvg.rendering.memory import _malloc_trim

from .backends import CountingBackend
from .scenes import three_block_scene

# A heap fragmented as a render leaves it: 1 MiB scratch arrays, each followed by a small array that outlives
# them, so the freed scratch memory cannot shrink the heap from its top. Prints RSS (MiB) with the scratch
# freed, then after `release_free_memory()` (or after nothing, when argv[1] is "none").
FRAGMENT = textwrap.dedent("""
    import sys
    import numpy as np
    from hvg.rendering.memory import release_free_memory

    def rss():
        return next(int(line.split()[1]) // 1024 for line in open("/proc/self/status") if line.startswith("VmRSS"))

    np.ones(1 << 18, np.float32)          # a freed 1 MiB mmap raises glibc's threshold: later ones use the heap
    scratch, kept = [], []
    for _ in range(160):
        scratch.append(np.ones(1 << 18, np.float32))
        kept.append(np.ones(4096, np.float32))
    del scratch
    before = rss()
    if sys.argv[1] == "release":
        release_free_memory()
    print(before, rss())
""")


@pytest.mark.skipif(_malloc_trim() is None, reason="malloc_trim is glibc's (Linux); elsewhere there is nothing to do")
def test_release_hands_a_fragmented_heaps_free_pages_back():
    def rss_pair(mode: str) -> tuple[int, int]:
        out = subprocess.run([sys.executable, "-c", FRAGMENT, mode], capture_output=True, text=True, check=True)
        return tuple(map(int, out.stdout.split()))

    kept_before, kept_after = rss_pair("none")
    released_before, released_after = rss_pair("release")
    assert kept_before - kept_after < 20          # glibc alone keeps the freed 160 MiB resident
    assert released_before - released_after > 100  # released: most of it goes back


def test_memory_is_released_after_each_drawn_block_only(tmp_path, monkeypatch):
    calls: list[int] = []
    backend = CountingBackend()
    monkeypatch.setattr(blocks_module, "release_free_memory", lambda: calls.append(len(backend.rendered)))
    settings = RenderSettings(backend=backend, cache_dir=tmp_path / "cache")
    render(three_block_scene(), settings=settings)
    assert calls == [1, 2, 3]                     # once after each block the backend drew
    render(three_block_scene(), settings=RenderSettings(backend=CountingBackend(), cache_dir=tmp_path / "cache"))
    assert calls == [1, 2, 3]                     # blocks from the cache draw nothing, so free nothing
