"""The eleven backgrounds, painted once per block as a world-space texture that the camera then looks at.

A texture covers world x in [0, PERIOD) and repeats along x (so a camera can pan forever), and world y in
[Y_TOP, Y_BOTTOM) (beyond it the edge rows repeat: sky above, ground below). It is painted at DENSITY texture
pixels per frame pixel so a zoom up to 2x stays sharp. Everything random is seeded from the scene seed and the
background's own words, never from global state, so the same scene always paints the same texture.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import cv2
import numpy as np

from hvg.world.draw.canvas import Canvas, mix, tone
from hvg.world.draw.palette import Palette, palette

PERIOD = 2.0          # world x units before the texture repeats
Y_TOP, Y_BOTTOM = -1.0, 2.0
DENSITY = 2.0         # texture pixels per frame pixel at level 0 ...
MAX_TEXTURE_SIDE = 1024   # ... unless that makes the texture's frame-sized window larger than this


@dataclass(frozen=True)
class BackgroundLook:
    """Everything that fixes a background's picture (its motion is applied per frame, not painted in)."""
    kind: str
    time_of_day: str = "day"
    weather: str = "clear"
    color: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class Texture:
    levels: tuple[np.ndarray, ...]   # (H_l, W_l, 3) uint8, level l at DENSITY / 2**l texture px per frame px
    water_top: float                 # world y where the `waves` motion starts (Y_TOP: everywhere)
    density: float = DENSITY


# ---------------------------------------------------------------------------------------------------------------
# Painting helpers (all periodic in x)
# ---------------------------------------------------------------------------------------------------------------

def _smooth(u):
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def _sky(c: Canvas, pal: Palette, horizon: float) -> None:
    u = _smooth((c.y - (horizon - 1.1)) / 1.1)[..., None]
    c.paint(np.ones((c.h, c.w), np.float32), (pal.zenith + (pal.horizon - pal.zenith) * u) * np.ones((1, c.w, 1)))


def _noise(c: Canvas, rng: np.random.Generator, cells_x: int, cells_y: int) -> np.ndarray:
    """Smooth value noise in [-1, 1] that tiles along x."""
    grid = rng.uniform(-1, 1, (cells_y, cells_x)).astype(np.float32)
    tiled = np.tile(grid, (1, 3))
    big = cv2.resize(tiled, (3 * c.w, c.h), interpolation=cv2.INTER_CUBIC)
    return big[:, c.w:2 * c.w]


def _ground_below(c: Canvas, ridge: np.ndarray) -> np.ndarray:
    """Anti-aliased coverage of everything below a per-column ridge line (world y per column)."""
    return np.clip((c.y - ridge[None, :]) * c.sy + 0.5, 0.0, 1.0).astype(np.float32)


def _ridge(c: Canvas, base: float, amplitude: float, rng: np.random.Generator, waves=(1, 2, 3)) -> np.ndarray:
    x = c.x[0]
    out = np.full(c.w, base, np.float32)
    for k in waves:
        out += amplitude / k * np.sin(2 * np.pi * k * x / PERIOD + rng.uniform(0, 2 * np.pi))
    return out


def _stars(c: Canvas, rng: np.random.Generator, count: int, y_max: float, brightness: float = 1.0) -> None:
    xs, ys = rng.uniform(0, PERIOD, count), rng.uniform(Y_TOP, y_max, count)
    rs = rng.choice([0.003, 0.004, 0.006], p=[0.6, 0.3, 0.1], size=count)
    c.paint(c.circles(zip(zip(xs, ys), rs)) * brightness, (255, 250, 235))


def _clouds(c: Canvas, rng: np.random.Generator, count: int, y_range, color, alpha: float) -> None:
    bodies, tops, flats = [], [], []
    for _ in range(count):
        x, y = rng.uniform(0, PERIOD), rng.uniform(*y_range)
        w = rng.uniform(0.12, 0.28)
        flats.append((x, y, w))
        for _ in range(4):
            dx, dy = rng.uniform(-w * 0.7, w * 0.7), rng.uniform(-w * 0.3, 0.0)
            r = w * rng.uniform(0.25, 0.4)
            bodies.append(((x + dx, y + dy), r))
            tops.append(((x + dx - r * 0.15, y + dy - r * 0.25), r * 0.7))
    body = c.circles(bodies)
    for x, y, w in flats:
        body = np.maximum(body, c.ellipse((x, y), (w, w * 0.28)))
    col = np.asarray(color, np.float32)
    c.paint(body * alpha, col * 0.86)
    c.paint(c.circles(tops) * body * alpha, np.minimum(col * 1.06, 255))


