"""Each block's frames on demand: from the render cache, else drawn by the backend.

A block is loaded or drawn only when something asks for it: its own frames (to show or to encode), or the block
after it (a smooth transition hands on the last frames and state, a crossfade blends from the last frame). So a
re-render that finds a block's encoded segment in the cache never reads that block's frames, unless the next
block needs them.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from hvg.backends.base import Backend, BlockJob, BlockResult, QualityPreset
from hvg.ir import Scene
from hvg.rendering.cache import BlockCache
from hvg.rendering.keys import block_key
from hvg.rendering.memory import release_free_memory
from hvg.rendering.stitch import apply_transition, blends_previous, hands_on_previous
from hvg.world.timeline import Timeline

# (event, block index, blocks in all, step, steps in all): "block" when a block starts, "step" as it renders,
# "cached" when it came from the cache, "done" when it is finished.
ProgressCallback = Callable[[str, int, int, int, int], None]


class BlockSource:
    def __init__(self, scene: Scene, timeline: Timeline, backend: Backend, *, quality: QualityPreset, seed: int,
                 device: str, cache: BlockCache, progress: ProgressCallback | None = None):
        self.scene, self.timeline, self.backend = scene, timeline, backend
        self.quality, self.seed, self.device = quality, seed, device
        self.cache, self.progress = cache, progress
        self.spans = timeline.blocks
        self.keys = self._keys()
        self.rendered: set[int] = set()          # blocks the backend drew (the rest came from the cache)
        self._kept: dict[int, BlockResult] = {}  # the last two blocks asked for: what a next block reads

    def __len__(self) -> int:
        return len(self.spans)

    def _keys(self) -> list[str]:
        backend = f"{self.backend.name}:{self.backend.fingerprint()}"
        keys: list[str] = []
        for index in range(len(self.spans)):
            keys.append(block_key(self.scene, self.timeline, index, backend=backend, quality=self.quality,
                                  seed=self.seed, previous_key=keys[-1] if keys else None))
        return keys

    def _hands_on(self, index: int) -> bool:
        return index > 0 and hands_on_previous(self.spans[index])

    def blends_previous(self, index: int) -> bool:
        """Whether block `index`'s frames, transition applied, depend on the previous block's last frame."""
        return index > 0 and blends_previous(self.spans[index])

    def result(self, index: int) -> BlockResult:
        """The block as the backend drew it: from the cache when it is there, else drawn (and stored)."""
        # Walk back over blocks that are not cached and need the block before them, then draw them in order.
        missing: list[int] = []
        found = None
        while True:
            i = index - len(missing)
            found = self._kept.get(i)
            if found is None:
                found = self._load(i)
            if found is not None:
                break
            missing.append(i)
            if not self._hands_on(i):
                break
        for i in reversed(missing):
            found = self._draw(i, found if self._hands_on(i) else None)
        return found

    def frames(self, index: int) -> np.ndarray:
        """The block's frames (t, h, w, 3) uint8 as they appear in the video: its transition applied."""
        frames = self.result(index).frames
        previous_last = self.result(index - 1).frames[-1] if self.blends_previous(index) else None
        return apply_transition(frames, self.spans[index], previous_last, self.timeline.fps)

    def _keep(self, index: int, result: BlockResult) -> BlockResult:
        self._kept[index] = result
        for old in sorted(self._kept)[:-2]:
            del self._kept[old]
        return result

    def _load(self, index: int) -> BlockResult | None:
        result = self.cache.get(self.keys[index])
        return None if result is None else self._keep(index, result)

    def _draw(self, index: int, previous: BlockResult | None) -> BlockResult:
        progress, total = self.progress, len(self.spans)
        if progress:
            progress("block", index, total, 0, 1)
        job = BlockJob(scene=self.scene, timeline=self.timeline, block_index=index, quality=self.quality,
                       seed=self.seed, device=self.device,
                       previous_frames=None if previous is None else previous.frames[-4:],
                       previous_state=None if previous is None else previous.state,
                       on_step=(lambda step, steps: progress("step", index, total, step, steps)) if progress else None)
        result = self.backend.render_block(job)
        release_free_memory()      # the block's scratch memory, so a long render peaks as one block does
        span = self.spans[index]
        _check_block(result.frames, span.end_frame - span.start_frame, self.timeline, self.backend.name)
        self.cache.put(self.keys[index], result)
        self.rendered.add(index)
        if progress:
            progress("done", index, total, 1, 1)
        return self._keep(index, result)

    def report_cached(self, index: int) -> None:
        """Tell the progress callback that block `index` came from the cache, unless it was drawn."""
        if self.progress and index not in self.rendered:
            self.progress("cached", index, len(self.spans), 1, 1)


def _check_block(frames: np.ndarray, count: int, timeline: Timeline, backend: str) -> None:
    want = (count, timeline.height, timeline.width, 3)
    if frames.shape != want or frames.dtype != np.uint8:
        raise RuntimeError(f"backend {backend} returned frames {frames.shape} {frames.dtype}, expected {want} uint8")
