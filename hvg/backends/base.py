"""What a render backend is: something that turns one block of a resolved scene into frames.

The pipeline (`hvg.render`) owns everything around it: compiling, resolving, block order, transitions,
the per-block cache, stitching, progress and writing files. A backend only draws a block.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from hvg.ir import Scene
from hvg.world.timeline import Timeline


@dataclass(frozen=True)
class QualityPreset:
    """One row of the quality table: `--quality NAME` picks it; the flag's help text is built from it too."""
    name: str
    steps: int                  # flow-matching steps in total, across pyramid stages
    pyramid_stages: int         # 1 = full resolution all the way
    guidance: float             # classifier-free guidance scale
    summary: str


QUALITY_PRESETS: dict[str, QualityPreset] = {p.name: p for p in (
    QualityPreset("draft", steps=8, pyramid_stages=3, guidance=2.0, summary="fastest; for blocking out a story"),
    QualityPreset("standard", steps=16, pyramid_stages=3, guidance=3.0, summary="the default"),
    QualityPreset("final", steps=32, pyramid_stages=2, guidance=3.5, summary="slowest; for the finished video"),
)}


@dataclass
class BlockJob:
    scene: Scene
    timeline: Timeline
    block_index: int
    quality: QualityPreset
    seed: int
    device: str = "cpu"
    previous_frames: np.ndarray | None = None      # (t, h, w, 3) uint8: the previous block's last frames
    previous_state: object | None = None           # backend-specific carry-over (e.g. last latents, noise)
    on_step: Callable[[int, int], None] | None = None  # (step done, steps in all) for progress bars
    extra: dict = field(default_factory=dict)


@dataclass
class BlockResult:
    frames: np.ndarray           # (t, h, w, 3) uint8, t = the block's frame count
    state: object | None = None  # handed to the next block as `previous_state`


class Backend(Protocol):
    name: str

    def fingerprint(self) -> str:
        """Everything about the backend that changes its output (checkpoint hash, settings), for cache keys."""
        ...

    def render_block(self, job: BlockJob) -> BlockResult:
        ...
