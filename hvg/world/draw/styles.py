"""Styles as image treatments on a finished frame (uint8 (h, w, 3) RGB in, the same out).

A treatment changes the look, never the geometry's ground truth: masks, boxes and flow are those of the flat
picture. Grain is seeded by (scene seed, frame), so a frame renders the same every time and on its own.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

import cv2
import numpy as np

LUMA = np.asarray([0.299, 0.587, 0.114], np.float32)
PICO8 = np.asarray([(0, 0, 0), (29, 43, 83), (126, 37, 83), (0, 135, 81), (171, 82, 54), (95, 87, 79),
                    (194, 195, 199), (255, 241, 232), (255, 0, 77), (255, 163, 0), (255, 236, 39), (0, 228, 54),
                    (41, 173, 255), (131, 118, 156), (255, 119, 168), (255, 204, 170)], np.float32)
PIXEL_BLOCK = 3         # frame pixels per art pixel at 128 px high (scaled with the frame)


def _u8(x: np.ndarray) -> np.ndarray:
    return np.clip(x + 0.5, 0, 255).astype(np.uint8)


def _gray(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) @ LUMA


def _grain(shape, seed: int, frame: int, salt: int) -> np.ndarray:
    rng = np.random.default_rng([seed & 0xFFFFFFFF, frame, salt])
    return rng.standard_normal(shape, dtype=np.float32)


@lru_cache(maxsize=8)
def _vignette(h: int, w: int, strength: float) -> np.ndarray:
    y = (np.arange(h, dtype=np.float32) + 0.5) / h - 0.5
    x = (np.arange(w, dtype=np.float32) + 0.5) / w - 0.5
    r2 = (x[None, :] ** 2 + y[:, None] ** 2) * 2.0
    return (1.0 - strength * r2)[..., None]


@lru_cache(maxsize=8)
def _paper(h: int, w: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x9A9E])
    fine = rng.standard_normal((h, w)).astype(np.float32)
    coarse = cv2.resize(rng.standard_normal((max(2, h // 8), max(2, w // 8))).astype(np.float32), (w, h),
                        interpolation=cv2.INTER_CUBIC)
    return (1.0 + 0.025 * fine + 0.03 * coarse)[..., None]


def _edges(img: np.ndarray) -> np.ndarray:
    """Soft edge strength 0..1 from the luma gradient."""
    g = cv2.GaussianBlur(_gray(img), (5, 5), 1.1)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    return np.clip((np.sqrt(gx * gx + gy * gy) - 40.0) / 140.0, 0.0, 1.0)   # texture noise stays below 40


def flat(img, frame, seed):
    return img


def pastel(img, frame, seed):
    f = img.astype(np.float32)
    gray = (f @ LUMA)[..., None]
    soft = gray + (f - gray) * 0.6
    return _u8(soft * 0.62 + np.asarray((255, 246, 240), np.float32) * 0.38)


def neon(img, frame, seed):
    f = img.astype(np.float32)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    hsv[..., 1] = np.maximum(hsv[..., 1], 200)
    hsv[..., 2] = 255
    vivid = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).astype(np.float32)
    edge = _edges(img)[..., None]
    k = max(1, img.shape[0] // 48)
    glow = cv2.GaussianBlur(vivid * edge, (0, 0), k * 1.5)
    base = f * np.asarray((0.2, 0.16, 0.32), np.float32)
    return _u8(base + glow * 1.6 + vivid * edge * 0.8)


def noir(img, frame, seed):
    g = 255.0 * (_gray(img) / 255.0) ** 0.75          # lift the shadows first, so night scenes keep detail
    g = (g - 128.0) * 1.4 + 128.0
    g = g[..., None] * _vignette(*img.shape[:2], 0.55)
    g = g + 10.0 * _grain(img.shape[:2], seed, frame, 0x4015)[..., None]
    return _u8(np.repeat(g, 3, axis=2))


def sketch(img, frame, seed):
    h, w = img.shape[:2]
    paper = np.asarray((246, 242, 232), np.float32) * _paper(h, w, seed)
    tone = _gray(img)[..., None] / 255.0
    wash = paper * (0.62 + 0.38 * tone)
    colour = img.astype(np.float32)
    wash = wash * 0.82 + (colour * 0.5 + paper * 0.5) * 0.18
    line = _edges(img)[..., None] ** 0.8
    return _u8(wash * (1.0 - 0.85 * line) + np.asarray((40, 40, 55), np.float32) * 0.85 * line * 0.2)


def watercolor(img, frame, seed):
    h, w = img.shape[:2]
    smooth = cv2.bilateralFilter(img, 5, 50, 5)
    smooth = cv2.bilateralFilter(smooth, 5, 50, 5)
    f = np.round(smooth.astype(np.float32) / 24.0) * 24.0                      # flat washes of pigment
    bleed = cv2.GaussianBlur(f, (0, 0), max(1.2, h / 64))
    f = f * 0.45 + bleed * 0.55
    pool = cv2.Laplacian(cv2.GaussianBlur(f @ LUMA, (0, 0), 1.0), cv2.CV_32F, ksize=3)
    f = f * (1.0 - np.clip(-pool / 60.0, 0, 0.3))[..., None]                    # pigment pools at wash edges
    f = f * 0.8 + 255.0 * 0.2
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x3A7E])
    grain = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 0.8)[..., None]
    return _u8(f * (1.0 + 0.5 * (_paper(h, w, seed) - 1.0)) * (1.0 + 0.02 * grain))


def pixel(img, frame, seed):
    h, w = img.shape[:2]
    block = max(2, round(PIXEL_BLOCK * h / 128))
    small = cv2.resize(img, (max(1, w // block), max(1, h // block)), interpolation=cv2.INTER_AREA).astype(np.float32)
    d = ((small[:, :, None, :] - PICO8[None, None]) ** 2).sum(-1)
    quant = PICO8[np.argmin(d, axis=-1)].astype(np.uint8)
    return cv2.resize(quant, (w, h), interpolation=cv2.INTER_NEAREST)


def retro(img, frame, seed):
    f = img.astype(np.float32)
    sepia = np.asarray([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], np.float32)
    f = f @ sepia.T * 0.85 + 25.0
    h, w = img.shape[:2]
    f = f * _vignette(h, w, 0.7)
    scan = np.ones((h, 1, 1), np.float32)
    scan[1::2] = 0.82
    f = f * scan + 6.0 * _grain((h, w), seed, frame, 0x2E70)[..., None]
    return _u8(f)


STYLE_TREATMENTS: dict[str, Callable[[np.ndarray, int, int], np.ndarray]] = {
    "flat": flat, "pastel": pastel, "neon": neon, "noir": noir, "sketch": sketch, "watercolor": watercolor,
    "pixel": pixel, "retro": retro,
}


def apply_style(img: np.ndarray, style: str, frame: int, seed: int) -> np.ndarray:
    return STYLE_TREATMENTS.get(style, flat)(img, frame, seed)
