"""What the plan says about a video: the procedural reference and its ground truth, in one place.

Built from a Timeline and the preview renderer's result (`plan_truth`), or by hand in tests (synthetic videos).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hvg.evaluate.boxes import clip_to_frame

MIN_OPACITY = 0.75    # fainter instances are half background: colour cannot find them
MIN_PIXELS = 4        # nor are instances showing fewer pixels than this
MIN_SHOWN = 0.5       # nor instance-frames showing less than half their usual share of their box (occluded)


@dataclass
class PlanTruth:
    reference: np.ndarray     # (n, h, w, 3) uint8: the procedural render of the plan
    masks: np.ndarray         # (n, h, w) int16: track index per pixel, -1 background
    boxes: np.ndarray         # (n, m, 4) float: planned pixel xyxy, NaN when not visible
    flow: np.ndarray          # (n, h, w, 2) float32: planned backward flow
    names: list[str]          # (m,) instance names
    entities: list[str]       # (m,) entity names (what the report groups by)
    kinds: list[str]          # (m,) built-in kinds drawn
    colors: list[tuple[int, int, int]]  # (m,) program colours
    opacity: np.ndarray       # (n, m) 0..1, times the block's share of the frame during a crossfade
    block_starts: list[int]   # first frame of each block
    fps: float
    still_camera: list[bool] | None = None  # per block: the camera holds still (None: unknown, treat as moving)
    valid: np.ndarray | None = None         # (n, h, w) bool: planned flow valid (no occlusion); None: use masks
    fidelity_reference: np.ndarray | None = None  # (n, h, w, 3) what PSNR/SSIM compare with, when not `reference`
    background: np.ndarray | None = None    # (n, h, w, 3) the plan rendered without entities (None: unknown)

    @property
    def n_frames(self) -> int:
        return len(self.reference)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)"""
        return self.reference.shape[2], self.reference.shape[1]


def plan_truth(timeline, preview) -> PlanTruth:
    """From a `hvg.world.timeline.Timeline` and the `PreviewResult` of rendering it with ground truth."""
    n = timeline.n_frames
    opacity = np.array([np.where(t.visible, t.opacity, 0.0) for t in timeline.tracks]).T.reshape(n, -1)
    opacity = opacity * crossfade_weights(timeline)[:, None]
    return PlanTruth(
        reference=preview.frames, masks=preview.masks, boxes=np.asarray(preview.boxes, np.float64),
        flow=preview.flow, names=[t.instance for t in timeline.tracks], entities=[t.entity for t in timeline.tracks],
        kinds=[t.kind for t in timeline.tracks], colors=[tuple(t.color) for t in timeline.tracks], opacity=opacity,
        block_starts=[b.start_frame for b in timeline.blocks], fps=float(timeline.fps),
        still_camera=[_camera_still(timeline.camera, b.start_frame, b.end_frame) for b in timeline.blocks],
        valid=getattr(preview, "valid", None))


def crossfade_weights(timeline) -> np.ndarray:
    """(n,) how much of each frame is its own block: below 1 in the first frames of a block entered by a
    crossfade, exactly as `hvg.rendering.stitch` blends them (the rest is the previous block's last frame)."""
    weights = np.ones(timeline.n_frames)
    for span in timeline.blocks:
        if span.transition_in == "crossfade" and span.transition_duration > 0 and span.start_frame > 0:
            count = min(span.end_frame - span.start_frame, max(1, round(span.transition_duration * timeline.fps)))
            weights[span.start_frame:span.start_frame + count] = np.arange(1, count + 1) / (count + 1)
    return weights


def _camera_still(camera, start: int, stop: int) -> bool:
    """True when the plan's camera (centre, zoom, roll, shake) does not change over frames start..stop-1."""
    parts = (camera.cx, camera.cy, camera.zoom, camera.roll, camera.shake_x, camera.shake_y)
    return all(np.ptp(np.asarray(p[start:stop], float)) < 1e-6 for p in parts) if stop > start else True


def planned_boxes(truth: PlanTruth) -> np.ndarray:
    """(n, m, 4) planned boxes cut to the frame (what can be seen of them)."""
    width, height = truth.size
    return clip_to_frame(truth.boxes, width, height)


def evaluable(truth: PlanTruth) -> np.ndarray:
    """(n, m) bool: instance-frames a detector can be asked to find: on screen, opaque enough, not mostly hidden.

    Uses the reference masks only to decide WHICH instance-frames are scored, never where to look.
    """
    boxes = planned_boxes(truth)
    n, m = boxes.shape[:2]
    if m == 0:
        return np.zeros((n, 0), bool)
    shown = np.stack([(truth.masks == i).reshape(n, -1).sum(1) for i in range(m)], axis=1).astype(np.float64)
    box_area = np.clip(boxes[..., 2] - boxes[..., 0], 0, None) * np.clip(boxes[..., 3] - boxes[..., 1], 0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(box_area > 0, shown / box_area, 0.0)
    ok = np.isfinite(boxes[..., 0]) & (truth.opacity >= MIN_OPACITY) & (shown >= MIN_PIXELS)
    usual = np.array([np.median(share[ok[:, i], i]) if ok[:, i].any() else 0.0 for i in range(m)])
    return ok & (share >= MIN_SHOWN * usual[None])


def colour_groups(truth: PlanTruth) -> tuple[list[list[int]], list[tuple[int, int, int]]]:
    """Tracks of one colour form one group: the detector cannot tell them apart by colour, so it finds them
    together and the matching step tells them apart."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, color in enumerate(truth.colors):
        groups.setdefault(color, []).append(i)
    return list(groups.values()), list(groups)
