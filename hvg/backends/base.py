"""What a render backend is: something that turns one block of a resolved scene into frames.

The pipeline (`hvg.rendering`) owns everything around it: compiling, resolving, block order, transitions,
the per-block cache, stitching, progress and writing files. A backend only draws a block.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from hvg.ir import Scene
from hvg.presets import QUALITY_PRESETS, QualityPreset  # noqa: F401 (re-exported)
from hvg.world.timeline import Timeline


@dataclass
class BlockJob:
    scene: Scene
    timeline: Timeline
    block_index: int
    quality: QualityPreset
    seed: int
    device: str = "cpu"
    previous_frames: np.ndarray | None = None      # (t, h, w, 3) uint8: the previous block's last frames
    previous_state: dict[str, np.ndarray] | None = None  # the previous block's BlockResult.state
    on_step: Callable[[int, int], None] | None = None  # (step done, steps in all) for progress bars
    extra: dict = field(default_factory=dict)


@dataclass
class BlockResult:
    frames: np.ndarray           # (t, h, w, 3) uint8, t = the block's frame count
    # Handed to the next block as `previous_state` (smooth transitions). Plain arrays only, so the block cache
    # can store it beside the frames: a resumed render continues exactly as an uninterrupted one.
    state: dict[str, np.ndarray] | None = None


class Backend(Protocol):
    name: str

    def fingerprint(self) -> str:
        """Everything about the backend that changes its output (checkpoint hash, settings), for cache keys."""
        ...

    def render_block(self, job: BlockJob) -> BlockResult:
        ...
