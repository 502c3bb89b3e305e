"""Hand-made test videos with exact ground truth: antialiased discs moving over a smooth textured background.

Used by the validation tests (and useful for trying a metric by hand). The ground truth follows the preview
renderer's conventions: masks (n, h, w) int16 with -1 for background, boxes (n, m, 4) pixel xyxy with NaN when
not visible, BACKWARD flow (n, h, w, 2) with frame_k(p) ≈ frame_{k-1}(p + flow_k(p)).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Disc:
    color: tuple[int, int, int]
    radius: float                 # pixels
    start: tuple[float, float]    # centre at frame 0, pixels
    velocity: tuple[float, float]  # pixels a frame


@dataclass
class SyntheticVideo:
    frames: np.ndarray   # (n, h, w, 3) uint8
    masks: np.ndarray    # (n, h, w) int16
    boxes: np.ndarray    # (n, m, 4) float32
    flow: np.ndarray     # (n, h, w, 2) float32, backward
    colors: list[tuple[int, int, int]]
    block_starts: list[int] = field(default_factory=lambda: [0])


DEFAULT_DISCS = (
    Disc((220, 50, 47), 7.0, (16.0, 20.0), (1.0, 0.5)),
    Disc((40, 90, 220), 9.0, (44.0, 44.0), (-0.8, 0.0)),
    Disc((245, 210, 40), 6.0, (20.0, 48.0), (0.0, 0.0)),
)


def background(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A smooth, textured, still background (h, w, 3) float32: gradients plus low-frequency waves."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.empty((height, width, 3), np.float32)
    for c in range(3):
        fx, fy, phase = rng.uniform(0.05, 0.2), rng.uniform(0.05, 0.2), rng.uniform(0, 6.28)
        image[..., c] = 110 + 40 * np.sin(fx * xs + fy * ys + phase) + 30 * (xs / width) - 20 * (ys / height)
    return image


def make_synthetic(n_frames: int = 24, size: int = 64, discs: tuple[Disc, ...] = DEFAULT_DISCS,
                   block_starts: list[int] | None = None, seed: int = 0) -> SyntheticVideo:
    """Render `discs` (drawn in order, later ones in front) over `background(size, size, seed)`."""
    h = w = size
    base = background(h, w, seed)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5  # pixel centres
    frames = np.empty((n_frames, h, w, 3), np.uint8)
    masks = np.full((n_frames, h, w), -1, np.int16)
    boxes = np.full((n_frames, len(discs), 4), np.nan, np.float32)
    flow = np.zeros((n_frames, h, w, 2), np.float32)
    for k in range(n_frames):
        image = base.copy()
        for i, disc in enumerate(discs):
            cx, cy = disc.start[0] + disc.velocity[0] * k, disc.start[1] + disc.velocity[1] * k
            coverage = np.clip(disc.radius + 0.5 - np.hypot(xs - cx, ys - cy), 0.0, 1.0)[..., None]
            image = image * (1 - coverage) + np.array(disc.color, np.float32) * coverage
            inside = coverage[..., 0] > 0.5
            masks[k][inside] = i
            if k > 0:
                flow[k][inside] = (-disc.velocity[0], -disc.velocity[1])
            box = np.array([cx - disc.radius, cy - disc.radius, cx + disc.radius, cy + disc.radius])
            box = np.clip(box, 0, [w, h, w, h])
            if box[2] > box[0] and box[3] > box[1]:
                boxes[k, i] = box
        frames[k] = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    return SyntheticVideo(frames, masks, boxes, flow, [d.color for d in discs], block_starts or [0])


def synthetic_truth(video: SyntheticVideo, fps: float = 12.0):
    """The `PlanTruth` of a synthetic video: it is its own reference."""
    from hvg.evaluate.truth import PlanTruth
    m = video.boxes.shape[1]
    return PlanTruth(reference=video.frames, masks=video.masks, boxes=video.boxes.astype(np.float64),
                     flow=video.flow, names=[f"disc[{i}]" for i in range(m)], entities=[f"disc{i}" for i in range(m)],
                     kinds=["ball"] * m, colors=list(video.colors), opacity=np.ones((len(video.frames), m)),
                     block_starts=list(video.block_starts), fps=fps)
