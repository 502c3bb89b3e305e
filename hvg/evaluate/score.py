"""Score one video against its plan: every metric family, one call.

    result = score_video(frames, truth)
    result.summary   # nested dict of floats: what `hvg eval --format json` prints
    result.series    # per-frame arrays for plots
    result.detected  # (n, m, 4) detected boxes, for contact sheets
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hvg.evaluate import coherence, control, fidelity, flowcheck, seams
from hvg.evaluate.opticalflow import measure_flow
from hvg.evaluate.truth import PlanTruth, colour_groups, evaluable, planned_boxes


class VideoMismatch(ValueError):
    """The video cannot be compared with the plan (frame count or size differ); says how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


@dataclass
class EvalResult:
    summary: dict
    series: dict[str, np.ndarray] = field(default_factory=dict)
    detected: np.ndarray | None = None
    planned: np.ndarray | None = None
    scored: np.ndarray | None = None   # (n, m) bool: the instance-frames control accuracy scores


def check_compatible(frames: np.ndarray, truth: PlanTruth) -> None:
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise VideoMismatch(f"the video has shape {frames.shape}, expected (frames, height, width, 3)",
                            "give an RGB video file or a folder of PNG frames")
    if frames.shape[1:3] != truth.reference.shape[1:3]:
        raise VideoMismatch(f"the video is {frames.shape[2]}x{frames.shape[1]} but the program renders "
                            f"{truth.size[0]}x{truth.size[1]}",
                            "render the video at the program's `size`, or change the program's size")
    if len(frames) != truth.n_frames:
        raise VideoMismatch(f"the video has {len(frames)} frames but the program has {truth.n_frames} "
                            f"({truth.n_frames / truth.fps:g} s at {truth.fps:g} fps)",
                            "render the video from this program (hvg render FILE), at the program's fps")


def score_video(frames: np.ndarray, truth: PlanTruth, *, seed: int = 0) -> EvalResult:
    """All metrics of `frames` (n, h, w, 3) uint8 against `truth`. Deterministic."""
    check_compatible(frames, truth)
    planned = planned_boxes(truth)
    scored = evaluable(truth)
    groups, group_colors = colour_groups(truth)

    on_reference: dict = {}
    detected = control.detect_boxes(frames, truth.reference, truth.masks, planned, scored, groups, group_colors,
                                    truth.block_starts, truth.still_camera, seed=seed,
                                    reference_detections=on_reference, background=truth.background)
    accuracy = control.control_accuracy(detected, planned, scored, truth.entities, truth.block_starts)
    ceiling = control.control_accuracy(on_reference["boxes"], planned, scored, truth.entities, truth.block_starts)
    accuracy["reference_mean_iou"] = ceiling["mean_iou"]

    measured = measure_flow(frames)
    planned_valid = truth.valid if truth.valid is not None else coherence.same_owner(truth.masks, truth.flow)
    warping = coherence.warping_error_per_pair(frames, measured, planned_valid)
    flicker = coherence.flicker_per_pair(frames, truth.flow, planned_valid=planned_valid)
    reference_flicker = coherence.flicker_per_pair(truth.reference, truth.flow, planned_valid=planned_valid)
    target = truth.reference if truth.fidelity_reference is None else truth.fidelity_reference
    psnr = fidelity.psnr_per_frame(frames, target)
    ssim = fidelity.ssim_per_frame(frames, target)
    epe = flowcheck.endpoint_error_per_frame(measured, truth.flow) if len(frames) > 1 else np.zeros(0)

    summary = {
        "frames": int(len(frames)), "fps": truth.fps, "width": truth.size[0], "height": truth.size[1],
        "control": {k: v for k, v in accuracy.items() if k != "iou_per_frame"},
        "coherence": {
            "flicker": coherence.summarise(flicker),
            "reference_flicker": coherence.summarise(reference_flicker),
            "warping_error": coherence.summarise(warping),
        },
        "flow": {
            "epe": float(epe.mean()) if epe.size else float("nan"),
            "epe_moving": flowcheck.moving_endpoint_error(measured, truth.flow),
            "cosine_moving": flowcheck.cosine_agreement(measured, truth.flow),
        },
        "fidelity": {"psnr": fidelity.psnr_video(frames, target), "ssim": float(ssim.mean())},
        "seams": {
            "seam_ratio": seams.seam_ratio(flicker, truth.block_starts),
            "reference_seam_ratio": seams.seam_ratio(reference_flicker, truth.block_starts),
            "warping_seam_ratio": seams.seam_ratio(warping, truth.block_starts),
            "jump_ratio": seams.jump_ratio(flicker, truth.block_starts),
            "reference_jump_ratio": seams.jump_ratio(reference_flicker, truth.block_starts),
            "jumps": seams.jumps(flicker, truth.block_starts, reference_flicker),
        },
    }
    series = {"iou": accuracy["iou_per_frame"], "flicker": flicker, "reference_flicker": reference_flicker,
              "warping_error": warping, "epe": epe, "psnr": psnr, "ssim": ssim}
    return EvalResult(summary, series, detected, planned, scored)


def to_jsonable(value):
    """Plain JSON data: numpy scalars/arrays to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value