def _pines(c: Canvas, trees, color) -> None:
    """Many pines at once: trees of (x, base, height)."""
    trunks = [[(x - h * 0.032, base - h * 0.15), (x + h * 0.032, base - h * 0.15), (x + h * 0.032, base),
               (x - h * 0.032, base)] for x, base, h in trees]
    c.paint(c.polygons(trunks), (80, 55, 35))
    for i, f in enumerate((0.0, 0.3, 0.55)):
        tiers = []
        for x, base, h in trees:
            half, top = h * 0.32 * (0.6 + 0.2 * i), base - h + f * h * 0.7
            tiers.append([(x, top), (x - half, top + h * 0.45), (x + half, top + h * 0.45)])
        c.paint(c.polygons(tiers), tone(color, 1.0 + 0.08 * i))


# ---------------------------------------------------------------------------------------------------------------
# The backgrounds. Each paints the canvas and returns the world y where water (waves) starts.
# ---------------------------------------------------------------------------------------------------------------

def _plain(c, pal, rng, look) -> float:
    base = np.asarray(look.color or (226, 222, 214), np.float32) * pal.light
    shade = 1.0 + 0.015 * _noise(c, rng, 8, 6)[..., None]
    c.paint(np.ones((c.h, c.w), np.float32), base * shade)
    return Y_TOP


def _sky_bg(c, pal, rng, look) -> float:
    _sky(c, pal, 1.4)
    if pal.night:
        _stars(c, rng, 160, 1.4)
    _clouds(c, rng, 9, (-0.1, 1.0), pal.lit((250, 250, 252)), 0.9)
    return Y_TOP


def _water(c, pal, rng, top: float, deep=(20, 70, 140), near=(70, 150, 200)) -> None:
    u = _smooth((c.y - top) / 0.8)[..., None]
    col = pal.lit(near) + (pal.lit(deep) - pal.lit(near)) * u
    c.paint(_ground_below(c, np.full(c.w, top, np.float32)), col * np.ones((1, c.w, 1)))
    crest = pal.lit((225, 240, 250))
    buckets: dict[int, list] = {0: [], 1: [], 2: []}
    for _ in range(260):
        y = top + 0.01 + rng.uniform(0, 1) ** 1.6 * (Y_BOTTOM - top)
        x = rng.uniform(0, PERIOD)
        length = 0.02 + 0.06 * (y - top)
        buckets[min(2, int((y - top) / 0.35))].append([(x - length, y), (x, y - 0.004), (x + length, y)])
    for b, items in buckets.items():
        if items:
            c.paint(c.lines(items, 0.004 + 0.004 * b) * 0.55, crest)


def _ocean(c, pal, rng, look) -> float:
    horizon = 0.42
    _sky(c, pal, horizon)
    if pal.night:
        _stars(c, rng, 90, horizon)
    _clouds(c, rng, 4, (-0.2, 0.3), pal.lit((250, 250, 252)), 0.8)
    _water(c, pal, rng, horizon)
    return horizon


def _beach(c, pal, rng, look) -> float:
    horizon = _ocean(c, pal, rng, look)  # a beach is the ocean with a shore in front
    shore = _ridge(c, 0.66, 0.02, rng, (2, 4))
    c.paint(_ground_below(c, shore - 0.015), pal.lit((240, 245, 240)))            # foam
    sand = pal.lit((226, 200, 150)) * (1 + 0.06 * _noise(c, rng, 60, 40))[..., None]
    c.paint(_ground_below(c, shore), sand)
    c.paint(_ground_below(c, shore) * (1 - _ground_below(c, shore + 0.04)) * 0.5, pal.lit((180, 155, 110)))
    shells = zip(zip(rng.uniform(0, PERIOD, 40), rng.uniform(0.75, Y_BOTTOM, 40)), [0.006] * 40)
    c.paint(c.circles(shells), pal.lit((245, 235, 225)))
    return horizon


