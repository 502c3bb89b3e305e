"""Drawing one instance into a frame: warp its sprite level, blend it by opacity, and write its ground truth.

An instance's pixels in the mask are those its shape covers at least half of (sprite alpha >= 0.5) while its
opacity is above zero; the front-most such instance owns a pixel. Its flow there is exact: the pixel's point on
the instance, in the kind's local units, mapped by the instance's transform one frame earlier.
"""
from __future__ import annotations

import cv2
import numpy as np

from hvg.world.draw.geometry import compose, instance_map, invert
from hvg.world.draw.sprites import Sprite
from hvg.world.timeline import Track

MASK_ALPHA = 128


def _level_to_local(level: np.ndarray) -> np.ndarray:
    """Level pixel coordinates -> the kind's local units (height 1, centred)."""
    lh, lw = level.shape[:2]
    return np.array([[1.0 / lh, 0.0, 0.5 / lh - lw / (2.0 * lh)], [0.0, 1.0 / lh, 0.5 / lh - 0.5]])


def _roi(full: np.ndarray, level: np.ndarray, width: int, height: int) -> tuple[int, int, int, int] | None:
    lh, lw = level.shape[:2]
    corners = np.array([[-0.5, -0.5, 1], [lw - 0.5, -0.5, 1], [-0.5, lh - 0.5, 1], [lw - 0.5, lh - 0.5, 1]]).T
    pts = full @ corners
    x0, y0 = int(np.floor(pts[0].min())) - 1, int(np.floor(pts[1].min())) - 1
    x1, y1 = int(np.ceil(pts[0].max())) + 2, int(np.ceil(pts[1].max())) + 2
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, y0, x1, y1


def draw_instance(rgb: np.ndarray | None, track: Track, frame: int, sprite: Sprite, *,
                  mask: np.ndarray | None = None, flow: np.ndarray | None = None, appeared: np.ndarray | None = None,
                  index: int = 0, size: tuple[int, int] | None = None) -> tuple[int, int, int, int] | None:
    """Blend `track` at `frame` into `rgb` (float32 (h, w, 3), in place; None draws no pixels, then give `size`
    as (h, w)); with `mask`, also write its mask id, flow and `appeared` (pixels whose point was not on screen as
    this instance one frame earlier). Returns the pixel region touched, (x0, y0, x1, y1), or None."""
    height, width = size if size is not None else rgb.shape[:2]
    opacity = float(track.opacity[frame])
    size_px = float(track.screen_size[frame]) * height
    if opacity <= 0.0 or size_px <= 0.0:
        return None
    level = sprite.level_for(size_px)
    placed = instance_map(track, frame, width, height)
    full = compose(placed, _level_to_local(level))
    roi = _roi(full, level, width, height)
    if roi is None:
        return None
    x0, y0, x1, y1 = roi
    shifted = full.copy()
    shifted[:, 2] -= (x0, y0)
    warped = cv2.warpAffine(level, shifted, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    if rgb is not None:
        colour = warped[..., :3].astype(np.float32)
        alpha = warped[..., 3:].astype(np.float32) * (opacity / 255.0)
        target = rgb[y0:y1, x0:x1]
        target *= 1.0 - alpha
        target += colour * opacity
    if mask is None:
        return roi
    own = warped[..., 3] >= MASK_ALPHA
    mask[y0:y1, x0:x1][own] = index
    if frame == 0 or not bool(track.visible[frame - 1]) or float(track.screen_size[frame - 1]) <= 0.0:
        flow[y0:y1, x0:x1][own] = 0.0
        appeared[y0:y1, x0:x1][own] = True
        return roi
    back = compose(instance_map(track, frame - 1, width, height), invert(placed))
    xs = np.arange(x0, x1, dtype=np.float32)[None, :]
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    target_flow = flow[y0:y1, x0:x1]
    target_flow[..., 0] = np.where(own, (back[0, 0] - 1.0) * xs + back[0, 1] * ys + back[0, 2], target_flow[..., 0])
    target_flow[..., 1] = np.where(own, back[1, 0] * xs + (back[1, 1] - 1.0) * ys + back[1, 2], target_flow[..., 1])
    appeared[y0:y1, x0:x1][own] = False
    return roi
