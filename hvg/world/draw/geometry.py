"""Affine maps between sprite, world and pixel coordinates, and the flow they imply.

Pixel coordinates are OpenCV's: the centre of pixel (column i, row j) is (i, j), so screen point (sx, sy) in frame
units lands at (sx * w - 0.5, sy * h - 0.5). All maps are 2x3 float64 matrices acting on column vectors (x, y, 1).
"""
from __future__ import annotations

import math

import numpy as np

from hvg.world.timeline import CameraTrack, Track


def compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a after b."""
    return np.hstack([a[:, :2] @ b[:, :2], (a[:, :2] @ b[:, 2:] + a[:, 2:])])


def invert(a: np.ndarray) -> np.ndarray:
    inv = np.linalg.inv(a[:, :2])
    return np.hstack([inv, -inv @ a[:, 2:]])


def rotation_scale(degrees: float, scale: float) -> np.ndarray:
    """Clockwise on screen (y down) by `degrees`, times `scale`."""
    c, s = math.cos(math.radians(degrees)) * scale, math.sin(math.radians(degrees)) * scale
    return np.array([[c, -s], [s, c]])


def instance_map(track: Track, frame: int, width: int, height: int) -> np.ndarray:
    """Local units of the kind's drawing (height 1, centred, y down) -> pixel coordinates at `frame`."""
    size_px = float(track.screen_size[frame]) * height
    m = rotation_scale(float(track.screen_rotation[frame]), size_px)
    t = np.array([[float(track.screen_x[frame]) * width - 0.5], [float(track.screen_y[frame]) * height - 0.5]])
    return np.hstack([m, t])


def camera_map(camera: CameraTrack, frame: int, width: int, height: int) -> np.ndarray:
    """World pixels (world x * width, world y * height) -> pixel coordinates at `frame`.

    The same map as `hvg.world.camera.to_screen` (0.5 + R(-roll)·(p - centre)·zoom + shake), written as one affine:
    in pixel-proportional units the roll is a rigid rotation, so it is R(-roll)·zoom about the centre."""
    m = rotation_scale(-float(camera.roll[frame]), float(camera.zoom[frame]))
    centre = np.array([[float(camera.cx[frame]) * width], [float(camera.cy[frame]) * height]])
    offset = np.array([[width * (0.5 + float(camera.shake_x[frame])) - 0.5],
                       [height * (0.5 + float(camera.shake_y[frame])) - 0.5]])
    return np.hstack([m, offset - m @ centre])


def translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]])


def affine_flow(m: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Displacement m(p) - p at pixel grids xs, ys (float32)."""
    fx = (m[0, 0] - 1.0) * xs + m[0, 1] * ys + m[0, 2]
    fy = m[1, 0] * xs + (m[1, 1] - 1.0) * ys + m[1, 2]
    return fx.astype(np.float32, copy=False), fy.astype(np.float32, copy=False)