def _grass(c, pal, rng, look) -> float:
    horizon = 0.5
    _sky(c, pal, horizon)
    _clouds(c, rng, 5, (-0.2, 0.35), pal.lit((250, 250, 252)), 0.85)
    c.paint(_ground_below(c, _ridge(c, horizon - 0.04, 0.05, rng)), pal.lit((70, 130, 70)))
    field = _ridge(c, horizon + 0.03, 0.015, rng, (3, 5))
    blades = 1 + 0.12 * _noise(c, rng, 400, 30) + 0.08 * _noise(c, rng, 20, 8)
    c.paint(_ground_below(c, field), pal.lit((95, 175, 75)) * blades[..., None])
    for col in ((250, 240, 90), (250, 250, 250), (240, 120, 160)):
        spots = zip(zip(rng.uniform(0, PERIOD, 25), rng.uniform(horizon + 0.1, Y_BOTTOM, 25)), [0.006] * 25)
        c.paint(c.circles(spots), pal.lit(col))
    return horizon + 0.03


def _desert(c, pal, rng, look) -> float:
    horizon = 0.55
    _sky(c, pal, horizon)
    c.paint(_ground_below(c, _ridge(c, horizon - 0.05, 0.06, rng)), pal.lit((205, 150, 95)))
    c.paint(_ground_below(c, _ridge(c, horizon + 0.04, 0.05, rng)), pal.lit((225, 175, 110)))
    near = _ridge(c, horizon + 0.16, 0.06, rng)
    sand = pal.lit((238, 198, 130)) * (1 + 0.04 * _noise(c, rng, 80, 50))[..., None]
    c.paint(_ground_below(c, near), sand)
    for _ in range(4):
        x, base = rng.uniform(0, PERIOD), rng.uniform(horizon + 0.2, 0.95)
        green = pal.lit((60, 130, 70))
        c.paint(c.line([(x, base), (x, base - 0.12)], 0.025), green)
        c.paint(c.line([(x, base - 0.05), (x - 0.03, base - 0.05), (x - 0.03, base - 0.09)], 0.014), green)
        c.paint(c.line([(x, base - 0.07), (x + 0.03, base - 0.07), (x + 0.03, base - 0.11)], 0.014), green)
    return horizon + 0.1


def _snow(c, pal, rng, look) -> float:
    horizon = 0.5
    _sky(c, pal, horizon)
    c.paint(_ground_below(c, _ridge(c, horizon - 0.08, 0.08, rng)), pal.lit((215, 225, 240)))
    _pines(c, [(rng.uniform(0, PERIOD), horizon + rng.uniform(0.0, 0.06), rng.uniform(0.12, 0.2)) for _ in range(14)],
           pal.lit((40, 85, 65)))
    ground = _ridge(c, horizon + 0.06, 0.02, rng)
    c.paint(_ground_below(c, ground), pal.lit((245, 248, 252)) * (1 + 0.03 * _noise(c, rng, 30, 20))[..., None])
    c.paint(_ground_below(c, ground) * np.clip(_noise(c, rng, 16, 10), 0, 1) * 0.2, pal.lit((185, 205, 235)))
    return horizon + 0.1


def _city(c, pal, rng, look) -> float:
    street = 0.72
    _sky(c, pal, street)
    if pal.night:
        _stars(c, rng, 60, 0.4)
    lit = (255, 220, 120) if pal.night or pal.light[2] < 0.8 else (185, 210, 235)
    lit_windows, x = [], 0.0
    while x < PERIOD - 0.05:
        w, top = min(rng.uniform(0.08, 0.16), PERIOD - x), street - rng.uniform(0.2, 0.58)
        body = np.asarray(mix((90, 95, 110), tuple(rng.uniform(60, 200, 3)), 0.25)) * np.maximum(pal.light, 0.5)
        c.paint(c.rect(x, top, x + w, street), body)
        dark = []
        for wy in np.arange(top + 0.03, street - 0.04, 0.045):
            for wx in np.arange(x + 0.015, x + w - 0.02, 0.03):
                on = rng.uniform() < (0.55 if pal.night else 0.9)
                (lit_windows if on else dark).append([(wx, wy), (wx + 0.015, wy), (wx + 0.015, wy + 0.022),
                                                      (wx, wy + 0.022)])
        if dark:
            c.paint(c.polygons(dark), tone(body, 0.6))
        x += w + rng.uniform(0.0, 0.03)
    c.paint(c.polygons(lit_windows), np.asarray(lit, np.float32) * (1 if pal.night else pal.light))
    c.paint(_ground_below(c, np.full(c.w, street, np.float32)), pal.lit((70, 72, 78)))
    c.paint(c.rect(0, street, PERIOD, street + 0.03), pal.lit((150, 150, 155)))
    dashes = [[(lx, 0.86), (lx + 0.06, 0.86), (lx + 0.06, 0.875), (lx, 0.875)] for lx in np.arange(0.0, PERIOD, 0.12)]
    c.paint(c.polygons(dashes), pal.lit((235, 215, 90)))
    return street


