"""The plan's background alone: the same timeline rendered with every entity track removed.

A copy of the Timeline without its tracks carries no position of anything the detector scores, only what is
behind the entities (backdrop, weather, background motion, camera), so the detector may subtract it: what differs
from it in a video is an entity. Transitions are applied as `hvg render` applies them.
"""
from __future__ import annotations

import copy

import numpy as np


def background_only(timeline) -> np.ndarray:
    """(n, h, w, 3) uint8: the preview of `timeline` with no entities, transitions applied."""
    from hvg.evaluate.pipeline import stitch_like_render
    from hvg.world.preview import render_preview
    empty = copy.copy(timeline)
    empty.tracks = []
    return stitch_like_render(render_preview(empty, ground_truth=False).frames, timeline)
