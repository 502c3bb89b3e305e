"""Sprites: each kind drawn once per colour at high resolution, then kept as a small mip pyramid.

Rendering a frame only warps the pyramid level nearest above the on-screen size (`cv2.warpAffine`, bilinear),
so drawing an instance costs one small warp whatever the kind. Levels are premultiplied RGBA uint8; every level
gets a thin dark rim one level-pixel wide inside the silhouette, so shapes keep a readable outline at any size.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from hvg.vocab import KIND_ASPECT
from hvg.world.draw.canvas import Canvas
from hvg.world.draw.shapes import KIND_DRAWERS

BASE_HEIGHT = 256        # pixels of the largest level
MIN_HEIGHT = 8           # smallest level
RIM_DARKEN = 0.45        # how much the one-pixel rim darkens the colour under it


@dataclass(frozen=True)
class Sprite:
    kind: str
    aspect: float
    levels: tuple[np.ndarray, ...]       # (h_l, w_l, 4) uint8 premultiplied RGBA, h_l = base height / 2**l

    def level_for(self, height_px: float) -> np.ndarray:
        """The smallest level at least as tall as the sprite will be on screen (so a warp only shrinks < 2x)."""
        best = self.levels[0]
        for level in self.levels:
            if level.shape[0] >= height_px:
                best = level
        return best


def _with_rim(rgba: np.ndarray) -> np.ndarray:
    alpha = rgba[..., 3] / 255.0
    inner = cv2.erode(alpha, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    rim = np.clip(alpha - inner, 0, 1)
    out = rgba.copy()
    out[..., :3] *= (1.0 - RIM_DARKEN * rim)[..., None]
    return out


def base_height_for(frame_height: int) -> int:
    """Tall frames get a bigger top level, so large objects are not drawn from a smaller sprite."""
    return BASE_HEIGHT if frame_height <= 2 * BASE_HEIGHT else 2 * BASE_HEIGHT


@lru_cache(maxsize=192)
def sprite(kind: str, color: tuple[int, int, int], light: tuple[float, float, float] = (1.0, 1.0, 1.0),
           base_height: int = BASE_HEIGHT) -> Sprite:
    """The sprite of `kind` in `color` under a light tint (time of day). Unknown kinds draw as a ball."""
    drawer = KIND_DRAWERS.get(kind, KIND_DRAWERS["ball"])
    aspect = KIND_ASPECT.get(kind, 1.0)
    canvas = Canvas(aspect, base_height)
    drawer(canvas, tuple(float(v) for v in color))
    rgba = canvas.premultiplied_rgba()
    rgba[..., :3] *= np.asarray(light, np.float32)
    levels = []
    height = base_height
    current = rgba
    while height >= MIN_HEIGHT:
        levels.append(np.clip(_with_rim(current) + 0.5, 0, 255).astype(np.uint8))
        height //= 2
        width = max(1, int(round(height * aspect)))
        current = cv2.resize(current, (width, height), interpolation=cv2.INTER_AREA)
    return Sprite(kind, aspect, tuple(levels))
