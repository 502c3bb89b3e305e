"""Where things go on screen when a prompt does not say: tiers by kind, sizes, colours, free slots.

Frame units, origin top-left, y down, a position is a centre (docs/semantics.md). Ground things stand on a
ground line near the bottom, backdrop things (trees, houses) a little higher and behind, sky things in lanes
near the top, boats on the water line.
"""
from __future__ import annotations

from hvg import vocab

Point = tuple[float, float]

DEFAULT_SIZE = {"ball": 0.1, "box": 0.12, "star": 0.07, "tree": 0.3, "house": 0.3, "car": 0.13, "bird": 0.07,
                "fish": 0.08, "boat": 0.16, "person": 0.25, "rocket": 0.2, "cloud": 0.12, "sun": 0.14,
                "moon": 0.12, "flower": 0.1, "balloon": 0.12}
DEFAULT_COLOR = {"ball": "red", "box": "brown", "star": "yellow", "tree": "green", "house": "gray", "car": "blue",
                 "bird": "white", "fish": "orange", "boat": "brown", "person": "blue", "rocket": "white",
                 "cloud": "white", "sun": "yellow", "moon": "white", "flower": "pink", "balloon": "red"}
# Things whose word says their colour better than their kind does (a taxi is yellow, a crow black).
NOUN_COLOR = {"taxi": "yellow", "bus": "yellow", "crow": "black", "raven": "black", "duck": "yellow",
              "goldfish": "orange", "shark": "gray", "whale": "blue", "dolphin": "gray", "pigeon": "gray",
              "eagle": "brown", "hawk": "brown", "owl": "brown", "parrot": "green", "sparrow": "brown",
              "sunflower": "yellow", "rose": "red", "daisy": "white", "lily": "white", "pine": "green",
              "smoke": "gray", "comet": "white", "barn": "red", "planet": "blue", "basketball": "orange",
              "football": "brown", "pebble": "gray", "crate": "brown", "present": "red", "gift": "red"}
BACKDROP_KINDS = frozenset({"tree", "house"})
SKY_KINDS = frozenset({"bird", "cloud", "sun", "moon", "star", "balloon"})
WATER_KINDS = frozenset({"boat", "fish"})
SKY_LANES = {"bird": (0.25, 0.35, 0.18, 0.42), "cloud": (0.14, 0.22), "sun": (0.18,), "moon": (0.16,),
             "star": (0.12, 0.2, 0.28), "balloon": (0.35, 0.28, 0.42)}
GROUND_LINE = 0.9       # bottom of things standing in front
BACKDROP_LINE = 0.76    # bottom of trees and houses, which stand further back
WATER_LINE = 0.74       # bottom of a floating boat
BEACH_WATER_LINE = 0.58
HORIZON = 0.45          # where the sun and moon rise from and set to
MARGIN = 0.02
SLOTS = (0.5, 0.3, 0.7, 0.15, 0.85, 0.4, 0.6, 0.22, 0.78)
CORNER_SLOTS = (0.8, 0.2, 0.65, 0.35)


def width(kind: str, size: float) -> float:
    """Width in frame units on a square frame (the planner's 128x128 videos)."""
    return size * vocab.KIND_ASPECT.get(kind, 1.0)


def rest_y(kind: str, size: float, background: str, lane: int = 0) -> float:
    """Where a thing of this kind naturally sits, vertically."""
    if kind in SKY_KINDS:
        lanes = SKY_LANES[kind]
        return lanes[lane % len(lanes)]
    if background == "space":
        return 0.55 + 0.1 * (lane % 3)
    if kind in WATER_KINDS:
        line = BEACH_WATER_LINE if background == "beach" else WATER_LINE  # a beach's sea is a band up high
        return line - size / 2 if kind == "boat" else line + 0.06 + 0.06 * (lane % 3)
    line = BACKDROP_LINE if kind in BACKDROP_KINDS else GROUND_LINE
    return line - size / 2


def clamp_x(x: float, kind: str, size: float) -> float:
    half = width(kind, size) / 2 + MARGIN
    return min(max(x, half), 1 - half)


def clamp_y(y: float, size: float) -> float:
    half = size / 2 + MARGIN
    return min(max(y, half), 1 - half)


def overlap(a: tuple[Point, float, float], b: tuple[Point, float, float]) -> float:
    """Overlap area of two boxes given as (centre, width, height)."""
    (ax, ay), aw, ah = a
    (bx, by), bw, bh = b
    dx = min(ax + aw / 2, bx + bw / 2) - max(ax - aw / 2, bx - bw / 2)
    dy = min(ay + ah / 2, by + bh / 2) - max(ay - ah / 2, by - bh / 2)
    return max(dx, 0.0) * max(dy, 0.0)


def free_spot(kind: str, size: float, y: float, taken: list[tuple[Point, float, float]],
              far_from: float | None = None) -> Point:
    """The first slot (centre first, then outwards; farthest from `far_from` first when given) where a thing
    overlaps the others least."""
    slots = CORNER_SLOTS if kind in ("sun", "moon") else SLOTS
    if far_from is not None:  # somewhere to go to: leave room for the way there
        slots = tuple(sorted(slots, key=lambda x: -abs(x - far_from)))
    best, best_overlap = None, None
    for x in slots:
        point = (round(clamp_x(x, kind, size), 3), round(y, 3))
        area = sum(overlap((point, width(kind, size), size), other) for other in taken)
        if best_overlap is None or area < best_overlap - 1e-9:
            best, best_overlap = point, area
        if area == 0:
            break
    return best  # type: ignore[return-value]