def _forest(c, pal, rng, look) -> float:
    horizon = 0.55
    _sky(c, pal, horizon)
    c.paint(_ground_below(c, _ridge(c, horizon - 0.06, 0.04, rng)), pal.lit((70, 100, 90)))
    for layer, (count, size, col) in enumerate(((30, 0.22, (45, 85, 70)), (22, 0.34, (30, 95, 45)),
                                               (12, 0.5, (22, 70, 35)))):
        _pines(c, [(rng.uniform(0, PERIOD), horizon + 0.04 + 0.1 * layer + rng.uniform(0, 0.05),
                    size * rng.uniform(0.8, 1.2)) for _ in range(count)], pal.lit(col))
        if layer == 0:
            c.paint(_ground_below(c, np.full(c.w, horizon + 0.05, np.float32)), pal.lit((55, 90, 45)))
    floor = pal.lit((70, 95, 45)) * (1 + 0.1 * _noise(c, rng, 60, 30))[..., None]
    c.paint(_ground_below(c, _ridge(c, horizon + 0.22, 0.02, rng)), floor)
    return horizon + 0.2


def _space(c, pal, rng, look) -> float:
    u = _smooth((c.y - Y_TOP) / (Y_BOTTOM - Y_TOP))[..., None]
    base = np.asarray((8, 8, 28), np.float32) + (np.asarray((2, 2, 10), np.float32) - (8, 8, 28)) * u
    c.paint(np.ones((c.h, c.w), np.float32), base * np.ones((1, c.w, 1)))
    neb = np.clip(_noise(c, rng, 6, 8), 0, 1) ** 2
    c.paint(neb * 0.5, np.asarray((110, 50, 140), np.float32))
    neb2 = np.clip(_noise(c, rng, 9, 10), 0, 1) ** 2
    c.paint(neb2 * 0.35, np.asarray((40, 90, 160), np.float32))
    _stars(c, rng, 700, Y_BOTTOM)
    crosses = []
    for x, y in zip(rng.uniform(0, PERIOD, 12), rng.uniform(Y_TOP, Y_BOTTOM, 12)):
        crosses += [[(x - 0.015, y), (x + 0.015, y)], [(x, y - 0.015), (x, y + 0.015)]]
    c.paint(c.lines(crosses, 0.003), (255, 255, 240))
    return Y_TOP


