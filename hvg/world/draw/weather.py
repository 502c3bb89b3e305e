"""Weather drawn in front of everything, in screen space: rain streaks, snowflakes, fog.

Precipitation is a tile of streaks or flakes painted once (seeded by the scene seed) and slid down by a whole
number of pixels each frame, so frame k depends only on k. The `rain` background motion uses the same streaks,
fainter and behind the objects.
"""
from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from hvg.world.draw.palette import FOG

RAIN_SPEED = 1.6        # frame heights a second
SNOW_SPEED = 0.18


@lru_cache(maxsize=16)
def _rain_tile(width: int, height: int, seed: int, far: bool) -> np.ndarray:
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x4A1, int(far)])
    tile = np.zeros((height, width), np.uint8)
    count = int(width * height / (90 if far else 220))
    length = height * (0.035 if far else 0.07)
    for _ in range(count):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        for dy in (-height, 0, height):
            p0 = (int((x) * 16), int((y + dy) * 16))
            p1 = (int((x - 0.25 * length) * 16), int((y + dy - length) * 16))
            cv2.line(tile, p0, p1, 255 if not far else 170, 1, cv2.LINE_AA, 4)
    return tile.astype(np.float32) / 255.0


@lru_cache(maxsize=16)
def _snow_tile(width: int, height: int, seed: int, far: bool) -> np.ndarray:
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x5A0, int(far)])
    tile = np.zeros((height, width), np.uint8)
    count = int(width * height / (160 if far else 400))
    radius = max(1.0, height / (160 if far else 80))
    for _ in range(count):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        r = radius * rng.uniform(0.7, 1.3)
        for dy in (-height, 0, height):
            for dx in (-width, 0, width):
                cv2.circle(tile, (int((x + dx) * 16), int((y + dy) * 16)), int(r * 16), 255, -1, cv2.LINE_AA, 4)
    return tile.astype(np.float32) / 255.0


def _slid(tile: np.ndarray, dy: int, dx: int) -> np.ndarray:
    return np.roll(tile, (dy % tile.shape[0], dx % tile.shape[1]), axis=(0, 1))


def _over(rgb: np.ndarray, alpha: np.ndarray, color) -> np.ndarray:
    a = alpha[..., None]
    return rgb * (1.0 - a) + np.asarray(color, np.float32) * a


def rain(rgb: np.ndarray, frame: int, fps: int, seed: int, strength: float = 1.0, faint: bool = False) -> np.ndarray:
    h, w = rgb.shape[:2]
    cover = np.zeros((h, w), np.float32)
    for far in (True, False):
        speed = RAIN_SPEED * (0.6 if far else 1.0) * h / fps
        dy = int(round(speed * frame))
        layer = _slid(_rain_tile(w, h, seed, far), dy, -int(round(0.25 * dy)))
        amount = (0.35 if far else 0.55) * min(strength, 2.0) * (0.6 if faint else 1.0)
        cover += layer * amount * (1.0 - cover)          # both layers are the same colour: blend once
    return _over(rgb, cover, (200, 210, 225))


def snow(rgb: np.ndarray, frame: int, fps: int, seed: int, strength: float = 1.0) -> np.ndarray:
    h, w = rgb.shape[:2]
    out = rgb
    t = frame / fps
    for far in (True, False):
        speed = SNOW_SPEED * (0.6 if far else 1.0) * h
        dy = int(round(speed * t))
        dx = int(round(0.03 * w * math.sin(2 * math.pi * 0.3 * t + (1.0 if far else 0.0))))
        layer = _slid(_snow_tile(w, h, seed, far), dy, dx)
        out = _over(out, layer * (0.7 if far else 0.95) * min(strength, 1.5), (250, 250, 255))
    return out


@lru_cache(maxsize=16)
def _fog_alpha(width: int, height: int) -> np.ndarray:
    y = (np.arange(height, dtype=np.float32) + 0.5) / height
    band = 0.25 + 0.3 * np.exp(-((y - 0.6) / 0.25) ** 2)
    return np.repeat(band[:, None], width, 1)


def fog(rgb: np.ndarray, time_of_day: str) -> np.ndarray:
    h, w = rgb.shape[:2]
    return _over(rgb, _fog_alpha(w, h), FOG.get(time_of_day, FOG["day"]))


def apply_weather(rgb: np.ndarray, weather: str, time_of_day: str, frame: int, fps: int, seed: int) -> np.ndarray:
    """rgb float32 (h, w, 3) -> the same with the weather in front."""
    if weather == "rain":
        return rain(rgb, frame, fps, seed)
    if weather == "snow":
        return snow(rgb, frame, fps, seed)
    if weather == "fog":
        return fog(rgb, time_of_day)
    return rgb
