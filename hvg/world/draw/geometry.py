"""Affine maps between sprite, world and pixel coordinates, and the flow they imply.

Pixel coordinates are OpenCV's: the centre of pixel (column i, row j) is (i, j), so screen point (sx, sy) in frame
units lands at (sx * w - 0.5, sy * h - 0.5). All maps are 2x3 float64 matrices acting on column vectors (x, y, 1).
"""
from __future__ import annotations

import math

import numpy as np

from hvg.world.timeline import CameraTrack, Track


def compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a after b. (Written out: these are called a dozen times a frame, and numpy's small-array overhead shows.)"""
    (a00, a01, a02), (a10, a11, a12) = a.tolist()
    (b00, b01, b02), (b10, b11, b12) = b.tolist()
    return np.array([[a00 * b00 + a01 * b10, a00 * b01 + a01 * b11, a00 * b02 + a01 * b12 + a02],
                     [a10 * b00 + a11 * b10, a10 * b01 + a11 * b11, a10 * b02 + a11 * b12 + a12]])


def invert(a: np.ndarray) -> np.ndarray:
    (a00, a01, a02), (a10, a11, a12) = a.tolist()
    det = a00 * a11 - a01 * a10
    i00, i01, i10, i11 = a11 / det, -a01 / det, -a10 / det, a00 / det
    return np.array([[i00, i01, -(i00 * a02 + i01 * a12)], [i10, i11, -(i10 * a02 + i11 * a12)]])


def rotation_scale(degrees: float, scale: float) -> np.ndarray:
    """Clockwise on screen (y down) by `degrees`, times `scale`."""
    c, s = math.cos(math.radians(degrees)) * scale, math.sin(math.radians(degrees)) * scale
    return np.array([[c, -s], [s, c]])


def instance_map(track: Track, frame: int, width: int, height: int) -> np.ndarray:
    """Local units of the kind's drawing (height 1, centred, y down) -> pixel coordinates at `frame`."""
    size_px = float(track.screen_size[frame]) * height
    angle = math.radians(float(track.screen_rotation[frame]))
    c, s = math.cos(angle) * size_px, math.sin(angle) * size_px
    return np.array([[c, -s, float(track.screen_x[frame]) * width - 0.5],
                     [s, c, float(track.screen_y[frame]) * height - 0.5]])


def camera_map(camera: CameraTrack, frame: int, width: int, height: int) -> np.ndarray:
    """World pixels (world x * width, world y * height) -> pixel coordinates at `frame`.

    The same map as `hvg.world.camera.to_screen` (0.5 + R(-roll)·(p - centre)·zoom + shake), written as one affine:
    in pixel-proportional units the roll is a rigid rotation, so it is R(-roll)·zoom about the centre."""
    m = rotation_scale(-float(camera.roll[frame]), max(float(camera.zoom[frame]), 1e-6))   # zoom 0 has no inverse
    centre = np.array([[float(camera.cx[frame]) * width], [float(camera.cy[frame]) * height]])
    offset = np.array([[width * (0.5 + float(camera.shake_x[frame])) - 0.5],
                       [height * (0.5 + float(camera.shake_y[frame])) - 0.5]])
    return np.hstack([m, offset - m @ centre])


def translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]])
