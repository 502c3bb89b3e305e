"""A small drawing surface for building sprites and background layers out of anti-aliased primitives.

Shapes are described in *local units*: the canvas is `aspect` units wide and 1 unit high, with (0, 0) at its
centre and y down, so a kind drawn once renders at any size. Each primitive first becomes a coverage mask
(float 0..1, anti-aliased by OpenCV's LINE_AA with sub-pixel `shift`), then `paint` lays a colour (a constant or a
per-pixel array, for shading) over the canvas through it. Colour is kept premultiplied by alpha, which is what
bilinear resampling and "over" compositing want.
"""
from __future__ import annotations

import cv2
import numpy as np

SHIFT = 4                     # sub-pixel bits for OpenCV's fixed-point coordinates
ONE = 1 << SHIFT

Color = tuple[float, float, float]


class Canvas:
    def __init__(self, aspect: float, height_px: int = 256, *, width_px: int | None = None,
                 origin: tuple[float, float] | None = None, scale: tuple[float, float] | None = None,
                 wrap: float | None = None):
        """A sprite canvas by default. Background layers pass their own pixel size, the world point at the
        top-left corner (`origin`), pixels per unit along x and y (`scale`; lengths such as radii use the y
        scale, so circles stay round on a wide frame) and `wrap`, a period in x units: shapes near one edge
        also appear at the other, so the layer tiles seamlessly."""
        self.aspect = aspect
        self.h = height_px
        self.w = width_px if width_px is not None else max(1, int(round(height_px * aspect)))
        self.sx, self.sy = scale if scale is not None else (float(height_px), float(height_px))
        self.x0, self.y0 = origin if origin is not None else (-self.w / (2.0 * self.sx), -0.5)
        self.wrap = wrap
        self.rgb = np.zeros((self.h, self.w, 3), np.float32)      # premultiplied colour, 0..255
        self.alpha = np.zeros((self.h, self.w), np.float32)       # 0..1
        self.x = ((np.arange(self.w, dtype=np.float32) + 0.5) / self.sx + self.x0)[None, :]  # units of pixel centres
        self.y = ((np.arange(self.h, dtype=np.float32) + 0.5) / self.sy + self.y0)[:, None]

    # -- units -> OpenCV fixed point ---------------------------------------------------------------------------
    def _px(self, points, shift_x: float = 0.0) -> np.ndarray:
        p = np.asarray(points, np.float64).reshape(-1, 2)
        px = (p[:, 0] + shift_x - self.x0) * self.sx - 0.5
        py = (p[:, 1] - self.y0) * self.sy - 0.5
        return np.round(np.stack([px, py], 1) * ONE).astype(np.int32)

    def _shifts(self) -> tuple[float, ...]:
        return (0.0,) if self.wrap is None else (-self.wrap, 0.0, self.wrap)

    def _len(self, units: float) -> int:
        return max(1, int(round(units * self.sy)))

    def _new(self) -> np.ndarray:
        return np.zeros((self.h, self.w), np.uint8)

    @staticmethod
    def _done(mask: np.ndarray) -> np.ndarray:
        return mask.astype(np.float32) * (1.0 / 255.0)

    # -- coverage masks ----------------------------------------------------------------------------------------
    def polygon(self, points) -> np.ndarray:
        m = self._new()
        cv2.fillPoly(m, [self._px(points, dx) for dx in self._shifts()], 255, cv2.LINE_AA, SHIFT)
        return self._done(m)

    def circle(self, centre, radius: float) -> np.ndarray:
        return self.ellipse(centre, (radius, radius))

    def ellipse(self, centre, axes, angle: float = 0.0) -> np.ndarray:
        m = self._new()
        ax = (max(1, int(round(axes[0] * self.sy * ONE))), max(1, int(round(axes[1] * self.sy * ONE))))
        for dx in self._shifts():
            c = tuple(int(v) for v in self._px([centre], dx)[0])
            cv2.ellipse(m, c, ax, angle, 0, 360, 255, -1, cv2.LINE_AA, SHIFT)
        return self._done(m)

    def line(self, points, width: float) -> np.ndarray:
        m = self._new()
        cv2.polylines(m, [self._px(points, dx) for dx in self._shifts()], False, 255, self._len(width),
                      cv2.LINE_AA, SHIFT)
        return self._done(m)

    # -- many primitives in one mask (much faster than one paint each) ---------------------------------------
    def circles(self, items) -> np.ndarray:
        """One mask for many circles: items of (centre, radius)."""
        m = self._new()
        for centre, radius in items:
            r = max(1, int(round(radius * self.sy * ONE)))
            for dx in self._shifts():
                c = tuple(int(v) for v in self._px([centre], dx)[0])
                cv2.circle(m, c, r, 255, -1, cv2.LINE_AA, SHIFT)
        return self._done(m)

    def polygons(self, items) -> np.ndarray:
        m = self._new()
        cv2.fillPoly(m, [self._px(points, dx) for points in items for dx in self._shifts()], 255, cv2.LINE_AA, SHIFT)
        return self._done(m)

    def lines(self, items, width: float) -> np.ndarray:
        m = self._new()
        cv2.polylines(m, [self._px(points, dx) for points in items for dx in self._shifts()], False, 255,
                      self._len(width), cv2.LINE_AA, SHIFT)
        return self._done(m)

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        return self.polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])

    def rounded_rect(self, x0: float, y0: float, x1: float, y1: float, r: float) -> np.ndarray:
        cov = np.maximum(self.rect(x0 + r, y0, x1 - r, y1), self.rect(x0, y0 + r, x1, y1 - r))
        for cx, cy in ((x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)):
            cov = np.maximum(cov, self.circle((cx, cy), r))
        return cov

    # -- painting ----------------------------------------------------------------------------------------------
    def paint(self, coverage: np.ndarray, color) -> None:
        """Lay `color` (an RGB triple or an (h, w, 3) array) over the canvas where `coverage` says."""
        coverage = np.broadcast_to(coverage, (self.h, self.w))
        rows, cols = np.flatnonzero(coverage.any(1)), np.flatnonzero(coverage.any(0))
        if not len(rows):
            return
        box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]     # work only where the primitive is
        m = coverage[box][..., None]
        col = np.asarray(color, np.float32)
        if col.ndim == 3:
            col = np.broadcast_to(col, (self.h, self.w, 3))[box]
        self.rgb[box] = self.rgb[box] * (1.0 - m) + col * m
        self.alpha[box] = self.alpha[box] + (1.0 - self.alpha[box]) * m[..., 0]

    def shade(self, coverage: np.ndarray, factor: np.ndarray) -> None:
        """Darken (< 1) or lighten (> 1) what is already there, inside `coverage` only (keeps the silhouette)."""
        f = 1.0 + (factor - 1.0) * coverage
        self.rgb = np.clip(self.rgb * f[..., None], 0, 255 * self.alpha[..., None])

    # -- shading fields (per-pixel factors, ~1 = unchanged) ---------------------------------------------------
    def vertical_light(self, top: float = 1.15, bottom: float = 0.8, y0: float = -0.5, y1: float = 0.5) -> np.ndarray:
        u = np.clip((self.y - y0) / max(y1 - y0, 1e-6), 0, 1)
        return (top + (bottom - top) * u)[..., None]

    def sphere_light(self, centre, radius: float) -> np.ndarray:
        """Lambert light from the upper left on a sphere, with an ambient floor."""
        nx = (self.x - centre[0]) / radius
        ny = (self.y - centre[1]) / radius
        nz = np.sqrt(np.clip(1.0 - nx * nx - ny * ny, 0.0, 1.0))
        lx, ly, lz = -0.45, -0.55, 0.70
        lam = np.clip(nx * lx + ny * ly + nz * lz, 0.0, 1.0)
        return (0.45 + 0.75 * lam)[..., None]

    def premultiplied_rgba(self) -> np.ndarray:
        """(h, w, 4) float32: premultiplied RGB 0..255 and alpha 0..255."""
        return np.dstack([self.rgb, self.alpha[..., None] * 255.0]).astype(np.float32)


def tone(color, factor: float) -> Color:
    """Scale a colour's brightness; factors > 1 move towards white rather than clipping a channel."""
    c = np.asarray(color, np.float32)
    if factor <= 1.0:
        return tuple(float(v) for v in c * factor)
    return tuple(float(v) for v in c + (255.0 - c) * min(1.0, factor - 1.0))


def mix(a, b, t: float) -> Color:
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    return tuple(float(v) for v in a + (b - a) * t)
