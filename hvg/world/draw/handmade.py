"""Timelines built by hand, without a scene program: for tests, the gallery and benchmarks.

`timeline([thing("ball", x=np.linspace(0.2, 0.8, 24))], n_frames=24, background="grass")` gives a Timeline whose
screen values come from the same camera formula `resolve` uses (`hvg.world.camera.to_screen`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hvg.vocab import COLORS
from hvg.world.camera import to_screen
from hvg.world.timeline import BlockSpan, CameraTrack, Timeline, Track


@dataclass
class Thing:
    kind: str
    x: object = 0.5                # a number or an (n,) array
    y: object = 0.5
    size: object = 0.2
    rotation: object = 0.0
    opacity: object = 1.0
    color: object = "red"          # a colour name or an RGB triple
    layer: int = 0
    visible: object = True
    name: str | None = None


def thing(kind: str, **kwargs) -> Thing:
    return Thing(kind, **kwargs)


@dataclass
class Shot:
    """Camera values per frame (numbers or (n,) arrays)."""
    cx: object = 0.5
    cy: object = 0.5
    zoom: object = 1.0
    roll: object = 0.0
    shake_x: object = 0.0
    shake_y: object = 0.0


@dataclass
class Look:
    background: str = "plain"
    time_of_day: str = "day"
    weather: str = "clear"
    color: tuple[int, int, int] | None = None
    motion: str = "still"
    strength: float = 1.0
    style: str = "flat"
    extra: dict = field(default_factory=dict)


def _per_frame(value, n: int, dtype=np.float64) -> np.ndarray:
    arr = np.asarray(value, dtype)
    return np.broadcast_to(arr, (n,)).copy() if arr.ndim == 0 else arr.astype(dtype)


def camera_track(shot: Shot, n: int) -> CameraTrack:
    return CameraTrack(*(_per_frame(getattr(shot, k), n) for k in ("cx", "cy", "zoom", "roll", "shake_x", "shake_y")))


def timeline(things: list[Thing], *, n_frames: int = 24, width: int = 128, height: int = 128, fps: int = 24,
             seed: int = 0, look: Look | None = None, shot: Shot | None = None,
             blocks: list[tuple[int, Look]] | None = None) -> Timeline:
    """One block with `look` (or several: `blocks` lists (start_frame, look) pairs) and a camera `shot`."""
    camera = camera_track(shot or Shot(), n_frames)
    tracks = []
    for i, t in enumerate(things):
        x, y = _per_frame(t.x, n_frames), _per_frame(t.y, n_frames)
        size, rotation = _per_frame(t.size, n_frames), _per_frame(t.rotation, n_frames)
        sx, sy = to_screen(x, y, camera, width / height)
        color = COLORS[t.color] if isinstance(t.color, str) else tuple(t.color)
        tracks.append(Track(instance=t.name or f"{t.kind}{i}", entity=t.name or f"{t.kind}{i}", kind=t.kind,
                            color=color, layer=t.layer, visible=_per_frame(t.visible, n_frames, bool),
                            x=x, y=y, size=size, rotation=rotation, opacity=_per_frame(t.opacity, n_frames),
                            screen_x=sx, screen_y=sy, screen_size=size * camera.zoom,
                            screen_rotation=rotation - camera.roll))
    starts = blocks or [(0, look or Look())]
    spans = []
    for index, (start, lk) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else n_frames
        spans.append(BlockSpan(index=index, start_frame=start, end_frame=end, description=lk.background,
                               background=lk.background, time_of_day=lk.time_of_day, weather=lk.weather,
                               background_color=lk.color, background_motion=lk.motion,
                               motion_strength=lk.strength, style=lk.style))
    return Timeline(fps=fps, width=width, height=height, n_frames=n_frames, seed=seed, tracks=tracks, camera=camera,
                    blocks=spans)
