"""One frame of background: the camera looking at the block's texture, with the background's own motion, and
the backward flow that goes with it.

World pixels are world units times the frame size. For frame k the camera maps world pixels to frame pixels
(C_k); `drift` slides the whole texture sideways (rigid, so its flow is exact); `waves` bob the water up and
down with a travelling sine whose phase depends only on world x (so its flow is exact too, up to the short
ramp where the water starts); `flicker` and `rain` change colour only and leave the flow to the camera.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from hvg.world.draw.backgrounds import Y_TOP, Texture
from hvg.world.draw.geometry import compose, invert, translation

DRIFT_SPEED = 0.06          # frame widths a second at strength 1
WAVE_AMPLITUDE = 0.012      # frame heights at strength 1
WAVE_LENGTHS = (0.23, 0.11)  # frame widths
WAVE_HZ = (0.5, 0.9)
WAVE_RAMP = 0.03            # frame heights over which waves fade in below the waterline
FLICKER_DEPTH = 0.22


@dataclass(frozen=True)
class BackgroundMotion:
    kind: str = "still"       # still | waves | drift | flicker | rain
    strength: float = 1.0
    fps: int = 24
    seed: int = 0

    def drift_px(self, frame: int, width: int) -> float:
        if self.kind != "drift":
            return 0.0
        return DRIFT_SPEED * self.strength * frame / self.fps * width

    def flicker(self, frame: int) -> float:
        if self.kind != "flicker":
            return 1.0
        t = frame / self.fps
        jitter = (zlib.crc32(f"{self.seed}:{frame}".encode()) / 0xFFFFFFFF) * 2 - 1
        wave = 0.6 * math.sin(2 * math.pi * 1.7 * t + self.seed % 7) + 0.4 * jitter
        return 1.0 + FLICKER_DEPTH * min(self.strength, 2.0) * wave


class Backdrop:
    """Samples one texture for many frames of the same size; keeps the pixel grid around."""

    def __init__(self, texture: Texture, width: int, height: int, motion: BackgroundMotion):
        self.texture, self.w, self.h, self.motion = texture, width, height, motion
        self.xs = np.arange(width, dtype=np.float32)[None, :]
        self.ys = np.arange(height, dtype=np.float32)[:, None]
        self._last_waves: tuple[int, np.ndarray] | None = None    # frame() computes what flow() needs again

    def _waves(self, wx: np.ndarray, wy: np.ndarray, frame: int) -> np.ndarray:
        """Vertical displacement (world px) of the water surface point showing at world (wx, wy)."""
        m = self.motion
        t = frame / m.fps
        amp = WAVE_AMPLITUDE * m.strength * self.h
        top = self.texture.water_top * self.h
        depth = np.clip((wy - top) * np.float32(1.0 / (WAVE_RAMP * self.h)), 0.0, 1.0) \
            if self.texture.water_top > Y_TOP else np.float32(1.0)
        (l0, l1), (h0, h1) = WAVE_LENGTHS, WAVE_HZ
        p0 = wx * np.float32(2 * math.pi / (l0 * self.w)) - np.float32(2 * math.pi * h0 * t)
        p1 = wx * np.float32(2 * math.pi / (l1 * self.w)) - np.float32(2 * math.pi * h1 * t - 1.3)
        return (np.sin(p0) * np.float32(0.7 * amp) + np.sin(p1) * np.float32(0.3 * amp)) * depth

    def world_points(self, cam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inv = invert(cam).astype(np.float32)
        wx = inv[0, 0] * self.xs + inv[0, 1] * self.ys + inv[0, 2]
        wy = inv[1, 0] * self.xs + inv[1, 1] * self.ys + inv[1, 2]
        return wx, wy

    def frame(self, frame: int, cam: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rgb uint8 (h, w, 3), world x, world y) of the background at `frame` under camera map `cam`."""
        wx, wy = self.world_points(cam)
        ux = wx - self.motion.drift_px(frame, self.w)
        if self.motion.kind == "waves":
            waves = self._waves(wx, wy, frame)
            self._last_waves = (frame, waves)
            uy = wy + waves
        else:
            uy = wy
        density = self.texture.density
        level = int(np.clip(math.floor(math.log2(max(density / max(zoom, 1e-3), 1e-3))), 0,
                            len(self.texture.levels) - 1))
        tex = self.texture.levels[level]
        q = density / 2 ** level
        tex_h, tex_w = tex.shape[:2]
        map_x = np.mod(ux * np.float32(q) - np.float32(0.5), np.float32(tex_w)).astype(np.float32)
        map_y = np.clip((uy - np.float32(Y_TOP * self.h)) * np.float32(q) - np.float32(0.5), 0, tex_h - 1)
        map_x = np.ascontiguousarray(np.broadcast_to(map_x, (self.h, self.w)))
        map_y = np.ascontiguousarray(np.broadcast_to(map_y.astype(np.float32), (self.h, self.w)))
        rgb = cv2.remap(tex, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
        return rgb, wx, wy

    def flow(self, frame: int, cam: np.ndarray, cam_prev: np.ndarray, wx: np.ndarray, wy: np.ndarray
             ) -> np.ndarray:
        """Backward flow (h, w, 2): where each background point of `frame` was in frame - 1."""
        shift = self.motion.drift_px(frame - 1, self.w) - self.motion.drift_px(frame, self.w)
        m = compose(cam_prev, compose(translation(shift, 0.0), invert(cam)))
        m = m.astype(np.float32)
        fx = (m[0, 0] - 1.0) * self.xs + m[0, 1] * self.ys + m[0, 2]
        fy = m[1, 0] * self.xs + (m[1, 1] - 1.0) * self.ys + m[1, 2]
        fx, fy = np.broadcast_to(fx, (self.h, self.w)), np.broadcast_to(fy, (self.h, self.w))
        if self.motion.kind == "waves":
            now = self._last_waves[1] if self._last_waves and self._last_waves[0] == frame \
                else self._waves(wx, wy, frame)
            dy = now - self._waves(wx + np.float32(shift), wy, frame - 1)
            fx = fx + cam_prev[0, 1] * dy
            fy = fy + cam_prev[1, 1] * dy
        return np.dstack([fx, fy]).astype(np.float32)
