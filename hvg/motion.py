"""Kinematics of one statement: where an instance is, how big, how turned and how opaque at a given time.

This is docs/semantics.md, "Motions", as code. Pure Python on purpose: `hvg check` imports it for its
position warnings (teleport, off-screen, too fast) and must start fast, so no numpy here. `hvg.world.resolve`
calls the same functions frame by frame, so the checker and the renderers agree by construction.

Coordinates are frame units ((0, 0) top-left, y down); a position is a centre; `size` is a height fraction.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from hvg.ir import At, Bounces, Enters, Exits, Keys, Moves, Orbits, Placement, Point
from hvg.vocab import KIND_ASPECT

FRAME_CENTRE: Point = (0.5, 0.5)
BOUNCE_SAMPLES_PER_HOP = 64   # path length of a bounce is measured numerically; 64 chords a hop is < 0.1% off


@dataclass(frozen=True)
class State:
    """One instance at one time, in world (frame) units."""
    x: float
    y: float
    size: float       # height as a fraction of the frame height
    rotation: float   # degrees, clockwise on screen
    opacity: float    # 0..1


# ---------------------------------------------------------------------------------------------------------------
# Eases
# ---------------------------------------------------------------------------------------------------------------

def ease_linear(u: float) -> float:
    return u


def ease_in(u: float) -> float:
    return u * u


def ease_out(u: float) -> float:
    return 1.0 - (1.0 - u) ** 2


def ease_in_out(u: float) -> float:
    return u * u * (3.0 - 2.0 * u)


EASE_FUNCTIONS = {"linear": ease_linear, "in": ease_in, "out": ease_out, "in_out": ease_in_out}


def ease(name: str, u: float) -> float:
    """`ease("in_out", 0.25)`; names as in hvg.vocab.EASES."""
    return EASE_FUNCTIONS[name](u)


# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------

def _lerp(a: Point, b: Point, f: float) -> Point:
    return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)


def _distance(a: Point, b: Point) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def progress(placement: Placement, time: float) -> float:
    """u = (time - start) / (end - start), clamped to [0, 1]; 0 for an empty span."""
    span = placement.end - placement.start
    if span <= 0:
        return 0.0
    return min(1.0, max(0.0, (time - placement.start) / span))


def half_extent(size: float, kind: str | None = None, frame_aspect: float = 1.0) -> tuple[float, float]:
    """Half the object's (width, height) in frame units. `frame_aspect` is the frame's width / height: a frame
    unit across is wider than a frame unit down on a wide frame, so the same object spans fewer of them."""
    aspect = KIND_ASPECT.get(kind, 1.0) if kind else 1.0
    return (size * aspect / (2.0 * frame_aspect), size / 2.0)


def _off_screen(point: Point, side: str, extent: tuple[float, float]) -> Point:
    """`point` moved across `side` until the object just no longer touches the frame."""
    hx, hy = extent
    x, y = point
    return {"left": (-hx, y), "right": (1.0 + hx, y), "top": (x, -hy), "bottom": (x, 1.0 + hy)}[side]


def size_at(placement: Placement, entity_size: float, u: float) -> float:
    if placement.size is None:
        return entity_size
    a, b = placement.size
    return a + (b - a) * u


def _polyline_point(path: list[Point], fraction: float) -> Point:
    lengths = [_distance(path[i], path[i + 1]) for i in range(len(path) - 1)]
    total = sum(lengths)
    if total <= 0:
        return path[0]
    remaining = fraction * total
    for i, length in enumerate(lengths):
        if remaining <= length or i == len(lengths) - 1:
            return _lerp(path[i], path[i + 1], 0.0 if length <= 0 else min(1.0, remaining / length))
        remaining -= length
    return path[-1]


def _keys_point(keys: Keys, time: float) -> Point:
    frames = sorted(keys.keys, key=lambda k: k.time)
    if time <= frames[0].time:
        return frames[0].pos
    for a, b in zip(frames, frames[1:]):
        if time <= b.time:
            gap = b.time - a.time
            return b.pos if gap <= 0 else _lerp(a.pos, b.pos, (time - a.time) / gap)
    return frames[-1].pos


# ---------------------------------------------------------------------------------------------------------------
# Position
# ---------------------------------------------------------------------------------------------------------------

def position_at(placement: Placement, time: float, previous_end: Point | None = None, *,
                entity_size: float = 0.1, kind: str | None = None, frame_aspect: float = 1.0) -> Point:
    """The centre at `time` (clamped to the span). `previous_end` is where the instance's previous statement
    ended (only `exits` uses it); size, kind and frame aspect only matter to `enters`/`exits` (off-screen)."""
    motion = placement.motion
    u = progress(placement, time)
    if isinstance(motion, At):
        return motion.pos
    if isinstance(motion, Moves):
        return _polyline_point(motion.path, ease(motion.ease, u))
    if isinstance(motion, Bounces):
        x, baseline = _lerp(motion.start, motion.end, u)
        return (x, baseline - motion.height * abs(math.sin(math.pi * motion.times * u)))
    if isinstance(motion, Orbits):
        theta = 2.0 * math.pi * motion.turns * u
        return (motion.center[0] + motion.radius * math.cos(theta),
                motion.center[1] + motion.radius * math.sin(theta))
    if isinstance(motion, Enters):
        target = motion.to if motion.to is not None else FRAME_CENTRE
        extent = half_extent(size_at(placement, entity_size, 0.0), kind, frame_aspect)
        return _lerp(_off_screen(target, motion.side, extent), target, ease_out(u))
    if isinstance(motion, Exits):
        origin = previous_end if previous_end is not None else FRAME_CENTRE
        extent = half_extent(size_at(placement, entity_size, 1.0), kind, frame_aspect)
        return _lerp(origin, _off_screen(origin, motion.side, extent), ease_in(u))
    if isinstance(motion, Keys):
        return _keys_point(motion, placement.start + u * (placement.end - placement.start))
    raise TypeError(f"unknown motion {type(motion).__name__}")


def start_position(placement: Placement, previous_end: Point | None = None, *, entity_size: float = 0.1,
                   kind: str | None = None, frame_aspect: float = 1.0) -> Point:
    """Where the statement starts (u = 0)."""
    return position_at(placement, placement.start, previous_end,
                       entity_size=entity_size, kind=kind, frame_aspect=frame_aspect)


def end_position(placement: Placement, previous_end: Point | None = None, *, entity_size: float = 0.1,
                 kind: str | None = None, frame_aspect: float = 1.0) -> Point:
    """Where the statement ends (the limit u -> 1; spans are half-open)."""
    return position_at(placement, placement.end, previous_end,
                       entity_size=entity_size, kind=kind, frame_aspect=frame_aspect)


def path_length(placement: Placement, previous_end: Point | None = None, *, entity_size: float = 0.1,
                kind: str | None = None, frame_aspect: float = 1.0) -> float:
    """Distance travelled over the span in frame units (exact where a closed form exists)."""
    motion = placement.motion
    if isinstance(motion, At):
        return 0.0
    if isinstance(motion, Moves):
        return sum(_distance(a, b) for a, b in zip(motion.path, motion.path[1:]))
    if isinstance(motion, Orbits):
        return 2.0 * math.pi * abs(motion.radius) * abs(motion.turns)
    if isinstance(motion, (Enters, Exits)):
        kw = dict(entity_size=entity_size, kind=kind, frame_aspect=frame_aspect)
        return _distance(start_position(placement, previous_end, **kw), end_position(placement, previous_end, **kw))
    if isinstance(motion, Keys):
        times = [placement.start, *sorted(k.time for k in motion.keys if placement.start < k.time < placement.end),
                 placement.end]
        points = [_keys_point(motion, t) for t in times]
        return sum(_distance(a, b) for a, b in zip(points, points[1:]))
    if isinstance(motion, Bounces):
        samples = BOUNCE_SAMPLES_PER_HOP * motion.times
        points = [position_at(placement, placement.start + (placement.end - placement.start) * i / samples)
                  for i in range(samples + 1)]
        return sum(_distance(a, b) for a, b in zip(points, points[1:]))
    raise TypeError(f"unknown motion {type(motion).__name__}")


# ---------------------------------------------------------------------------------------------------------------
# Full state
# ---------------------------------------------------------------------------------------------------------------

def state_at(placement: Placement, entity_size: float, time: float, previous_end: Point | None = None, *,
             kind: str | None = None, frame_aspect: float = 1.0) -> State:
    """Position, size, rotation and opacity of the instance that `placement` places, at `time` (seconds)."""
    u = progress(placement, time)
    x, y = position_at(placement, time, previous_end, entity_size=entity_size, kind=kind, frame_aspect=frame_aspect)
    rotation = (placement.spins or 0.0) * (time - placement.start)
    opacity = {"in": u, "out": 1.0 - u}.get(placement.fades, 1.0)  # type: ignore[arg-type]
    return State(x=x, y=y, size=size_at(placement, entity_size, u), rotation=rotation, opacity=opacity)
