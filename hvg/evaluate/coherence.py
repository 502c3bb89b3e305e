"""Temporal coherence: flicker (after the planned motion) and warping error (along the measured flow).

Both are built on one quantity, the motion-compensated difference of each consecutive frame pair:
    d_k = mean over valid p of |frame_k(p) - frame_{k-1}(p + flow_k(p))| / 255 ,   k = 1..n-1
so a perfectly coherent video scores 0 and values are fractions of full scale.
"""
from __future__ import annotations

import numpy as np

from hvg.evaluate.opticalflow import warp_previous


def compensated_differences(frames: np.ndarray, flow: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """(n-1,) d_k for k = 1..n-1: mean |frame_k - warp(frame_{k-1}, flow_k)| / 255 over valid, in-frame pixels.

    `valid` (n, h, w) bool optionally restricts the pixels (e.g. no occlusions); pairs with no valid pixel get NaN.
    """
    n = len(frames)
    out = np.full(max(n - 1, 0), np.nan)
    for k in range(1, n):
        warped, inside = warp_previous(frames[k - 1], flow[k])
        keep = inside if valid is None else inside & valid[k]
        if keep.any():
            diff = np.abs(frames[k].astype(np.float32) - warped).mean(axis=-1)
            out[k - 1] = diff[keep].mean() / 255.0
    return out


def flicker_per_pair(frames: np.ndarray, planned_flow: np.ndarray, planned_masks: np.ndarray | None = None,
                     planned_valid: np.ndarray | None = None) -> np.ndarray:
    """(n-1,) flicker: d_k after compensating the PLANNED motion, on pixels the plan keeps visible.

    With `planned_masks` (n, h, w) int16 (-1 background), a pixel counts only when the instance under it in frame k
    is the one found at p + flow in frame k-1 (so objects sliding over each other are not counted as flicker).
    What is left is brightness/colour change that the plan does not explain: flicker.
    `planned_valid` (n, h, w) bool, the renderer's own occlusion mask, replaces that test when given.
    """
    valid = planned_valid
    if valid is None and planned_masks is not None:
        valid = same_owner(planned_masks, planned_flow)
    return compensated_differences(frames, planned_flow, valid)


def warping_error_per_pair(frames: np.ndarray, measured_flow: np.ndarray,
                           planned_valid: np.ndarray | None = None) -> np.ndarray:
    """(n-1,) warping error: d_k along the flow MEASURED on the video itself, leaving out the pixels the plan
    occludes or reveals (as in Lai et al. 2018, 'Learning blind video temporal consistency', with the plan in the
    role of the input video). Occlusions are NOT taken from the video's own flow: a forward-backward check on a
    broken video would leave out exactly the pixels that are broken.
    `planned_valid` (n, h, w) bool: the renderer's occlusion mask, or `same_owner(masks, planned_flow)`."""
    return compensated_differences(frames, measured_flow, planned_valid)


def same_owner(masks: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """(n, h, w) bool: the owner (instance or background) at p in frame k equals the owner at p + flow in k-1."""
    n, h, w = masks.shape
    valid = np.zeros((n, h, w), bool)
    ys, xs = np.mgrid[0:h, 0:w]
    for k in range(1, n):
        qx = np.clip(np.rint(xs + flow[k, ..., 0]).astype(int), 0, w - 1)
        qy = np.clip(np.rint(ys + flow[k, ..., 1]).astype(int), 0, h - 1)
        valid[k] = masks[k] == masks[k - 1][qy, qx]
    return valid


def summarise(per_pair: np.ndarray) -> float:
    """Mean over frame pairs, ignoring pairs with nothing to measure; NaN when there is none."""
    finite = per_pair[np.isfinite(per_pair)]
    return float(finite.mean()) if finite.size else float("nan")