def _room(c, pal, rng, look) -> float:
    floor_y = 0.72
    wall = np.asarray(look.color or (222, 205, 170), np.float32)
    indoor = 0.35 + 0.65 * pal.light       # a room is lit from inside too
    stripes = 1 + 0.05 * (np.sin(c.x * 2 * np.pi * 20) > 0)
    c.paint(np.ones((c.h, c.w), np.float32), wall * indoor * stripes[..., None])
    for wx in (0.25, 1.25):                                        # a window per period shows the time of day
        c.paint(c.rect(wx - 0.17, 0.1, wx + 0.17, 0.5), np.asarray((245, 245, 240), np.float32) * indoor)
        inner = c.rect(wx - 0.15, 0.12, wx + 0.15, 0.48)
        u = _smooth((c.y - 0.12) / 0.36)[..., None]
        c.paint(inner, (pal.zenith + (pal.horizon - pal.zenith) * u) * np.ones((1, c.w, 1)))
        c.paint(c.rect(wx - 0.006, 0.12, wx + 0.006, 0.48), np.asarray((245, 245, 240), np.float32) * indoor)
        c.paint(c.rect(wx - 0.15, 0.294, wx + 0.15, 0.306), np.asarray((245, 245, 240), np.float32) * indoor)
    for px in (0.8, 1.7):                                          # pictures
        c.paint(c.rect(px - 0.1, 0.2, px + 0.1, 0.38), np.asarray((110, 70, 40), np.float32) * indoor)
        c.paint(c.rect(px - 0.085, 0.215, px + 0.085, 0.365), np.asarray((120, 170, 200), np.float32) * indoor)
        c.paint(c.polygon([(px - 0.085, 0.365), (px - 0.02, 0.28), (px + 0.03, 0.33), (px + 0.085, 0.3),
                           (px + 0.085, 0.365)]), np.asarray((80, 140, 80), np.float32) * indoor)
    wood = np.asarray((150, 100, 60), np.float32) * indoor
    grain = 1 + 0.08 * _noise(c, rng, 120, 60) + 0.06 * (np.sin(c.y * 2 * np.pi * 18) > 0.9)
    c.paint(_ground_below(c, np.full(c.w, floor_y, np.float32)), wood * grain[..., None])
    c.paint(c.rect(0, floor_y - 0.03, PERIOD, floor_y), np.asarray((245, 240, 230), np.float32) * indoor)
    return Y_TOP


PAINTERS: dict[str, Callable] = {
    "plain": _plain, "sky": _sky_bg, "beach": _beach, "ocean": _ocean, "grass": _grass, "desert": _desert,
    "snow": _snow, "city": _city, "forest": _forest, "space": _space, "room": _room,
}


def _weather_paint(c: Canvas, pal: Palette, rng: np.random.Generator, look: BackgroundLook, ground: float) -> None:
    if look.kind in ("space", "room", "plain"):
        return
    if look.weather in ("cloudy", "rain"):
        grey = (175, 178, 185) if look.weather == "cloudy" else (120, 124, 132)
        _clouds(c, rng, 14, (Y_TOP + 0.6, min(ground, 1.2) - 0.1), pal.lit(grey), 0.85)
    if look.weather == "snow":
        c.paint(_ground_below(c, np.full(c.w, max(ground, 0.3), np.float32)) * 0.45, pal.lit((250, 252, 255)))


def _tint(rgb: np.ndarray, color) -> np.ndarray:
    luma = rgb @ np.asarray([0.299, 0.587, 0.114], np.float32)
    tinted = luma[..., None] * np.asarray(color, np.float32) / 160.0
    return rgb * 0.6 + np.clip(tinted, 0, 255) * 0.4


@lru_cache(maxsize=12)     # a few MB each at 128 px, tens of MB at 512 px
def texture(look: BackgroundLook, width: int, height: int, seed: int) -> Texture:
    """The painted world of one background look for frames of `width` x `height`, as a small pyramid."""
    density = min(DENSITY, max(0.5, MAX_TEXTURE_SIDE / max(width, height)))   # big frames: paint coarser
    tex_w = int(round(PERIOD * width * density))
    tex_h = int(round((Y_BOTTOM - Y_TOP) * height * density))
    c = Canvas(1.0, tex_h, width_px=tex_w, origin=(0.0, Y_TOP), scale=(width * density, height * density),
               wrap=PERIOD)
    key = f"{look.kind}|{look.time_of_day}|{look.weather}|{look.color}"
    rng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(key.encode())])
    pal = palette(look.time_of_day, look.weather)
    painter = PAINTERS.get(look.kind, _plain)
    water_top = painter(c, pal, rng, look)
    _weather_paint(c, pal, rng, look, water_top if water_top > Y_TOP else 1.0)
    rgb = c.rgb
    if look.color is not None and look.kind not in ("plain", "room"):
        rgb = _tint(rgb, look.color)
    level0 = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    levels = [level0]
    for _ in range(2):
        prev = levels[-1]
        levels.append(cv2.resize(prev, (prev.shape[1] // 2, prev.shape[0] // 2), interpolation=cv2.INTER_AREA))
    return Texture(tuple(levels), water_top, density)
