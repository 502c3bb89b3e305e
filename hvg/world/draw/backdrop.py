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

from hvg.world.draw.backgrounds import PERIOD, Y_TOP, Texture
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
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        self.xs, self.ys = xs, ys

    def _waves(self, wx: np.ndarray, wy: np.ndarray, frame: int) -> np.ndarray:
        """Vertical displacement (world px) of the water surface point showing at world (wx, wy)."""
        m = self.motion
        t = frame / m.fps
        amp = WAVE_AMPLITUDE * m.strength * self.h
        top = self.texture.water_top * self.h
        depth = np.clip((wy - top) / (WAVE_RAMP * self.h), 0.0, 1.0) if self.texture.water_top > Y_TOP else 1.0
        phase = [2 * math.pi * (wx / (lam * self.w)) - 2 * math.pi * hz * t for lam, hz in zip(WAVE_LENGTHS, WAVE_HZ)]
        return amp * depth * (0.7 * np.sin(phase[0]) + 0.3 * np.sin(phase[1] + 1.3))

    def world_points(self, cam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inv = invert(cam)
        wx = inv[0, 0] * self.xs + inv[0, 1] * self.ys + inv[0, 2]
        wy = inv[1, 0] * self.xs + inv[1, 1] * self.ys + inv[1, 2]
        return wx, wy

    def frame(self, frame: int, cam: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rgb uint8 (h, w, 3), world x, world y) of the background at `frame` under camera map `cam`."""
        wx, wy = self.world_points(cam)
        ux = wx - self.motion.drift_px(frame, self.w)
        uy = wy + self._waves(wx, wy, frame) if self.motion.kind == "waves" else wy
        density = self.texture.density
        level = int(np.clip(math.floor(math.log2(max(density / max(zoom, 1e-3), 1e-3))), 0,
                            len(self.texture.levels) - 1))
        tex = self.texture.levels[level]
        q = density / 2 ** level
        tex_h, tex_w = tex.shape[:2]
        map_x = np.mod(ux * q - 0.5, tex_w).astype(np.float32)
        map_y = np.clip((uy - Y_TOP * self.h) * q - 0.5, 0, tex_h - 1).astype(np.float32)
        rgb = cv2.remap(tex, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
        return rgb, wx, wy

    def flow(self, frame: int, cam: np.ndarray, cam_prev: np.ndarray, wx: np.ndarray, wy: np.ndarray
             ) -> np.ndarray:
        """Backward flow (h, w, 2): where each background point of `frame` was in frame - 1."""
        shift = self.motion.drift_px(frame - 1, self.w) - self.motion.drift_px(frame, self.w)
        m = compose(cam_prev, compose(translation(shift, 0.0), invert(cam)))
        fx = (m[0, 0] - 1.0) * self.xs + m[0, 1] * self.ys + m[0, 2]
        fy = m[1, 0] * self.xs + (m[1, 1] - 1.0) * self.ys + m[1, 2]
        if self.motion.kind == "waves":
            dy = self._waves(wx, wy, frame) - self._waves(wx + shift, wy, frame - 1)
            fx = fx + cam_prev[0, 1] * dy
            fy = fy + cam_prev[1, 1] * dy
        return np.dstack([fx, fy]).astype(np.float32)
