"""Timeline: the resolved, per-frame state of every instance and of the camera. Output of `hvg.world.resolve`.

Frame n shows time n / fps. All per-frame arrays have length `n_frames` along their first axis.
Two coordinate systems:
- world: the program's frame units (x right, y down, a position is a centre, size is a height fraction);
- screen: where it lands in the output frame after the camera, in the same units (0..1 covers the frame).
Pixels are screen units times (width, height); the renderer, lowering and eval all use `screen_*`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Track:
    """One instance over the whole video. Off-screen frames have `visible` False (other values then undefined)."""
    instance: str                 # e.g. "palm@palms[1]"
    entity: str                   # the entity's name in the program
    kind: str                     # the built-in kind drawn (free words already mapped)
    color: tuple[int, int, int]   # RGB
    layer: int
    visible: np.ndarray           # (n,) bool: placed by some statement at this frame
    x: np.ndarray                 # (n,) world centre
    y: np.ndarray                 # (n,)
    size: np.ndarray              # (n,) world height fraction
    rotation: np.ndarray          # (n,) degrees, clockwise on screen
    opacity: np.ndarray           # (n,) 0..1
    screen_x: np.ndarray          # (n,) after the camera
    screen_y: np.ndarray          # (n,)
    screen_size: np.ndarray       # (n,) height fraction on screen (size times zoom)
    screen_rotation: np.ndarray   # (n,) degrees: rotation minus camera roll (the picture turns against the camera)
    look: str | None = None


@dataclass
class CameraTrack:
    cx: np.ndarray        # (n,) world point at the screen centre (0.5, 0.5 when still)
    cy: np.ndarray        # (n,)
    zoom: np.ndarray      # (n,) 1 = the frame as written
    roll: np.ndarray      # (n,) degrees
    shake_x: np.ndarray   # (n,) screen offset from shake, frame units (deterministic under the scene seed)
    shake_y: np.ndarray   # (n,)


@dataclass
class BlockSpan:
    index: int
    start_frame: int      # first frame of the block
    end_frame: int        # one past its last frame
    description: str
    background: str       # built-in background kind (free words mapped)
    time_of_day: str      # dawn | day | sunset | night
    weather: str          # clear | cloudy | rain | snow | fog
    background_color: tuple[int, int, int] | None
    background_motion: str  # still | waves | drift | flicker | rain
    motion_strength: float
    style: str            # built-in style word (block style, else video style, else "flat")
    transition_in: str = "cut"        # cut | smooth | crossfade, at this block's start
    transition_duration: float = 0.0  # seconds


@dataclass
class Timeline:
    fps: int
    width: int
    height: int
    n_frames: int
    seed: int
    tracks: list[Track]
    camera: CameraTrack
    blocks: list[BlockSpan]
    chunk_spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start_frame, end_frame, description)

    def block_of(self, frame: int) -> BlockSpan:
        return next(b for b in self.blocks if b.start_frame <= frame < b.end_frame)

    def draw_order(self) -> list[Track]:
        """Back to front: by layer, then by the order the program defined them."""
        return sorted(self.tracks, key=lambda t: t.layer)
