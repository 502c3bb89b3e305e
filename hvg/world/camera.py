"""The camera over the whole video (docs/semantics.md, "Camera"), and world -> screen coordinates.

State (centre, zoom, roll) starts at ((0.5, 0.5), 1, 0) and carries over between blocks; a block's operations
change it over that block: pan moves the centre at (dx, dy) frame units a second, zoom eases (in_out) from the
inherited level to its target by the block's end, rotate turns the roll at D degrees a second, and shake adds a
deterministic on-screen jitter of amplitude A that does not carry over.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hvg.ir import Block, CameraOp
from hvg.world.timeline import CameraTrack

SHAKE_FREQUENCIES_HZ = (3.0, 7.0)   # a hand-held wobble, not per-frame noise: smooth enough to follow
SHAKE_SALT = 0x5A4E                 # keeps the shake stream apart from other uses of the same seed


@dataclass(frozen=True)
class CameraState:
    cx: float = 0.5
    cy: float = 0.5
    zoom: float = 1.0
    roll: float = 0.0


@dataclass(frozen=True)
class BlockCamera:
    """A block's operations, combined: pans and rotations add up, the last zoom wins, shake amplitudes add."""
    pan: tuple[float, float] = (0.0, 0.0)
    zoom: float | None = None
    rotate: float = 0.0
    shake: float = 0.0

    @classmethod
    def from_ops(cls, ops: list[CameraOp]) -> "BlockCamera":
        pan, zoom, rotate, shake = (0.0, 0.0), None, 0.0, 0.0
        for op in ops:
            if op.op == "pan" and isinstance(op.value, tuple):
                pan = (pan[0] + op.value[0], pan[1] + op.value[1])
            elif op.op == "zoom" and op.value is not None:
                zoom = float(op.value)  # type: ignore[arg-type]
            elif op.op == "rotate" and op.value is not None:
                rotate += float(op.value)  # type: ignore[arg-type]
            elif op.op == "shake" and op.value is not None:
                shake += abs(float(op.value))  # type: ignore[arg-type]
        return cls(pan, zoom, rotate, shake)


def ease_in_out(u: np.ndarray) -> np.ndarray:
    return u * u * (3.0 - 2.0 * u)


def shake_offsets(amplitude: float, times: np.ndarray, seed: int, block_index: int) -> tuple[np.ndarray, np.ndarray]:
    """Two smooth jitters (x, y) bounded by `amplitude`: per axis, two sines of random phase and weight whose
    weights sum to 1. Seeded by the video seed and the block index, so a re-render shakes the same way."""
    if amplitude == 0 or len(times) == 0:
        return np.zeros_like(times), np.zeros_like(times)
    rng = np.random.default_rng([SHAKE_SALT, seed, block_index])
    axes = []
    for _ in range(2):
        phases = rng.uniform(0.0, 2.0 * np.pi, size=2)
        weight = rng.uniform(0.3, 0.7)
        wobble = (weight * np.sin(2 * np.pi * SHAKE_FREQUENCIES_HZ[0] * times + phases[0])
                  + (1.0 - weight) * np.sin(2 * np.pi * SHAKE_FREQUENCIES_HZ[1] * times + phases[1]))
        axes.append(amplitude * wobble)
    return axes[0], axes[1]


def frame_range(start: float, end: float, fps: int) -> tuple[int, int]:
    """Frames n with start <= n / fps < end, as [first, one past last). A tolerance absorbs float error in
    times like 0.1 * 3."""
    eps = 1e-9
    return int(np.ceil(start * fps - eps)), int(np.ceil(end * fps - eps))


def camera_track(blocks: list[Block], n_frames: int, fps: int, seed: int) -> CameraTrack:
    """The camera at every frame; frames outside every block hold the last state."""
    cx, cy, zoom, roll = (np.empty(n_frames) for _ in range(4))
    shake_x, shake_y = np.zeros(n_frames), np.zeros(n_frames)
    state = CameraState()
    cursor = 0
    for index, block in enumerate(sorted(blocks, key=lambda b: b.start)):
        first, last = frame_range(block.start, block.end, fps)
        first, last = max(first, 0), min(last, n_frames)
        _hold(state, slice(cursor, max(first, cursor)), cx, cy, zoom, roll)
        ops = BlockCamera.from_ops(block.camera)
        times = np.arange(first, last) / fps
        elapsed = times - block.start
        duration = max(block.end - block.start, 1e-12)
        target_zoom = state.zoom if ops.zoom is None else ops.zoom
        cx[first:last] = state.cx + ops.pan[0] * elapsed
        cy[first:last] = state.cy + ops.pan[1] * elapsed
        zoom[first:last] = state.zoom + (target_zoom - state.zoom) * ease_in_out(np.clip(elapsed / duration, 0, 1))
        roll[first:last] = state.roll + ops.rotate * elapsed
        shake_x[first:last], shake_y[first:last] = shake_offsets(ops.shake, times, seed, index)
        state = CameraState(state.cx + ops.pan[0] * duration, state.cy + ops.pan[1] * duration, target_zoom,
                            state.roll + ops.rotate * duration)
        cursor = max(cursor, last)
    _hold(state, slice(cursor, n_frames), cx, cy, zoom, roll)
    return CameraTrack(cx=cx, cy=cy, zoom=zoom, roll=roll, shake_x=shake_x, shake_y=shake_y)


def _hold(state: CameraState, frames: slice, cx, cy, zoom, roll) -> None:
    cx[frames], cy[frames], zoom[frames], roll[frames] = state.cx, state.cy, state.zoom, state.roll


def to_screen(x: np.ndarray, y: np.ndarray, camera: CameraTrack, frame_aspect: float = 1.0
              ) -> tuple[np.ndarray, np.ndarray]:
    """0.5 + R(-roll)·(p - centre)·zoom + shake, per frame. The rotation is done in pixel-proportional units
    (x scaled by the frame's width / height) so that a roll turns the picture rigidly on a wide frame too."""
    theta = np.deg2rad(-camera.roll)
    dx = (x - camera.cx) * frame_aspect
    dy = y - camera.cy
    cos, sin = np.cos(theta), np.sin(theta)
    rx = (cos * dx - sin * dy) / frame_aspect
    ry = sin * dx + cos * dy
    return 0.5 + rx * camera.zoom + camera.shake_x, 0.5 + ry * camera.zoom + camera.shake_y
