"""Joining blocks: transitions applied to a block's first frames given the previous block's last frame.

`cut` and `smooth` join blocks as they are (a smooth transition is the model's job: it conditions the next block
on the previous one). `crossfade D` blends from the previous block's last frame into the new block over D seconds.
"""
from __future__ import annotations

import numpy as np

from hvg.world.timeline import BlockSpan


def hands_on_previous(span: BlockSpan) -> bool:
    """Whether the previous block's frames and state are handed to the backend for this block: only across a
    `smooth` transition (docs/semantics.md: a cut starts fresh). Block keys chain on the same rule."""
    return span.transition_in == "smooth"


def blends_previous(span: BlockSpan) -> bool:
    """Whether the transition into this block reads the previous block's last frame."""
    return span.transition_in == "crossfade" and span.transition_duration > 0


def apply_transition(frames: np.ndarray, span: BlockSpan, previous_last: np.ndarray | None, fps: int) -> np.ndarray:
    if not blends_previous(span) or previous_last is None:
        return frames
    count = min(len(frames), max(1, round(span.transition_duration * fps)))
    weights = (np.arange(1, count + 1, dtype=np.float32) / (count + 1))[:, None, None, None]  # new block's share
    out = frames.copy()
    blended = weights * frames[:count].astype(np.float32) + (1 - weights) * previous_last.astype(np.float32)
    out[:count] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
    return out
